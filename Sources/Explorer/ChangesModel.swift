import Foundation
import Observation
import ProviderAPI
import UsageStore

extension ExplorerModel.Screen {
    public static let changes = ExplorerModel.Screen("changes")
}

extension Work.Kind {
    /// The changes' read, behind the screen.
    public static let changes = Work.Kind("changes", replaces: true, spins: true)
}

/// The changes view (`c`): what moved between the period on screen and the one the
/// user last saw (or the period before), grouped by kind; and the title bar's count of
/// changes since the user last looked, until the view is opened.
@MainActor @Observable
public final class ChangesModel: LineList, ViewModel {
    public nonisolated static var screen: ExplorerModel.Screen { .changes }
    public nonisolated static var reads: [Work.Kind] { [.changes] }

    public private(set) var from: Period?
    public private(set) var to: Period?
    public private(set) var changes: [Change] = []
    public private(set) var cursor = LineCursor()
    public var selected: Int { cursor.selected }
    public private(set) var problem: String?
    /// Changes the user has not looked at yet; nil once the view has been opened.
    public private(set) var unseen: Int?

    @ObservationIgnored public var rules = ChangeRules()

    public init() {}

    /// Asks for the changes from `from` to `to` in the cache: the view says it is
    /// reading until the returned read is run (behind the screen) and lands. The changes
    /// take their ids and names from `listed` (the list's rows) where those say the same.
    func request(from: Period, to: Period, store: UsageStore, listed: [ListRow]) -> @Sendable () -> Work.Landing {
        self.from = from
        self.to = to
        let keep = selectedChange ?? closedOn
        changes = []; closedOn = nil; problem = nil
        isReading = true
        let rules = self.rules
        return {
            var finder = ChangeFinder(lastDay: to.lastDay, rules: rules)
            let outcome = Self.compare(from: from, to: to, store: store, into: &finder, sharing: SharedStrings(listed))
                .map { finder.changes }
            return { model in model.changes.landed(outcome, keep: keep); return [] }
        }
    }

    /// True from a request until its changes land.
    public private(set) var isReading = false

    private func landed(_ outcome: Result<[Change], Missing>, keep: Change?) {
        isReading = false
        switch outcome {
        case .failure(let missing):
            cursor.first(); problem = missing.message
        case .success(let computed):
            changes = computed
            problem = nil
            cursor.land(on: keep.flatMap { k in changes.firstIndex { $0.organizationId == k.organizationId && $0.kind == k.kind } },
                        in: changes.count)
        }
    }

    /// A report the comparison needs that the cache does not hold.
    struct Missing: Error {
        let message: String
    }

    /// Hands each organization of the two cached reports to `finder` as it is read.
    nonisolated static func compare(from: Period, to: Period, store: UsageStore, into finder: inout ChangeFinder,
                                    sharing shared: SharedStrings = SharedStrings([])) -> Result<Void, Missing> {
        let compared = try? store.compare(from.reportPeriod, to.reportPeriod) { pair in
            if let after = pair.after {
                finder.compare(pair.before, shared.sharing(after), status: pair.status.map(OrganizationStatus.init(rawValue:)),
                               trialEndsAt: pair.trialEndsAt)
            } else if let before = pair.before {
                finder.removed(shared.sharing(before))
            }
        }
        guard compared == true else {
            return .failure(Missing(message: store.has(to.reportPeriod) ? "no cached report for \(from) to compare with" : "no cached report for \(to)"))
        }
        return .success(())
    }

    /// The change selected when the view closed: selected again when it opens.
    @ObservationIgnored private var closedOn: Change?

    /// The view closed: the changes go; the selected one is remembered.
    public func close() {
        closedOn = selectedChange
        changes = []
        isReading = false
    }

    func setUnseen(_ count: Int?) { unseen = count }
    func markSeen() { unseen = nil }

    public var selectedChange: Change? { changes.indices.contains(selected) ? changes[selected] : nil }
    public func move(by delta: Int) { cursor.move(by: delta, in: changes.count) }
    public func selectFirst() { cursor.first() }
    public func selectLast() { cursor.last(in: changes.count) }
}

extension ExplorerModel {
    /// The changes view's model (its count of unseen changes is the title bar's).
    public var changes: ChangesModel { view(ChangesModel.self) }

    /// What the period on screen is compared with: the period the user last saw (from
    /// the remembered view state) when it is earlier, else the period before.
    var changesBaseline: Period {
        if let seen = remembered?.lastSeen(like: period), seen < period { return seen }
        return period.previous
    }

    /// `c`: the changes view.
    public func openChanges() -> [Work] {
        let read = read(.changes, changes.request(from: changesBaseline, to: period, store: store, listed: list.allRows))
        changes.markSeen()
        seenChangesView = true
        // The title bar's count is of no use now: one being made lands nowhere.
        tickets.withdraw(.unseenCount)
        open(.changes)
        return [read]
    }

    /// The title bar's count: changes since the user last looked, while the view has
    /// not been opened (only when a remembered last-seen period is earlier).
    func refreshUnseenChanges() -> [Work] {
        guard !seenChangesView, remembered != nil else { return [] }
        // A count asked for other periods lands nowhere.
        tickets.withdraw(.unseenCount)
        guard let seen = remembered?.lastSeen(like: period), seen < period else {
            changes.setUnseen(nil); return []
        }
        // reload() calls this on every period change: a count is kept per pair of
        // periods until a sync writes to the cache (syncProgressed and syncFinished
        // forget it). Counting reads two whole reports, so it is done behind; the badge
        // shows when it comes back. A pair with a report missing is not kept: show()
        // may fetch it next.
        let pair = ComparedPeriods(from: seen, to: period, rules: changes.rules)
        if let counted = unseenCount, counted.pair == pair {
            changes.setUnseen(counted.count)
            return []
        }
        changes.setUnseen(nil)
        let store = self.store
        return [read(.unseenCount) {
            let count = UnseenCount.count(pair, store: store)
            return { model in
                if let count { model.unseenCount = (pair, count) }
                model.changes.setUnseen(count)
                return []
            }
        }]
    }

    /// Enter in the changes view: the organization in the list (its detail on the period).
    public func drillIntoChange() {
        guard let change = changes.selectedChange else { return }
        // Over the changes: Esc comes back to them, on the same line.
        list.clearFilters()
        list.select(id: change.organizationId)
        open(.detail)
    }
}
