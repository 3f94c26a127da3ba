import Explorer
import Foundation
import Sync

/// The model's asynchronous work run as the front runs it: a fetch awaited and handed
/// back, a sync run behind with its steps and its end handed to the main actor.
extension ExplorerModel {
    /// Runs the fetch the model asked for (if any) and hands its end back.
    func complete(_ fetch: Fetch?) async {
        guard let fetch else { return }
        fetched(fetch, error: await fetch.run())
    }

    /// Starts a sync behind; cancelling the task cancels the sync. Nil when offline.
    func startSync() -> Task<Void, Never>? {
        guard let runner = beginSync() else { return nil }
        return Task { @MainActor in
            do {
                let summary = try await runner { p in Task { @MainActor in self.syncProgressed(p) } }
                syncFinished(.success(summary))
            } catch {
                syncFinished(.failure(error))
            }
        }
    }
}
