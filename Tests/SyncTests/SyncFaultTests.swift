import Foundation
import Testing
import TestSupport
@testable import Sync
@testable import UsageStore
import ProviderAPI
import ProviderSimulator

/// The sync the explorer runs, against each fault: what it throws or lists, and a
/// cache that keeps what it had and gains only whole reports.
struct SyncFaultTests {
    let dir = TempDir()
    static let now = Date(timeIntervalSince1970: Day("2026-11-29")!.start.timeIntervalSince1970 + 36_000)

    enum Outcome: Sendable { case succeeds, listsFailures, throwsKeyRejected, throwsUnavailable, throwsBadResponse }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        /// Requests answered normally before the faults start (3 = the list and the newest reports).
        let after: Int
        let faults: [ProviderSimulator.Fault]
        let outcome: Outcome
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "401 on the list", after: 0, faults: [.rejected(status: 401, detail: "key revoked")], outcome: .throwsKeyRejected),
        Case(name: "403 on the list", after: 0, faults: [.rejected(status: 403, detail: "no access")], outcome: .throwsKeyRejected),
        Case(name: "401 mid-backfill", after: 5, faults: [.rejected(status: 401, detail: "key revoked")], outcome: .throwsKeyRejected),
        Case(name: "503 four times on the list", after: 0, faults: Array(repeating: .status(503, retryAfter: nil), count: 4), outcome: .throwsUnavailable),
        Case(name: "429 then fine", after: 4, faults: [.status(429, retryAfter: 0)], outcome: .succeeds),
        Case(name: "500, 502 and 503 then fine", after: 4, faults: [.status(500, retryAfter: nil), .status(502, retryAfter: nil), .status(503, retryAfter: nil)], outcome: .succeeds),
        Case(name: "a stall", after: 4, faults: [.stall], outcome: .succeeds),
        Case(name: "a body cut mid-way", after: 4, faults: [.cutMidBody], outcome: .succeeds),
        Case(name: "invalid JSON in a backfilled report", after: 4, faults: [.invalidJSON], outcome: .listsFailures),
        Case(name: "wrong shape in a backfilled report", after: 4, faults: [.wrongShape], outcome: .listsFailures),
        Case(name: "invalid JSON in the list", after: 0, faults: [.invalidJSON], outcome: .throwsBadResponse),
    ]

    @Test(arguments: cases)
    func syncMeetsTheFault(_ c: Case) async throws {
        let fixture = try SimulatorFixture(organizations: 60) { $0.stallSeconds = 1.5 }
        let store = try UsageStore.open(path: dir.file("f.sqlite3"))
        // A first, clean sync of last month; then the fault-ridden one.
        try store.write(UsageReport(period: .monthly(Month("2026-10")!), generatedAt: "g",
                                    rows: fixture.simulator.data.monthlyRows(Month("2026-10")!)), fetchedAt: Date())
        let before = try store.report(.monthly(Month("2026-10")!))
        // The faults begin after `after` requests answered normally.
        let engine = SyncEngine(client: fixture.client(pageSize: 1000, timeout: 1), store: store, now: { Self.now })
        let gate = FaultGate(fixture: fixture, after: c.after, faults: c.faults)
        let result: Result<SyncSummary, Error>
        do { result = .success(try await engine.sync { gate.onProgress($0) }) } catch { result = .failure(error) }
        switch (c.outcome, result) {
        case (.succeeds, .success(let s)): #expect(s.succeeded, "\(c.name): \(s.failures)")
        case (.listsFailures, .success(let s)):
            #expect(s.failures.count == 1, "\(c.name)")
            #expect(s.fetched.count > 50, "the other reports arrived")
            #expect(store.lastSync == nil, "an incomplete sync is not a success")
        case (.throwsKeyRejected, .failure(let e)):
            guard case .keyRejected = ProviderClient.providerError(e) else { Issue.record("\(c.name): \(e)"); break }
        case (.throwsUnavailable, .failure(let e)):
            guard case .unavailable = ProviderClient.providerError(e) else { Issue.record("\(c.name): \(e)"); break }
        case (.throwsBadResponse, .failure(let e)):
            guard case .badResponse = ProviderClient.providerError(e) else { Issue.record("\(c.name): \(e)"); break }
        default:
            Issue.record("\(c.name): unexpected \(result)")
        }
        // What the cache had is still there, whole; what it gained is whole.
        #expect(try store.report(.monthly(Month("2026-10")!))?.rows.count == before?.rows.count)
        for kind in UsageStore.Kind.allCases {
            for period in try store.cachedPeriods(kind) {
                let p: ReportPeriod = kind == .daily ? .daily(Day(period)!) : .monthly(Month(period)!)
                let expected = kind == .daily ? fixture.simulator.data.dailyRows(Day(period)!).count
                    : fixture.simulator.data.monthlyRows(Month(period)!).count
                #expect(try store.report(p)?.rows.count == expected, "\(c.name): \(period)")
            }
        }
    }
}

/// Arms the simulator's scripted faults once the sync has made `after` requests.
final class FaultGate: Sendable {
    let fixture: SimulatorFixture
    let after: Int
    let faults: [ProviderSimulator.Fault]
    private let armed = Locked(false)

    init(fixture: SimulatorFixture, after: Int, faults: [ProviderSimulator.Fault]) {
        self.fixture = fixture
        self.after = after
        self.faults = faults
        if after == 0 { arm() }
    }

    func onProgress(_ p: SyncProgress) {
        if fixture.simulator.requestCount >= after { arm() }
    }

    private func arm() {
        let go = armed.withLock { armed -> Bool in
            if armed { return false }
            armed = true
            return true
        }
        if go { fixture.simulator.script(faults) }
    }
}
