import Foundation
import ProviderAPI

/// Writes of fetched data: organizations, reports (one transaction a report), and what the sync learns.
extension UsageStore {
    /// Replaces the organization list with a whole fresh one, in one transaction.
    public func replaceOrganizations(_ organizations: [Organization], fetchedAt: Date) throws {
        try writing { db in
            try db.transaction {
                try db.execute("DELETE FROM organizations")
                let insert = try db.prepare("INSERT OR REPLACE INTO organizations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for (i, o) in organizations.enumerated() {
                    try insert.run([.text(o.id), .int(i), .text(o.name), .text(o.status.rawValue), .text(o.tier.rawValue),
                                    .text(o.licenseType.rawValue), .optional(o.trialEndsAt), .text(o.createdAt),
                                    .optional(Self.encodeExtra(o.extra))])
                }
                try Self.setMeta(db, "organizations_fetched_at", String(fetchedAt.timeIntervalSince1970))
            }
        }
    }

    /// Writes a whole report in one transaction, replacing any earlier copy of it.
    public func write(_ report: UsageReport, fetchedAt: Date) throws {
        let kind = Self.kind(of: report.period)
        let period = Self.ordinal(report.period)
        try writing { db in
            if !refs.loaded { try refs.load(db) }
            do {
                try db.transaction {
                    if refs.hasNoNames { try refs.internNames(report.rows.map(\.organizationName), db) }
                    try db.prepare("DELETE FROM \(kind.table) WHERE period = ?").run([.int(period)])
                    let insert = try db.prepare("INSERT OR REPLACE INTO \(kind.table) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    for r in report.rows {
                        insert.reset()
                        insert.bind(1, period)
                        insert.bind(2, try refs.org(r.organizationId, db))
                        insert.bind(3, try refs.name(r.organizationName, db))
                        insert.bind(4, try refs.tier(r.tier, db))
                        insert.bind(5, try refs.license(r.licenseType, db))
                        insert.bind(6, (r.trial ? 1 : 0) + (r.nfr ? 2 : 0))
                        insert.bind(7, r.activeSeats)
                        insert.bind(8, r.pendingSeats)
                        if r.consumedLicenses == r.activeSeats + r.pendingSeats { insert.bindNull(9) } else { insert.bind(9, r.consumedLicenses) }
                        if let extra = Self.encodeExtra(r.extra) { insert.bind(10, extra) } else { insert.bindNull(10) }
                        try insert.execute()
                    }
                    if case .daily(let day) = report.period { try Self.sumIntoMonth(day, db) }
                    try db.prepare("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?)")
                        .run([.text(kind.rawValue), .text(report.period.description), .text(report.generatedAt),
                              .double(fetchedAt.timeIntervalSince1970), .int(report.rows.count)])
                }
            } catch {
                // Refs made in the transaction are gone with it: read them again next time.
                refs = Refs()
                throw error
            }
        }
    }

    public func setLastSync(_ date: Date) throws {
        try writing { try Self.setMeta($0, "last_sync_at", String(date.timeIntervalSince1970)) }
    }

    /// The API answered "no report" for `period`: its history of that kind starts
    /// after it. Kept (the latest such start) so that no view asks for it again.
    public func recordNoReport(before period: ReportPeriod) throws {
        let (key, start) = switch period {
        case .daily(let d): ("history_start_daily", d.adding(days: 1).description)
        case .monthly(let m): ("history_start_monthly", m.adding(months: 1).description)
        }
        if let known = meta(key), known >= start { return }
        try writing { try Self.setMeta($0, key, start) }
    }

    /// The first day and the first month the API has a report for, as far as known.
    public var historyStart: (day: Day?, month: Month?) {
        (meta("history_start_daily").flatMap { Day($0) }, meta("history_start_monthly").flatMap { Month($0) })
    }

    private static func setMeta(_ db: Database, _ key: String, _ value: String) throws {
        try db.prepare("INSERT OR REPLACE INTO meta VALUES (?, ?)").run([.text(key), .text(value)])
    }
}
