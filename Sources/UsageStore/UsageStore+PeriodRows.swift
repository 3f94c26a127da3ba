import Foundation
import ProviderAPI

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
        try reading { try Self.periodRows(in: $0, period, previous: previous, transform) }
    }

    static func periodRows<T>(in db: Database, _ period: ReportPeriod, previous: ReportPeriod, _ transform: (PeriodRow) -> T) throws -> [T]? {
        let kind = Self.kind(of: period)
        guard let count = try rowCount(in: db, period) else { return nil }
        let labels = try Self.labels(db)
        let s = try db.prepare("""
            SELECT \(Self.rowColumns), org.status, org.trial_ends_at, COALESCE(p.consumed, p.active + p.pending)
            FROM \(kind.table) u \(Self.rowJoins)
            LEFT JOIN organizations org ON org.id = o.id
            LEFT JOIN \(kind.table) p ON p.period = ? AND p.org = u.org
            WHERE u.period = ?
            """).bind([.int(Self.ordinal(previous)), .int(Self.ordinal(period))])
        // Room for every row at once: an array that grows by doubling copies itself.
        var out: [T] = []
        out.reserveCapacity(count)
        while try s.step() {
            out.append(transform(PeriodRow(row: Self.row(s, labels), status: s.optionalText(9), trialEndsAt: s.optionalText(10),
                                           previousConsumed: s.isNull(11) ? nil : s.int(11))))
        }
        return out
    }
}

/// The first rows of a period in the list's order, read before the rest: the order
/// and the filters a list can open with (a remembered view).
public struct FirstRows: Sendable, Equatable {
    public enum Order: Sendable, Equatable {
        /// By name in the collation (`TextSearch.sortKey`), as the list sorts names.
        case name
        /// By consumed seats.
        case seats
        /// By consumed seats against the period before (none: lowest).
        case change
    }

    public var order: Order
    public var ascending: Bool
    public var trialOnly = false
    public var nfrOnly = false
    public var tier: Tier?
    public var limit: Int

    public init(order: Order, ascending: Bool, trialOnly: Bool = false, nfrOnly: Bool = false, tier: Tier? = nil, limit: Int) {
        self.order = order; self.ascending = ascending; self.trialOnly = trialOnly; self.nfrOnly = nfrOnly
        self.tier = tier; self.limit = limit
    }
}

extension UsageStore {
    /// How many rows the cached report of `period` has, if it is cached.
    public func rowCount(_ period: ReportPeriod) -> Int? {
        reading { db in (try? Self.rowCount(in: db, period)) ?? nil }
    }

