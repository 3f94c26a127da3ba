import Foundation
import Testing
import TestSupport
@testable import TerminalUI
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import Sync
import UsageStore

/// Issue 25 (trust, round two), the screen's items, through the action flow (and the
/// real binary for the clock). Each test failed on the code before the issue.
@MainActor @Suite(.serialized)
struct TrustRoundTwoScreenTests {
    nonisolated static let today = Day("2026-11-29")!
    nonisolated static let now = Date(timeIntervalSince1970: today.start.timeIntervalSince1970 + 36_000)
    let dir = TempDir()
    let data = DataSet(organizationCount: 240, seed: 1, today: TrustRoundTwoScreenTests.today)

    func info() -> KeyInfo {
        KeyInfo(providerId: "prv_DEMO00", keyId: "key_DEMO", algorithm: "ES256 (EC P-256)", fingerprint: "SHA256:abcdef",
                createdAt: Self.now.addingTimeInterval(-86_400), permission: "0600 ok", source: "demo")
    }

    /// An app over a filled cache; online against `fixture` when given.
    func app(fixture: SimulatorFixture? = nil, fill filler: ((UsageStore) throws -> Void)? = nil, prices: Bool = false) throws -> App {
        let store = try UsageStore.open(path: dir.file("t-\(UUID().uuidString).sqlite3"))
        if let filler { try filler(store) } else { try fill(store, from: data) }
        let client = fixture?.client()
        let engine = client.map { SyncEngine(client: $0, store: store, now: { Self.now }) }
        let billing = prices ? BillingModel(prices: PriceList(currency: "EUR", prices: [.business: try UnitPrice.parse("3.99"),
                                                                                          .enterprise: try UnitPrice.parse("5.99")])) : BillingModel()
        let model = ExplorerModel(store: store, source: client.map { ReportSource(client: $0, store: store, now: { Self.now }) },
                                  engine: engine, keyInfo: info(), origin: .demo, views: [billing], now: { Self.now })
        #expect(model.start().isEmpty, "a report this small is read whole: nothing behind")
        return App(model: model, theme: Theme(colors: false)) { _, _ in "/tmp/x.csv" }
    }

    /// Item 4: `r` on a period with no cached report fetches that period (and syncs).
    @Test func refreshFetchesThePeriodOnScreen() async throws {
        let fixture = try SimulatorFixture(organizations: 30, today: Self.today)
        let a = try app(fixture: fixture) { store in try fill(store, from: DataSet(organizationCount: 30, seed: 1, today: Self.today)) }
        _ = a.model.show(.day(Day("2026-09-14")!))      // the fetch it returns is not run: the day stays uncached
        #expect(!a.model.periodCached)
        await a.press(.char("r"))
        #expect(a.model.period == .day(Day("2026-09-14")!) && a.model.periodCached, "\(a.model.period)")
        #expect(a.model.list.allRows.count == DataSet(organizationCount: 30, seed: 1, today: Self.today).dailyRows(Day("2026-09-14")!).count)
        #expect(fixture.simulator.requestLog().contains { $0.contains("date=2026-09-14") })
    }

    /// Item 6: an organization that appeared mid-month is checked over the days it was
    /// there: its days before are not "not cached".
    @Test func daysBeforeAnOrganizationExistedAreNotMissing() throws {
        let a = try app { store in try fill(store, from: data, dailyFrom: Day("2026-10-01")!) }
        let october = Month("2026-10")!
        // An organization first seen in the daily reports after the 1st of October.
        let firstSeen = october.days.reduce(into: [String: Day]()) { seen, day in
            for row in data.dailyRows(day) where seen[row.organizationId] == nil { seen[row.organizationId] = day }
        }
        let (id, day) = try #require(firstSeen.filter { $0.value > october.firstDay }.min { $0.value < $1.value })
        _ = a.model.show(.month(october))
        a.model.list.select(id: id)
        a.model.refreshDetail()
        #expect(a.model.detail.organizationId == id)
        if case .unknown(let why) = a.model.detail.agreement {
            Issue.record("first seen \(day): \(why)")
        }
        #expect(!a.frame(width: 200, height: 60).text.contains("not cached"), "every day of \(october) is cached")
    }

    /// Item 9: Enter on a line of the bill, then Esc, comes back to the bill on that line;
    /// the same for the changes.
    @Test func escComesBackToTheLineItCameFrom() async throws {
        let a = try app(prices: true)
        _ = a.frame(width: 120, height: 40)
        await a.press(.char("m"), .char("b"), .down, .down, .down)
        let line = a.model.billing.selectedLine?.organizationId
        await a.press(.enter)
        #expect(a.model.screen == .detail && a.model.list.selectedRow?.id == line)
        await a.press(.escape)
        #expect(a.model.screen == .billing && a.model.billing.selectedLine?.organizationId == line, "\(a.model.screens)")
        await a.press(.escape, .char("c"))
        while a.model.changes.isReading { await pause(seconds: 0.01) }  // suspends while the read lands
        await a.press(.down, .down)
        let change = a.model.changes.selectedChange?.organizationId
        await a.press(.enter)
        #expect(a.model.screen == .detail)
        await a.press(.escape)
        #expect(a.model.screen == .changes && a.model.changes.selectedChange?.organizationId == change)
    }

