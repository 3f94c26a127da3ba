import Foundation
import Testing
import TestSupport
@testable import UsageStore
import ProviderAPI

/// A cache written by the version before (schema 1: every row spelled out in text) is
/// converted in place when opened: every report is found, row for row.
struct MigrationTests {
    let dir = TempDir()

    /// Rows that use every column's edge: an unknown tier and license type, trial and
    /// NFR, consumed other than active + pending, unknown fields, names with a NUL, CJK
    /// and emoji, an id that only a monthly report has.
    func rows(_ day: Int) -> [UsageRow] {
        (0..<40).map { i in
            UsageRow(organizationId: "org_\(i)", organizationName: i == 3 ? "Nul\u{0}Name" : i % 2 == 0 ? "東京 \(i) 🚀" : "Org \(i)",
                     tier: i == 5 ? Tier(rawValue: "platinum") : i % 3 == 0 ? .enterprise : .business,
                     licenseType: i == 6 ? LicenseType(rawValue: "partner") : i % 4 == 1 ? .trial : i == 8 ? .nfr : .standard,
                     trial: i % 4 == 1, nfr: i == 8, activeSeats: i * 7 + day, pendingSeats: i % 3,
                     consumedLicenses: i == 9 ? 999 : i * 7 + day + i % 3,
                     extra: i == 2 ? ["future": .string("kept"), "n": .number(4)] : [:])
        }
    }

    /// Writes a version 1 file as version 1 wrote it.
    func writeVersion1(_ path: String, reports: [UsageReport]) throws {
        let db = try Database(path: path)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute(Schema.v1)
        try db.execute("PRAGMA application_id=\(UsageStore.applicationID)")
        try db.execute("PRAGMA user_version=1")
        for report in reports {
            let table = UsageStore.kind(of: report.period).table
            let insert = try db.prepare("INSERT INTO \(table) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for r in report.rows {
                try insert.run([.text(report.period.description), .text(r.organizationId), .text(r.organizationName), .text(r.tier.rawValue),
                                .text(r.licenseType.rawValue), .int(r.trial ? 1 : 0), .int(r.nfr ? 1 : 0), .int(r.activeSeats),
                                .int(r.pendingSeats), .int(r.consumedLicenses), .optional(UsageStore.encodeExtra(r.extra))])
            }
            try db.prepare("INSERT INTO reports VALUES (?, ?, ?, ?, ?)").run([
                .text(UsageStore.kind(of: report.period).rawValue), .text(report.period.description), .text(report.generatedAt),
                .double(1_764_000_000), .int(report.rows.count)])
        }
        try db.execute("INSERT INTO meta VALUES ('last_sync_at', '1764000000')")
        db.close()
    }

