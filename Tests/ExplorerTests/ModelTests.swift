import Foundation
import Observation
import Testing
import TestSupport
@testable import Explorer
import ProviderAPI
import ProviderSimulator
@testable import Sync
import UsageStore

/// The view models over a cache filled from the simulator's seeded data. Serialized:
/// every test here runs on the main actor, and the sync tests watch it in real time.
@MainActor @Suite(.serialized)
struct ModelTests {
    nonisolated static let today = Day("2026-11-29")!
    nonisolated static let now = Date(timeIntervalSince1970: today.start.timeIntervalSince1970 + 36_000)
    let dir = TempDir()
    let data = DataSet(organizationCount: 600, seed: 11, today: ModelTests.today)

    func model(offline: Bool = true) throws -> (ExplorerModel, UsageStore) {
        let store = try UsageStore.open(path: dir.file("m.sqlite3"))
        try fill(store, from: data)
        let info = KeyInfo(providerId: "prv", keyId: "key", algorithm: "ES256", fingerprint: "SHA256:x", createdAt: nil,
                           permission: "0600 ok", source: "test")
        let m = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .cacheOnly, now: { ModelTests.now })
        #expect(m.start().isEmpty, "a report this small is read whole: nothing behind")
        return (m, store)
    }

    @Test func rowsOfTheNewestDayWithChangeAndTrialDays() throws {
        let (m, _) = try model()
        #expect(m.period == .day(Day("2026-11-28")!))
        #expect(m.list.allRows.count == data.dailyRows(Day("2026-11-28")!).count)
        let prev = Dictionary(uniqueKeysWithValues: data.dailyRows(Day("2026-11-27")!).map { ($0.organizationId, $0.consumedLicenses) })
        for row in m.list.allRows.prefix(50) {
            #expect(row.change == prev[row.id].map { row.consumedLicenses - $0 })
        }
        let trial = try #require(m.list.allRows.first { $0.isTrial })
        let spec = try #require(data.organizations.first { $0.id == trial.id })
        #expect(trial.trialDaysLeft == spec.trialEndsOn! - ModelTests.today)
        #expect(m.list.allRows.contains { $0.isSuspended })
    }

    @Test func filtersAndTheirCombinations() throws {
        let (m, _) = try model()
        let all = m.list.allRows
        m.list.trialOnly = true
        #expect(!m.list.visible.isEmpty && m.list.visible.allSatisfy(\.isTrial))
        #expect(m.list.visible.count == all.filter(\.isTrial).count)
        m.list.tier = .enterprise
        #expect(m.list.visible.count == all.filter { $0.isTrial && $0.tier == .enterprise }.count)
        m.list.trialOnly = false
        m.list.nfrOnly = true
        m.list.tier = nil
        #expect(m.list.visible.count == 1 && m.list.visible[0].isNFR)
        m.list.nfrOnly = false
        m.list.status = .suspended
        #expect(m.list.visible.count == all.filter(\.isSuspended).count)
        m.list.tier = .business
        #expect(m.list.visible.count == all.filter { $0.isSuspended && $0.tier == .business }.count)
        #expect(m.list.filterSummary == "business, suspended")
        m.back()
        #expect(!m.list.isFiltered && m.list.visible.count == all.count)
        m.list.cycleTier(); #expect(m.list.tier == .business)
        m.list.cycleTier(); #expect(m.list.tier == .enterprise)
        m.list.cycleTier(); #expect(m.list.tier == nil)
    }

    @Test func searchIgnoresCaseAndAccentsAndFindsCJK() throws {
        let (m, _) = try model()
        let accented = try #require(m.list.allRows.first { $0.name.contains("é") || $0.name.contains("ö") || $0.name.contains("Å") })
        let plain = String(accented.name.folding(options: [.diacriticInsensitive], locale: nil).uppercased().prefix(6))
        m.list.search = plain
        #expect(m.list.visible.contains { $0.id == accented.id })
        #expect(m.list.visible.allSatisfy { $0.name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).contains(plain.lowercased()) })
        let cjk = try #require(m.list.allRows.first { $0.name.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } })
        let fragment = String(cjk.name.prefix(2))
        m.list.search = fragment
        #expect(m.list.visible.contains { $0.id == cjk.id })
        #expect(m.list.visible.allSatisfy { $0.name.contains(fragment) })
        // Typing more narrows; deleting widens again.
        m.list.search = "rocket"
        #expect(m.list.visible.map(\.name) == ["Rocket 🚀 Labs"])
        m.list.search = "rocke"
        #expect(m.list.visible.map(\.name).contains("Rocket 🚀 Labs"))
        #expect(m.list.visible.allSatisfy { $0.name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).contains("rocke") })
        m.list.search = "zzzz-no-such"
        #expect(m.list.visible.isEmpty && m.list.selectedIndex == nil && m.list.totals == Totals())
    }

    @Test func backspaceGivesBackWhatTheShorterSearchShowed() throws {
        let (m, _) = try model()
        m.list.search = "co"
        let before = m.list.visible.map(\.id)
        m.list.search = "con"
        #expect(m.list.visible.count <= before.count)
        m.list.search = "co"
        #expect(m.list.visible.map(\.id) == before)
        m.list.trialOnly = true           // a filter change invalidates what was remembered
        #expect(m.list.visible.allSatisfy { $0.isTrial })
        m.list.trialOnly = false
        #expect(m.list.visible.map(\.id) == before)
        m.list.sort(by: .seats)
        #expect(Set(m.list.visible.map(\.id)) == Set(before) && m.list.visible.map(\.id) != before)
    }

    @Test func eachSortBothWays() throws {
        let (m, _) = try model()
        func keys<T: Comparable>(_ f: (ListRow) -> T) -> [T] { m.list.visible.map(f) }
        #expect(m.list.sortKey == .name && m.list.ascending)
        #expect(m.list.visible.count == 600)
        // The collation: folded names, their digits as numbers.
        #expect(m.list.visible.map(\.searchKey) == m.list.visible.map(\.searchKey).sorted { TextSearch.naturalCompare($0, $1) < 0 })
        m.list.reverseSort()
        #expect(m.list.visible.map(\.searchKey) == m.list.visible.map(\.searchKey).sorted { TextSearch.naturalCompare($1, $0) < 0 })
        m.list.sort(by: .seats)
        #expect(!m.list.ascending, "seats sort biggest first")
        #expect(keys(\.consumedLicenses) == keys(\.consumedLicenses).sorted(by: >))
        m.list.reverseSort()
        #expect(keys(\.consumedLicenses) == keys(\.consumedLicenses).sorted())
        m.list.sort(by: .change)
        #expect(keys { $0.change ?? Int.min } == keys { $0.change ?? Int.min }.sorted(by: >))
        m.list.reverseSort()
        #expect(keys { $0.change ?? Int.min } == keys { $0.change ?? Int.min }.sorted())
        m.list.sort(by: .trialEnd)
        #expect(keys { $0.trialEndsAt?.ordinal ?? Int.max } == keys { $0.trialEndsAt?.ordinal ?? Int.max }.sorted())
        #expect(m.list.visible.first?.isTrial == true)
        m.list.reverseSort()
        #expect(keys { $0.trialEndsAt?.ordinal ?? Int.max } == keys { $0.trialEndsAt?.ordinal ?? Int.max }.sorted(by: >))
    }

    @Test func selectionSurvivesRefreshFiltersAndSorts() throws {
        let (m, _) = try model()
        m.list.moveSelection(by: 37)
        let chosen = try #require(m.list.selectedRow)
        #expect(m.reload().isEmpty)
        #expect(m.list.selectedRow?.id == chosen.id)
        m.list.sort(by: .seats)
        #expect(m.list.selectedRow?.id == chosen.id)
        m.list.search = String(chosen.name.prefix(4))
        #expect(m.list.selectedRow?.id == chosen.id)
        m.list.search = ""
        m.list.trialOnly = !chosen.isTrial     // hides it
        #expect(m.list.selectedRow?.id != chosen.id)
        m.list.trialOnly = false
        #expect(m.list.selectedRow?.id == chosen.id, "comes back when the filter goes")
        m.list.selectLast()
        #expect(m.list.selectedIndex == m.list.visible.count - 1)
        m.list.moveSelection(by: 10)
        #expect(m.list.selectedIndex == m.list.visible.count - 1)
        m.list.selectFirst()
        m.list.moveSelection(by: -3)
        #expect(m.list.selectedIndex == 0)
    }

    @Test func totalsAreTheSumOfVisibleRows() throws {
        let (m, _) = try model()
        for setting in [{ m.list.tier = .business }, { m.list.trialOnly = true }, { m.list.search = "a" }] {
            setting()
            let v = m.list.visible
            #expect(m.list.totals.organizations == v.count)
            #expect(m.list.totals.consumedLicenses == v.map(\.consumedLicenses).reduce(0, +))
            #expect(m.list.totals.activeSeats == v.map(\.activeSeats).reduce(0, +))
            #expect(m.list.totals.pendingSeats == v.map(\.pendingSeats).reduce(0, +))
        }
    }

    @Test func billedTierOfAnOrganizationThatMovedUpMidMonth() async throws {
        let (m, _) = try model()
        let spec = try #require(data.organizations.first {
            guard let c = $0.tierChange else { return false }
            return c.tier == .enterprise && c.day.month == Month("2026-10") && c.day.dayOfMonth > 1 && $0.createdOn < Day("2026-10-01")!
        })
        await m.complete(m.show(.month(Month("2026-10")!)))
        m.list.select(id: spec.id)
        m.refreshDetail()
        #expect(m.detail.tierChanged)
        #expect(m.detail.billedTier == .enterprise)
        #expect(m.detail.dailySeries.first?.tier == .business && m.detail.dailySeries.last?.tier == .enterprise)
        #expect(m.detail.dailySeries.count == 31)
        #expect(m.detail.monthlySeries.count == 12 && m.detail.monthlySeries.last?.month == Month("2026-10"))
        #expect(m.detail.agreement == .agrees)
    }

    @Test func flagsAMonthlyReportThatDisagreesWithTheDays() async throws {
        let (m, store) = try model()
        let month = Month("2026-10")!
        var report = try #require(try store.report(.monthly(month)))
        let victim = report.rows[5].organizationId
        report.rows[5].activeSeats += 3
        report.rows[5].tier = report.rows[5].tier == .business ? .enterprise : .business
        try store.write(report, fetchedAt: Date())
        await m.complete(m.show(.month(month)))
        m.list.select(id: victim)
        m.refreshDetail()
        guard case .differs(let reasons) = m.detail.agreement else { Issue.record("\(m.detail.agreement)"); return }
        #expect(reasons.count == 2)
        #expect(reasons.contains { $0.contains("monthly active seats") })
        // November is not complete: the flag says so instead of guessing.
        await m.complete(m.show(.day(Day("2026-11-10")!)))
        m.refreshDetail()
        guard case .unknown = m.detail.agreement else { Issue.record("\(m.detail.agreement)"); return }
    }

    @Test func tierMatrixTotalsAndNarrowing() throws {
        let (m, _) = try model()
        let rows = m.list.allRows
        #expect(m.tiers.grandTotal.organizations == rows.count)
        #expect(m.tiers.grandTotal.consumedLicenses == rows.map(\.consumedLicenses).reduce(0, +))
        for tier in m.tiers.tiers {
            #expect(m.tiers.rowTotal(tier).consumedLicenses == rows.filter { $0.tier == tier }.map(\.consumedLicenses).reduce(0, +))
        }
        #expect(m.tiers.billableSeats == rows.filter { $0.licenseType == .standard }.map(\.consumedLicenses).reduce(0, +))
        #expect(m.tiers.columnTotal(.nfr).organizations == 1)
        m.open(.tierMatrix)
        m.tiers.moveCursor(rows: 1, columns: 1)     // enterprise x trial
        m.narrowToSelectedCell()
        #expect(m.screen == .list)
        #expect(m.list.visible.count == m.tiers.cell(.enterprise, .trial).organizations)
        #expect(m.list.visible.allSatisfy { $0.tier == .enterprise && $0.isTrial })
        #expect(m.list.filterSummary.contains("enterprise×trial"))
    }

    @Test func keyStatusAfterA401() throws {
        let (m, _) = try model()
        #expect(m.key.lastRequestSummary == "no request yet")
        m.record(RequestOutcome(time: ModelTests.now, path: "/x", status: 401, error: .keyRejected(status: 401, detail: "key revoked")))
        #expect(m.key.rejection?.contains("MSP Admin Panel > Integrations > Provider API") == true)
        #expect(m.key.lastRequestSummary.hasPrefix("REJECTED 401 key revoked"))
        #expect(m.status?.isError == true && m.status?.text.contains("key pane") == true)
        #expect(m.key.originSummary(at: ModelTests.now).hasPrefix("OFFLINE cache"))
        m.key.setTokenExpiry(ModelTests.now.addingTimeInterval(125))
        #expect(m.key.tokenSecondsLeft(at: ModelTests.now) == 125)
    }

    @Test func periodSteppingAtMonthAndYearEdges() async throws {
        #expect(Period.day(Day("2026-01-01")!).stepped(by: -1) == .day(Day("2025-12-31")!))
        #expect(Period.day(Day("2024-02-28")!).stepped(by: 1) == .day(Day("2024-02-29")!))
        #expect(Period.month(Month("2026-01")!).stepped(by: -1) == .month(Month("2025-12")!))
        #expect(Period.month(Month("2025-12")!).stepped(by: 1) == .month(Month("2026-01")!))
        let (m, _) = try model()
        #expect(m.stepPeriod(by: 1).isEmpty)            // 11-29 has no report yet
        #expect(m.period == .day(Day("2026-11-28")!) && m.status != nil)
        await m.complete(m.stepPeriod(by: -28))
        #expect(m.period == .day(Day("2026-10-31")!) && m.periodCached)
        await m.complete(m.stepPeriod(by: 1))
        #expect(m.period == .day(Day("2026-11-01")!))
        await m.complete(m.toggleMode())
        #expect(m.period == .month(Month("2026-10")!))
        #expect(m.stepPeriod(by: 1).isEmpty)            // November's report comes on December 1st
        #expect(m.period == .month(Month("2026-10")!))
        await m.complete(m.stepPeriod(by: -10))
        #expect(m.period == .month(Month("2025-12")!) && m.periodCached)
        await m.complete(m.stepPeriod(by: -1))
        #expect(m.period == .month(Month("2025-11")!) && m.periodCached)
        await m.complete(m.stepPeriod(by: -1))
        #expect(m.period == .month(Month("2025-10")!) && !m.periodCached && m.list.visible.isEmpty)
        await m.complete(m.toggleMode())
        #expect(m.period == .day(Day("2025-10-31")!))
    }

    @Test func navigationStack() throws {
        let (m, _) = try model()
        m.open(.detail)
        m.open(.help)
        #expect(m.screens == [.list, .detail, .help])
        m.back()
        #expect(m.screen == .detail)
        m.back()
        #expect(m.screen == .list)
    }

    @Test func aFilterChangeNotifiesOnce() throws {
        let (m, _) = try model()
        let counter = ChangeCounter()
        counter.track { _ = m.list.visible }
        m.list.trialOnly = true
        #expect(counter.count == 1)
        m.list.trialOnly = true          // no change, no notification
        #expect(counter.count == 1)
        m.list.search = "a"
        #expect(counter.count == 2)
    }

    /// The title bar's count of changes since the period last seen: the same as the
    /// changes view would list, kept across period steps, and counted again once a
    /// sync has written to the cache.
    @Test func unseenChangesFollowThePeriodAndTheCache() async throws {
        let (m, store) = try model()
        let seen = Day("2026-11-20")!, d27 = Day("2026-11-27")!, d28 = Day("2026-11-28")!
        func expected(to day: Day) throws -> Int {
            let before = try #require(try store.report(.daily(seen))), after = try #require(try store.report(.daily(day)))
            return Changes.compute(from: before.rows, to: after.rows, organizations: try store.organizations(), lastDay: day,
                                   rules: ChangeRules()).count
        }
        #expect(m.changes.unseen == nil, "no remembered state: no count")
        var state = ViewState()
        state.lastSeenDay = seen.description
        let restored = m.restore(state)
        // A count asked and left before it started (the period changed) is not made.
        let left = try #require(restored.of(.unseenCount))
        await m.complete(m.show(.day(d27)))
        #expect(left.isWithdrawn)
        #expect(await left.ran().landing == nil)
        await m.complete(m.show(.day(d28)))
        let to28 = try expected(to: d28)
        #expect(to28 > 0 && m.changes.unseen == to28)
        await m.complete(m.show(.day(d27)))
        let to27 = try expected(to: d27)
        #expect(m.changes.unseen == to27)
        await m.complete(m.show(.day(d28)))
        #expect(m.changes.unseen == to28)
        // A sync brings a new organization into the day on screen: one change more.
        var report = try #require(try store.report(.daily(d28)))
        var newcomer = report.rows[0]
        newcomer.organizationId = "org_NEWCOMER"
        newcomer.organizationName = "Newcomer"
        report.rows.append(newcomer)
        try store.write(report, fetchedAt: ModelTests.now)
        await m.complete(m.syncFinished(.success(SyncSummary())))
        let after = try expected(to: d28)
        #expect(after == to28 + 1 && m.changes.unseen == after)
        let read = m.openChanges()
        #expect(m.changes.isReading && m.changes.changes.isEmpty && m.isLoading, "the view says it reads, behind")
        #expect(read.map(\.kind) == [.changes])
        await m.complete(read)
        #expect(!m.changes.isReading && !m.isLoading)
        #expect(m.changes.unseen == nil && m.changes.changes.count == to28 + 1)
    }

    /// The changes view compares the two reports as SQLite reads them (neither is held
    /// whole): it finds exactly what `Changes.compute` finds in the two whole reports,
    /// for days far apart, next to each other, and months; with a newcomer, a leaver, a
    /// tier the contract does not name, a flag, a renamed organization and unknown fields.
    @Test func theChangesAreFoundAsTheReportsAreRead() throws {
        let (_, store) = try model()
        let d20 = Day("2026-11-20")!, d27 = Day("2026-11-27")!, d28 = Day("2026-11-28")!
        var report = try #require(try store.report(.daily(d28)))
        var newcomer = report.rows[0]
        newcomer.organizationId = "org_NEWCOMER"; newcomer.organizationName = "Newcomer 新 🚀"
        report.rows.remove(at: 6)
        report.rows[1].tier = Tier(rawValue: "ultimate")
        report.rows[2].nfr.toggle()
        report.rows[3].organizationName += " (renamed)"
        report.rows[4].extra = ["discount": .string("10%")]
        report.rows[5].consumedLicenses += 40
        report.rows.append(newcomer)
        try store.write(report, fetchedAt: ModelTests.now)
        var kinds = Set<Change.Kind>()
        for (from, to) in [(Period.day(d20), Period.day(d28)), (.day(d27), .day(d28)), (.month(Month(year: 2026, month: 9)!), .month(Month(year: 2026, month: 10)!))] {
            let before = try #require(try store.report(from.reportPeriod)), after = try #require(try store.report(to.reportPeriod))
            let whole = Changes.compute(from: before.rows, to: after.rows, organizations: try store.organizations(), lastDay: to.lastDay,
                                        rules: ChangeRules(minSeats: 1))
            let read = try ChangesModel.compute(from: from, to: to, store: store, rules: ChangeRules(minSeats: 1)).get()
            #expect(!whole.isEmpty && read == whole, "\(from) to \(to)")
            kinds.formUnion(read.map(\.kind))
        }
        #expect(kinds == Set(Change.Kind.allCases), "every kind of change met: \(kinds)")
        let missing = Period.day(Day("2025-01-01")!)
        #expect(throws: (any Error).self) { try ChangesModel.compute(from: missing, to: .day(d28), store: store, rules: ChangeRules()).get() }
    }
}
