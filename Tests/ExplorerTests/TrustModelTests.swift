import Foundation
import Testing
import TestSupport
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import Sync
import UsageStore

/// Regressions of issue 10's model items, each named after what it protects.
@MainActor @Suite(.serialized)
struct TrustModelTests {
    nonisolated static let today = Day("2026-11-29")!
    nonisolated static let now = Date(timeIntervalSince1970: today.start.timeIntervalSince1970 + 36_000)
    let dir = TempDir()
    let info = KeyInfo(providerId: "prv", keyId: "key", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")

    func row(_ name: String, id: String) -> ListRow {
        ListRow(id: id, name: name, tier: .business, licenseType: .standard, status: .active, activeSeats: 1, pendingSeats: 0,
                consumedLicenses: 1, change: nil, trialEndsAt: nil, trialDaysLeft: nil, searchKey: TextSearch.fold(name))
    }

    /// Item 8: letters without a decomposition fold like accented ones, for search and
    /// for the name sort.
    @Test func searchAndSortFoldLettersWithoutDecomposition() {
        #expect(TextSearch.fold("Łódź") == Array("lodz".utf8))
        #expect(TextSearch.fold("Øresund") == Array("oresund".utf8))
        #expect(TextSearch.fold("Ærø") == Array("aero".utf8))
        #expect(TextSearch.fold("Straße Đakovo Þór Ħal ıi Œuvre") == Array("strasse dakovo thor hal ii oeuvre".utf8))
        let list = OrganizationListModel()
        list.setRows([row("Zürich AG", id: "a"), row("Łódź Sp. z o.o.", id: "b"), row("Øresund ApS", id: "c"), row("Ærø Fiskeri", id: "d"),
                      row("Mango", id: "e")])
        #expect(list.visible.map(\.id) == ["d", "b", "e", "c", "a"], "Ærø, Łódź, Mango, Øresund, Zürich")
        for (query, id) in [("lodz", "b"), ("oresund", "c"), ("aero", "d"), ("ŁÓDŹ", "b")] {
            list.search = query
            #expect(list.visible.map(\.id) == [id], "\(query)")
        }
    }

    /// Item 22: trial only and NFR only exclude each other.
    @Test func trialAndNFRFiltersExcludeEachOther() {
        let list = OrganizationListModel()
        list.trialOnly = true
        list.nfrOnly = true
        #expect(list.nfrOnly && !list.trialOnly)
        list.trialOnly = true
        #expect(list.trialOnly && !list.nfrOnly)
        #expect(list.filterSummary == "trial")
    }

    /// Item 21: stepping back past the start of the API's history stops there, with a
    /// message that does not blame the base URL.
    @Test func steppingBackStopsAtTheStartOfHistory() async throws {
        let fixture = try SimulatorFixture(organizations: 20, today: Self.today)
        let store = try UsageStore.open(path: dir.file("history.sqlite3"))
        let m = ExplorerModel(store: store, source: ReportSource(client: fixture.client(), store: store, now: { Self.now }),
                              engine: nil, keyInfo: info, origin: .demo, now: { Self.now })
        await m.complete(m.start())
        await m.complete(m.show(.month(Month("2026-10")!)))
        var oldest = m.period
        for _ in 0..<20 {
            await m.complete(m.stepPeriod(by: -1))
            if m.period == oldest { break }
            oldest = m.period
        }
        let history = fixture.simulator.data
        #expect(m.period == .month(history.firstDay.month), "\(m.period)")
        #expect(m.periodCached)
        let message = try #require(m.status)
        #expect(!message.isError && !message.text.contains("base-url") && message.text.contains("history"), "\(message)")
        let requests = fixture.simulator.requestCount
        await m.complete(m.stepPeriod(by: -1))
        #expect(fixture.simulator.requestCount == requests, "once known, the start of history is not asked again")
        #expect(m.status?.text.contains("before the API's history") == true, "\(String(describing: m.status))")
    }

    /// Item 7 (model side): a newer message replaces the one before.
    @Test func aNewerMessageReplacesTheOlder() throws {
        let store = try UsageStore.open(path: dir.file("msg.sqlite3"))
        let m = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .cacheOnly, now: { Self.now })
        m.setStatus("old", error: true)
        m.setStatus("new", error: false)
        #expect(m.status == ExplorerModel.Status(text: "new", isError: false))
    }
}