    @Test func aVersion1CacheOpensWithAllItsReports() throws {
        let path = dir.file("v1.sqlite3")
        var reports = (20...28).map { d in UsageReport(period: .daily(Day("2026-11-\(d)")!), generatedAt: "2026-11-\(d)T00:00:02Z", rows: rows(d)) }
        var monthly = UsageReport(period: .monthly(Month("2026-10")!), generatedAt: "2026-11-01T00:01:02Z", rows: rows(31))
        monthly.rows.append(UsageRow(organizationId: "org_monthly_only", organizationName: "Gone Since", tier: .business, licenseType: .standard,
                                     trial: false, nfr: false, activeSeats: 1, pendingSeats: 0, consumedLicenses: 1, extra: [:]))
        reports.append(monthly)
        try writeVersion1(path, reports: reports)

        let store = try UsageStore.open(path: path)
        #expect(store.schemaVersion == 3 && store.notice == nil)
        for report in reports {
            let back = try #require(try store.report(report.period), "\(report.period) is found")
            #expect(back.generatedAt == report.generatedAt)
            let byId = Dictionary(uniqueKeysWithValues: back.rows.map { ($0.organizationId, $0) })
            #expect(back.rows.count == report.rows.count)
            for row in report.rows { #expect(byId[row.organizationId] == row, "\(report.period) \(row.organizationId)") }
        }
        let days = try store.cachedPeriods(.daily).count
        #expect(days == 9 && store.lastSync == Date(timeIntervalSince1970: 1_764_000_000))
        // The reads the screens make agree with the rows.
        let history = try store.history(.daily, organizationId: "org_9", from: "2026-11-01", to: "2026-11-30")
        #expect(history.map(\.period) == (20...28).map { "2026-11-\($0)" } && history.allSatisfy { $0.row.consumedLicenses == 999 })
        let joined = try #require(try store.periodRows(.daily(Day("2026-11-28")!), previous: .daily(Day("2026-11-27")!)))
        #expect(joined.first { $0.row.organizationId == "org_4" }?.previousConsumed == 4 * 7 + 27 + 1)
        let facts = try store.dailyFacts(of: Month("2026-11")!)
        #expect(facts["org_5"]?.tiers == [Tier(rawValue: "platinum")] && facts["org_5"]?.days == 9)
        // And writing goes on from there: a new report beside the migrated ones.
        try store.write(UsageReport(period: .daily(Day("2026-11-29")!), generatedAt: "x", rows: rows(29)), fetchedAt: Date())
        #expect(try store.report(.daily(Day("2026-11-29")!))?.rows.count == 40)
        // Reopened, it is version 2 as it is: nothing is converted twice.
        let again = try UsageStore.open(path: path)
        let daysAgain = try again.cachedPeriods(.daily).count
        #expect(again.schemaVersion == 3 && daysAgain == 10)
    }

    /// Rows are small: a report row of the 50,000-organization kind costs well under
    /// 50 bytes on disk (the figure of record is the benchmark's, at 50,000).
    @Test func aRowIsSmallOnDisk() throws {
        let store = try UsageStore.open(path: dir.file("size.sqlite3"))
        let orgs = 2_000
        for d in 1...20 {
            let rows = (0..<orgs).map { i in
                UsageRow(organizationId: "org_\(String(format: "%012x", i * 7919))", organizationName: "Organization \(i) GmbH",
                         tier: i % 3 == 0 ? .enterprise : .business, licenseType: i % 10 == 0 ? .trial : .standard,
                         trial: i % 10 == 0, nfr: false, activeSeats: (i * 37 + d) % 900, pendingSeats: i % 5,
                         consumedLicenses: (i * 37 + d) % 900 + i % 5, extra: [:])
            }
            try store.write(UsageReport(period: .daily(Day("2026-11-\(String(format: "%02d", d))")!), generatedAt: "x", rows: rows), fetchedAt: Date())
        }
        try store.writing { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        let perRow = Double(store.bytesOnDisk) / Double(orgs * 20)
        #expect(perRow < 50, "\(perRow) bytes a row")
    }

    /// Name refs keep the list's name order as names arrive one at a time (each takes
    /// the middle of its gap); when a gap runs out the cache says so and the first rows
    /// are read through the join, in the same exact order.
    @Test func nameRefsKeepTheNameOrderOrSaySo() throws {
        let store = try UsageStore.open(path: dir.file("names.sqlite3"))
        func report(_ day: Int, _ names: [String]) -> UsageReport {
            UsageReport(period: .daily(Day(ordinal: Day("2026-11-01")!.ordinal + day)), generatedAt: "x", rows: names.enumerated().map { i, name in
                UsageRow(organizationId: "org_\(name.unicodeScalars.map { String($0.value, radix: 16) }.joined())", organizationName: name,
                         tier: .business, licenseType: .standard, trial: false, nfr: false, activeSeats: i % 3, pendingSeats: 0,
                         consumedLicenses: i % 3, extra: [:])
            })
        }
        func inOrder() throws -> Bool {
            try store.reading { db in
                let s = try db.prepare("SELECT fold, name FROM name_refs ORDER BY ref")
                var all: [([UInt8], String)] = []
                while try s.step() { all.append((s.blob(0), s.text(1))) }
                let sorted = all.sorted { TextSearch.compare($0.0, $1.0) != 0 ? TextSearch.compare($0.0, $1.0) < 0 : Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8)) }
                return all.map(\.1) == sorted.map(\.1)
            }
        }
        func firstRowsAreExact(_ day: Int, _ names: [String]) throws {
            let rows = try #require(try store.firstRows(.daily(Day(ordinal: Day("2026-11-01")!.ordinal + day)), previous: .daily(Day("2026-10-01")!),
                                                      FirstRows(order: .name, ascending: true, limit: 5)))
            let expected = report(day, names).rows.sorted {
                let c = TextSearch.compare(TextSearch.fold($0.organizationName), TextSearch.fold($1.organizationName))
                return c != 0 ? c < 0 : $0.organizationId < $1.organizationId
            }
            #expect(rows.map(\.row.organizationId) == expected.prefix(5).map(\.organizationId))
        }
        let first = ["Delta", "alpha", "Ærø", "charlie", "ÁLPHA", "Bravo", "echo"]
        try store.write(report(0, first), fetchedAt: Date())
        #expect(try inOrder())
        let more = first + ["Beta", "Álpha 2", "zulu", "Aardvark"]
        try store.write(report(1, more), fetchedAt: Date())
        #expect(try inOrder())
        try firstRowsAreExact(1, more)
        // Fourteen names, each just after "charlie" and before the one before it: the gap
        // after "charlie" halves each time until it is gone.
        let squeeze = more + (0..<14).map { "charlie " + String(UnicodeScalar(UInt8(ascii: "z") - UInt8($0))) }
        try store.write(report(2, squeeze), fetchedAt: Date())
        let broken = try store.reading { try $0.prepare("SELECT value FROM meta WHERE key = 'name_order'").step() }
        #expect(broken, "the cache says the order by ref no longer holds")
        try firstRowsAreExact(2, squeeze)
    }
}

/// Issue 26: a cache of schema 2 (names keyed by their folded bytes, "AB 10" before
/// "AB 2") is re-keyed to the collation when opened, and reads the name order through
/// the join where its refs still follow the old order.
struct SchemaThreeMigrationTests {
    let dir = TempDir()

