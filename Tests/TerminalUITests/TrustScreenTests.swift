import Foundation
import Testing
import TestSupport
@testable import TerminalUI
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import Sync
import UsageStore

/// Regressions of issue 10's screen items, each named after what it protects.
@MainActor @Suite(.serialized)
struct TrustScreenTests {
    nonisolated static let now = Date(timeIntervalSince1970: Day("2026-11-29")!.start.timeIntervalSince1970 + 36_000)
    let dir = TempDir()

    /// An app over a cache of the seeded demo data (no sync: like `--offline`).
    func app(orgs: Int = 240, origin: DataOrigin = .demo, fingerprint: String = "SHA256:abcdef",
             fill filler: ((UsageStore, DataSet) throws -> Void)? = nil) throws -> App {
        let store = try UsageStore.open(path: dir.file("t-\(UUID().uuidString).sqlite3"))
        let data = DataSet(organizationCount: orgs, seed: 1, today: Day("2026-11-29")!)
        if let filler { try filler(store, data) } else { try fill(store, from: data) }
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "key_DEMO", algorithm: "ES256 (EC P-256)", fingerprint: fingerprint,
                           createdAt: Self.now.addingTimeInterval(-86_400 * 10), permission: "0600 ok", source: "demo")
        let model = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: origin, now: { Self.now })
        #expect(model.start().isEmpty, "a report this small is read whole: nothing behind")
        return App(model: model, theme: Theme(colors: false)) { _, _ in "/tmp/provider-explorer-test/exports/organizations-2026-11-28-20261129T100000Z.csv" }
    }

    /// Item 9: with the day before not cached, the change column says "–", not "new",
    /// and the detail says which period it would compare with.
    @Test func changeIsADashWhenThePeriodBeforeIsNotCached() throws {
        let a = try app { store, data in
            try store.replaceOrganizations(data.organizations.map(data.organization), fetchedAt: Date())
            let day = Day("2026-11-28")!
            try store.write(UsageReport(period: .daily(day), generatedAt: "x", rows: data.dailyRows(day)), fetchedAt: Date())
        }
        let text = a.frame(width: 120, height: 40).text
        #expect(!text.contains(" new│") && !text.contains(" new "), "\(text)")
        #expect(text.contains("     –│"))
        #expect(text.contains("Change – (2026-11-27 is not cached)"))
    }

    /// Item 9: with it cached, an organization missing from it is "new".
    @Test func changeIsNewOnlyForAnOrganizationNotInThePeriodBefore() throws {
        let a = try app()
        #expect(a.model.previousCached)
        let text = a.frame(width: 120, height: 40).text
        #expect(!text.contains("     –│"))
    }

    /// Item 10: the fingerprint is never cut: beside its label, on a line of its own,
    /// or a note to widen the terminal; never a prefix of it.
    @Test func theFingerprintIsNeverCut() throws {
        let fingerprint = "SHA256:jgqR9TW04pIQqHfNVAW4ZAPv84MPckSjLx0FU/Qj8js"
        let a = try app(fingerprint: fingerprint)
        for (w, h) in [(200, 50), (120, 40), (100, 30), (110, 40)] {
            let text = a.frame(width: w, height: h).text
            let shown = text.contains(fingerprint)
            let noted = text.contains("(wider terminal shows it)")
            #expect(shown != noted, "\(w)x\(h)")
            #expect(!text.contains(String(fingerprint.prefix(20))) || shown, "\(w)x\(h): a cut fingerprint")
        }
    }

    /// Item 10: the detail pane wraps its lines instead of cutting a number or a word.
    @Test func detailLinesWrapInsteadOfCutting() throws {
        let a = try app()
        let text = a.frame(width: 100, height: 30).text
        let row = try #require(a.model.list.selectedRow)
        #expect(text.contains("= \(Format.count(row.consumedLicenses)) consumed"), "\(text)")
        #expect(text.contains("Status \(row.status.rawValue)"))
    }

    /// Item 11: the period is the last part of the title bar to go.
    @Test func theTitleKeepsThePeriodToTheLast() throws {
        let a = try app()
        for (w, h) in [(60, 15), (70, 20), (80, 24)] {
            let title = a.frame(width: w, height: h).lines[0]
            #expect(title.contains("daily 2026-11-28"), "\(w)x\(h): \(title)")
        }
        let wide = a.frame(width: 200, height: 50).lines[0]
        #expect(wide.contains("provider-explorer") && wide.contains("prv_DEMO00") && wide.contains("? help"))
    }

    /// Item 12: the tier matrix never cuts a number, and its box stays whole.
    @Test func theTierMatrixNeverCutsANumber() async throws {
        let a = try app()
        await a.press(.char("L"))
        for (w, h) in [(60, 15), (80, 24), (120, 40)] {
            let canvas = a.frame(width: w, height: h)
            let text = canvas.text
            let t = a.model.tiers
            for tier in t.tiers {
                #expect(text.contains(Format.count(t.rowTotal(tier).consumedLicenses)) || text.contains("hidden"), "\(w)x\(h)")
                #expect(text.contains(Format.count(t.billableSeats(tier))), "\(w)x\(h)")
            }
            #expect(text.contains(Format.count(t.grandTotal.consumedLicenses)), "\(w)x\(h)\n\(text)")
            let box = canvas.lines[1..<(h - 2)].joined(separator: "\n")
            #expect(!box.contains("…"), "\(w)x\(h): something was cut\n\(text)")
            for y in 2..<(h - 3) { #expect(canvas.lines[y].last == "│", "\(w)x\(h) line \(y): the right border") }
        }
    }

    /// Item 13: help scrolls at 80x24 and says when there is more.
    @Test func helpScrollsAndSaysThereIsMore() async throws {
        let a = try app()
        _ = a.frame(width: 80, height: 24)
        await a.press(.char("?"))
        var text = a.frame(width: 80, height: 24).text
        #expect(text.contains("↓") && text.contains("more"))
        #expect(!text.contains("erase the last character"))
        await a.press(.char("G"))
        text = a.frame(width: 80, height: 24).text
        #expect(text.contains("Backspace") && text.contains("erase the last character") && text.contains("↑ "))
        await a.press(.char("g"))
        #expect(a.frame(width: 80, height: 24).text.contains("up a line"))
    }

    /// Item 13: at 120 columns every help line is whole.
    @Test func helpLinesAreWholeAt120Columns() async throws {
        let a = try app()
        _ = a.frame(width: 120, height: 40)
        await a.press(.char("?"))
        let canvas = a.frame(width: 120, height: 40)
        let box = canvas.lines.filter { line in line.contains("│ ") && Bindings.table.contains { line.contains($0.help.prefix(12)) } }
        #expect(box.count >= 30, "\(canvas.text)")
        #expect(!box.contains { $0.contains("…") }, "\(box.filter { $0.contains("…") })")
    }

    /// Item 14: spare width goes to the name; the tier is spelled out at 100x30.
    @Test func spareWidthGoesToTheName() throws {
        let a = try app()
        let text = a.frame(width: 100, height: 30).text
        #expect(text.contains("business") && text.contains("enterprise"))
        let cols = ListPane.Columns(width: 54)
        #expect(cols.name >= 24 && cols.tier == 10 && cols.total == 54)
    }

    /// Item 14: organizations of the same name are told apart by a piece of their id,
    /// in the list and (whole) in the detail pane's title.
    @Test func sameNamedOrganizationsAreToldApart() throws {
        let a = try app()
        let shared = a.model.list.sharedNames
        let name = try #require(shared.first)
        let twins = a.model.list.allRows.filter { $0.name == name }
        #expect(twins.count >= 2)
        let text = a.frame(width: 120, height: 40).text
        a.model.list.search = name
        let found = a.frame(width: 120, height: 40).text
        for twin in twins { #expect(found.contains(SameNames.idSuffix(twin.id)), "\(found)") }
        a.model.list.select(id: twins[1].id)
        a.model.refreshDetail()
        #expect(a.frame(width: 120, height: 40).text.contains("\(name) · \(twins[1].id)"))
        _ = text
    }

    /// Item 16: offline, r says how to refresh, and the hint line does not offer it.
    @Test func offlineRefreshSaysHowAndIsNotOffered() async throws {
        let a = try app(origin: .cacheOnly)
        let before = a.frame(width: 200, height: 50)
        #expect(!before.lines[49].contains("r refresh"))
        await a.press(.char("r"))
        let text = a.frame(width: 200, height: 50).text
        #expect(text.contains("offline: start without --offline to refresh"))
        #expect(!text.contains("sync failed"))
    }

    /// Item 17: `x` shows the file's name first, whole at 80 columns.
    @Test func exportMessageShowsTheFileNameFirst() async throws {
        let a = try app()
        _ = a.frame(width: 80, height: 24)
        await a.press(.char("x"))
        let status = a.frame(width: 80, height: 24).lines[22]
        #expect(status.hasPrefix("wrote 240 rows to organizations-2026-11-28-20261129T100000Z.csv"), "\(status)")
    }

    /// Item 7: an informative message goes after a few seconds; an error stays until the
    /// next key; a newer message replaces an older one.
    @Test func infoMessagesAgeOutErrorsStayUntilTheNextKey() async throws {
        let a = try app()
        a.model.setStatus("first", error: false)
        a.model.setStatus("second", error: false)
        await a.send(.tick(uptime: 100))
        #expect(a.model.status?.text == "second")
        await a.send(.tick(uptime: 100 + App.infoSeconds - 0.5))
        #expect(a.model.status?.text == "second")
        await a.send(.tick(uptime: 100 + App.infoSeconds + 0.1))
        #expect(a.model.status == nil)
        a.model.setStatus("broken", error: true)
        await a.send(.tick(uptime: 200))
        await a.send(.tick(uptime: 300))
        #expect(a.model.status?.text == "broken", "an error does not age out")
        await a.press(.char("j"))
        #expect(a.model.status == nil, "the next key clears it")
    }

    /// Item 19: the detail names consumed and billable seats; a trial or NFR
    /// organization is billable 0; the list's Σ carries the billable total of the matrix.
    @Test func consumedAndBillableAreNamed() throws {
        let a = try app()
        let text = a.frame(width: 120, height: 40).text
        #expect(text.contains("Σ 240 orgs") && text.contains("\(Format.count(a.model.tiers.billableSeats)) billable"))
        #expect(!text.contains(" billed"), "billed was the word for consumption")
        let nfr = try #require(a.model.list.allRows.first { $0.isNFR })
        a.model.list.select(id: nfr.id)
        a.model.refreshDetail()
        let detail = a.frame(width: 120, height: 40).text
        #expect(detail.contains("\(Format.count(nfr.consumedLicenses)) consumed") && detail.contains("Billable 0 (Not For Resale: free)"))
    }

    /// Item 27: one of a thing is singular.
    @Test func oneOfAThingIsSingular() throws {
        #expect(Format.plural(1, "org") == "1 org" && Format.plural(2, "org") == "2 orgs" && Format.plural(1_000, "row") == "1,000 rows")
        let a = try app(orgs: 1)
        let text = a.frame(width: 120, height: 40).text
        #expect(text.contains("Σ 1 org ·"), "\(text)")
        #expect(!text.contains("1 days"))
    }

    /// Item 28: keys pressed while "terminal too small" is shown do nothing but q.
    @Test func keysWhileTooSmallAreIgnored() async throws {
        let a = try app()
        #expect(a.frame(width: 50, height: 12).text.contains("Terminal too small"))
        for key: Key in [.char("L"), .char("?"), .tab, .char("t"), .enter, .char("x")] { await a.press(key) }
        #expect(a.model.screen == .list && a.ui.focus == .list && !a.model.list.trialOnly && a.model.status == nil)
        #expect(await a.requests(.key(.char("q"))) == [.quit])
    }

    /// Item 20: Ctrl-L is a key of its own (the loop repaints the whole screen on it).
    @Test func ctrlLIsRepaint() {
        #expect(NCursesBackend.character(12) == .redraw)
        #expect(Bindings.binding(for: .redraw, in: .list)?.intent == .repaint)
        #expect(Bindings.table.contains { $0.label == "Ctrl-L" && $0.help == "repaint the screen" })
    }

    /// Item 27: the status line names what the sync does in words ("starting the sync",
    /// "fetching the organization list"), never "fetching starting".
    @Test func theSyncSaysWhatItFetchesInWords() async throws {
        let fixture = try SimulatorFixture(organizations: 30) { $0.latency = 0.3 }
        let store = try UsageStore.open(path: dir.file("sync-words.sqlite3"))
        let engine = SyncEngine(client: fixture.client(), store: store, now: { Self.now })
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        let model = ExplorerModel(store: store, source: nil, engine: engine, keyInfo: info, origin: .demo, now: { Self.now })
        let a = App(model: model, theme: Theme(colors: false)) { _, _ in "" }
        let runtime = Runtime(app: a)
        runtime.dispatch(.start(restoring: nil))
        var seen: Set<String> = []
        let deadline = Date().addingTimeInterval(120)
        while model.sync.isSyncing || seen.isEmpty {
            guard Date() < deadline else { Issue.record("the sync did not end in 120 s"); break }
            runtime.drain()
            seen.insert(a.frame(width: 120, height: 40).lines[38])
            await pause(seconds: 0.02)  // suspends (no thread held): a frame every 20 ms, as the UI draws
        }
        runtime.dispatch(.key(.escape))
        #expect(seen.contains { $0.hasPrefix("starting the sync… (C cancels)") || $0.hasPrefix("fetching the organization list… (C cancels)") }, "\(seen)")
        #expect(!seen.contains { $0.contains("fetching starting") || $0.contains("fetching organizations…") })
    }
}
