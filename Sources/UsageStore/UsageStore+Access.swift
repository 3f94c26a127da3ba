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

    /// A period as the usage tables store it: the day's or the month's ordinal.
    static func ordinal(_ period: ReportPeriod) -> Int {
        switch period {
        case .daily(let d): return d.ordinal
        case .monthly(let m): return m.year * 12 + m.month - 1
        }
    }

    /// The text of a stored period ("2026-11-28", "2026-10").
    static func periodText(_ kind: Kind, _ ordinal: Int) -> String {
        switch kind {
        case .daily: return Day(ordinal: ordinal).description
        case .monthly: return Month(year: ordinal / 12, month: ordinal % 12 + 1)?.description ?? ""
        }
    }

    /// The ordinal of a period's text, for range queries (nil when it is not one).
    static func ordinal(_ kind: Kind, _ text: String) -> Int? {
        switch kind {
        case .daily: return Day(text)?.ordinal
        case .monthly: return Month(text).map { $0.year * 12 + $0.month - 1 }
        }
    }

    // MARK: - Writes

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

    // MARK: - Reads

    /// When the last sync finished without error, if ever.
    public var lastSync: Date? { meta("last_sync_at").flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) }
    /// When the organization list was last fetched.
    public var organizationsFetchedAt: Date? {
        meta("organizations_fetched_at").flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
    }

    private func meta(_ key: String) -> String? {
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

    static func row(_ s: Statement, _ labels: [Int: String], offset o: Int32 = 0) -> UsageRow {
        let flags = s.int(o + 4), active = s.int(o + 5), pending = s.int(o + 6)
        return UsageRow(organizationId: s.text(o), organizationName: s.text(o + 1), tier: Refs.tier(code: s.int(o + 2), labels),
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

/// The writer's map of ids, names and labels to the integers rows refer to them by:
/// read once, then added to as new ones come.
struct Refs {
    private(set) var loaded = false
    /// Whether name refs have stopped following the name order (`meta.name_order`).
    private var nameOrderBroken = false
    private var orgs: [String: Int] = [:]
    private var names: [String: Int] = [:]
    private var labels: [String: Int] = [:]

    static let tiers = [Tier.business.rawValue, Tier.enterprise.rawValue]
    static let licenses = [LicenseType.standard.rawValue, LicenseType.trial.rawValue, LicenseType.nfr.rawValue]

    mutating func load(_ db: Database) throws {
        for (table, key, into) in [("org_refs", "id", \Refs.orgs), ("name_refs", "name", \Refs.names)] {
            let s = try db.prepare("SELECT ref, \(key) FROM \(table)")
            var map: [String: Int] = [:]
            while try s.step() { map[s.text(1)] = s.int(0) }
            self[keyPath: into] = map
        }
        let s = try db.prepare("SELECT id, text FROM labels")
        while try s.step() { labels[s.text(1)] = 100 + s.int(0) }
        nameOrderBroken = try Self.nameOrderBroken(in: db)
        loaded = true
    }

    private static func intern(_ text: String, _ map: inout [String: Int], _ db: Database, _ sql: String) throws -> Int {
        if let ref = map[text] { return ref }
        try db.prepare(sql).run([.text(text)])
        let ref = db.lastInsertRowID
        map[text] = ref
        return ref
    }

    mutating func org(_ id: String, _ db: Database) throws -> Int {
        try Self.intern(id, &orgs, db, "INSERT INTO org_refs (id) VALUES (?)")
    }

    /// Whether no name is known yet (a first sync's first report).
    var hasNoNames: Bool { names.isEmpty }

    /// Interns a report's names before its rows: into an empty table (a first sync),
    /// all at once, numbered in the list's order with even gaps; else one at a time.
    mutating func internNames(_ all: [String], _ db: Database) throws {
        guard names.isEmpty, try db.scalar("SELECT count(*) FROM name_refs") == 0 else { return }
        let fresh = Set(all).map { (name: $0, fold: TextSearch.sortKey($0)) }.sorted {
            let c = TextSearch.compare($0.fold, $1.fold)
            return c != 0 ? c < 0 : Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8))
        }
        let insert = try db.prepare("INSERT INTO name_refs (ref, name, fold) VALUES (?, ?, ?)")
        for (i, entry) in fresh.enumerated() {
            let ref = (i + 1) * Self.nameSpacing
            try insert.run([.int(ref), .text(entry.name), .blob(entry.fold)])
            names[entry.name] = ref
        }
    }

    /// Whether the cache says name refs stopped following the name order.
    static func nameOrderBroken(in db: Database) throws -> Bool {
        try db.prepare("SELECT 1 FROM meta WHERE key = 'name_order' AND value = 'broken'").step()
    }

    /// The gap between neighbouring names' refs when they are numbered afresh.
    static let nameSpacing = 4_096

    mutating func name(_ name: String, _ db: Database) throws -> Int {
        if let ref = names[name] { return ref }
        let fold = TextSearch.sortKey(name)
        let ref: Int
        if !nameOrderBroken, let middle = try Self.middleOfGap(fold, name, db) {
            ref = middle
        } else {
            if !nameOrderBroken {
                // No room left between the two: the order by ref no longer holds, and
                // from now on a new name goes after every other.
                try db.prepare("INSERT OR REPLACE INTO meta VALUES ('name_order', 'broken')").run()
                nameOrderBroken = true
            }
            ref = try (db.scalar("SELECT max(ref) FROM name_refs") ?? 0) + Self.nameSpacing
        }
        try db.prepare("INSERT INTO name_refs (ref, name, fold) VALUES (?, ?, ?)").run([.int(ref), .text(name), .blob(fold)])
        names[name] = ref
        return ref
    }

    /// The ref a new name takes between the names just before and after it in the
    /// list's order (the middle of their gap), so refs keep that order; nil when the
    /// gap has no room left.
    private static func middleOfGap(_ fold: [UInt8], _ name: String, _ db: Database) throws -> Int? {
        let before = try db.prepare("SELECT ref FROM name_refs WHERE (fold, name) < (?, ?) ORDER BY fold DESC, name DESC LIMIT 1")
            .bind([.blob(fold), .text(name)])
        let low = try before.step() ? before.int(0) : 0
        let after = try db.prepare("SELECT ref FROM name_refs WHERE (fold, name) > (?, ?) ORDER BY fold, name LIMIT 1")
            .bind([.blob(fold), .text(name)])
        guard try after.step() else { return low + nameSpacing }
        let middle = low + (after.int(0) - low) / 2
        return middle == low ? nil : middle
    }

    private mutating func label(_ text: String, _ db: Database) throws -> Int {
        if let code = labels[text] { return code }
        try db.prepare("INSERT INTO labels (text) VALUES (?)").run([.text(text)])
        let code = 100 + db.lastInsertRowID
        labels[text] = code
        return code
    }

    mutating func tier(_ tier: Tier, _ db: Database) throws -> Int {
        try Self.tiers.firstIndex(of: tier.rawValue) ?? label(tier.rawValue, db)
    }

    mutating func license(_ type: LicenseType, _ db: Database) throws -> Int {
        try Self.licenses.firstIndex(of: type.rawValue) ?? label(type.rawValue, db)
    }

    static func tier(code: Int, _ labels: [Int: String]) -> Tier {
        Tier(rawValue: code < tiers.count ? tiers[code] : labels[code] ?? "")
    }

    static func license(code: Int, _ labels: [Int: String]) -> LicenseType {
        LicenseType(rawValue: code < licenses.count ? licenses[code] : labels[code] ?? "")
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

extension UsageStore {
    /// What the cached daily reports of `month` say of each organization: the tiers it
    /// was on, its highest consumed seats on a day, and on how many days it appears.
    /// One grouped query over every daily row of the month: what the month's summary
    /// (`month_facts`) is held to in the tests, and the old read the benchmark compares
    /// the summary with; the bill reads the summary.
    public func dailyFacts(of month: Month) throws -> [String: DailyFacts] {
        try reading { db in
            let labels = try Self.labels(db)
            let s = try db.prepare("SELECT o.id, f.peak, f.days, f.tiers FROM (\(Self.factsQuery)) f JOIN org_refs o ON o.ref = f.org")
                .bind([.int(month.firstDay.ordinal), .int(month.lastDay.ordinal)])
            var out: [String: DailyFacts] = [:]
            while try s.step() { out[s.text(0)] = Self.facts(s, 1, labels) }
            return out
        }
    }

    /// Adds a daily report just written to its month's summary (`Schema.monthFacts`):
    /// a day summed in before (a report fetched anew) leaves the month to be summarised
    /// anew when it is read.
    static func sumIntoMonth(_ day: Day, _ db: Database) throws {
        let month = ordinal(.monthly(day.month))
        if try db.prepare("SELECT 1 FROM month_fact_days WHERE day = ?").bind([.int(day.ordinal)]).step() {
            try db.prepare("DELETE FROM month_facts WHERE month = ?").run([.int(month)])
            try db.prepare("DELETE FROM month_fact_days WHERE month = ?").run([.int(month)])
            return
        }
        try db.prepare("""
            INSERT INTO month_facts (month, org, peak, days, tiers)
            SELECT ?, org, COALESCE(consumed, active + pending), 1,
                   1 << (CASE WHEN tier < 100 THEN tier WHEN tier < 160 THEN tier - 98 ELSE 62 END)
            FROM daily_usage WHERE period = ? AND 1
            ON CONFLICT (month, org) DO UPDATE SET peak = max(peak, excluded.peak), days = days + 1, tiers = tiers | excluded.tiers
            """).run([.int(month), .int(day.ordinal)])
        try db.prepare("INSERT INTO month_fact_days VALUES (?, ?)").run([.int(day.ordinal), .int(month)])
    }

    /// Brings the summary of `month` up to the daily reports cached: a cache made
    /// before summaries (or a day fetched anew) is summarised here, once.
    func summarise(_ month: Month) throws {
        try writing { db in
            let cached = Set(try Self.cachedDays(of: month, in: db).map(\.ordinal))
            let summedDays = try db.prepare("SELECT day FROM month_fact_days WHERE month = ?").bind([.int(Self.ordinal(.monthly(month)))])
            var summed = Set<Int>()
            while try summedDays.step() { summed.insert(summedDays.int(0)) }
            guard cached != summed else { return }
            try db.transaction {
                if !summed.isSubset(of: cached) {
                    try db.prepare("DELETE FROM month_facts WHERE month = ?").run([.int(Self.ordinal(.monthly(month)))])
                    try db.prepare("DELETE FROM month_fact_days WHERE month = ?").run([.int(Self.ordinal(.monthly(month)))])
                    summed = []
                }
                for day in cached.subtracting(summed).sorted() { try Self.sumIntoMonth(Day(ordinal: day), db) }
            }
        }
    }

    /// The tiers of a summary's bits (`Schema.monthFacts`).
    static func tiers(bits: Int, _ labels: [Int: String]) -> Set<Tier> {
        var out = Set<Tier>()
        for bit in 0..<63 where bits & (1 << bit) != 0 {
            out.insert(bit < 2 ? Refs.tier(code: bit, labels) : bit == 62 ? Tier(rawValue: "other") : Refs.tier(code: bit + 98, labels))
        }
        return out
    }

    /// The rows of the monthly report of `month`, each handed to `visit` as it is read
    /// with what the month's daily reports say of its organization (nil: no cached day
    /// shows it): a bill is made without the report or the facts held whole. Rows come
    /// without their unknown fields (`extra`), which no bill reads; read on a connection
    /// apart. False (and nothing visited) when the month's report is not cached.
    ///
    /// Each row comes with whether its organization is suspended now, and its name's
    /// rank: the name's place in the name order (`TextSearch.sortKey`; equal names,
    /// equal ranks), so that a bill is put in name order by integers. The rank is the
    /// name's ref while the refs follow that order; where they no longer do
    /// (`meta.name_order`, a cache re-keyed from schema 2), the place of the ref in the
    /// index by key, read first (one pass over the index, no sort).
    public func monthlyRowsWithDailyFacts(_ month: Month, _ visit: (UsageRow, DailyFacts?, _ suspended: Bool, _ rank: Int?) -> Void) throws -> Bool {
        guard has(.monthly(month)) else { return false }
        try summarise(month)
        return try apart { db in
            guard try Self.rowCount(in: db, .monthly(month)) != nil else { return false }
            let labels = try Self.labels(db)
            var rankOf: [Int: Int]?
            if try Refs.nameOrderBroken(in: db) {
                var ranks: [Int: Int] = [:]
                let order = try db.prepare("SELECT ref FROM name_refs ORDER BY fold, name")
                while try order.step() { ranks[order.int(0)] = ranks.count }
                rankOf = ranks
            }
            var suspended = Set<String>()
            let s0 = try db.prepare("SELECT id FROM organizations WHERE status = 'suspended'")
            while try s0.step() { suspended.insert(s0.text(0)) }
            let s = try db.prepare("""
                SELECT o.id, n.name, u.tier, u.license, u.flags, u.active, u.pending, u.consumed, NULL, f.peak, f.days, f.tiers, u.name
                FROM monthly_usage u \(Self.rowJoins) LEFT JOIN month_facts f ON f.month = u.period AND f.org = u.org
                WHERE u.period = ?
                """).bind([.int(Self.ordinal(.monthly(month)))])
            // A few sets of tiers serve every row: made once each.
            var tierSets: [Int: Set<Tier>] = [:]
            while try s.step() {
                var facts: DailyFacts?
                if !s.isNull(9) {
                    let bits = s.int(11)
                    let tiers = tierSets[bits] ?? Self.tiers(bits: bits, labels)
                    tierSets[bits] = tiers
                    facts = (tiers, s.int(9), s.int(10))
                }
                let row = Self.row(s, labels)
                let ref = s.int(12)
                visit(row, facts, !suspended.isEmpty && suspended.contains(row.organizationId), rankOf.map { $0[ref] } ?? ref)
            }
            return true
        }
    }

    /// The ids of the organizations a cached report has.
    public func organizationIds(in period: ReportPeriod) throws -> Set<String> {
        try reading { db in
            let s = try db.prepare("SELECT o.id FROM \(Self.kind(of: period).table) u JOIN org_refs o ON o.ref = u.org WHERE u.period = ?")
                .bind([.int(Self.ordinal(period))])
            var out = Set<String>()
            while try s.step() { out.insert(s.text(0)) }
            return out
        }
    }

    /// The days of `month` whose daily report is cached.
    public func cachedDays(of month: Month) throws -> Set<Day> {
        try reading { try Self.cachedDays(of: month, in: $0) }
    }

    static func cachedDays(of month: Month, in db: Database) throws -> Set<Day> {
        let s = try db.prepare("SELECT period FROM reports WHERE kind = 'daily' AND period BETWEEN ? AND ?")
            .bind([.text(month.firstDay.description), .text(month.lastDay.description)])
        var out = Set<Day>()
        while try s.step() { if let d = Day(s.text(0)) { out.insert(d) } }
        return out
    }

    /// The month's daily rows grouped by organization ref: `org`, `peak`, `days`, and
    /// `tiers` (the distinct tier codes, comma-separated). Binds the first and last day.
    static let factsQuery = """
        SELECT u.org AS org, MAX(COALESCE(u.consumed, u.active + u.pending)) AS peak, COUNT(*) AS days,
               group_concat(DISTINCT u.tier) AS tiers
        FROM daily_usage u WHERE u.period BETWEEN ? AND ? GROUP BY u.org
        """

    static func facts(_ s: Statement, _ at: Int32, _ labels: [Int: String]) -> DailyFacts {
        let tiers = s.text(at + 2).split(separator: ",").compactMap { Int($0) }.map { Refs.tier(code: $0, labels) }
        return (Set(tiers), s.int(at), s.int(at + 1))
    }
}

/// What a month's cached daily reports say of one organization: the tiers it was on,
/// its highest consumed seats on a day, and on how many days it appears.
public typealias DailyFacts = (tiers: Set<Tier>, peakConsumed: Int, days: Int)

/// One organization of two reports compared: its row in each (nil where it is not in
/// that report; never both nil), with its status and trial end now.
public struct ComparedRow: Sendable {
    public var before: UsageRow?
    public var after: UsageRow?
    public var status: String?
    public var trialEndsAt: String?
}

extension UsageStore {
    /// Every organization of `from` or `to`, each handed to `visit` as it is read, so
    /// two big reports are compared without either being held: the rows of `to` with
    /// their rows of `from` beside them, then the rows only `from` has. False (and
    /// nothing visited) when either report is not cached. Rows come without their
    /// unknown fields (`extra`), which no comparison reads. Read on a connection apart.
    public func compare(_ from: ReportPeriod, _ to: ReportPeriod, _ visit: (ComparedRow) -> Void) throws -> Bool {
        try apart { db in
            guard try Self.rowCount(in: db, from) != nil, try Self.rowCount(in: db, to) != nil else { return false }
            let labels = try Self.labels(db)
            let later = Self.kind(of: to).table, earlier = Self.kind(of: from).table
            let columns = "o.id, n.name, u.tier, u.license, u.flags, u.active, u.pending, u.consumed, NULL"
            let both = try db.prepare("""
                SELECT \(columns), o.id, bn.name, b.tier, b.license, b.flags, b.active, b.pending, b.consumed, NULL,
                       b.org IS NOT NULL, org.status, org.trial_ends_at
                FROM \(later) u \(Self.rowJoins)
                LEFT JOIN \(earlier) b ON b.period = ? AND b.org = u.org
                LEFT JOIN name_refs bn ON bn.ref = b.name
                LEFT JOIN organizations org ON org.id = o.id
                WHERE u.period = ?
                """).bind([.int(Self.ordinal(from)), .int(Self.ordinal(to))])
            while try both.step() {
                visit(ComparedRow(before: both.int(18) != 0 ? Self.row(both, labels, offset: 9) : nil, after: Self.row(both, labels),
                                  status: both.optionalText(19), trialEndsAt: both.optionalText(20)))
            }
            let gone = try db.prepare("""
                SELECT \(columns), org.status, org.trial_ends_at FROM \(earlier) u \(Self.rowJoins)
                LEFT JOIN organizations org ON org.id = o.id
                WHERE u.period = ? AND NOT EXISTS (SELECT 1 FROM \(later) a WHERE a.period = ? AND a.org = u.org)
                """).bind([.int(Self.ordinal(from)), .int(Self.ordinal(to))])
            while try gone.step() {
                visit(ComparedRow(before: Self.row(gone, labels), after: nil, status: gone.optionalText(9), trialEndsAt: gone.optionalText(10)))
            }
            return true
        }
    }
}
