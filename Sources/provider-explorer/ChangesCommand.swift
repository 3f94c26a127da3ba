import ArgumentParser
import Explorer
import Foundation
import ProviderAPI
import Sync

/// `provider-explorer changes`: what moved between two days or two months.
struct ChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "What changed between two reports: added, removed, tier, license, seats, suspended, trial ending.",
        discussion: """
        PERIOD is a day (YYYY-MM-DD) or a month (YYYY-MM); both ends are of one kind. \
        --to defaults to the newest daily report; --from to the report before --to (with \
        --since-last-seen: the period you last saw in the explorer, when before --to). \
        Exits 0 whether or not anything changed.

        Examples:
          provider-explorer changes
          provider-explorer changes --from 2026-11-01 --to 2026-11-28 --min-seats 10 --format csv
          provider-explorer changes --from 2026-09 --to 2026-10 --format json
        """)

    @Option(help: ArgumentHelp("The earlier day or month.", valueName: "PERIOD"))
    var from: String?

    @Option(help: ArgumentHelp("The later day or month (default: the newest daily report).", valueName: "PERIOD"))
    var to: String?

    // Unconditional: "--min-seats -5" is the value -5 (refused by validate), not a missing value.
    @Option(name: .customLong("min-seats"), parsing: .unconditional, help: "A seat change counts from this many consumed seats.")
    var minSeats = 5

    @Option(name: .customLong("min-percent"), parsing: .unconditional, help: "…and from this percentage of the seats before.")
    var minPercent = 0.0

    @Option(name: .customLong("trial-days"), parsing: .unconditional, help: "A trial ending within this many days after --to is listed.")
    var trialDays = 3

    @Flag(name: .customLong("since-last-seen"), help: "Without --from: compare with the period last seen in the explorer.")
    var sinceLastSeen = false

    @OptionGroup var out: OutputOptions<ExportCommand.Format>

    @OptionGroup var global: GlobalOptions

    static func period(_ text: String) -> Period? {
        if let d = Day(text) { return .day(d) }
        if let m = Month(text) { return .month(m) }
        return nil
    }

    func validate() throws {
        for (flag, value) in [("--from", from), ("--to", to)] {
            if let value, Self.period(value) == nil {
                throw ValidationError("\(flag) must be a day (YYYY-MM-DD) or a month (YYYY-MM), not \(value)")
            }
        }
        if let from = from.flatMap(Self.period), let to = to.flatMap(Self.period) {
            guard from.isDaily == to.isDaily else { throw ValidationError("--from and --to must both be days or both be months") }
            guard from < to else { throw ValidationError("--from must be before --to") }
        }
        guard minSeats >= 0, trialDays >= 0, minPercent >= 0, minPercent.isFinite else {
            let (flag, value) = minSeats < 0 ? ("--min-seats", "\(minSeats)") : trialDays < 0 ? ("--trial-days", "\(trialDays)") : ("--min-percent", "\(minPercent)")
            throw ValidationError("\(flag) must be 0 or more, not \(value)")
        }
    }

    func run() async throws {
        let session = try Session(options: global)
        let source = try session.reportSource()
        let remembered = sinceLastSeen ? session.viewStateFile.load(logger: session.logger) : nil
        // --to, or the newest daily report (the newest monthly one when --from is a month).
        let toReport: UsageReport
        if let asked = to.flatMap(Self.period) ?? from.flatMap(Self.period).flatMap({ $0.isDaily ? nil : Period.month(ReportSchedule.newestMonth(at: session.now())) }) {
            toReport = try await source.report(asked)
        } else {
            toReport = try await source.daily(nil)
        }
        let toPeriod = Period(toReport.period)
        // --from; or, asked for, the period last seen in the explorer (when before --to);
        // else the one before --to: a run from cron moves with --to, day after day.
        var fromPeriod = from.flatMap(Self.period) ?? remembered?.lastSeen(like: toPeriod) ?? toPeriod.previous
        if fromPeriod >= toPeriod { fromPeriod = toPeriod.previous }
        let fromReport = try await source.report(fromPeriod)
        let organizations = try await source.organizations()
        let changes = Changes.compute(from: fromReport.rows, to: toReport.rows, organizations: organizations, lastDay: toPeriod.lastDay,
                                      rules: ChangeRules(minSeats: minSeats, minPercent: minPercent, trialDays: trialDays))
        Output.warn("changes from \(fromPeriod) to \(toPeriod): \(changes.count) (\(Self.summary(changes)))")
        let table = Changes.table(changes)
        let toTerminal = out.toTerminal
        let text: String
        switch out.format ?? (toTerminal ? .table : .csv) {
        case .csv: text = table.csv(.init(raw: out.csvRaw, forTerminal: toTerminal))
        case .json: text = table.json()
        case .table:
            // Two organizations of one name carry the end of their ids, as in the list.
            let same = SameNames((fromReport.rows + toReport.rows).lazy.map { ($0.organizationName, $0.organizationId) })
            var shown = changes
            for i in shown.indices { shown[i].organizationName = same.shown(shown[i].organizationName, id: shown[i].organizationId) }
            text = changes.isEmpty ? "no changes from \(fromPeriod) to \(toPeriod)\n" : Changes.table(shown).table(maxColumnWidth: 48)
        }
        try Output.emit(text, to: out.output)
    }

    /// "2 added, 1 tier, 5 seats".
    static func summary(_ changes: [Change]) -> String {
        let counts = Change.Kind.allCases.compactMap { kind -> String? in
            let n = changes.filter { $0.kind == kind }.count
            return n == 0 ? nil : "\(n) \(kind.rawValue)"
        }
        return counts.isEmpty ? "none" : counts.joined(separator: ", ")
    }
}
