import Foundation
import Testing
import TestSupport
@testable import TerminalUI
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import Sync
import UsageStore

/// Issue 29, item 5: golden screens of the states no other golden holds: the first
/// screenful with the rest loading behind, an empty cache, an error on the status line,
/// a sync in progress, rate-limited, and a terminal too small. Each at 80x24, 120x40 and
/// 200x60, in colour and NO_COLOR, reached through the action flow (`UPDATE_GOLDEN=1`
/// rewrites them).
@MainActor @Suite(.serialized)
struct StateGoldenTests {
    let dir = TempDir()

    struct DiskFull: ReportableError {
        var exitCode: Int32 { 74 }
        var description: String { "cannot write /tmp/exports/organizations.csv: no space left on device" }
    }

    /// The golden app's data and clock; `firstScreenFrom` makes a 240-row report load
    /// behind; `syncing` gives it a sync engine (whose work is never run here).
    func app(colors: Bool, empty: Bool = false, firstScreenFrom: Int = 5_000, syncing: Bool = false) throws -> App {
        let store = try UsageStore.open(path: dir.file("s-\(UUID().uuidString).sqlite3"))
        if !empty {
            try fill(store, from: DataSet(organizationCount: 240, seed: 1, today: Day("2026-11-29")!))
            try store.setLastSync(GoldenScreenTests.now.addingTimeInterval(-600))
        }
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "key_DEMO", algorithm: "ES256 (EC P-256)",
                           fingerprint: "SHA256:jgqR9TW04pIQqHfNVAW4ZAPv84MPckSjLx0FU/Qj8js",
                           createdAt: GoldenScreenTests.now.addingTimeInterval(-86_400 * 10), permission: "0600 (owner only)", source: "demo key (in memory)")
        var engine: SyncEngine?
        if syncing {
            // Nothing listens there: the sync's effect is taken, never run.
            let client = ProviderClient(baseURL: URL(string: "http://127.0.0.1:9")!,
                                        minter: TokenMinter(providerId: "prv_DEMO00", keyId: "k", key: PrivateKey.generate(.es256)!),
                                        transport: URLSessionTransport(timeout: 1, maxConnections: 1))
            engine = SyncEngine(client: client, store: store, now: { GoldenScreenTests.now })
        }
        let model = ExplorerModel(store: store, source: nil, engine: engine, keyInfo: info, origin: .demo,
                                  firstScreenFrom: firstScreenFrom, now: { GoldenScreenTests.now })
        return App(model: model, theme: Theme(colors: colors), now: GoldenScreenTests.now) { _, _ in throw DiskFull() }
    }

    @Test func theStatesMatchTheirGoldenFiles() async throws {
        let golden = GoldenScreenTests()
        for colors in [true, false] {
            for (w, h) in GoldenScreenTests.sizes {
                let suffix = "\(w)x\(h)\(colors ? "" : "-nocolor")"
                // Loading: the first screenful of a big report, the rest read behind.
                var a = try app(colors: colors, firstScreenFrom: 100)
                _ = a.frame(width: w, height: h)
                let behind = a.update(.start(restoring: nil))
                #expect(!behind.isEmpty && a.model.list.loadingTotal == 240)
                let loading = a.frame(width: w, height: h)
                #expect(loading.text.contains("loading"), "\(loading.text)")
                try golden.check("state-loading-\(suffix)", loading)
                // An empty cache, offline: what to do.
                a = try app(colors: colors, empty: true)
                _ = a.frame(width: w, height: h)
                await a.send(.start(restoring: nil))
                try golden.check("state-empty-cache-\(suffix)", a.frame(width: w, height: h))
                // An error on the status line: the export could not be written.
                a = try app(colors: colors)
                _ = a.frame(width: w, height: h)
                await a.send(.start(restoring: nil))
                await a.press(.char("x"))
                #expect(a.model.status?.isError == true)
                try golden.check("state-error-\(suffix)", a.frame(width: w, height: h))
                // A sync in progress, then rate-limited.
                a = try app(colors: colors, syncing: true)
                _ = a.frame(width: w, height: h)
                let sync = a.update(.start(restoring: nil))
                #expect(sync.contains { if case .run(.sync?, _) = $0 { return true }; return false })
                _ = a.update(.syncProgress(SyncProgress(done: 12, total: 63, current: "daily 2026-11-14")))
                try golden.check("state-syncing-\(suffix)", a.frame(width: w, height: h))
                _ = a.update(.request(RequestOutcome(time: GoldenScreenTests.now, path: "/provider/v1/usage/daily", status: 429, error: nil, retryIn: 7)))
                #expect(a.model.sync.state == .rateLimited(retryIn: 7))
                try golden.check("state-rate-limited-\(suffix)", a.frame(width: w, height: h))
            }
            // Too small: the screen says so, and keys do nothing but quit.
            let a = try app(colors: colors)
            _ = a.frame(width: 50, height: 12)
            await a.send(.start(restoring: nil))
            let tiny = a.frame(width: 50, height: 12)
            #expect(tiny.text.contains("small"), "\(tiny.text)")
            try golden.check("state-too-small-50x12\(colors ? "" : "-nocolor")", tiny)
        }
        dir.remove()
    }
}