    /// Issue 26: a bill finds the suspended through a partial index of their ids, not a
    /// pass over the whole list. A cache made before the index gets it when opened;
    /// while another process holds the write lock, the open does not wait for it (the
    /// reads do without), and a later open makes it.
    @Test func theSuspendedIndexIsMadeOnceAndNeverWaitedFor() throws {
        let path = dir.file("index.sqlite3")
        _ = try UsageStore.open(path: path)
        let db = try Database(path: path)
        func hasIndex() throws -> Bool {
            try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'organizations_suspended'") == 1
        }
        #expect(try hasIndex(), "a new cache has it")
        do {
            let plan = try db.prepare("EXPLAIN QUERY PLAN SELECT id FROM organizations WHERE status = 'suspended'")
            #expect(try plan.step() && plan.text(3).contains("organizations_suspended"), "the bill's query reads the index")
        }
        try db.execute("DROP INDEX organizations_suspended")
        try db.execute("BEGIN IMMEDIATE")
        let started = Date()
        _ = try UsageStore.open(path: path)
        #expect(Date().timeIntervalSince(started) < 2.5, "the open waited for the write lock (5 s)")
        #expect(try !hasIndex())
        try db.execute("COMMIT")
        _ = try UsageStore.open(path: path)
        #expect(try hasIndex(), "made by the next open")
    }

    @Test func aVersion2CacheTakesTheCollation() throws {
        let path = dir.file("v2.sqlite3")
        let names = ["AB 10", "AB 2", "AB 3", "Alpine", "Ångström"]
        let day = Day("2026-11-20")!
        let rows = names.enumerated().map { i, name in
            UsageRow(organizationId: "org_\(i)", organizationName: name, tier: .business, licenseType: .standard, trial: false, nfr: false,
                     activeSeats: i + 1, pendingSeats: 0, consumedLicenses: i + 1)
        }
        do {
            let store = try UsageStore.open(path: path)
            try store.write(UsageReport(period: .daily(day), generatedAt: "2026-11-20T00:00:02Z", rows: rows), fetchedAt: Date())
            try store.write(UsageReport(period: .monthly(day.month), generatedAt: "2026-12-01T00:01:02Z", rows: rows), fetchedAt: Date())
        }
        // As schema 2 left it: the old keys, refs numbered in the old order, no summaries.
        let db = try Database(path: path)
        let old = names.sorted { TextSearch.compare(TextSearch.fold($0), TextSearch.fold($1)) < 0 }
        #expect(old.prefix(3) == ["AB 10", "AB 2", "AB 3"])
        try db.execute("UPDATE name_refs SET ref = -ref")
        try db.execute("UPDATE daily_usage SET name = -name")
        try db.execute("UPDATE monthly_usage SET name = -name")
        for (i, name) in old.enumerated() {
            let ref = (i + 1) * 4_096
            let was = try #require(try db.scalar("SELECT ref FROM name_refs WHERE name = '\(name)'"))
            try db.prepare("UPDATE name_refs SET ref = ?, fold = ? WHERE name = ?").run([.int(ref), .blob(TextSearch.fold(name)), .text(name)])
            try db.prepare("UPDATE daily_usage SET name = ? WHERE name = ?").run([.int(ref), .int(was)])
            try db.prepare("UPDATE monthly_usage SET name = ? WHERE name = ?").run([.int(ref), .int(was)])
        }
        try db.execute("DROP TABLE month_facts")
        try db.execute("DROP TABLE month_fact_days")
        try db.execute("PRAGMA user_version=2")
        db.close()

        let store = try UsageStore.open(path: path)
        #expect(store.schemaVersion == 3)
        let first = try #require(try store.firstRows(.daily(day), previous: .daily(day.adding(days: -1)),
                                                     FirstRows(order: .name, ascending: true, limit: 10)))
        #expect(first.map(\.row.organizationName) == ["AB 2", "AB 3", "AB 10", "Alpine", "Ångström"])
        let check = try Database(path: path)
        #expect(try Refs.nameOrderBroken(in: check), "the refs keep the old order: the order is read through the join")
        let s = try check.prepare("SELECT name, fold FROM name_refs")
        while try s.step() { #expect(s.blob(1) == TextSearch.sortKey(s.text(0)), "\(s.text(0))") }
        // The summaries start empty: a month is summarised when a bill first reads it.
        #expect(try check.scalar("SELECT count(*) FROM month_fact_days") == 0)
        // A bill's rows still come with ranks in the name order (read from the index).
        var ranked: [(rank: Int, name: String)] = [], matched = 0
        let read = try store.monthlyRowsWithDailyFacts(day.month) { row, _, _, rank in
            if rows.contains(where: { $0.organizationId == row.organizationId && $0.organizationName == row.organizationName }) { matched += 1 }
            ranked.append((rank ?? -1, row.organizationName))
        }
        #expect(read && matched == rows.count, "every row with its own name")
        #expect(ranked.sorted { $0.rank < $1.rank }.map(\.name) == ["AB 2", "AB 3", "AB 10", "Alpine", "Ångström"] && ranked.allSatisfy { $0.rank >= 0 })
    }
}
