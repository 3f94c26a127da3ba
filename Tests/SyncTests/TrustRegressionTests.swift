import Foundation
import Testing
import TestSupport
@testable import Sync
@testable import UsageStore
import ProviderAPI
import ProviderSimulator

/// Regressions of issue 10's high items that live below the command line.
struct TrustRegressionTests {
    let dir = TempDir()

    /// Item 1: the backfill hands each result to the caller with the period it was
    /// asked for. (The garbage dates came from a task group whose child result was a
    /// tuple, miscompiled at -O; `ReleaseBinaryTests` holds the real binary to it.)
    @Test func backfillProgressNamesThePeriodsAsked() async throws {
        let fixture = try SimulatorFixture(organizations: 60)
        let client = fixture.client()
        let asked = (1...20).map { ReportPeriod.daily(Day("2026-11-01")!.adding(days: $0)) }
        var seen: [ReportPeriod] = []
        try await client.reports(asked) { period, result in
            seen.append(period)
            if case .success(let report) = result { #expect(report.period == period) } else { Issue.record("\(period): \(result)") }
        }
        #expect(Set(seen) == Set(asked) && seen.count == asked.count)
    }

    /// Item 5: a cache write that fails mid-sync ends the sync with the cache's own
    /// error (exit 74, its words), never as an HTTP status or a report not fetched.
    @Test func aFullDiskDuringSyncIsACacheErrorNotAnHTTPOne() async throws {
        let fixture = try SimulatorFixture(organizations: 30)
        let store = try UsageStore.open(path: dir.file("full.sqlite3"))
        try store.writing { try $0.execute("CREATE TRIGGER refuse BEFORE INSERT ON daily_usage BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END") }
        let engine = SyncEngine(client: fixture.client(), store: store, now: { Day("2026-11-29")!.start.addingTimeInterval(36_000) })
        do {
            _ = try await engine.sync()
            Issue.record("the sync succeeded with a cache that refuses every row")
        } catch {
            let failure = Failure(error)
            #expect(error is StoreError)
            #expect(failure.exitCode == 74)
            #expect(failure.message.contains("disk is full"))
            #expect(!failure.message.contains("HTTP"))
        }
    }

    /// Item 5: an error that is neither the API's nor the cache's is an internal
    /// error (70), never "unexpected HTTP 0".
    @Test func anUnknownErrorIsNotDressedAsHTTP() {
        struct Odd: Error {}
        let failure = Failure(Odd())
        #expect(failure.exitCode == 70 && failure.message.hasPrefix("internal error"))
        #expect(!ProviderClient.providerError(Odd()).description.contains("HTTP 0"))
        #expect(Failure(CancellationError()).isCancellation)
    }

    /// Item 4: year 0 and out-of-range days are refused, never a crash.
    @Test func yearZeroIsRefusedNotACrash() {
        #expect(Day(year: 0, month: 1, day: 1) == nil)
        #expect(Day("0000-01-01") == nil)
        #expect(Month("0000-12") == nil)
        #expect(Day(year: 1, month: 1, day: 1) != nil && Day(year: 9999, month: 12, day: 31) != nil)
        // Arithmetic past the ends of the range gives the nearest month, not a trap.
        #expect(Day("0001-01-01")!.adding(days: -1).month == Month("0001-01"))
        #expect(Day("9999-12-31")!.adding(days: 1).month == Month("9999-12"))
    }

    /// Item 4: a server that sends a day of year 0 breaks the contract: exit 65.
    @Test func aServerDateOfYearZeroIsBadData() throws {
        let page = Data(#"{"type":"daily","date":"0000-01-01","generatedAt":"x","data":[],"nextCursor":null}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(UsagePage.self, from: page) }
        #expect(FastDecoder.decode(UsagePage.self, from: page) == nil)
    }

    /// Issue 18 finding: a NUL inside a name was taken for the end of the text by the
    /// cache (bound and read as C strings), so a cached report lost the rest of it.
    @Test func theCacheKeepsEveryByteOfAName() throws {
        let store = try UsageStore.open(path: dir.file("nul.sqlite3"))
        let names = Names.hostile + ["", "a\u{0}", "\u{0}"]
        let rows = names.enumerated().map { i, name in
            UsageRow(organizationId: "o\(i)", organizationName: name, tier: .business, licenseType: .standard,
                     trial: false, nfr: false, activeSeats: 1, pendingSeats: 0, consumedLicenses: 1)
        }
        let period = ReportPeriod.daily(Day("2026-11-28")!)
        try store.write(UsageReport(period: period, generatedAt: "g", rows: rows), fetchedAt: Date())
        let back = try #require(try store.report(period))
        #expect(Dictionary(uniqueKeysWithValues: back.rows.map { ($0.organizationId, $0.organizationName) })
                == Dictionary(uniqueKeysWithValues: rows.map { ($0.organizationId, $0.organizationName) }))
    }
}
