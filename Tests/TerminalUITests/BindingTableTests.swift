import CNcursesw
import ConnectWise
import Observation
import Foundation
import Testing
import TestSupport
@testable import TerminalUI
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import UsageStore
@testable import Sync

/// The binding table is what dispatch, the hint line and help read; the action flow
/// (update, effects, the inbox) is what every async result goes through.
@MainActor @Suite(.serialized)
struct BindingTableTests {
    nonisolated static let now = Date(timeIntervalSince1970: Day("2026-11-29")!.start.timeIntervalSince1970 + 36_000)
    let dir = TempDir()
    /// The ConnectWise simulators the apps' PSA views read (stopped with the suite).
    nonisolated(unsafe) static var simulators: [ConnectWiseSimulator] = []

    func app(engine: SyncEngine? = nil, store: UsageStore? = nil) throws -> App {
        let store = try store ?? {
            let s = try UsageStore.open(path: dir.file("b-\(UUID().uuidString).sqlite3"))
            try fill(s, from: DataSet(organizationCount: 60, seed: 1, today: Day("2026-11-29")!))
            return s
        }()
        let info = KeyInfo(providerId: "prv", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        let (connection, simulator) = try PSAScreenTests.connection(DataSet(organizationCount: 60, seed: 1, today: Day("2026-11-29")!),
                                                                    journal: dir.file("psa-journal.jsonl"))
        Self.simulators.append(simulator)
        let model = ExplorerModel(store: store, source: nil, engine: engine, keyInfo: info, origin: .demo,
                                  views: [PSAModel(connection: connection)], now: { Self.now })
        #expect(model.start().isEmpty, "a report this small is read whole: nothing behind")
        return App(model: model, theme: Theme(colors: true), now: Self.now) { _, _ in "/tmp/x.csv" }
    }

    /// The keys that bring a fresh app (the list, 120x40) to each context.
    static let way: [Context: [Key]] = [
        .list: [], .detail: [.enter], .tierMatrix: [.char("L")], .billing: [.char("b")], .changes: [.char("c")],
        .help: [.char("?")], .search: [.char("/")], .psa: [.char("p")], .psaConfirm: [.char("p"), .char("a")],
    ]

    /// Every binding's keys, pressed on each screen it names, give its intent: no
    /// binding is shadowed by an earlier one, and the app is in the context it says.
    @Test func everyBindingsKeysGiveItsIntentOnEachOfItsScreens() async throws {
        #expect(Set(Self.way.keys) == Set(Bindings.contexts))
        for context in Bindings.contexts {
            let a = try app()
            _ = a.frame(width: 120, height: 40)
            for key in Self.way[context]! { await a.press(key) }
            #expect(a.context == context)
            for (index, binding) in Bindings.table.enumerated() where binding.on.contains(context) {
                for key in binding.keys {
                    let found = Bindings.table.firstIndex { $0.on.contains(a.context) && $0.keys.contains(key.pattern) }
                    #expect(found == index, "\(key.name) on \(context): binding \(String(describing: found)) answers, not \(index) (\(binding.help))")
                    #expect(a.intent(for: key) == binding.intent, "\(key.name) on \(context)")
                }
            }
        }
        // A mouse event anywhere matches the mouse binding by its kind.
        #expect(Bindings.binding(for: .mouse(x: 7, y: 9, kind: .click), in: .list)?.intent == .pointer)
    }

    /// Help lists exactly the table: every binding once, with its keys and its text.
    @Test func helpListsExactlyTheTable() async throws {
        let lines = HelpPane.lines(Bindings.helpSections)
        let listed = lines.compactMap { if case .binding(let keys, let help) = $0 { return keys + "|" + help }; return nil }
        #expect(listed.sorted() == Bindings.table.map { $0.label + "|" + $0.help }.sorted())
        // And on screen: scrolled from the top to the bottom, every line shows.
        let a = try app()
        _ = a.frame(width: 200, height: 60)
        await a.press(.char("?"))
        var seen = ""
        for _ in 0..<lines.count {
            seen += a.frame(width: 200, height: 60).text
            await a.press(.down)
        }
        for b in Bindings.table { #expect(seen.contains(b.help), "\(b.help) not shown") }
        for section in Bindings.helpSections { #expect(seen.contains(section.title)) }
    }

    /// The hint line is the table's hints for the screen, in its order; r is not
    /// offered offline and Tab only in the narrow layout.
    @Test func theHintLineIsTheTables() throws {
        let a = try app()
        let line = a.frame(width: 200, height: 50).lines[49]
        let pairs = Bindings.hints(for: .list, narrow: false, online: false)
        #expect(line.hasPrefix(pairs.map { "\($0.keys) \($0.text)" }.joined(separator: "  ")), "\(line)")
        #expect(!pairs.contains { $0.keys == "r" } && !pairs.contains { $0.keys == "Tab" })
        #expect(Bindings.hints(for: .list, narrow: true, online: true).prefix(1).map(\.keys) == ["Tab"])
        #expect(Bindings.hints(for: .list, narrow: true, online: true).contains { $0.keys == "r" })
        for context in Bindings.contexts where context != .search && context != .psaConfirm {
            #expect(Bindings.hints(for: context, narrow: true, online: true).last?.keys == "q", "\(context) ends with quit")
        }
        // The question before an apply takes y or n (Ctrl-C still quits).
        #expect(Bindings.hints(for: .psaConfirm, narrow: true, online: true).map { "\($0.keys) \($0.text)" } == ["y apply", "n no"])
    }

    /// The acceptance of issue 11: a key literal of the explorer is written in one
    /// file, the table (the backend's decoding apart).
    @Test func keyLiteralsLiveInTheTableOnly() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TerminalUI")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        #expect(files.contains("Bindings.swift") && files.count > 10)
        let literal = try Regex(#"\.char\("|\.(escape|enter|backTab|backspace|ctrlC|redraw|home|tab)\b|\bKey\.[a-z]"#)
        for file in files where !["Bindings.swift", "Key.swift", "NCursesBackend.swift"].contains(file) {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains(literal) && !line.trimmingCharacters(in: .whitespaces).hasPrefix("///") {
                Issue.record("\(file):\(n + 1) names a key: \(line)")
            }
        }
    }

    /// The backend's decoding of keys from ncurses codes.
    @Test func theBackendDecodesKeys() {
        #expect(NCursesBackend.character(3) == .ctrlC && NCursesBackend.character(12) == .redraw)
        #expect(NCursesBackend.character(9) == .tab && NCursesBackend.character(10) == .enter && NCursesBackend.character(13) == .enter)
        #expect(NCursesBackend.character(27) == .escape && NCursesBackend.character(127) == .backspace && NCursesBackend.character(8) == .backspace)
        #expect(NCursesBackend.character(0x71) == .char("q") && NCursesBackend.character(0x6771) == .char("東"))
        #expect(NCursesBackend.character(1) == .unknown && NCursesBackend.character(0xD800) == .unknown, "a control or a surrogate is no key")
        #expect(NCursesBackend.functionKey(KEY_UP) == .up && NCursesBackend.functionKey(KEY_NPAGE) == .pageDown)
        #expect(NCursesBackend.functionKey(KEY_BTAB) == .backTab && NCursesBackend.functionKey(KEY_RESIZE) == .resize)
        #expect(NCursesBackend.functionKey(KEY_HOME) == .home && NCursesBackend.functionKey(KEY_END) == .end)
        #expect(NCursesBackend.functionKey(KEY_F0 + 5) == .unknown)
    }

    /// The reads behind the screen run on one thread (so on one malloc arena), one
    /// at a time, in the order they were asked, whoever asks.
    @Test func readsBehindRunOnOneThreadInTurn() async {
        let order = Locked<[Int]>([])
        let threads = await withTaskGroup(of: UInt.self) { group in
            for i in 0..<20 {
                group.addTask {
                    await ReadThread.shared.run { () -> UInt in
                        order.withLock { $0.append(i) }
                        return UInt(pthread_self())
                    }
                }
            }
            var seen = Set<UInt>()
            for await t in group { seen.insert(t) }
            return seen
        }
        #expect(threads.count == 1 && threads.first != UInt(pthread_self()))
        #expect(order.withLock { $0.sorted() } == Array(0..<20))
        var inTurn: [Int] = []
        for i in 0..<5 { inTurn.append(await ReadThread.shared.run { i }) }
        #expect(inTurn == [0, 1, 2, 3, 4])
    }

    /// The inbox keeps one sync step waiting, the newest, where the first stood; other
    /// actions keep their order.
    @Test func theInboxCoalescesSyncSteps() {
        let inbox = Inbox()
        inbox.post(.tick(uptime: 1))
        for done in 1...1_000 { inbox.post(.syncProgress(SyncProgress(done: done, total: 1_000, current: "x"))) }
        inbox.post(.landed(Work.Result(Work(.export) { _ in { _ in [] } }, nil)))
        inbox.post(.syncProgress(SyncProgress(done: 1_001, total: 1_000, current: "late")))
        let taken = inbox.take()
        #expect(taken.count == 3, "\(taken)")
        if case .tick = taken[0] {} else { Issue.record("the tick stays first") }
        if case .syncProgress(let p) = taken[1] { #expect(p.done == 1_001) } else { Issue.record("one step, the newest: \(taken[1])") }
        if case .landed = taken[2] {} else { Issue.record("the end after the step") }
        #expect(inbox.take().isEmpty)
    }

    /// A whole sync through the runtime: each pass applies at most one step however
    /// many pages arrive, the list changes when reports land (not per page), and the
    /// end leaves the newest report on screen.
    @Test func aSyncThroughTheRuntimeIsCoalesced() async throws {
        let fixture = try SimulatorFixture(organizations: 2000, today: Day("2026-11-29")!)
        let store = try UsageStore.open(path: dir.file("sync.sqlite3"))
        let engine = SyncEngine(client: fixture.client(pageSize: 50, timeout: 10), store: store, now: { Self.now })
        let a = try app(engine: engine, store: store)
        let runtime = Runtime(app: a)
        let listChanges = ChangeCounter()
        listChanges.track { _ = a.model.list.visible }
        runtime.dispatch(.start(restoring: nil))
        #expect(a.model.sync.isSyncing && runtime.isRunning(.sync))
        var passes = 0, steps = 0
        let deadline = Date().addingTimeInterval(120)
        while a.model.sync.isSyncing {
            guard Date() < deadline else { Issue.record("the sync did not end in 120 s"); return }
            await pause(seconds: 0.01)  // suspends (no thread held): lets the sync post steps between passes
            let actions = runtime.inbox.take()
            let stepsNow = actions.filter { if case .syncProgress = $0 { return true }; return false }.count
            #expect(stepsNow <= 1, "\(stepsNow) steps in one pass")
            steps += stepsNow
            passes += 1
            for action in actions { runtime.dispatch(action) }
        }
        let pages = fixture.simulator.requestCount
        #expect(a.model.sync.state == .idle && a.model.sync.lastSuccess == Self.now)
        #expect(pages > 500 && steps > 0 && steps < pages, "\(steps) steps applied for \(pages) pages in \(passes) passes")
        #expect(listChanges.count <= 3, "the list changes when the sync lands, not per page: \(listChanges.count)")
        #expect(a.model.list.allRows.count == 2000)
    }

    /// Esc while syncing cancels through the runtime: the effect ends, the state is
    /// idle and says so.
    /// Issue 25, item 3: Esc during a sync clears what the user did (a kept search) and
    /// leaves the sync running; C, named in the hints while a sync runs, cancels it
    /// through the runtime: the effect ends, the state is idle and says so.
    @Test func cancelKeyCancelsTheSyncAndEscClearsTheSearch() async throws {
        let fixture = try SimulatorFixture(organizations: 300, today: Day("2026-11-29")!)
        // Last month's days wait until the test ends: the sync cannot end before Esc.
        fixture.simulator.hold { $0.contains("date=2026-10-") }
        defer { fixture.simulator.release() }
        let store = try UsageStore.open(path: dir.file("cancel.sqlite3"))
        let a = try app(engine: SyncEngine(client: fixture.client(), store: store, now: { Self.now }), store: store)
        let runtime = Runtime(app: a)
        runtime.dispatch(.start(restoring: nil))
        for key: Key in [.char("/"), .char("a"), .enter] { runtime.dispatch(.key(key)) }
        #expect(a.model.list.search == "a" && !a.ui.searching)
        #expect(a.frame(width: 120, height: 40).lines[39].contains("C cancel sync"), "the hint names the key while a sync runs")
        runtime.dispatch(.key(.escape))
        #expect(a.model.list.search.isEmpty, "Esc cleared the kept search")
        #expect(runtime.isRunning(.sync) && a.model.sync.isSyncing && !a.model.sync.lastCancelled, "and left the sync running")
        runtime.dispatch(.key(.char("C")))
        let deadline = Date().addingTimeInterval(60)
        while runtime.isRunning(.sync) || a.model.sync.isSyncing {
            guard Date() < deadline else { Issue.record("the cancelled sync did not end in 60 s"); return }
            await pause(seconds: 0.01)  // suspends (no thread held) while the cancelled sync ends
            runtime.drain()
        }
        #expect(a.model.sync.lastCancelled && a.model.status?.text == "sync cancelled; what was fetched is kept")
    }
}

extension BindingTableTests {
    /// A big report on screen: the first screenful with "loading" where the counts go,
    /// keys that work on it, then the whole list when the load behind comes back.
    @Test func theFirstScreenfulShowsWhileTheRestLoads() async throws {
        let store = try UsageStore.open(path: dir.file("big.sqlite3"))
        try fill(store, from: DataSet(organizationCount: 900, seed: 1, today: Day("2026-11-29")!))
        let info = KeyInfo(providerId: "prv", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        let model = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .cacheOnly, firstScreenFrom: 500,
                                  now: { Self.now })
        let a = App(model: model, theme: Theme(colors: false)) { _, _ in "/tmp/x.csv" }
        _ = a.frame(width: 120, height: 40)
        let effects = a.update(.start(restoring: nil))
        #expect(effects.count == 1, "the load behind")
        var text = a.frame(width: 120, height: 40).text
        #expect(text.contains("Organizations loading 900… · name ↑") && text.contains("Σ loading 900 organizations…") && text.contains("loading"))
        await a.press(.down, .char("x"))
        #expect(model.list.selectedIndex == 1)
        #expect(model.status?.text.hasPrefix("still reading the 900 rows of 2026-11-28") == true)
        await a.press(.char("t"))
        await a.run(effects)
        text = a.frame(width: 120, height: 40).text
        let trials = model.list.allRows.filter(\.isTrial).count
        #expect(model.list.allRows.count == 900 && text.contains("Organizations [trial] \(trials)/900 · name ↑"), "\(text)")
        #expect(!text.contains("loading"))
    }
}

