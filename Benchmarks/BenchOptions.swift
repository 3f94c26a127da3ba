import ArgumentParser
import Foundation

/// The benchmark's options, parsed by swift-argument-parser as the product's are.
struct BenchOptions: ParsableArguments {
    static let sections = ["jwt", "sync", "psa", "profile", "cache", "bill", "terminal", "sync-ui", "firstframe"]

    @Flag(help: "Smaller sizes (10,000 organizations where the full run takes 50,000).")
    var quick = false

    @Flag(help: "Every section at toy sizes, its figures meaningless: what `swift test` runs so the benchmark cannot rot.")
    var smoke = false

    @Option(help: ArgumentHelp("Run only these sections, comma-separated: \(BenchOptions.sections.joined(separator: ", ")).", valueName: "SECTIONS"))
    var only: String?

    var sections: Set<String>? { only.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) } }

    func validate() throws {
        if let unknown = sections?.subtracting(Self.sections).sorted().first {
            throw ValidationError("--only: no section \(unknown); the sections are \(Self.sections.joined(separator: ", "))")
        }
    }
}
