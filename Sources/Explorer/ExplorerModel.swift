import ConnectWise
import Foundation
import Observation
import ProviderAPI
import Sync
import UsageStore

/// The root of the view models: owns the list, detail, tier matrix, key status and
/// sync models, the period shown and the navigation stack. The front only reads these
/// and calls their methods.
@MainActor @Observable
public final class ExplorerModel {
    /// A line for the status bar; errors are worded so a user can act on them.
    public struct Status: Sendable, Equatable {
        public var text: String
        public var isError: Bool
    }

    public let list = OrganizationListModel()
    public let detail = UsageDetailModel()
    public let tiers = LicenseTierModel()
    public let key: KeyStatusModel
    public let sync: SyncModel
    /// The models of the views over the list (the bill, the changes, the PSA view), by
    /// their screen: each view reaches its own through `view(_:)`.
    @ObservationIgnored private var views: [Screen: any ViewModel] = [:]
    /// Whether the changes view has been opened in this run (the badge goes then).
    @ObservationIgnored var seenChangesView = false
    /// The title bar's count of unseen changes and what it was counted from.
    @ObservationIgnored var unseenCount: (pair: ComparedPeriods, count: Int)?

    public private(set) var period: Period
    public internal(set) var screens: [Screen] = [.list] {
        // A view that leaves the stack lets its lines go (50,000 of them, at most), and
        // a read it still waits for lands nowhere.
        didSet {
            for screen in Set(oldValue).subtracting(screens) {
                guard let view = views[screen] else { continue }
                view.close()
                for kind in type(of: view).reads { tickets.withdraw(kind) }
            }
        }
    }
    public internal(set) var status: Status?
    /// Whether the shown period's report is in the cache.
    public private(set) var periodCached = false
    /// Whether the period before the shown one is in the cache: without it the change
    /// column has nothing to compare with (it shows "–", not "new").
    public private(set) var previousCached = false
    /// The oldest daily and monthly periods the API has, once a 404 has shown where its
    /// history starts (here or to a sync): `[` stops there as `]` stops at the newest.
    /// Kept in the cache; read again on each reload and when a request finds it.
    @ObservationIgnored public private(set) var historyStart = HistoryStart()

    private func noReport(before period: Period) {
        try? store.recordNoReport(before: period.reportPeriod)
        readHistoryStart()
    }

    private func readHistoryStart() {
        let (day, month) = store.historyStart
        historyStart = HistoryStart(day: day, month: month)
    }
    /// Reports of this many rows or more show their first screenful first.
    @ObservationIgnored let firstScreenFrom: Int
    /// The live ticket of each kind of work where only the newest matters (`Work`).
    @ObservationIgnored var tickets = Tickets()
    /// Works that show the spinner, made and not yet come back.
    @ObservationIgnored var loading = 0 { didSet { isLoading = loading > 0 } }
    public private(set) var isLoading = false
    /// Set once the user picks a period; until then the view follows the newest report.
    @ObservationIgnored private var periodChosen = false
    /// How the user left the explorer last time (the remembered view state): the
    /// changes view compares against the period they last saw.
    public internal(set) var remembered: ViewState?
    /// The periods the user has looked at in this run.
    @ObservationIgnored private var seenPeriods: [Period] = []

    /// The newest day (or month) looked at in this run.
    func lastSeen(daily: Bool) -> Period? {
        seenPeriods.filter { $0.isDaily == daily }.max()
    }

    @ObservationIgnored let store: UsageStore
    @ObservationIgnored let source: ReportSource?
    /// The clock the model was made with (fixed in tests and screenshots).
    @ObservationIgnored public let now: @Sendable () -> Date

    public init(store: UsageStore, source: ReportSource?, engine: SyncEngine?, keyInfo: KeyInfo, origin: DataOrigin,
                views: [any ViewModel] = [], firstScreenFrom: Int = 5_000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.firstScreenFrom = firstScreenFrom
        for view in views { self.views[type(of: view).screen] = view }
        self.source = source
        self.now = now
        key = KeyStatusModel(info: keyInfo, origin: origin)
        var runner: SyncModel.Runner?
        if let engine {
            runner = { @Sendable progress in try await engine.sync(progress: progress) }
        }
        sync = SyncModel(runner: runner, lastSuccess: store.lastSync, now: now)
        let newestCached = ((try? store.cachedPeriods(.daily)) ?? []).first.flatMap { Day($0) }
        period = .day(newestCached ?? ReportSchedule.newestDay(at: now()))
        key.setCacheFetchedAt(store.newestFetch())
    }

    public var screen: Screen { screens.last ?? .list }

    /// The model of the view `V`: the one the front wired (with its prices, its PSA),
    /// else one made when first asked for.
    public func view<V: ViewModel>(_ type: V.Type) -> V {
        if let view = views[V.screen] as? V { return view }
        let view = V()
        views[V.screen] = view
        return view
    }

    // MARK: - Loading

    /// Draws from the cache at once (the front then starts the sync, if any, behind).
    public func start() -> [Work] {
        reload()
    }

