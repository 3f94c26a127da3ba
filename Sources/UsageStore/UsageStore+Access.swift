import Foundation
import ProviderAPI

/// Writes of fetched data, and the reads the views need.
extension UsageStore {
    public enum Kind: String, Sendable, CaseIterable {
        case daily, monthly
        var table: String { self == .daily ? "daily_usage" : "monthly_usage" }
    }

    static func kind(of period: ReportPeriod) -> Kind {
        if case .daily = period { return .daily }
        return .monthly
    }

    // MARK: - Writes

    /// Replaces the organization list with a whole fresh one, in one transaction.
    public func replaceOrganizations(_ organizations: [Organization], fetchedAt: Date) throws {
        try locked {
            try db.transaction {
                try db.execute("DELETE FROM organizations")
                let insert = try db.prepare("INSERT OR REPLACE INTO organizations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for (i, o) in organizations.enumerated() {
                    try insert.run([.text(o.id), .int(i), .text(o.name), .text(o.status.rawValue), .text(o.tier.rawValue),
                                    .text(o.licenseType.rawValue), .optional(o.trialEndsAt), .text(o.createdAt),
                                    .optional(Self.encodeExtra(o.extra))])
                }
                try setMeta("organizations_fetched_at", String(fetchedAt.timeIntervalSince1970))
            }
        }
    }

    /// Writes a whole report in one transaction, replacing any earlier copy of it.
    public func write(_ report: UsageReport, fetchedAt: Date) throws {
        let kind = Self.kind(of: report.period)
        let period = report.period.description
        try locked {
            try db.transaction {
                try db.prepare("DELETE FROM \(kind.table) WHERE period = ?").run([.text(period)])
                let insert = try db.prepare("INSERT OR REPLACE INTO \(kind.table) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for r in report.rows {
                    try insert.run([.text(period), .text(r.organizationId), .text(r.organizationName), .text(r.tier.rawValue),
                                    .text(r.licenseType.rawValue), .int(r.trial ? 1 : 0), .int(r.nfr ? 1 : 0),
                                    .int(r.activeSeats), .int(r.pendingSeats), .int(r.consumedLicenses),
                                    .optional(Self.encodeExtra(r.extra))])
                }
                try db.prepare("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?)")
                    .run([.text(kind.rawValue), .text(period), .text(report.generatedAt),
                          .double(fetchedAt.timeIntervalSince1970), .int(report.rows.count)])
            }
        }
    }

    public func setLastSync(_ date: Date) throws {
        try locked { try setMeta("last_sync_at", String(date.timeIntervalSince1970)) }
    }

    private func setMeta(_ key: String, _ value: String) throws {
        try db.prepare("INSERT OR REPLACE INTO meta VALUES (?, ?)").run([.text(key), .text(value)])
    }

    // MARK: - Reads

    /// When the last sync finished without error, if ever.
    public var lastSync: Date? { meta("last_sync_at").flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) }
    /// When the organization list was last fetched.
    public var organizationsFetchedAt: Date? {
        meta("organizations_fetched_at").flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
    }

    private func meta(_ key: String) -> String? {
        locked {
            guard let s = try? db.prepare("SELECT value FROM meta WHERE key = ?").bind([.text(key)]), (try? s.step()) == true
            else { return nil }
            return s.text(0)
        }
    }

    public func organizations() throws -> [Organization] {
        try locked {
            let s = try db.prepare("SELECT id, name, status, tier, license_type, trial_ends_at, created_at, extra FROM organizations ORDER BY position")
            var out: [Organization] = []
            while try s.step() {
                out.append(Organization(id: s.text(0), name: s.text(1), status: .init(rawValue: s.text(2)),
                                        tier: .init(rawValue: s.text(3)), licenseType: .init(rawValue: s.text(4)),
                                        trialEndsAt: s.optionalText(5), createdAt: s.text(6),
                                        extra: Self.decodeExtra(s.optionalText(7))))
            }
            return out
        }
    }

    /// The periods cached of one kind, newest first.
    public func cachedPeriods(_ kind: Kind) throws -> [String] {
        try locked {
            let s = try db.prepare("SELECT period FROM reports WHERE kind = ? ORDER BY period DESC").bind([.text(kind.rawValue)])
            var out: [String] = []
            while try s.step() { out.append(s.text(0)) }
            return out
        }
    }

    public func has(_ period: ReportPeriod) -> Bool {
        locked {
            guard let s = try? db.prepare("SELECT 1 FROM reports WHERE kind = ? AND period = ?")
                .bind([.text(Self.kind(of: period).rawValue), .text(period.description)]) else { return false }
            return (try? s.step()) == true
        }
    }

    /// A cached report whole, or nil.
    public func report(_ period: ReportPeriod) throws -> UsageReport? {
        let kind = Self.kind(of: period)
        return try locked {
            let head = try db.prepare("SELECT generated_at FROM reports WHERE kind = ? AND period = ?")
                .bind([.text(kind.rawValue), .text(period.description)])
            guard try head.step() else { return nil }
            let generatedAt = head.text(0)
            let s = try db.prepare("SELECT \(Self.rowColumns) FROM \(kind.table) WHERE period = ?").bind([.text(period.description)])
            var rows: [UsageRow] = []
            while try s.step() { rows.append(Self.row(s)) }
            return UsageReport(period: period, generatedAt: generatedAt, rows: rows)
        }
    }

    /// One organization's rows for the periods from `from` to `to` (as text, inclusive), oldest first.
    public func history(_ kind: Kind, organizationId: String, from: String, to: String) throws -> [(period: String, row: UsageRow)] {
        try locked {
            let s = try db.prepare("SELECT period, \(Self.rowColumns) FROM \(kind.table) WHERE organization_id = ? AND period BETWEEN ? AND ? ORDER BY period")
                .bind([.text(organizationId), .text(from), .text(to)])
            var out: [(String, UsageRow)] = []
            while try s.step() { out.append((s.text(0), Self.row(s, offset: 1))) }
            return out
        }
    }

    /// The fetch time of the newest report of `kind`, to say how old the cache is.
    public func newestFetch() -> Date? {
        locked {
            guard let s = try? db.prepare("SELECT max(fetched_at) FROM reports"), (try? s.step()) == true, !s.isNull(0) else { return nil }
            return Date(timeIntervalSince1970: s.double(0))
        }
    }

    static let rowColumns = "organization_id, organization_name, tier, license_type, trial, nfr, active, pending, consumed, extra"

    static func row(_ s: Statement, offset o: Int32 = 0) -> UsageRow {
        UsageRow(organizationId: s.text(o), organizationName: s.text(o + 1), tier: .init(rawValue: s.text(o + 2)),
                 licenseType: .init(rawValue: s.text(o + 3)), trial: s.int(o + 4) != 0, nfr: s.int(o + 5) != 0,
                 activeSeats: s.int(o + 6), pendingSeats: s.int(o + 7), consumedLicenses: s.int(o + 8),
                 extra: decodeExtra(s.optionalText(o + 9)))
    }

    static func encodeExtra(_ extra: [String: JSONValue]) -> String? {
        guard !extra.isEmpty, let data = try? JSONEncoder().encode(extra) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeExtra(_ text: String?) -> [String: JSONValue] {
        guard let text, let value = try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8)) else { return [:] }
        return value
    }
}