    /// Items 10 and 11: before the API's history (as the API said once, to a sync or a
    /// view, and the cache keeps), `[` stops in the list and the bill alike, with no
    /// request, and the detail says "before the API's history".
    @Test func theStartOfHistoryIsOneRuleAndAsksNothing() async throws {
        let fixture = try SimulatorFixture(organizations: 30, today: Self.today)
        let history = fixture.simulator.data.firstDay.month       // 2025-10
        let a = try app(fixture: fixture, fill: { store in
            try fill(store, from: DataSet(organizationCount: 30, seed: 1, today: Self.today), months: 13)
        }, prices: true)
        // A sync that reaches past the start learns it (here: the month before).
        let requests = fixture.simulator.requestCount
        _ = a.model.show(.month(history))
        await a.press(.char("["))
        #expect(a.model.period == .month(history), "stayed on the first month")
        #expect(fixture.simulator.requestCount == requests + 1, "asked once, to learn it")
        await a.press(.char("["))
        #expect(fixture.simulator.requestCount == requests + 1, "then never again")
        #expect(a.model.status?.text.contains("before the API's history") == true, "\(String(describing: a.model.status))")
        #expect(a.frame(width: 120, height: 40).text.contains("(\(history.adding(months: -1)) is before the API's history)"))
        // The bill: the same rule, no request either.
        await a.press(.char("b"))
        #expect(a.model.billing.month == history)
        await a.press(.char("["))
        #expect(a.model.billing.month == history && fixture.simulator.requestCount == requests + 1)
        #expect(a.model.status?.text.contains("before the API's history") == true)
        // Kept in the cache: a new session knows it without asking.
        #expect(a.model.historyStart.month == history)
        // The key pane calls the "no report" an answer, not a failure of the key.
        let key = KeyStatusModel(info: info(), origin: .demo)
        key.record(RequestOutcome(time: Self.now, path: "/provider/v1/usage/monthly", status: 404,
                                  error: .noReport(period: "2025-09", detail: "")))
        #expect(key.lastRequestSummary.hasPrefix("OK 404") && key.lastRequestSummary.contains("before the API's history"), "\(key.lastRequestSummary)")
    }

    /// Item 12: the detail's twelve months at 80x24 end with how many are not shown.
    @Test func theDetailSaysHowManyMonthsItCannotShow() async throws {
        let a = try app()
        _ = a.frame(width: 80, height: 24)
        await a.press(.enter)
        let text = a.frame(width: 80, height: 24).text
        let shown = text.split(separator: "\n").filter { $0.firstMatch(of: /│ 20[0-9]{2}-[0-9]{2}[ ]/) != nil }
        #expect(text.contains("earlier months (a taller terminal shows them)"), "\(text)")
        #expect(text.contains("… \(12 - shown.count) earlier months"), "\(shown.count) shown:\n\(text)")
    }

    /// Item 13: at 100 columns the detail's title cuts the name, never the id.
    @Test func theDetailTitleNeverCutsTheId() async throws {
        let a = try app()
        // Wide layouts show the detail beside the list; a narrow one after Enter.
        for (w, h, keys) in [(100, 30, [Key]()), (110, 30, []), (80, 24, [.enter]), (60, 15, [.enter])] {
            _ = a.frame(width: w, height: h)
            for key in keys { await a.press(key) }
            for _ in 0..<40 {
                let id = try #require(a.model.list.selectedRow?.id)
                let text = a.frame(width: w, height: h).text
                #expect(text.contains(" · \(id) "), "\(w)x\(h) \(id): \(text)")
                _ = a.update(.key(.down))
            }
            await a.press(.escape)
        }
    }

    /// Item 14: a name with a tab or another control character is not marked as cut.
    @Test func aControlCharacterIsNotACut() throws {
        let a = try app { store in
            let orgs = [Organization(id: "org_tab000000001", name: "\u{1}Tabbed\tGmbH", status: .active, tier: .business, licenseType: .standard,
                                     trialEndsAt: nil, createdAt: "2025-01-01")]
            try store.replaceOrganizations(orgs, fetchedAt: Date())
            let row = UsageRow(organizationId: "org_tab000000001", organizationName: "\u{1}Tabbed\tGmbH", tier: .business, licenseType: .standard,
                               trial: false, nfr: false, activeSeats: 3, pendingSeats: 0, consumedLicenses: 3)
            for day in ["2026-11-27", "2026-11-28"] {
                try store.write(UsageReport(period: .daily(Day(day)!), generatedAt: "x", rows: [row]), fetchedAt: Date())
            }
        }
        for (w, h) in [(120, 40), (80, 24), (200, 60)] {
            let lines = a.frame(width: w, height: h).lines.filter { $0.contains("Tabbed") }
            #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("�Tabbed�GmbH") && !$0.contains("…") }, "\(w)x\(h): \(lines)")
        }
    }

    /// Item 2, in the real binary: offline (no request, no key pressed) the title's
    /// "synced N s ago" moves by itself.
    @Test nonisolated func theClockMovesOnAnIdleScreen() async throws {
        let env = ["XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"), "XDG_CONFIG_HOME": dir.file("config"),
                   "NORDPASS_PROVIDER_CREDENTIALS": "", "LANG": "C.UTF-8", "TERM": "xterm-256color"]
        let synced = try await runCLI(["sync", "--demo"], in: dir, env: ["PROVIDER_EXPLORER_DEMO_ORGS": "30"])
        #expect(synced.status == 0, "\(synced.stderr)")
        let tmux = Tmux()
        defer { tmux.kill() }
        try await tmux.start("bash -c '\(productBinary) --demo --offline; sleep 30'", environment: env.merging(["PROVIDER_EXPLORER_DEMO_ORGS": "30"]) { $1 })
        let first = try await tmux.wait(seconds: 30) { $0.contains(" s ago") }
        let title = String(first.split(separator: "\n")[0])
        // No key is sent: the title must change by itself within a few seconds.
        let later = try await tmux.wait(seconds: 10) { String($0.split(separator: "\n")[0]) != title && $0.contains(" s ago") }
        #expect(String(later.split(separator: "\n")[0]) != title)
    }
}
