import Foundation
import Testing
import TestSupport
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import UsageStore

/// A big report shows its first screenful first, read in the list's order by SQL, and
/// the rest loads behind: the first rows are exactly the first rows of the whole list,
/// for every order and filter a list can open with.
@MainActor @Suite(.serialized)
struct FirstScreenTests {
    nonisolated static let today = Day("2026-11-29")!
    nonisolated static let now = Date(timeIntervalSince1970: today.start.timeIntervalSince1970 + 36_000)
    let dir = TempDir()

    func store() throws -> UsageStore {
        let store = try UsageStore.open(path: dir.file("first-\(UUID().uuidString).sqlite3"))
        try fill(store, from: DataSet(organizationCount: 1_200, seed: 5, today: Self.today))
        return store
    }

    func model(_ store: UsageStore, firstScreenFrom: Int) -> ExplorerModel {
        let info = KeyInfo(providerId: "prv", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        return ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .cacheOnly, firstScreenFrom: firstScreenFrom,
                             now: { Self.now })
    }

    @Test func theFirstRowsAreTheWholeListsFirstRowsInEveryOrder() async throws {
        let store = try store()
        let whole = model(store, firstScreenFrom: .max)
        await whole.complete(whole.start())
        #expect(whole.list.loadingTotal == nil && whole.list.allRows.count == 1_200)
        let quick = model(store, firstScreenFrom: 100)
        for key in [OrganizationListModel.SortKey.name, .seats, .change] {
            for ascending in [true, false] {
                for filter in 0..<4 {
                    for m in [whole, quick] {
                        m.list.clearFilters()
                        m.list.setSort(key, ascending: ascending)
                        m.list.trialOnly = filter == 1
                        m.list.nfrOnly = filter == 2
                        m.list.tier = filter == 3 ? .enterprise : nil
                    }
                    let works = quick.reload()
                    #expect(quick.list.loadingTotal == 1_200, "the first screenful, with the rest to come")
                    let first = quick.list.visible.map(\.id)
                    let expected = whole.list.visible.map(\.id).prefix(first.count)
                    #expect(!first.isEmpty && first.count == min(ExplorerModel.firstScreenRows, whole.list.visible.count))
                    #expect(Array(expected) == first, "\(key) \(ascending ? "up" : "down"), filter \(filter)")
                    // The rows themselves are the same as the whole load's.
                    #expect(quick.list.visible.first == whole.list.visible.first)
                    // The rest lands: the same list as a whole load.
                    let load = try #require(works.of(.load))
                    #expect(quick.land(await load.ran()).isEmpty)
                    #expect(quick.list.loadingTotal == nil && quick.list.visible.map(\.id) == whole.list.visible.map(\.id))
                    #expect(quick.list.totals == whole.list.totals && !quick.isLoading)
                }
            }
        }
    }

    /// A filter and a sort pressed before the rest lands apply to all of it; a load of
    /// a period left behind is dropped.
    @Test func keysPressedWhileLoadingApplyWhenItLands() async throws {
        let store = try store()
        let m = model(store, firstScreenFrom: 100)
        let load = try #require(m.start().of(.load))
        #expect(m.isLoading && m.list.visible.count == ExplorerModel.firstScreenRows)
        m.list.trialOnly = true
        m.list.sort(by: .seats)
        _ = m.land(await load.ran())
        #expect(!m.isLoading && m.list.visible.allSatisfy(\.isTrial))
        #expect(m.list.visible.count == m.list.allRows.filter(\.isTrial).count && m.list.allRows.count == 1_200)
        let seats = m.list.visible.map(\.consumedLicenses)
        #expect(seats == seats.sorted(by: >), "sorted by seats after it landed")
        // Another period while a load runs: the old load's rows never show.
        m.list.trialOnly = false
        let older = m.stepPeriod(by: -1)
        #expect(older.map(\.kind) == [.load], "a cached period: its rest loads, nothing is fetched")
        // The older load is read while it is still wanted; it comes back after the next step.
        let olderRead = await older[0].ran()
        #expect(olderRead.landing != nil)
        let newest = try #require(m.stepPeriod(by: -1).of(.load))
        #expect(m.land(olderRead).isEmpty)
        let rowsOfTheNewest = try #require(store.rowCount(.daily(Day("2026-11-26")!)))
        #expect(m.list.loadingTotal == rowsOfTheNewest, "a load of a period no longer shown is dropped")
        _ = m.land(await newest.ran())
        #expect(m.list.loadingTotal == nil && m.period == .day(Day("2026-11-26")!) && !m.isLoading)
    }

    /// A search (or a status, or a cell, or the trial-end sort) needs every row: SQL
    /// cannot order or match names as the list does there. The list empties (the old
    /// period's rows are let go first) and says it is reading; the whole period loads
    /// behind and lands searched and sorted.
    @Test func aSearchWaitsForTheWholePeriod() async throws {
        let store = try store()
        let whole = model(store, firstScreenFrom: .max)
        let m = model(store, firstScreenFrom: 100)
        for setUp in [{ (l: OrganizationListModel) in l.search = "con" },
                      { (l: OrganizationListModel) in l.search = ""; l.setSort(.trialEnd, ascending: true) }] {
            setUp(whole.list)
            setUp(m.list)
            #expect(whole.reload().isEmpty)
            let load = try #require(m.reload().of(.load))
            #expect(m.list.loadingTotal == 1_200 && m.list.allRows.isEmpty && m.isLoading)
            _ = m.land(await load.ran())
            #expect(m.list.loadingTotal == nil && !m.isLoading && m.list.allRows.count == 1_200)
            #expect(!m.list.visible.isEmpty && m.list.visible.map(\.id) == whole.list.visible.map(\.id))
        }
        #expect(whole.list.visible.count == 1_200, "the second round lists all, by trial end")
    }

    /// Periods stepped through faster than they load: a load the screen left before
    /// it started reads nothing (the one thread for reads behind is not kept busy with
    /// rows nobody will see), and its end changes nothing.
    @Test func aLoadTheScreenLeftIsNotRead() async throws {
        let store = try store()
        let m = model(store, firstScreenFrom: 100)
        let left = try #require(m.start().of(.load))
        let wanted = try #require(m.stepPeriod(by: -1).of(.load))
        #expect(left.isWithdrawn && !wanted.isWithdrawn)
        let skipped = await left.ran()
        #expect(skipped.landing == nil, "not run")
        #expect(m.land(skipped).isEmpty)
        #expect(m.status == nil && m.list.loadingTotal != nil && m.isLoading, "no error, still loading the period on screen")
        let rows = try #require(store.rowCount(.daily(Day("2026-11-27")!)))
        #expect(rows > 1_000)
        _ = m.land(await wanted.ran())
        #expect(m.list.loadingTotal == nil && m.list.allRows.count == rows && !m.isLoading && m.period == .day(Day("2026-11-27")!))
    }
}