/// A report row joined with what the list shows beside it: the organization's status
/// and trial end, and the consumed seats of the period before.
public struct PeriodRow: Sendable {
    public var row: UsageRow
    public var status: String?
    public var trialEndsAt: String?
    public var previousConsumed: Int?
}

extension UsageStore {
    /// Every row of `period` with its organization and its previous period's seats, in
    /// one query: the first screen's read, without holding three collections at once.
    public func periodRows(_ period: ReportPeriod, previous: ReportPeriod) throws -> [PeriodRow]? {
        try periodRows(period, previous: previous) { $0 }
    }

    /// The same rows, each turned into what the caller keeps as it is read, so the
    /// joined rows never sit in memory all at once beside the caller's.
    public func periodRows<T>(_ period: ReportPeriod, previous: ReportPeriod, _ transform: (PeriodRow) -> T) throws -> [T]? {
        let kind = Self.kind(of: period)
        return try locked {
            let head = try db.prepare("SELECT 1 FROM reports WHERE kind = ? AND period = ?")
                .bind([.text(kind.rawValue), .text(period.description)])
            guard try head.step() else { return nil }
            let s = try db.prepare("""
                SELECT u.organization_id, u.organization_name, u.tier, u.license_type, u.trial, u.nfr, u.active, u.pending,
                       u.consumed, u.extra, o.status, o.trial_ends_at, p.consumed
                FROM \(kind.table) u
                LEFT JOIN organizations o ON o.id = u.organization_id
                LEFT JOIN \(kind.table) p ON p.period = ? AND p.organization_id = u.organization_id
                WHERE u.period = ?
                """).bind([.text(previous.description), .text(period.description)])
            var out: [T] = []
            while try s.step() {
                out.append(transform(PeriodRow(row: Self.row(s), status: s.optionalText(10), trialEndsAt: s.optionalText(11),
                                               previousConsumed: s.isNull(12) ? nil : s.int(12))))
            }
            return out
        }
    }
}

extension UsageStore {
    /// What the cached daily reports of `month` say of each organization: the tiers it
    /// was on, its highest consumed seats on a day, and on how many days it appears.
    /// One grouped query over the month's rows (the bill's daily checks).
    public func dailyFacts(of month: Month) throws -> [String: (tiers: Set<Tier>, peakConsumed: Int, days: Int)] {
        try locked {
            let s = try db.prepare("""
                SELECT organization_id, tier, MAX(consumed), COUNT(*) FROM daily_usage
                WHERE period >= ? AND period <= ? GROUP BY organization_id, tier
                """).bind([.text(month.firstDay.description), .text(month.lastDay.description)])
            var out: [String: (tiers: Set<Tier>, peakConsumed: Int, days: Int)] = [:]
            while try s.step() {
                let id = s.text(0)
                var facts = out[id] ?? ([], 0, 0)
                facts.tiers.insert(Tier(rawValue: s.text(1)))
                facts.peakConsumed = max(facts.peakConsumed, s.int(2))
                facts.days += s.int(3)
                out[id] = facts
            }
            return out
        }
    }
}
