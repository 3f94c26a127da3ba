import Foundation
import ProviderAPI

/// The small reads the views and the commands need.
extension UsageStore {
    /// When the last sync finished without error, if ever.
    public var lastSync: Date? { meta("last_sync_at").flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) }
    /// When the organization list was last fetched.
    public var organizationsFetchedAt: Date? {
        meta("organizations_fetched_at").flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
    }

    func meta(_ key: String) -> String? {
        reading { db in
            guard let s = try? db.prepare("SELECT value FROM meta WHERE key = ?").bind([.text(key)]), (try? s.step()) == true
            else { return nil }
            return s.text(0)
        }
    }

    public func organizations() throws -> [Organization] {
        try reading { db in
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
        try reading { db in
            let s = try db.prepare("SELECT period FROM reports WHERE kind = ? ORDER BY period DESC").bind([.text(kind.rawValue)])
            var out: [String] = []
            while try s.step() { out.append(s.text(0)) }
            return out
        }
    }

    public func has(_ period: ReportPeriod) -> Bool { rowCount(period) != nil }

    /// The row count the reports table holds for `period`: nil when it is not cached.
    static func rowCount(in db: Database, _ period: ReportPeriod) throws -> Int? {
        let s = try db.prepare("SELECT row_count FROM reports WHERE kind = ? AND period = ?")
            .bind([.text(kind(of: period).rawValue), .text(period.description)])
        return try s.step() ? s.int(0) : nil
    }

    /// A cached report whole, or nil; its rows in the order they were written.
    public func report(_ period: ReportPeriod) throws -> UsageReport? {
        let kind = Self.kind(of: period)
        return try reading { db in
            let head = try db.prepare("SELECT generated_at FROM reports WHERE kind = ? AND period = ?")
                .bind([.text(kind.rawValue), .text(period.description)])
            guard try head.step() else { return nil }
            let generatedAt = head.text(0)
            let labels = try Self.labels(db)
            let s = try db.prepare("SELECT \(Self.rowColumns) FROM \(kind.table) u \(Self.rowJoins) WHERE u.period = ?")
                .bind([.int(Self.ordinal(period))])
            var rows: [UsageRow] = []
            while try s.step() { rows.append(Self.row(s, labels)) }
            return UsageReport(period: period, generatedAt: generatedAt, rows: rows)
        }
    }

    /// One organization's rows for the periods from `from` to `to` (as text, inclusive), oldest first.
    public func history(_ kind: Kind, organizationId: String, from: String, to: String) throws -> [(period: String, row: UsageRow)] {
        guard let first = Self.ordinal(kind, from), let last = Self.ordinal(kind, to) else { return [] }
        return try reading { db in
            let labels = try Self.labels(db)
            // Each period asked, by the key (period, org): a point lookup apiece. A range
            // too long to list is read as a range (a pass over those periods' rows).
            let periods = first <= last && last - first < 400
                ? "u.period IN (\((first...last).map(String.init).joined(separator: ",")))" : "u.period BETWEEN \(first) AND \(last)"
            let s = try db.prepare("""
                SELECT u.period, \(Self.rowColumns) FROM \(kind.table) u \(Self.rowJoins)
                WHERE \(periods) AND u.org = (SELECT ref FROM org_refs WHERE id = ?) ORDER BY u.period
                """).bind([.text(organizationId)])
            var out: [(String, UsageRow)] = []
            while try s.step() { out.append((Self.periodText(kind, s.int(0)), Self.row(s, labels, offset: 1))) }
            return out
        }
    }

    /// The fetch time of the newest report of `kind`, to say how old the cache is.
    public func newestFetch() -> Date? {
        reading { db in
            guard let s = try? db.prepare("SELECT max(fetched_at) FROM reports"), (try? s.step()) == true, !s.isNull(0) else { return nil }
            return Date(timeIntervalSince1970: s.double(0))
        }
    }

    /// A row's columns, from `u` (the usage table) joined with its id and name.
    static let rowColumns = "o.id, n.name, u.tier, u.license, u.flags, u.active, u.pending, u.consumed, u.extra"
    static let rowJoins = "JOIN org_refs o ON o.ref = u.org JOIN name_refs n ON n.ref = u.name"

    /// The texts of the tiers and license types the contract does not name, by code.
    static func labels(_ db: Database) throws -> [Int: String] {
        let s = try db.prepare("SELECT id, text FROM labels")
        var out: [Int: String] = [:]
        while try s.step() { out[100 + s.int(0)] = s.text(1) }
        return out
    }

    /// A row of `rowJoins`' columns from `o`: id, name, tier, license, flags, active,
    /// pending, consumed, extra. `id`: the id when it was read apart (the column at `o`
    /// is then not read).
    static func row(_ s: Statement, _ labels: [Int: String], offset o: Int32 = 0, id: String? = nil) -> UsageRow {
        let flags = s.int(o + 4), active = s.int(o + 5), pending = s.int(o + 6)
        return UsageRow(organizationId: id ?? s.text(o), organizationName: s.text(o + 1), tier: Refs.tier(code: s.int(o + 2), labels),
                        licenseType: Refs.license(code: s.int(o + 3), labels), trial: flags & 1 != 0, nfr: flags & 2 != 0,
                        activeSeats: active, pendingSeats: pending, consumedLicenses: s.isNull(o + 7) ? active + pending : s.int(o + 7),
                        extra: decodeExtra(s.optionalText(o + 8)))
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
