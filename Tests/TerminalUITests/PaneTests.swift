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
        #expect(model.start().isEmpty, "a report this small is read whole: nothing behind")
        return App(model: model, theme: Theme(colors: colors)) { _, _ in "/tmp/x.csv" }
    }

    /// Issue 29: `x` writes behind the screen, off the main actor and off the
    /// cooperative pool; the status says so until the file is written, then where it
    /// is, or why not.
    @Test func theExportIsWrittenBehindTheScreen() async throws {
        let base = try app()
        let writes = Locked<[(name: String, onMain: Bool)]>([])
        let a = App(model: base.model, theme: Theme(colors: false)) { export, name in
            writes.withLock { $0.append((name, Thread.isMainThread)) }
            if name.contains("2026-11-27") { throw CocoaError(.fileWriteOutOfSpace) }
            return "/tmp/exports/\(name).csv"
        }
        _ = a.frame(width: 120, height: 40)
        await a.send(.start(restoring: nil))
        let effects = a.update(.key(.char("x")))
        #expect(effects.count == 1 && writes.withLock { $0.isEmpty }, "nothing written inside update")
        #expect(a.model.status?.text == "writing 240 rows…")
        await a.run(effects)
        #expect(writes.withLock { $0.map(\.onMain) } == [false])
        #expect(a.model.status?.text.hasPrefix("wrote 240 rows to organizations-2026-11-28") == true && a.model.status?.isError == false,
                "\(String(describing: a.model.status))")
        await a.press(.char("["), .char("x"))
        #expect(a.model.status?.isError == true && a.model.status?.text.hasPrefix("could not write the CSV: ") == true,
                "\(String(describing: a.model.status))")
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
        await a.press(.tab)
        let detail = a.frame(width: 80, height: 24).text
        #expect(detail.contains("Daily seats") && !detail.contains("NAME"))
        await a.press(.tab)
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

    @Test func tierMatrixAndNarrowing() async throws {
        let a = try app()
        await a.press(.char("L"))
        let text = a.frame(width: 120, height: 40).text
        #expect(text.contains("License tiers · day 2026-11-28") && text.contains("Billable seats"))
        #expect(text.contains("standard") && text.contains("NFR") && text.contains("total"))
        await a.press(.down)
        await a.press(.right)
        await a.press(.enter)
        #expect(a.frame(width: 120, height: 40).text.contains("[enterprise×trial]"))
    }

    @Test func keysDriveTheModels() async throws {
        let a = try app()
        _ = a.frame(width: 120, height: 40)
        await a.press(.down); await a.press(.char("j"))
        #expect(a.model.list.selectedIndex == 2)
        await a.press(.pageDown)
        #expect(a.model.list.selectedIndex == 2 + a.layout.pageSize)
        await a.press(.char("G"))
        #expect(a.model.list.selectedIndex == a.model.list.visible.count - 1)
        await a.press(.char("g"))
        #expect(a.model.list.selectedIndex == 0)
        await a.press(.char("/"))
        for ch in "rocket" { await a.press(.char(ch)) }
        await a.press(.enter)
        #expect(a.model.list.visible.map(\.name) == ["Rocket 🚀 Labs"] && !a.ui.searching)
        await a.press(.escape)
        #expect(a.model.list.search.isEmpty)
        await a.press(.char("t"))
        #expect(a.model.list.trialOnly)
        await a.press(.char("T"))
        #expect(a.model.list.tier == .business)
        await a.press(.char("S"))
        #expect(!a.model.list.ascending)
        await a.press(.char("["))
        #expect(a.model.period == .day(Day("2026-11-27")!))
        await a.press(.char("m"))
        #expect(a.model.period == .month(Month("2026-10")!))
        a.model.list.clearFilters()
        await a.press(.char("x"))
        #expect(a.model.status?.text.hasPrefix("wrote ") == true && a.model.status?.isError == false)
        // The list's rows start at line 3: a click on line 5 is the third row shown.
        let third = a.ui.listScroll + 2
        #expect(a.model.list.visible.count > third)
        await a.press(.mouse(x: 5, y: 5, kind: .click))
        #expect(a.model.list.selectedIndex == third)
        // The terminal's own work comes out of update as effects: the clipboard, a
        // repaint (Ctrl-L, a resize), quitting.
        let id = try #require(a.model.list.selectedRow?.id)
        #expect(await a.requests(.key(.char("y"))) == [.clipboard(id)])
        #expect(await a.requests(.key(.redraw)) == [.repaint])
        #expect(await a.requests(.resize(width: 100, height: 30)) == [.repaint])
        #expect(await a.requests(.key(.char("q"))) == [.quit])
    }
}
