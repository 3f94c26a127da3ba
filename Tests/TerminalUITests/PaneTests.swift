import Foundation
import Testing
import TestSupport
@testable import TerminalUI
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import UsageStore

/// Each pane and state drawn into a Canvas and read as text.
@MainActor @Suite(.serialized)
struct PaneTests {
    nonisolated static let now = Date(timeIntervalSince1970: Day("2026-11-29")!.start.timeIntervalSince1970 + 36_000)
    let dir = TempDir()

    func app(colors: Bool = true, origin: DataOrigin = .demo, orgs: Int = 240, fillCache: Bool = true) throws -> App {
        let store = try UsageStore.open(path: dir.file("p-\(UUID().uuidString).sqlite3"))
        if fillCache { try fill(store, from: DataSet(organizationCount: orgs, seed: 1, today: Day("2026-11-29")!)) }
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "key_DEMO", algorithm: "ES256 (EC P-256)", fingerprint: "SHA256:abcdef",
                           createdAt: PaneTests.now.addingTimeInterval(-86_400 * 10), permission: "0600 ok", source: "demo")
        let model = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: origin, now: { PaneTests.now })
        model.start(sync: false)
        return App(model: model, theme: Theme(colors: colors)) { _, _ in "/tmp/x.csv" }
    }

    @Test func mainViewHasEveryPane() throws {
        let a = try app()
        let text = a.frame(width: 120, height: 40).text
        #expect(text.contains("provider-explorer │ prv_DEMO00") && text.contains("DEMO simulator") && text.contains("daily 2026-11-28"))
        #expect(text.contains("Organizations 240/240 · name ↑"))
        #expect(text.contains("NAME") && text.contains("SEATS") && text.contains("CHANGE"))
        #expect(text.contains("Σ 240 orgs"))
        #expect(text.contains("Daily seats, 2026-11") && text.contains("Last 12 months"))
        #expect(text.contains("Fingerprint  SHA256:abcdef") && text.contains("(10 days ago)"))
        #expect(text.contains("? help") && text.contains("q quit"))
        #expect(text.contains("--credentials FILE"), "demo mode says how to add real credentials")
    }

    @Test func seatsColumnStaysAlignedWithWideAndLongNames() throws {
        let a = try app(orgs: 600)
        a.model.list.sort(by: .seats)
        let canvas = a.frame(width: 120, height: 60)
        let header = try #require(canvas.find("SEATS"))
        let lastDigit = header.x + 4
        var checked = 0
        for y in (header.y + 1)..<(header.y + 50) {
            let line = canvas.lines[y]
            guard line.hasPrefix("│"), !line.contains("Σ") else { continue }
            #expect(canvas[lastDigit, y].text.first?.isNumber == true, "row \(y): \(line)")
            checked += 1
        }
        #expect(checked > 30)
        a.model.list.search = "東京"
        let wide = a.frame(width: 120, height: 40)
        #expect(wide.text.contains("東京データ"))
        let y = try #require(wide.find("│東京データ")?.y)
        #expect(wide[lastDigit, y].text.first?.isNumber == true)
    }

    @Test func longNamesAreCutWithAnEllipsis() throws {
        let a = try app()
        a.model.list.search = "société"
        let text = a.frame(width: 100, height: 30).text
        #expect(text.contains("…"))
    }

    @Test func emptyListSaysWhy() throws {
        let a = try app()
        a.model.list.search = "no-such-org"
        #expect(a.frame(width: 120, height: 40).text.contains("No organization matches; Esc clears the search and filters"))
        let empty = try app(fillCache: false)
        let text = empty.frame(width: 120, height: 40).text
        #expect(text.contains("No cached report for 2026-11-28"))
        #expect(text.contains("Select an organization"))
    }

    @Test func tinySizesShowANoticeAndNeverCrash() throws {
        let a = try app()
        #expect(a.frame(width: 59, height: 20).text.contains("Terminal too small (59×20)"))
        #expect(a.frame(width: 80, height: 14).text.contains("needs at least 60×15"))
        #expect(a.frame(width: 60, height: 15).text.contains("Organizations"))
        for (w, h) in [(0, 0), (1, 1), (5, 40), (200, 3)] { _ = a.frame(width: w, height: h) }
    }

    @Test func narrowLayoutShowsOnePaneAtATime() async throws {
        let a = try app()
        let list = a.frame(width: 80, height: 24).text
        #expect(list.contains("Organizations") && !list.contains("Fingerprint"))
        #expect(list.contains("Tab pane"))
        await a.handle(.tab)
        let detail = a.frame(width: 80, height: 24).text
        #expect(detail.contains("Daily seats") && !detail.contains("NAME"))
        await a.handle(.tab)
        #expect(a.frame(width: 80, height: 24).text.contains("Fingerprint"))
    }

    @Test func errorsShowInTheStatusLineAndKeepTheData() throws {
        let a = try app()
        a.model.record(RequestOutcome(time: PaneTests.now, path: "/x", status: 401, error: .keyRejected(status: 401, detail: "key revoked")))
        let canvas = a.frame(width: 120, height: 40)
        let text = canvas.text
        #expect(text.contains("✗ the server rejected the key (401): key revoked"))
        #expect(text.contains("Key: REJECTED") && text.contains("MSP Admin Panel"))
        #expect(text.contains("Organizations 240/240"), "the data stays on screen")
        let status = try #require(canvas.find("✗ the server"))
        #expect(canvas[status.x, status.y].style.fg == .red)
    }

    @Test func noColourUsesAttributesOnly() throws {
        let a = try app(colors: false)
        let canvas = a.frame(width: 120, height: 40)
        #expect(canvas.cells.allSatisfy { $0.style.fg == .default && $0.style.bg == .default })
        let row = try #require(canvas.find("│" + a.model.list.visible[0].name))
        #expect(canvas[row.x + 1, row.y].style.reverse, "the cursor row is reverse video")
        #expect(canvas.cells.contains { $0.style.bold })
    }

    @Test func helpListsEveryBinding() async throws {
        let a = try app()
        await a.handle(.char("?"))
        let text = a.frame(width: 120, height: 40).text
        for (keys, action) in KeyMap.help {
            #expect(text.contains(keys) && text.contains(String(action.prefix(20))), "\(keys)\n\(text)")
        }
        await a.handle(.escape)
        #expect(a.model.screen == .list)
    }

    @Test func tierMatrixAndNarrowing() async throws {
        let a = try app()
        await a.handle(.char("L"))
        let text = a.frame(width: 120, height: 40).text
        #expect(text.contains("License tiers · day 2026-11-28") && text.contains("Billable seats"))
        #expect(text.contains("standard") && text.contains("NFR") && text.contains("total"))
        await a.handle(.down)
        await a.handle(.right)
        await a.handle(.enter)
        #expect(a.frame(width: 120, height: 40).text.contains("[enterprise×trial]"))
    }

    @Test func keysDriveTheModels() async throws {
        let a = try app()
        _ = a.frame(width: 120, height: 40)
        await a.handle(.down); await a.handle(.char("j"))
        #expect(a.model.list.selectedIndex == 2)
        await a.handle(.pageDown)
        #expect(a.model.list.selectedIndex == 2 + a.pageSize)
        await a.handle(.char("G"))
        #expect(a.model.list.selectedIndex == a.model.list.visible.count - 1)
        await a.handle(.char("g"))
        #expect(a.model.list.selectedIndex == 0)
        await a.handle(.char("/"))
        for ch in "rocket" { await a.handle(.char(ch)) }
        await a.handle(.enter)
        #expect(a.model.list.visible.map(\.name) == ["Rocket 🚀 Labs"] && !a.ui.searching)
        await a.handle(.escape)
        #expect(a.model.list.search.isEmpty)
        await a.handle(.char("t"))
        #expect(a.model.list.trialOnly)
        await a.handle(.char("T"))
        #expect(a.model.list.tier == .business)
        await a.handle(.char("S"))
        #expect(!a.model.list.ascending)
        await a.handle(.char("["))
        await a.settle()
        #expect(a.model.period == .day(Day("2026-11-27")!))
        await a.handle(.char("m"))
        await a.settle()
        #expect(a.model.period == .month(Month("2026-10")!))
        a.model.list.clearFilters()
        await a.handle(.char("x"))
        #expect(a.model.status?.text.hasPrefix("wrote ") == true && a.model.status?.isError == false)
        await a.handle(.mouse(x: 5, y: 5, kind: .click))
        #expect(a.model.list.selectedIndex == 2 || a.model.list.visible.count < 3)
        await a.handle(.char("q"))
        #expect(a.shouldQuit)
    }
}