    /// Reads the period (and the one before, for the change column) from the cache. A
    /// big report shows its first screenful at once and returns the load of the rest;
    /// and the count of unseen changes, when the title bar needs one.
    func reload() -> [Work] {
        let today = Day(containing: now())
        readHistoryStart()
        // A load of another period (or of this one, older) lands nowhere.
        tickets.withdraw(.load)
        var works: [Work] = []
        if let count = store.rowCount(period.reportPeriod), count >= firstScreenFrom {
            // The first screenful when SQL can pick it in the list's order; none when the
            // list's state needs every row first (a search, a status, a cell, the
            // trial-end sort). Either way the old rows go before the new ones are read:
            // two big reports are never held at once.
            let preview = firstRowsQuery().flatMap { try? store.firstRows(period.reportPeriod, previous: period.previous.reportPeriod, $0) } ?? []
            periodCached = true
            list.showPreview(preview.map { ListRow.make($0, today: today) }, total: count)
            tiers.load([])
            let (cache, shown, sortKey, ascending) = (store, period, list.sortKey, list.ascending)
            works.append(read(.load) {
                let rows = Result { try Self.rows(of: shown, store: cache, today: today, sortedBy: sortKey, ascending: ascending) }
                return { model in model.loaded(rows, sortedAs: (sortKey, ascending)); return [] }
            })
        } else {
            let read = (try? store.periodRows(period.reportPeriod, previous: period.previous.reportPeriod) { ListRow.make($0, today: today) }) ?? nil
            periodCached = read != nil
            let rows = read ?? []
            list.setRows(rows)
            tiers.load(rows)
        }
        if periodCached, !seenPeriods.contains(period) { seenPeriods.append(period) }
        previousCached = periodCached && store.has(period.previous.reportPeriod)
        refreshDetail()
        key.setCacheFetchedAt(store.newestFetch())
        if !seenChangesView { works += refreshUnseenChanges() }
        return works
    }

    /// Every row of `period`, sorted, read on a connection of its own off the main actor.
    nonisolated private static func rows(of period: Period, store: UsageStore, today: Day,
                                         sortedBy sortKey: OrganizationListModel.SortKey, ascending: Bool) throws -> [ListRow] {
        var rows = try store.periodRowsApart(period.reportPeriod, previous: period.previous.reportPeriod) { ListRow.make($0, today: today) } ?? []
        OrganizationListModel.sort(&rows, by: sortKey, ascending: ascending)
        return rows
    }

    /// The query of the first screenful, when the list's state allows one (a search,
    /// a status or a matrix cell, or the trial-end sort, read the whole period first).
    private func firstRowsQuery() -> FirstRows? {
        guard list.search.isEmpty, list.status == nil, list.cell == nil else { return nil }
        let order: FirstRows.Order
        switch list.sortKey {
        case .name: order = .name
        case .seats: order = .seats
        case .change: order = .change
        case .trialEnd: return nil
        }
        return FirstRows(order: order, ascending: list.ascending, trialOnly: list.trialOnly, nfrOnly: list.nfrOnly,
                         tier: list.tier, limit: Self.firstScreenRows)
    }

    /// Rows read first: more than the tallest terminal shows.
    static let firstScreenRows = 400

    /// The rows of a load behind (its ticket says they are of the period on screen).
    private func loaded(_ read: Result<[ListRow], any Error>, sortedAs order: (OrganizationListModel.SortKey, Bool)) {
        switch read {
        case .failure(let error):
            setStatus("could not read \(period) from the cache: \(Failure(error).message)", error: true)
        case .success(let rows):
            list.setRows(rows, sortedAs: order)
            tiers.load(rows)
            refreshDetail()
        }
    }

    // MARK: - Sync

    /// Marks a sync as started and returns it (its steps come back as `syncProgressed`,
    /// its end lands as `syncFinished`); none when offline or when a sync already runs.
    public func beginSync() -> [Work] {
        guard let runner = sync.begin() else { return [] }
        return [work(.sync) { sink in
            let result: Result<SyncSummary, any Error>
            do { result = .success(try await runner(sink.step)) } catch { result = .failure(error) }
            return { model in model.syncFinished(result) }
        }]
    }

    /// A step of the sync. As soon as the report on screen (or, before the user picks
    /// a period, the newest daily report) lands in the cache, it is shown; the rest of
    /// the sync goes on behind.
    public func syncProgressed(_ p: SyncProgress) -> [Work] {
        guard sync.isSyncing else { return [] }
        sync.apply(p)
        unseenCount = nil
        guard !periodCached else { return [] }
        if !periodChosen, period.isDaily, let newest = ((try? store.cachedPeriods(.daily)) ?? []).first.flatMap({ Day($0) }) {
            if .day(newest) != period { period = .day(newest) }
            return reload()
        } else if store.has(period.reportPeriod) {
            return reload()
        }
        return []
    }

