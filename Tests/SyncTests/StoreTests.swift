import Foundation
import Testing
import TestSupport
@testable import UsageStore
import ProviderAPI

/// The cache file: permissions, whole reports, and what happens to a bad file.
struct StoreTests {
    let dir = TempDir()

    func sampleReport(_ day: String, rows: Int) -> UsageReport {
        UsageReport(period: .daily(Day(day)!), generatedAt: "x", rows: (0..<rows).map {
            UsageRow(organizationId: "org_\($0)", organizationName: "Org \($0) 東京", tier: .business, licenseType: .standard,
                     trial: false, nfr: false, activeSeats: $0, pendingSeats: 1, consumedLicenses: $0 + 1,
                     extra: $0 == 0 ? ["future": .string("kept")] : [:])
        })
    }

    @Test func locationAndPermissions() throws {
        let store = try UsageStore.open(directory: dir.file("cache/pe"), providerId: "prv_7Q2M9K", baseURL: "https://api.nordpass.com")
        try store.write(sampleReport("2026-11-01", rows: 3), fetchedAt: Date())
        #expect(store.path.hasPrefix(dir.file("cache/pe/prv_7Q2M9K-")))
        let dirMode = try FileManager.default.attributesOfItem(atPath: dir.file("cache/pe"))[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(dirMode == 0o700 && fileMode == 0o600)
        let other = UsageStore.fileName(providerId: "prv_7Q2M9K", baseURL: "http://127.0.0.1:8080")
        #expect(other != (store.path as NSString).lastPathComponent)
        #expect(UsageStore.fileName(providerId: "../../etc", baseURL: "x").hasPrefix("______etc-"))
    }

    @Test func reportsRoundTripWhole() throws {
        let store = try UsageStore.open(path: dir.file("a.sqlite3"))
        let report = sampleReport("2026-11-02", rows: 50)
        try store.write(report, fetchedAt: Date())
        let back = try #require(try store.report(.daily(Day("2026-11-02")!)))
        #expect(Set(back.rows.map(\.organizationId)) == Set(report.rows.map(\.organizationId)))
        #expect(back.rows.first { $0.organizationId == "org_0" }?.extra["future"] == .string("kept"))
        #expect(store.has(.daily(Day("2026-11-02")!)) && !store.has(.daily(Day("2026-11-03")!)))
        // Writing a report again replaces it, never doubles it.
        try store.write(sampleReport("2026-11-02", rows: 10), fetchedAt: Date())
        #expect(try store.report(.daily(Day("2026-11-02")!))?.rows.count == 10)
        let history = try store.history(.daily, organizationId: "org_3", from: "2026-11-01", to: "2026-11-30")
        #expect(history.map(\.period) == ["2026-11-02"])
    }

    @Test func aFailedWriteLeavesTheCacheAsItWas() throws {
        let store = try UsageStore.open(path: dir.file("b.sqlite3"))
        try store.write(sampleReport("2026-11-02", rows: 5), fetchedAt: Date())
        // A row of the same organization twice with the database told to refuse it.
        try store.writing { try $0.execute("CREATE TRIGGER refuse BEFORE INSERT ON daily_usage WHEN NEW.org = (SELECT ref FROM org_refs WHERE id = 'org_7') BEGIN SELECT RAISE(ABORT, 'disk full'); END") }
        #expect(throws: StoreError.self) { try store.write(sampleReport("2026-11-02", rows: 20), fetchedAt: Date()) }
        #expect(try store.report(.daily(Day("2026-11-02")!))?.rows.count == 5)
        #expect(throws: StoreError.self) { try store.write(sampleReport("2026-11-03", rows: 20), fetchedAt: Date()) }
        #expect(!store.has(.daily(Day("2026-11-03")!)))
        #expect(try store.history(.daily, organizationId: "org_1", from: "2026-11-03", to: "2026-11-03").isEmpty)
    }

    @Test func garbageFileIsMovedAsideAndRebuilt() throws {
        let path = dir.write("g.sqlite3", String(repeating: "this is not sqlite ", count: 300))
        let store = try UsageStore.open(path: path)
        let notice = try #require(store.notice)
        #expect(notice.contains("not a SQLite database") && notice.contains("moved it to"))
        let aside = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("g.sqlite3.broken-") }
        #expect(aside.count == 1)
        try store.write(sampleReport("2026-11-02", rows: 2), fetchedAt: Date())
        #expect(store.has(.daily(Day("2026-11-02")!)))
    }

    @Test func foreignAndNewerFilesAreMovedAside() throws {
        let foreign = dir.file("f.sqlite3")
        do {
            let db = try Database(path: foreign)
            try db.execute("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x')")
        }
        #expect(try UsageStore.open(path: foreign).notice?.contains("another program") == true)

        let newer = dir.file("n.sqlite3")
        do {
            let store = try UsageStore.open(path: newer)
            try store.writing { try $0.execute("PRAGMA user_version=99") }
        }
        let reopened = try UsageStore.open(path: newer)
        #expect(reopened.notice?.contains("newer provider-explorer") == true)
        #expect(try UsageStore.open(path: newer).notice == nil, "the rebuilt cache opens cleanly")
    }

    @Test func truncatedFileIsMovedAside() throws {
        let path = dir.file("t.sqlite3")
        do {
            let store = try UsageStore.open(path: path)
            for d in 1...20 { try store.write(sampleReport("2026-10-\(d < 10 ? "0" : "")\(d)", rows: 200), fetchedAt: Date()) }
            try store.writing { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var bytes = [UInt8](data)
        for i in stride(from: 4096, to: bytes.count, by: 3) { bytes[i] = 0xA5 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let store = try UsageStore.open(path: path)
        #expect(store.notice != nil)
        #expect(try store.cachedPeriods(.daily).isEmpty)
    }
}
