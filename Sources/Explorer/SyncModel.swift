import Foundation
import Observation
import ProviderAPI
import Sync

/// The sync as the screen shows it: idle, syncing (done/total, current item), failed,
/// rate limited; the last success. It runs nothing itself: the front starts the
/// `runner` as an effect and hands its progress and its end back (`apply`, `finish`).
@MainActor @Observable
public final class SyncModel {
    public enum State: Sendable, Equatable {
        case idle
        case syncing(done: Int, total: Int, current: String)
        case failed(String)
        case rateLimited(retryIn: Int)
    }

    public private(set) var state = State.idle
    public private(set) var lastSuccess: Date?
    /// Whether the last run ended because the user cancelled it.
    public private(set) var lastCancelled = false

    public typealias Runner = @Sendable (@escaping @Sendable (SyncProgress) -> Void) async throws -> SyncSummary

    /// Runs one sync; nil when offline (refresh then says so).
    @ObservationIgnored public let runner: Runner?
    @ObservationIgnored let now: @Sendable () -> Date

    public init(runner: Runner?, lastSuccess: Date?, now: @escaping @Sendable () -> Date) {
        self.runner = runner
        self.lastSuccess = lastSuccess
        self.now = now
    }

    public var isSyncing: Bool { if case .syncing = state { return true }; if case .rateLimited = state { return true }; return false }
    public var canSync: Bool { runner != nil }

    /// Marks a run as started and returns what runs it; nil when offline or when one
    /// already runs.
    func begin() -> Runner? {
        guard let runner, !isSyncing else { return nil }
        lastCancelled = false
        state = .syncing(done: 0, total: 0, current: "starting")
        return runner
    }

    /// A 429 seen while syncing.
    public func noteRateLimited(retryIn seconds: Int) {
        if isSyncing { state = .rateLimited(retryIn: seconds) }
    }

    /// A step of the run (a late one, after the end, is dropped).
    func apply(_ p: SyncProgress) {
        guard isSyncing else { return }
        state = .syncing(done: p.done, total: p.total, current: p.current)
    }

    func finish(_ result: Result<SyncSummary, any Error>) {
        switch result {
        case .success(let summary):
            if let first = summary.failures.first {
                state = .failed("\(summary.failures.count) reports not fetched (\(first.period): \(first.error))")
            } else {
                lastSuccess = now()
                state = .idle
            }
        case .failure(let error):
            let failure = Failure(error)
            // A cancel is the user's choice, not a failure: the state goes back to idle.
            lastCancelled = failure.isCancellation
            state = failure.isCancellation ? .idle : .failed(failure.message)
        }
    }
}
