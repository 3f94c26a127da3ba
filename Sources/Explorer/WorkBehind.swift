import ConnectWise
import Foundation
import Observation
import ProviderAPI
import Sync
import UsageStore

// The work a model parks for the front to run behind the screen (issue 29 is about
// making these one kind, returned rather than parked): the rest of a big report
// (`Load`), a view's read of the cache (`ViewRead`), and `Wanted`, which withdraws
// one that a newer one replaced.

/// The rest of a big report, read and sorted off the main actor.
public struct Load: Sendable {
    public struct Result: Sendable {
        let generation: Int
        let rows: [ListRow]?
        let error: String?
        let sortKey: OrganizationListModel.SortKey
        let ascending: Bool
    }

    let period: Period
    let generation: Int
    let store: UsageStore
    let today: Day
    let sortKey: OrganizationListModel.SortKey
    let ascending: Bool
    /// Withdrawn when the screen moves on before the read starts.
    let wanted = Wanted()

    /// Reads every row of the period on a connection of its own, and sorts them, on the
    /// caller's thread (the front runs it on its thread for big reads). A read the
    /// screen no longer wants (periods stepped through faster than they
    /// load) does nothing: its result is dropped anyway.
    public func read() -> Result {
        guard wanted.still else { return Result(generation: generation, rows: nil, error: nil, sortKey: sortKey, ascending: ascending) }
        do {
            let today = self.today
            var rows = try store.periodRowsApart(period.reportPeriod, previous: period.previous.reportPeriod) { ListRow.make($0, today: today) } ?? []
            OrganizationListModel.sort(&rows, by: sortKey, ascending: ascending)
            return Result(generation: generation, rows: rows, error: nil,
                          sortKey: sortKey, ascending: ascending)
        } catch {
            return Result(generation: generation, rows: nil, error: Failure(error).message, sortKey: sortKey, ascending: ascending)
        }
    }
}

/// Whether the screen still wants a read asked behind it; withdrawn from the main
/// actor, read by the thread that would run it.
final class Wanted: Sendable {
    private let flag = Locked(true)
    var still: Bool { flag.withLock { $0 } }
    func withdraw() { flag.withLock { $0 = false } }
}

/// A view's read from the cache, made behind the screen: what it found comes back as a
/// change for the main actor to apply.
public struct ViewRead: Sendable {
    public struct Result: Sendable {
        let apply: @MainActor @Sendable (ExplorerModel) -> Void
    }

    let work: @Sendable () -> @MainActor @Sendable (ExplorerModel) -> Void
    /// Withdrawn when another view read is asked before this one starts.
    let wanted = Wanted()

    /// Reads, on the caller's thread (the front runs it on its thread for big reads);
    /// nothing when withdrawn (its view would drop it).
    public func read() -> Result { wanted.still ? Result(apply: work()) : Result(apply: { _ in }) }
}