    /// The end of a sync: its outcome on the status line, and the cache read again.
    func syncFinished(_ result: Result<SyncSummary, any Error>) -> [Work] {
        sync.finish(result)
        unseenCount = nil
        // Until the user picks a period, show the newest day the sync brought.
        if !periodChosen, period.isDaily, let newest = ((try? store.cachedPeriods(.daily)) ?? []).first.flatMap({ Day($0) }),
           .day(newest) != period {
            period = .day(newest)
        }
        let works = reload()
        if case .failed(let message) = sync.state { setStatus(message, error: true) }
        else if sync.lastCancelled { setStatus("sync cancelled; what was fetched is kept", error: false) }
        else { status = nil }
        // A key taken while the sync failed on the old one: that is the news, not the
        // failure (whichever of the two came first).
        if let note = key.takenDuringSync, case .failure = result { setStatus(note, error: false) }
        key.takenDuringSync = nil
        return works
    }

    /// The selected organization's detail follows the cursor.
    public func refreshDetail() {
        let row = list.selectedRow
        if detail.organizationId != row?.id || detail.month != period.month || detail.row != row {
            detail.load(row: row, period: period, store: store)
        }
    }

    // MARK: - Period

    /// `[` and `]`: a day or a month back or forward, never past what can exist.
    public func stepPeriod(by n: Int) -> [Work] {
        let next = period.stepped(by: n)
        switch next {
        case .day(let d) where d > ReportSchedule.newestDay(at: now()):
            setStatus("\(d) has no report yet: a day's report is generated at 00:00:02 UTC the next day", error: false); return []
        case .month(let m) where m > ReportSchedule.newestMonth(at: now()):
            setStatus("\(m) has no report yet: a month's report is generated on the 1st of the next at 00:01:02 UTC", error: false); return []
        default:
            if let refusal = beforeHistory(next) { setStatus(refusal, error: false); return [] }
        }
        return show(next)
    }

    /// Whether a sync (starting now) brings `period`: within its reach, by the clock.
    public func syncBrings(_ period: Period) -> Bool {
        let newestDay = ReportSchedule.newestDay(at: now()), newestMonth = ReportSchedule.newestMonth(at: now())
        let (firstDay, firstMonth) = SyncEngine.reach(newestDay: newestDay, newestMonth: newestMonth)
        switch period {
        case .day(let d): return firstDay <= d && d <= newestDay
        case .month(let m): return firstMonth <= m && m <= newestMonth
        }
    }

    /// What to say of `period` when it is before the start of the API's history (as
    /// the API said, here or to a sync): no request is made for it. One rule for
    /// the list, the detail and the bill.
    public func beforeHistory(_ period: Period) -> String? {
        guard historyStart.excludes(period) else { return nil }
        switch period {
        case .day(let d): return "\(d) is before the API's history (its daily reports start at \(historyStart.day!))"
        case .month(let m): return "\(m) is before the API's history (its monthly reports start at \(historyStart.month!))"
        }
    }

    /// `m`: between the daily and the monthly reports (the month of the day shown, or
    /// its newest day).
    public func toggleMode() -> [Work] {
        switch period {
        case .day(let d):
            return show(.month(min(d.month, ReportSchedule.newestMonth(at: now()))))
        case .month(let m):
            return show(.day(min(m.lastDay, ReportSchedule.newestDay(at: now()))))
        }
    }

    /// Shows `period` from the cache at once; when it is not cached and we are online,
    /// also returns the fetch that brings it.
    public func show(_ next: Period) -> [Work] {
        periodChosen = true
        let before = period
        period = next
        status = nil
        let works = reload()
        guard !periodCached, let source, source.client != nil else {
            if !periodCached { setStatus("no cached report for \(next)" + (source?.client == nil ? " (offline)" : ""), error: false) }
            return works
        }
        return works + [fetch(Fetch(period: next, purpose: .show(returnTo: before), source: source))]
    }

    /// The work of `fetch`: the report into the cache, then `fetched`.
    func fetch(_ fetch: Fetch) -> Work {
        work(.fetch) { _ in
            let error = await fetch.run()
            return { model in model.fetched(fetch, error: error) }
        }
    }

    /// A fetch started by `show` or `showBill` has ended (`error` nil when the report
    /// is now cached). The period on screen may have moved on meanwhile: it is read
    /// again only if it is still the fetched one.
    func fetched(_ fetch: Fetch, error: (any Error)?) -> [Work] {
        var works: [Work] = []
        switch fetch.purpose {
        case .show(let before):
            let next = fetch.period
            switch error {
            case nil:
                if period == next { works = reload() }
            case ProviderError.noReport?:
                // Before the start of the API's history: go back, and stop there from now on.
                noReport(before: next)
                if period == next { period = before; works = reload() }
                setStatus("the API has no report for \(next): its history starts at \(next.stepped(by: 1))", error: false)
            case let error?:
                setStatus(Failure(error).message, error: true)
            }
        case .bill:
            if case ProviderError.noReport? = error {
                // Kept: the period is now before the known start, and the bill says so.
                noReport(before: fetch.period)
                if let refusal = beforeHistory(fetch.period) { setStatus(refusal, error: false) }
            } else if let error { setStatus(Failure(error).message, error: true) }
            if case .month(let m) = fetch.period, billing.month == m, screens.contains(.billing) {
                works = [readBill(m)]
            }
        }
        refreshDetail()
        return works
    }
}
