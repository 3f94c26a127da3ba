import Foundation
import Testing
import TestSupport
@testable import Sync
@testable import UsageStore
import ProviderAPI
import ProviderSimulator

/// The sync engine against the simulator: what it asks for, what it writes, and that
/// faults, kills and cancels never leave half a report.
struct SyncTests {
    let dir = TempDir()
    /// 10:00 UTC on the simulator's today.
    static let now = Date(timeIntervalSince1970: Day("2026-11-29")!.start.timeIntervalSince1970 + 36_000)

    func engine(_ fixture: SimulatorFixture, store: UsageStore, timeout: Double = 1, at now: Date = SyncTests.now) -> SyncEngine {
        SyncEngine(client: fixture.client(pageSize: 1000, timeout: timeout), store: store, now: { now })
    }

    /// Every organization and report the cache holds, in a comparable form.
    func dump(_ store: UsageStore) throws -> [String] {
        var lines = try store.organizations().map { "\($0.id) \($0.name) \($0.tier) \($0.licenseType) \($0.status)" }
        for kind in UsageStore.Kind.allCases {
            for period in try store.cachedPeriods(kind) {
                let report = try #require(try store.report(kind == .daily ? .daily(Day(period)!) : .monthly(Month(period)!)))
                lines += report.rows.map { "\(period) \($0.organizationId) \($0.tier) \($0.activeSeats) \($0.pendingSeats)" }.sorted()
            }
        }
        return lines
    }

    @Test func firstSyncFillsTheCacheSecondAsksOnlyForWhatIsNew() async throws {
        let fixture = try SimulatorFixture(organizations: 240)
        let store = try UsageStore.open(path: dir.file("s.sqlite3"))
        let progress = ProgressLog()
        let summary = try await engine(fixture, store: store).sync { progress.add($0) }
        #expect(summary.succeeded && summary.organizations == 240)
        // October 1 to November 28, and the 12 months up to October.
        #expect(try store.cachedPeriods(.daily).count == 59)
        #expect(try store.cachedPeriods(.daily).first == "2026-11-28" && store.cachedPeriods(.daily).last == "2026-10-01")
        #expect(try store.cachedPeriods(.monthly) == (0..<12).map { Month("2026-10")!.adding(months: -$0).description })
        let cached = try #require(try store.report(.daily(Day("2026-11-28")!))).rows.sorted { $0.organizationId < $1.organizationId }
        #expect(cached == fixture.simulator.data.dailyRows(Day("2026-11-28")!).sorted { $0.organizationId < $1.organizationId })
        #expect(store.lastSync == SyncTests.now)
        let last = try #require(progress.all.last)
        #expect(last.done == last.total && last.total == 2 + 1 + 58 + 11)
        #expect(progress.all.map(\.done) == progress.all.map(\.done).sorted())

        fixture.simulator.resetCounts()
        let again = try await engine(fixture, store: store).sync()
        #expect(again.succeeded)
        // The list and the newest day refresh; nothing else is asked for.
        #expect(fixture.simulator.requestLog() == ["/provider/v1/organizations?limit=1000", "/provider/v1/usage/daily?limit=1000"])

        // A day later, the new day and nothing more.
        fixture.simulator.resetCounts()
        let tomorrow = SyncTests.now.addingTimeInterval(86_400)
        _ = try await engine(fixture, store: store, at: tomorrow).sync()
        #expect(fixture.simulator.requestLog().count == 2, "the simulator's newest is still 11-28: \(fixture.simulator.requestLog())")
    }

    @Test func neverAsksForAReportTheScheduleSaysCannotExist() async throws {
        let fixture = try SimulatorFixture(organizations: 30)
        let store = try UsageStore.open(path: dir.file("early.sqlite3"))
        // One second after midnight: yesterday's report is not generated until 00:00:02.
        let early = Day("2026-11-29")!.start.addingTimeInterval(1)
        _ = try await engine(fixture, store: store, at: early).sync()
        let log = fixture.simulator.requestLog()
        #expect(!log.contains { $0.contains("date=2026-11-29") })
        #expect(!log.contains { $0.contains("date=2026-11-28") })
        #expect(log.contains { $0.contains("date=2026-11-27") })
        // On the 1st at 00:01:01 the month before is not generated either.
        let monthEarly = Day("2026-11-01")!.start.addingTimeInterval(61)
        #expect(ReportSchedule.newestMonth(at: monthEarly) == Month("2026-09"))
        #expect(ReportSchedule.newestMonth(at: monthEarly.addingTimeInterval(1)) == Month("2026-10"))
        #expect(ReportSchedule.newestDay(at: early.addingTimeInterval(1)) == Day("2026-11-28"))
    }

    @Test func faultsStillConvergeToTheCleanContent() async throws {
        let clean = try SimulatorFixture(organizations: 150)
        let cleanStore = try UsageStore.open(path: dir.file("clean.sqlite3"))
        _ = try await engine(clean, store: cleanStore).sync()

        let faulty = try SimulatorFixture(organizations: 150) { $0.faultRate = 0.3; $0.retryAfter = 0; $0.stallSeconds = 1.5 }
        let store = try UsageStore.open(path: dir.file("faulty.sqlite3"))
        var runs = 0
        var done = false
        while !done, runs < 8 {
            runs += 1
            if let summary = try? await engine(faulty, store: store).sync() { done = summary.succeeded }
        }
        #expect(done, "converged after \(runs) syncs")
        #expect(try dump(store) == dump(cleanStore))
        #expect(faulty.simulator.requestCount > clean.simulator.requestCount)
    }