    /// The first `first.limit` rows of `period` that pass its filters, in its order
    /// (ties by organization id, as the list breaks them), joined as `periodRows` joins
    /// them; nil when the period is not cached. The order is read from small integers
    /// alone (name refs are in name order; seats and change are numbers): SQLite keeps
    /// the best rows as it passes over the period, then the rows that tie with the last
    /// one are added, and only those few are joined and put in the exact order here.
    public func firstRows(_ period: ReportPeriod, previous: ReportPeriod, _ first: FirstRows) throws -> [PeriodRow]? {
        let kind = Self.kind(of: period)
        return try reading { db in
            guard try Self.rowCount(in: db, period) != nil else { return nil }
            let labels = try Self.labels(db)
            let current = Self.ordinal(period), before = Self.ordinal(previous)
            var conditions = ["u.period = \(current)"]
            var filterValues: [SQLValue] = []
            if first.trialOnly { conditions.append("u.license = \(Refs.licenses.firstIndex(of: LicenseType.trial.rawValue)!)") }
            if first.nfrOnly { conditions.append("u.license = \(Refs.licenses.firstIndex(of: LicenseType.nfr.rawValue)!)") }
            if let tier = first.tier {
                if let code = Refs.tiers.firstIndex(of: tier.rawValue) { conditions.append("u.tier = \(code)") }
                else { conditions.append("u.tier = (SELECT 100 + id FROM labels WHERE text = ?)"); filterValues.append(.text(tier.rawValue)) }
            }
            let seats = "COALESCE(u.consumed, u.active + u.pending)"
            let previousSeats = "COALESCE(p.consumed, p.active + p.pending)"
            let nameOrderHolds = try !Refs.nameOrderBroken(in: db)
            // The order's key, from the row (and what it needs joined); rows with equal
            // keys are the ties the exact order settles below.
            let key: String, join: String, tie: String
            switch first.order {
            case .name where nameOrderHolds:
                key = "u.name"; join = ""
                tie = "u.name IN (SELECT ref FROM name_refs WHERE fold = (SELECT fold FROM name_refs WHERE ref = ?))"
            case .name:
                key = "n.fold"; join = "JOIN name_refs n ON n.ref = u.name"; tie = "n.fold = (SELECT fold FROM name_refs WHERE ref = ?)"
            case .seats:
                key = seats; join = ""; tie = "\(seats) = ?"
            case .change:
                key = "COALESCE(\(seats) - \(previousSeats), -9223372036854775808)"
                join = "LEFT JOIN \(kind.table) p ON p.period = \(before) AND p.org = u.org"; tie = "\(key) = ?"
            }
            let whereClause = conditions.joined(separator: " AND ")
            let best = try db.prepare("""
                SELECT u.org, \(key), u.name FROM \(kind.table) u \(join) WHERE \(whereClause)
                ORDER BY \(key) \(first.ascending ? "ASC" : "DESC") LIMIT ?
                """).bind(filterValues + [.int(first.limit)])
            var orgs: [Int] = [], last: (key: SQLValue, name: Int)?
            while try best.step() {
                orgs.append(best.int(0))
                last = (first.order == .name ? .null : .int(best.int(1)), best.int(2))
            }
            if let last, orgs.count == first.limit {
                let tieValue: SQLValue = first.order == .name ? .int(last.name) : last.key
                let ties = try db.prepare("SELECT u.org FROM \(kind.table) u \(join) WHERE \(whereClause) AND \(tie)")
                    .bind(filterValues + [tieValue])
                var seen = Set(orgs)
                while try ties.step() { if seen.insert(ties.int(0)).inserted { orgs.append(ties.int(0)) } }
            }
            guard !orgs.isEmpty else { return [] }
            let s = try db.prepare("""
                SELECT \(Self.rowColumns), org.status, org.trial_ends_at, \(previousSeats), n.fold
                FROM \(kind.table) u \(Self.rowJoins)
                LEFT JOIN organizations org ON org.id = o.id
                LEFT JOIN \(kind.table) p ON p.period = \(before) AND p.org = u.org
                WHERE u.period = \(current) AND u.org IN (\(orgs.map(String.init).joined(separator: ",")))
                """)
            var rows: [(row: PeriodRow, fold: [UInt8])] = []
            while try s.step() {
                rows.append((PeriodRow(row: Self.row(s, labels), status: s.optionalText(9), trialEndsAt: s.optionalText(10),
                                       previousConsumed: s.isNull(11) ? nil : s.int(11)), s.blob(12)))
            }
            // The list's exact order: the key either way, then the id (always ascending).
            func number(_ r: PeriodRow) -> Int {
                first.order == .seats ? r.row.consumedLicenses : r.previousConsumed.map { r.row.consumedLicenses - $0 } ?? Int.min
            }
            rows.sort { a, b in
                if first.order == .name {
                    let c = TextSearch.compare(a.fold, b.fold)
                    if c != 0 { return first.ascending ? c < 0 : c > 0 }
                } else {
                    let x = number(a.row), y = number(b.row)
                    if x != y { return first.ascending ? x < y : x > y }
                }
                return a.row.row.organizationId < b.row.row.organizationId
            }
            return rows.prefix(first.limit).map(\.row)
        }
    }

    /// The rows of `period` read on a connection of their own (a load behind the
    /// screen, which must not hold up the screen's reads), each turned into what the
    /// caller keeps as it is read.
    public func periodRowsApart<T>(_ period: ReportPeriod, previous: ReportPeriod, _ transform: (PeriodRow) -> T) throws -> [T]? {
        try apart { try Self.periodRows(in: $0, period, previous: previous, transform) }
    }

    /// A read on a connection of its own, in one snapshot of the cache: a long read
    /// (a whole period, two compared) neither waits for nor holds up the screen's.
    func apart<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            let db = try Database(path: path)
            // A small page cache: these reads pass over their rows once, front to back.
            try db.execute("PRAGMA cache_size=-512")
            try db.execute("BEGIN")
            defer { try? db.execute("COMMIT") }
            return try body(db)
        } catch let f as Database.Failure {
            throw StoreError.unusable(path: path, reason: f.message)
        }
    }
}
