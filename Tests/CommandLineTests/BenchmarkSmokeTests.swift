import Foundation
import Testing
import TestSupport

/// The benchmark of BENCHMARKS.md at toy sizes: every section runs to its end and
/// prints its figures, so it cannot rot between full runs. No timing is asserted.
struct BenchmarkSmokeTests {
    @Test func everySectionRunsAndPrintsItsFigures() async throws {
        let bench = (productBinary as NSString).deletingLastPathComponent + "/provider-explorer-bench"
        #expect(FileManager.default.isExecutableFile(atPath: bench), "swift build --build-tests builds it")
        let result = try await run(bench, ["--smoke"], timeout: 600)
        #expect(result.status == 0, "\(result.stderr)")
        for figure in ["JWT ES256 tokens/s", "first full sync, 100 orgs", "open to first frame, warm cache of 300 orgs",
                       "cursor move (with detail) to a drawn Canvas, 300 orgs |",
                       "cursor move (with detail) to a drawn Canvas, 300 orgs, while a sync writes",
                       "real binary: spawn to first full frame, 100 orgs", "real binary: spawn to first full frame, 300 orgs",
                       "first frame at 300 / at 100 orgs", "bytes to the terminal per cursor move", "real binary: peak RSS browsing 300 orgs",
                       "psa plan, 40 companies and agreements"] {
            #expect(result.stdout.contains(figure), "\(figure) is missing:\n\(result.stdout)")
        }
    }

    /// Its options are swift-argument-parser's: a missing or unknown --only value is a
    /// usage error (64) that names the sections, not a trap.
    @Test func itsOptionsAreParsed() async throws {
        let bench = (productBinary as NSString).deletingLastPathComponent + "/provider-explorer-bench"
        let missing = try await run(bench, ["--only"])
        #expect(missing.status == 64 && missing.stderr.contains("Missing value for '--only <SECTIONS>'"), "\(missing.stderr)")
        let unknown = try await run(bench, ["--smoke", "--only", "jwt,nope"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no section nope; the sections are jwt, sync, psa"), "\(unknown.stderr)")
    }
}