    @Test func cancelKeepsWholeReportsOnly() async throws {
        let fixture = try SimulatorFixture(organizations: 400) { $0.latency = 0.05 }
        let store = try UsageStore.open(path: dir.file("c.sqlite3"))
        let progress = ProgressLog()
        // Cancelled from the sync's own progress once six reports are written: no clock
        // to wait on, however slow the machine (under ThreadSanitizer and a full suite,
        // a 60 s wait for six reports once ran out).
        let canceller = Canceller()
        let task = Task {
            try await engine(fixture, store: store).sync { p in
                progress.add(p)
                if p.done >= 6 { canceller.cancel() }
            }
        }
        canceller.set(task)
        let result = await task.result
        if case .success(let s) = result { Issue.record("cancelled sync finished: \(s.fetched.count)") }
        let daily = try store.cachedPeriods(.daily)
        #expect(daily.count >= 4 && daily.count < 59)
        try assertWhole(store)
        #expect(store.lastSync == nil)
    }

    /// Cancels a task when asked, whether the ask comes before or after it is known.
    final class Canceller: Sendable {
        private let state = Locked<(task: Task<SyncSummary, Error>?, asked: Bool)>((nil, false))
        func set(_ t: Task<SyncSummary, Error>) { if state.withLock({ $0.task = t; return $0.asked }) { t.cancel() } }
        func cancel() { state.withLock { $0.asked = true; return $0.task }?.cancel() }
    }

    @Test func aRevokedKeyStopsTheSyncAndKeepsTheCache() async throws {
        let fixture = try SimulatorFixture(organizations: 40)
        let store = try UsageStore.open(path: dir.file("r.sqlite3"))
        _ = try await engine(fixture, store: store).sync()
        let before = try dump(store)
        fixture.simulator.revoke(keyId: fixture.keyId)
        fixture.minter.invalidate()
        await #expect(throws: ProviderError.keyRejected(status: 401, detail: "key revoked")) {
            _ = try await engine(fixture, store: store).sync()
        }
        #expect(try dump(store) == before)
    }

    /// Every cached report holds exactly the rows it was written with, and no rows
    /// exist for a report the cache does not list.
    func assertWhole(_ store: UsageStore) throws {
        try store.reading { db in
            for kind in UsageStore.Kind.allCases {
                let s = try db.prepare("SELECT period, row_count FROM reports WHERE kind = '\(kind.rawValue)'")
                var listed: [Int] = []
                while try s.step() {
                    let ordinal = try #require(UsageStore.ordinal(kind, s.text(0)))
                    listed.append(ordinal)
                    #expect(s.int(1) == (try db.scalar("SELECT count(*) FROM \(kind.table) WHERE period = \(ordinal)")), "\(kind) \(s.text(0))")
                }
                let orphans = try db.scalar("SELECT count(*) FROM \(kind.table) WHERE period NOT IN (\(listed.map(String.init).joined(separator: ",")))")
                #expect(orphans == 0)
            }
        }
    }

    @Test func aSyncKilledHalfWayLeavesWholeReports() async throws {
        let fixture = try SimulatorFixture(organizations: 3000) { $0.latency = 0.02 }
        // Last month's days wait until the kill: the sync cannot end first, however
        // loaded the machine (this month's days are written meanwhile).
        fixture.simulator.hold { $0.contains("date=2026-10-") }
        defer { fixture.simulator.release() }
        let creds = dir.file("creds.json")
        try fixture.writeCredentials(to: creds)
        let cache = dir.file("killed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: productBinary)
        process.arguments = ["sync", "--base-url", fixture.url.absoluteString, "--credentials", creds, "--cache-dir", cache]
        process.environment = ProcessInfo.processInfo.environment
            .merging(["XDG_STATE_HOME": dir.file("state"), "XDG_CONFIG_HOME": dir.file("config"),
                      "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once a few reports are in, while others are being written.
        try await waitUntil(seconds: 120, "the sync made 12 requests before the kill") { fixture.simulator.requestCount >= 12 }
        kill(process.processIdentifier, SIGKILL)
        try await offPool { process.waitUntilExit() }
        #expect(process.terminationReason == .uncaughtSignal)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".sqlite3") }
        let store = try UsageStore.open(path: cache + "/" + #require(files.first))
        #expect(store.notice == nil)
        try assertWhole(store)
        let daily = try store.cachedPeriods(.daily)
        #expect(daily.count < 59, "killed before the end")
        for period in daily {
            #expect(try store.report(.daily(Day(period)!))?.rows.count == fixture.simulator.data.dailyRows(Day(period)!).count)
        }
    }
}

final class ProgressLog: Sendable {
    private let items = Locked<[SyncProgress]>([])
    func add(_ p: SyncProgress) { items.withLock { $0.append(p) } }
    var all: [SyncProgress] { items.withLock { $0 } }
}
