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
    public enum Screen: Sendable, Equatable { case list, detail, tierMatrix, billing, changes, psa, help }

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
    public let billing: BillingModel
    public let changes = ChangesModel()
    /// The PSA view: NordPass against ConnectWise.
    public let psa: PSAModel
    /// Whether the changes view has been opened in this run (the badge goes then).
    @ObservationIgnored var seenChangesView = false
    /// The title bar's count of unseen changes and what it was counted from.
    @ObservationIgnored var unseenCount: (pair: ComparedPeriods, count: Int)?
    /// The periods the badge should compare now, and a count of them to make behind.
    @ObservationIgnored var wantedUnseen: ComparedPeriods?
    @ObservationIgnored var pendingUnseen: UnseenCount?
    /// The last count asked, so that a newer one withdraws it.
    @ObservationIgnored var countAsked: Wanted?

    public private(set) var period: Period
    public internal(set) var screens: [Screen] = [.list] {
        // A closed bill or changes view lets its lines go (50,000 of them, at most).
        // (and a read it still waits for lands nowhere).
        didSet {
            if oldValue.contains(.billing), !screens.contains(.billing) { billing.close() }
            if oldValue.contains(.changes), !screens.contains(.changes) { changes.close() }
            if oldValue.contains(.psa), !screens.contains(.psa) { psa.close() }
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
    /// The load behind of the period on screen, until the front takes it.
    @ObservationIgnored private var pendingLoad: Load?
    @ObservationIgnored private var pendingRead: ViewRead?
    /// The last view read asked, so that a newer one withdraws it.
    @ObservationIgnored private var readAsked: Wanted?
    /// The last load asked, so that a newer one withdraws it.
    @ObservationIgnored private var asked: Wanted?
    /// Counts reloads, so a load behind that lands after another reload is dropped.
    @ObservationIgnored private var loadGeneration = 0
    /// Whether a load behind is counted in `loading`.
    @ObservationIgnored private var loadBehind = false
    /// Fetches started and not yet ended.
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
                billing: BillingModel = BillingModel(), psa: PSAModel = PSAModel(), firstScreenFrom: Int = 5_000,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.firstScreenFrom = firstScreenFrom
        self.billing = billing
        self.psa = psa
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

    // MARK: - Loading

    /// Draws from the cache at once (the front then starts the sync, if any, behind).
    public func start() {
        reload()
    }

    /// Reads the period (and the one before, for the change column) from the cache. A
    /// big report shows its first screenful at once and loads the rest behind (`takeLoad`).
    public func reload() {
        let today = Day(containing: now())
        readHistoryStart()
        loadGeneration += 1
        asked?.withdraw()
        if let count = store.rowCount(period.reportPeriod), count >= firstScreenFrom {
            // The first screenful when SQL can pick it in the list's order; none when the
            // list's state needs every row first (a search, a status, a cell, the
            // trial-end sort). Either way the old rows go before the new ones are read:
            // two big reports are never held at once.
            let preview = firstRowsQuery().flatMap { try? store.firstRows(period.reportPeriod, previous: period.previous.reportPeriod, $0) } ?? []
            periodCached = true
            if !loadBehind { loading += 1 }
            loadBehind = true
            list.showPreview(preview.map { ListRow.make($0, today: today) }, total: count)
            tiers.load([])
            let load = Load(period: period, generation: loadGeneration, store: store, today: today,
                            sortKey: list.sortKey, ascending: list.ascending)
            pendingLoad = load
            asked = load.wanted
        } else {
            if loadBehind { loadBehind = false; loading = max(0, loading - 1) }
            pendingLoad = nil
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
        if !seenChangesView { refreshUnseenChanges() }
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

    /// A view's read (the bill, the changes) for the front to run behind; taken once.
    /// A newer one replaces one not taken yet.
    public func takeRead() -> ViewRead? {
        defer { pendingRead = nil }
        return pendingRead
    }

    func askRead(_ read: ViewRead) {
        if pendingRead == nil { loading += 1 }
        // The read asked before is of a view left or of what this one replaces: if it
        // has not started, it is not made.
        readAsked?.withdraw()
        pendingRead = read
        readAsked = read.wanted
    }

    /// A view's read came back: applied (the view drops it if a newer one was asked).
    public func readLanded(_ result: ViewRead.Result) {
        loading = max(0, loading - 1)
        result.apply(self)
    }

    /// The load of the rest of a big report, for the front to run behind; taken once.
    public func takeLoad() -> Load? {
        defer { pendingLoad = nil }
        return pendingLoad
    }

    /// The rows of a load behind: shown if they are still of the period on screen.
    public func loaded(_ result: Load.Result) {
        guard result.generation == loadGeneration else { return }
        if loadBehind { loadBehind = false; loading = max(0, loading - 1) }
        guard let rows = result.rows else {
            setStatus("could not read \(period) from the cache: \(result.error ?? "unknown error")", error: true)
            return
        }
        list.setRows(rows, sortedAs: (result.sortKey, result.ascending))
        tiers.load(rows)
        refreshDetail()
    }

    // MARK: - Sync

    /// Marks a sync as started and returns what runs it (the front runs it behind and
    /// hands back `syncProgressed` and `syncFinished`); nil when offline or when a sync
    /// already runs.
    public func beginSync() -> SyncModel.Runner? { sync.begin() }

    /// A step of the sync. As soon as the report on screen (or, before the user picks
    /// a period, the newest daily report) lands in the cache, it is shown; the rest of
    /// the sync goes on behind.
    public func syncProgressed(_ p: SyncProgress) {
        guard sync.isSyncing else { return }
        sync.apply(p)
        unseenCount = nil
        guard !periodCached else { return }
        if !periodChosen, period.isDaily, let newest = ((try? store.cachedPeriods(.daily)) ?? []).first.flatMap({ Day($0) }) {
            if .day(newest) != period { period = .day(newest) }
            reload()
        } else if store.has(period.reportPeriod) {
            reload()
        }
    }

    /// The end of a sync: its outcome on the status line, and the cache read again.
    public func syncFinished(_ result: Result<SyncSummary, any Error>) {
        sync.finish(result)
        unseenCount = nil
        // Until the user picks a period, show the newest day the sync brought.
        if !periodChosen, period.isDaily, let newest = ((try? store.cachedPeriods(.daily)) ?? []).first.flatMap({ Day($0) }),
           .day(newest) != period {
            period = .day(newest)
        }
        reload()
        if case .failed(let message) = sync.state { setStatus(message, error: true) }
        else if sync.lastCancelled { setStatus("sync cancelled; what was fetched is kept", error: false) }
        else { status = nil }
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
    public func stepPeriod(by n: Int) -> Fetch? {
        let next = period.stepped(by: n)
        switch next {
        case .day(let d) where d > ReportSchedule.newestDay(at: now()):
            setStatus("\(d) has no report yet: a day's report is generated at 00:00:02 UTC the next day", error: false); return nil
        case .month(let m) where m > ReportSchedule.newestMonth(at: now()):
            setStatus("\(m) has no report yet: a month's report is generated on the 1st of the next at 00:01:02 UTC", error: false); return nil
        default:
            if let refusal = beforeHistory(next) { setStatus(refusal, error: false); return nil }
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
    public func toggleMode() -> Fetch? {
        switch period {
        case .day(let d):
            return show(.month(min(d.month, ReportSchedule.newestMonth(at: now()))))
        case .month(let m):
            return show(.day(min(m.lastDay, ReportSchedule.newestDay(at: now()))))
        }
    }

    /// Shows `period` from the cache at once; when it is not cached and we are online,
    /// returns the fetch that brings it (the front runs it and hands it to `fetched`).
    public func show(_ next: Period) -> Fetch? {
        periodChosen = true
        let before = period
        period = next
        status = nil
        reload()
        guard !periodCached, let source, source.client != nil else {
            if !periodCached { setStatus("no cached report for \(next)" + (source?.client == nil ? " (offline)" : ""), error: false) }
            return nil
        }
        loading += 1
        return Fetch(period: next, purpose: .show(returnTo: before), source: source)
    }

    /// A fetch started by `show` or `showBill` has ended (`error` nil when the report
    /// is now cached).
    public func fetched(_ fetch: Fetch, error: (any Error)?) {
        loading = max(0, loading - 1)
        switch fetch.purpose {
        case .show(let before):
            let next = fetch.period
            switch error {
            case nil:
                if period == next { reload() }
            case ProviderError.noReport?:
                // Before the start of the API's history: go back, and stop there from now on.
                noReport(before: next)
                if period == next { period = before; reload() }
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
                askRead(billing.request(m, store: store, listed: list.allRows, historyStart: historyStart.day))
            }
        }
        refreshDetail()
    }
}
