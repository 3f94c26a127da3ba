import Foundation
import ProviderAPI

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

    /// Reads the monthly report of `month` for a bill: `body` gets its rows (and their
    /// names after them, where they follow) on a connection apart, in one snapshot of
    /// the cache. The month's summary is brought up to its cached days first. Nil (and
    /// `body` not run) when the month's report is not cached.
    public func readingMonth<T>(_ month: Month, _ body: (MonthRead) throws -> T) throws -> T? {
        guard has(.monthly(month)) else { return nil }
        try summarise(month)
        return try apart { db in
            guard try Self.rowCount(in: db, .monthly(month)) != nil else { return nil }
            var suspended = IdSet()
            let s = try db.prepare("SELECT id FROM organizations WHERE status = 'suspended'")
            while try s.step() { s.withBytes(0) { suspended.insert($0) } }
            return try body(MonthRead(db: db, period: Self.ordinal(.monthly(month)), labels: try Self.labels(db), suspended: suspended,
                                      namesFollow: try !Refs.nameOrderBroken(in: db)))
        }
    }
}

/// A month's monthly report as a bill reads it (`UsageStore.readingMonth`).
public struct MonthRead {
    let db: Database
    let period: Int
    let labels: [Int: String]
    /// The ids of the organizations suspended now.
    let suspended: IdSet
    /// Rows come without their names (empty), which `names(ofRanks:)` hands over after,
    /// in name order. So where the name refs follow the name order (a row's rank is its
    /// name's ref): a look-up of its name a row went to a different page of the names
    /// each time, and read most of them from the file again (half the read's time at
    /// 50,000 organizations); ordered by rank, the names are one pass. A cache re-keyed
    /// from schema 2 (`meta.name_order`) has its rows read with their names.
    public let namesFollow: Bool

    /// The rows of the month, each handed to `visit` as it is read, with what the
    /// month's daily reports say of its organization (nil: no cached day shows it),
    /// whether the organization is suspended now, and its name's rank: the name's
    /// place in the name order (`TextSearch.sortKey`; equal names, equal ranks), so
    /// that a bill is put in name order by integers. Rows come in no set order and
    /// without their unknown fields (`extra`), which no bill reads. `ids`, asked for
    /// each row's id (its UTF-8 bytes) just before the row is visited, gives a string
    /// already held with those bytes: no string is made for that id.
    public func rows(ids: ((UnsafeBufferPointer<UInt8>) -> String?)? = nil,
                     _ visit: (UsageRow, DailyFacts?, _ suspended: Bool, _ rank: Int?) -> Void) throws {
        if namesFollow { try mergedRows(ids, visit) } else { try joinedRows(ids, visit) }
    }

    /// The names of `ranks` (in ascending order, as `rows` gave them without names),
    /// each handed to `visit` with its place in `ranks`, as UTF-8 bytes valid during
    /// the call: one pass over the names from the first rank to the last.
    public func names(ofRanks ranks: [Int], _ visit: (_ index: Int, _ name: UnsafeBufferPointer<UInt8>) -> Void) throws {
        guard let first = ranks.first, let last = ranks.last else { return }
        let s = try db.prepare("SELECT ref, name FROM name_refs WHERE ref BETWEEN ? AND ? ORDER BY ref").bind([.int(first), .int(last)])
        var ref = Int.min, more = true
        for (i, rank) in ranks.enumerated() {
            while more, ref < rank { if try s.step() { ref = s.int(0) } else { more = false } }
            guard more, ref == rank else { continue }
            s.withBytes(1) { visit(i, $0) }
        }
    }

