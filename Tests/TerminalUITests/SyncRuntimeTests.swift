import Foundation
import Testing
import TestSupport
@testable import TerminalUI
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import Sync
import UsageStore

/// The sync as the terminal runs it: `Runtime` starts its work beside the screen, its
/// steps and its end come back through the real inbox (the steps coalesced), and the
/// test applies what waits there as the terminal loop does (`drain`), until what it
/// waits for shows. The simulator holds a request where a test needs the sync still
/// running, so no outcome depends on the machine's speed.
@MainActor @Suite(.serialized)
struct SyncRuntimeTests {
    nonisolated static let today = Day("2026-11-29")!
    nonisolated static let now = Date(timeIntervalSince1970: today.start.timeIntervalSince1970 + 36_000)
    let dir = TempDir()
    let info = KeyInfo(providerId: "prv", keyId: "key", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")

    /// The terminal's runtime over an empty cache, syncing from `fixture`.
    func runtime(_ fixture: SimulatorFixture, name: String, origin: DataOrigin = .demo) throws -> Runtime {
        let store = try UsageStore.open(path: dir.file("\(name).sqlite3"))
        let engine = SyncEngine(client: fixture.client(timeout: 60), store: store, now: { Self.now })
        let model = ExplorerModel(store: store, source: ReportSource(client: fixture.client(), store: store, now: { Self.now }),
                                  engine: engine, keyInfo: info, origin: origin, now: { Self.now })
        return Runtime(app: App(model: model, theme: Theme(colors: false)) { _, _ in "" })
    }

    /// Applies what waits in the inbox, as the terminal loop does between keys, until
    /// `condition` holds (a failure after `seconds`).
    func drain(_ runtime: Runtime, _ what: String, seconds: Double = 60, until condition: () -> Bool) async throws {
        try await waitUntil(seconds: seconds, what) { runtime.drain(); return condition() }
    }

    /// Issue 10, item 6: on a first start with an empty cache, the list shows the newest
    /// report as soon as the sync has written it, long before the sync ends. The
    /// simulator holds the sync's next request (the newest monthly report) until the
    /// list has shown the newest day, so the sync cannot end first.
    @Test func theListShowsTheNewestReportBeforeTheSyncEnds() async throws {
        let fixture = try SimulatorFixture(organizations: 200, today: Self.today)
        fixture.simulator.hold { $0.hasPrefix(Endpoints.monthlyUsage) }
        defer { fixture.simulator.release() }
        let runtime = try runtime(fixture, name: "first")
        let m = runtime.app.model
        runtime.dispatch(.start(restoring: nil))
        #expect(!m.periodCached && m.sync.isSyncing && runtime.isRunning(.sync))
        try await drain(runtime, "the newest report on screen") { m.periodCached }
        #expect(m.sync.isSyncing, "the report is shown while the sync still runs")
        #expect(m.list.allRows.count == 200 && m.period == .day(Day("2026-11-28")!))
        fixture.simulator.release()
        try await drain(runtime, "the sync's end") { !m.sync.isSyncing }
        #expect(m.status == nil && m.sync.lastSuccess == Self.now)
        #expect(m.periodCached && m.list.allRows.count == 200)
    }

    /// Issue 10, item 23: the cancel key stops the sync; a cancel is not a failure: idle,
    /// and a plain (not red) note; what was fetched is on screen.
    @Test func cancelStopsTheSyncAndSaysSo() async throws {
        let fixture = try SimulatorFixture(organizations: 300, today: Self.today)
        // The days of last month wait until the test ends: the sync cannot end before the
        // cancel, however fast or loaded the machine.
        fixture.simulator.hold { $0.contains("date=2026-10-") }
        defer { fixture.simulator.release() }
        let runtime = try runtime(fixture, name: "cancel")
        let m = runtime.app.model
        runtime.dispatch(.start(restoring: nil))
        try await drain(runtime, "five steps of the sync") { if case .syncing(let done, _, _) = m.sync.state { return done >= 5 }; return false }
        #expect(m.sync.isSyncing, "cancelled before it ended")
        runtime.dispatch(.intent(.cancelSync))
        try await drain(runtime, "the sync's end") { !m.sync.isSyncing && !runtime.isRunning(.sync) }
        #expect(m.sync.state == .idle && m.sync.lastCancelled)
        #expect(m.status == ExplorerModel.Status(text: "sync cancelled; what was fetched is kept", isError: false))
        #expect(m.sync.lastSuccess == nil)
        #expect(try m.store.cachedPeriods(.daily).count < 59)
        #expect(!m.list.allRows.isEmpty, "what was fetched is on screen")
    }

    /// Issue 16: the status line says what the command line says of an untrusted
    /// certificate, after one connection, with no retry.
    @Test func theStatusLineNamesAnUntrustedCertificate() async throws {
        let certs = try await TestCertificates()
        let pair = try await certs.server("private-ca")
        let fixture = try SimulatorFixture(organizations: 20, today: Self.today,
                                           tls: try TLSIdentity(certificateFile: pair.certificate, keyFile: pair.key))
        let runtime = try runtime(fixture, name: "tls", origin: .api(host: "127.0.0.1"))
        let m = runtime.app.model
        runtime.dispatch(.start(restoring: nil))
        try await drain(runtime, "the sync's end") { !m.sync.isSyncing }
        let status = try #require(m.status)
        #expect(status.isError && status.text.hasPrefix("the TLS certificate of 127.0.0.1 is not trusted"), "\(status)")
        #expect(status.text.contains("update-ca-certificates"))
        #expect(fixture.simulator.connectionCounts.accepted == 1)
    }
}
