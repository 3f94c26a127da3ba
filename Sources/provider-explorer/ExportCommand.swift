import ArgumentParser
import Explorer
import Foundation
import ProviderAPI
import Sync

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print organizations or a daily or monthly usage report as CSV, JSON or a table.",
        discussion: """
        Examples:
          provider-explorer export organizations --demo --format table
          provider-explorer export daily --date 2026-11-28 --format csv > usage.csv
          provider-explorer export monthly --month 2026-10 --trial --format json
        """)

    enum What: String, ExpressibleByArgument, CaseIterable {
        case organizations, daily, monthly
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json, table
    }

    @Argument(help: "organizations, daily or monthly")
    var what: What

    @Option(help: ArgumentHelp("The day of a daily report; default the newest.", valueName: "YYYY-MM-DD"))
    var date: Day?

    @Option(help: ArgumentHelp("The month of a monthly report; default the newest.", valueName: "YYYY-MM"))
    var month: Month?

    @Flag(help: "Only organizations on trial.")
    var trial = false

    @Flag(help: "Only the Not-For-Resale organization.")
    var nfr = false

    @Option(help: "Only one tier: business or enterprise.")
    var tier: Tier?

    @OptionGroup var out: OutputOptions<Format>

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if date != nil, what != .daily { throw ValidationError("--date goes with export daily") }
        if month != nil, what != .monthly { throw ValidationError("--month goes with export monthly") }
        // As in the explorer: trial only and NFR only exclude each other.
        if trial, nfr { throw ValidationError("--trial and --nfr exclude each other (an organization is on trial or NFR, not both): give one") }
    }

    /// The one name order of the list, the bill and the changes, then id.
    static func ordered(_ rows: [UsageRow]) -> [UsageRow] {
        TextSearch.collated(rows, name: \.organizationName, id: \.organizationId)
    }

    func run() async throws {
        let session = try Session(options: global)
        let source = try session.reportSource()
        let filter = RowFilter(trialOnly: trial, nfrOnly: nfr, tier: tier)
        let table: ExportTable
        switch what {
        // One documented order every time, fetched or cached: by name (the list's
        // collation), then id.
        case .organizations:
            let organizations = try await source.organizations().filter(filter.accepts)
            table = ExportTable(organizations: TextSearch.collated(organizations, name: \.name, id: \.id))
        case .daily:
            let report = try await source.daily(date)
            table = ExportTable(report: report, rows: Self.ordered(report.rows.filter(filter.accepts)))
        case .monthly:
            let report = try await source.monthly(month)
            table = ExportTable(report: report, rows: Self.ordered(report.rows.filter(filter.accepts)))
        }
        if global.offline {
            let fetched = what == .organizations ? source.store.organizationsFetchedAt : source.store.newestFetch()
            let age = fetched.map { "fetched \(Age.ago(Date().timeIntervalSince($0)))" } ?? "age unknown"
            Output.warn("offline: from the cache (\(age))")
        }
        session.logger.info("export \(what.rawValue): \(table.rows.count) rows in \(session.client.requestCount) requests")
        let toTerminal = out.toTerminal
        let chosen = out.format ?? (toTerminal ? .table : .csv)
        let text: String
        switch chosen {
        case .csv: text = table.csv(.init(raw: out.csvRaw, forTerminal: toTerminal))
        case .json: text = table.json()
        case .table: text = table.table()
        }
        try Output.emit(text, to: out.output)
    }
}