    /// The month's rows in organization ref order, without names: the report's rows,
    /// and the ids and the month's summary as two more passes in the same order merged
    /// in step, instead of a look-up each: nothing is held but the row at hand.
    private func mergedRows(_ ids: ((UnsafeBufferPointer<UInt8>) -> String?)?,
                            _ visit: (UsageRow, DailyFacts?, _ suspended: Bool, _ rank: Int?) -> Void) throws {
        let u = try db.prepare("""
            SELECT u.org, NULL, u.tier, u.license, u.flags, u.active, u.pending, u.consumed, NULL, u.name
            FROM monthly_usage u WHERE u.period = ? ORDER BY u.org
            """).bind([.int(period)])
        let f = try db.prepare("SELECT org, peak, days, tiers FROM month_facts WHERE month = ? ORDER BY org").bind([.int(period)])
        let o = try db.prepare("SELECT ref, id FROM org_refs ORDER BY ref")
        var factsOrg = Int.min, idRef = Int.min
        var factsLeft = true, idsLeft = true
        var tiers = TierSets(labels)
        while try u.step() {
            let org = u.int(0)
            while idsLeft, idRef < org { if try o.step() { idRef = o.int(0) } else { idsLeft = false } }
            // As a join would: a row whose organization has no id is not read.
            guard idsLeft, idRef == org else { continue }
            while factsLeft, factsOrg < org { if try f.step() { factsOrg = f.int(0) } else { factsLeft = false } }
            let facts: DailyFacts? = factsLeft && factsOrg == org ? (tiers[f.int(3)], f.int(1), f.int(2)) : nil
            let id = ids.flatMap { o.withBytes(1, $0) } ?? o.text(1)
            visit(UsageStore.row(u, labels, id: id), facts, o.withBytes(1, suspended.contains), u.int(9))
        }
    }

    /// The month's rows through the joins, with their names, for a cache whose name refs
    /// no longer follow the name order: each rank is the ref's place in the index by
    /// key, read first (one pass over the index, no sort).
    private func joinedRows(_ ids: ((UnsafeBufferPointer<UInt8>) -> String?)?,
                            _ visit: (UsageRow, DailyFacts?, _ suspended: Bool, _ rank: Int?) -> Void) throws {
        var rankOf: [Int: Int] = [:]
        let order = try db.prepare("SELECT ref FROM name_refs ORDER BY fold, name")
        while try order.step() { rankOf[order.int(0)] = rankOf.count }
        let s = try db.prepare("""
            SELECT o.id, n.name, u.tier, u.license, u.flags, u.active, u.pending, u.consumed, NULL, f.peak, f.days, f.tiers, u.name
            FROM monthly_usage u \(UsageStore.rowJoins) LEFT JOIN month_facts f ON f.month = u.period AND f.org = u.org
            WHERE u.period = ?
            """).bind([.int(period)])
        var tiers = TierSets(labels)
        while try s.step() {
            let facts: DailyFacts? = s.isNull(9) ? nil : (tiers[s.int(11)], s.int(9), s.int(10))
            visit(UsageStore.row(s, labels, id: ids.flatMap { s.withBytes(0, $0) }), facts, s.withBytes(0, suspended.contains), rankOf[s.int(12)])
        }
    }

    /// The sets of tiers of a summary's bits, made once each: a few serve every row.
    private struct TierSets {
        let labels: [Int: String]
        var made: [Int: Set<Tier>] = [:]
        init(_ labels: [Int: String]) { self.labels = labels }
        subscript(bits: Int) -> Set<Tier> {
            mutating get {
                if let tiers = made[bits] { return tiers }
                let tiers = UsageStore.tiers(bits: bits, labels)
                made[bits] = tiers
                return tiers
            }
        }
    }
}

extension UsageStore {
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

/// Ids found by their bytes (no string made of them): hashed, then compared.
struct IdSet {
    private var byHash: [UInt64: [[UInt8]]] = [:]

    mutating func insert(_ id: UnsafeBufferPointer<UInt8>) { byHash[ByteHash.of(id), default: []].append(Array(id)) }

    func contains(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !byHash.isEmpty, let held = byHash[ByteHash.of(id)] else { return false }
        return held.contains { $0.elementsEqual(id) }
    }
}
