@testable import Explorer
import Foundation
import ProviderAPI
import Sync
import UsageStore

/// The model's asynchronous work run as the front runs it: a fetch awaited and handed
/// back, a sync run behind with its steps and its end handed to the main actor.
extension ExplorerModel {
    /// Runs the fetch the model asked for (if any) and hands its end back.
    /// Then runs the view's read it asked for (the bill, the changes), as the front
    /// does behind, and hands it back.
    func complete(_ fetch: Fetch?) async {
        if let fetch { fetched(fetch, error: await fetch.run()) }
        while let read = takeRead() { readLanded(read.read()) }
    }

    /// Makes the count of unseen changes the model asked for, as the front does behind.
    func countUnseen() async {
        if let count = takeUnseenCount() { unseenCounted(count.read()) }
    }

    /// Starts a sync behind; cancelling the task cancels the sync. Nil when offline.
    /// Its steps reach the model as the front's inbox hands them over: at most one
    /// waits, the newest.
    func startSync() -> Task<Void, Never>? {
        guard let runner = beginSync() else { return nil }
        let pending = Locked<(latest: SyncProgress?, scheduled: Bool)>((nil, false))
        return Task { @MainActor in
            do {
                let summary = try await runner { p in
                    let schedule = pending.withLock { state -> Bool in
                        state.latest = p
                        defer { state.scheduled = true }
                        return !state.scheduled
                    }
                    guard schedule else { return }
                    Task { @MainActor in
                        let latest = pending.withLock { state -> SyncProgress? in
                            defer { state = (nil, false) }
                            return state.latest
                        }
                        if let latest { self.syncProgressed(latest) }
                    }
                }
                syncFinished(.success(summary))
            } catch {
                syncFinished(.failure(error))
            }
        }
    }
}

extension ChangesModel {
    /// The changes from `from` to `to` as the view finds them (compared as SQLite reads
    /// the two reports), whole.
    static func compute(from: Period, to: Period, store: UsageStore, rules: ChangeRules) -> Result<[Change], Missing> {
        var finder = ChangeFinder(lastDay: to.lastDay, rules: rules)
        return compare(from: from, to: to, store: store, into: &finder).map { finder.changes }
    }
}
