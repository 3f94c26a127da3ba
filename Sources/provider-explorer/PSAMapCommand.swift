import ArgumentParser
import ConnectWise
import Explorer
import Foundation
import Logging
import ProviderAPI
import ProviderSimulator
import Sync

struct PSAMapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Suggest a ConnectWise company for each organization with no customer.",
        discussion: """
        Names are folded (case, accents) and legal forms set aside (GmbH, Ltd, Inc, LLC, \
        AB, ApS, Oy, AG, BV, S.A., SRL, Sp. z o.o., 株式会社, …): the same words score 1.0, \
        the same words in another order 0.95, else how alike their letters are (at most \
        0.9). The table shows the runner-up. --write adds the suggestions at or above \
        --min-score to the customers file, never changing a row already there; the file \
        is written whole or not at all.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv }

    @Option(help: "table or csv (default: table on a terminal, csv otherwise).")
    var format: Format?

    @Option(help: ArgumentHelp("Add the suggestions at or above --min-score to this customers file (organizationId,customerId).", valueName: "FILE"))
    var write: String?

    @Option(name: .customLong("min-score"), help: "The lowest score --write takes (0 to 1, default 0.9).")
    var minScore = 0.9

    @Option(help: ArgumentHelp("The customers file whose organizations are mapped already; default customers in config.toml.", valueName: "FILE"))
    var customers: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0...1).contains(minScore) else { throw ValidationError("--min-score must be from 0 to 1, not \(minScore)") }
    }

    func run() async throws {
        let context = try PSAContext(global)
        let session = try Session(options: global)
        var mapped: [String: Customer] = [:]
        if customers != nil || context.demo != nil || session.config.path("customers") != nil {
            mapped = try context.customers(customers, session: session, currency: try session.config.priceList().currency).map
        }
        var existing = ""
        if let write, FileManager.default.fileExists(atPath: write) {
            guard let data = FileManager.default.contents(atPath: write) else {
                throw CommandFailure(message: "\(write): cannot be read (no permission?)", code: 66)
            }
            existing = String(decoding: data, as: UTF8.self)
            for (org, customer) in try BillCommand.loadMapping(write) { mapped[org] = customer }
        }
        let organizations = try await session.reportSource().organizations()
        let client = try context.client(transport: session.transport)
        let matcher = CompanyMatcher(companies: try await client.companies())
        let suggestions = TextSearch.collated(organizations.filter { mapped[$0.id] == nil }, name: \.name, id: \.id)
            .map { matcher.suggest(organizationId: $0.id, name: $0.name) }
            .sorted { ($0.best?.score ?? 0) > ($1.best?.score ?? 0) }
        let toTerminal = Output.isTerminal(nil)
        func score(_ s: Double?) -> String { s.map { String(format: "%.2f", $0) } ?? "" }
        if let write {
            let taken = suggestions.filter { ($0.best?.score ?? 0) >= minScore && $0.isClear }
            guard !taken.isEmpty else {
                try Output.emit("Nothing added to \(write): no suggestion scores \(score(minScore)) or more (\(suggestions.count) organizations have no customer).\n", to: nil)
                return
            }
            try Output.writeFile(write, Data(Self.appending(taken, to: existing).utf8))
            try Output.emit("Added \(taken.count) organizations to \(write) (score \(score(minScore)) or more, no runner-up as good); \(suggestions.count - taken.count) left for you.\n", to: nil)
            return
        }
        let table = ExportTable(columns: ["organizationId", "organizationName", "customerId", "companyName", "score"], rows: suggestions.map { s in
            [.string(s.organizationId), .string(s.organizationName), .string(s.best?.company.identifier ?? ""),
             .string(s.best?.company.name ?? ""), s.best.map { .number(($0.score * 100).rounded() / 100) } ?? .null]
        })
        switch format ?? (toTerminal ? .table : .csv) {
        case .csv: try Output.emit(table.csv(ExportTable.CSVOptions(forTerminal: toTerminal)), to: nil)
        case .table:
            let rows = ExportTable(columns: ["organization", "id", "customer", "company", "score", "runner-up"], rows: suggestions.map { s in
                [.string(s.organizationName), .string(s.organizationId), .string(s.best?.company.identifier ?? ""), .string(s.best?.company.name ?? ""),
                 .string(score(s.best?.score)),
                 .string(s.runnerUp.map { "\($0.company.identifier) \(score($0.score))" + (s.isClear ? "" : " (a tie: not written)") } ?? "")]
            })
            let sure = suggestions.filter { ($0.best?.score ?? 0) >= minScore && $0.isClear }.count
            try Output.emit(rows.table(maxColumnWidth: 40) + "\n\(suggestions.count) organizations with no customer; \(sure) suggested clearly at \(score(minScore)) or more (psa map --write FILE adds those)\n", to: nil)
        }
    }

    /// The customers file with the suggestions added as rows at its end (its header, or
    /// `organizationId,customerId` for a new file; other columns left empty), its own
    /// line ends kept; the rows already there are not touched.
    static func appending(_ suggestions: [CompanyMatcher.Suggestion], to existing: String) -> String {
        appending(suggestions.compactMap { s in s.best.map { (s.organizationId, $0.company.identifier) } }, to: existing)
    }

    static func appending(_ rows: [(organizationId: String, customerId: String)], to existing: String) -> String {
        let crlf = existing.contains("\r\n")
        let end = crlf ? "\r\n" : "\n"
        var text = existing.isEmpty ? "organizationId,customerId" + end : existing
        // On scalars: "\r\n" is one Character, which neither "\r" nor "\n" equals.
        if text.unicodeScalars.last != "\n" { text += end }
        let firstLine = String(String.UnicodeScalarView(text.unicodeScalars.prefix { $0 != "\n" && $0 != "\r" }))
        let header = firstLine.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for row in rows {
            text += header.map { $0 == "organizationId" ? ExportTable.csvField(row.organizationId) : $0 == "customerId" ? ExportTable.csvField(row.customerId) : "" }
                .joined(separator: ",") + end
        }
        return text
    }

    /// Adds one mapping to the customers file at `path` (made when missing), whole or
    /// not at all; a row already there for the organization is left as it is.
    static func keep(organizationId: String, customerId: String, in path: String) throws {
        let existing = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !existing.isEmpty, try BillCommand.loadMapping(path)[organizationId] != nil { return }
        try Output.writeFile(path, Data(appending([(organizationId, customerId)], to: existing).utf8))
    }
}
