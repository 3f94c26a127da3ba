import Foundation
import Observation
import ProviderAPI
import Synchronization
import Sync

/// The sync as the screen shows it: idle, syncing (done/total, current item), failed,
/// rate limited; the last success; refresh and cancel.
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
    /// Reports that failed on the last run, if it finished with some missing.
    public private(set) var lastFailures = 0
    /// Whether the last run ended because the user cancelled it.
    public private(set) var lastCancelled = false

    public typealias Runner = @Sendable (@escaping @Sendable (SyncProgress) -> Void) async throws -> SyncSummary

    /// Runs one sync; nil when offline (refresh then says so).
    @ObservationIgnored private let runner: Runner?
    @ObservationIgnored private var task: Task<Void, Never>?
    /// Called on the main actor after each run that wrote something.
    @ObservationIgnored public var onFinished: (@MainActor () async -> Void)?
    /// Called on the main actor with each (coalesced) step of a run.
    @ObservationIgnored public var onProgress: (@MainActor () -> Void)?
    @ObservationIgnored let now: @Sendable () -> Date

    public init(runner: Runner?, lastSuccess: Date?, now: @escaping @Sendable () -> Date) {
        self.runner = runner
        self.lastSuccess = lastSuccess
        self.now = now
    }

    public var isSyncing: Bool { if case .syncing = state { return true }; if case .rateLimited = state { return true }; return false }
    public var canSync: Bool { runner != nil }

    /// Starts a sync unless one runs. Progress reaches the screen coalesced: at most
    /// one update is pending on the main actor however fast reports arrive.
    public func refresh() {
        guard let runner else { state = .failed("offline: refresh needs the API; start without --offline"); return }
        guard task == nil else { return }
        lastCancelled = false
        state = .syncing(done: 0, total: 0, current: "starting")
        let coalescer = ProgressCoalescer { [weak self] p in self?.apply(p) }
        task = Task { [weak self] in
            let result: Result<SyncSummary, Error>
            do { result = .success(try await runner { coalescer.post($0) }) } catch { result = .failure(error) }
            await self?.finish(result)
        }
    }

    /// Stops the sync; what it fetched stays.
    public func cancel() { task?.cancel() }

    /// A 429 seen while syncing.
    public func noteRateLimited(retryIn seconds: Int) {
        if isSyncing { state = .rateLimited(retryIn: seconds) }
    }

    func apply(_ p: SyncProgress) {
        guard task != nil else { return }
        state = .syncing(done: p.done, total: p.total, current: p.current)
        onProgress?()
    }

    func finish(_ result: Result<SyncSummary, Error>) async {
        task = nil
        switch result {
        case .success(let summary):
            lastFailures = summary.failures.count
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
        await onFinished?()
    }
}

/// Keeps only the newest progress and hands it to the main actor at most once at a time.
final class ProgressCoalescer: Sendable {
    private let pending = Mutex<(latest: SyncProgress?, scheduled: Bool)>((nil, false))
    private let deliver: @MainActor @Sendable (SyncProgress) -> Void

    init(_ deliver: @escaping @MainActor @Sendable (SyncProgress) -> Void) { self.deliver = deliver }

    func post(_ p: SyncProgress) {
        let schedule = pending.withLock { state -> Bool in
            state.latest = p
            if state.scheduled { return false }
            state.scheduled = true
            return true
        }
        guard schedule else { return }
        Task { @MainActor in
            let latest = self.pending.withLock { state -> SyncProgress? in
                state.scheduled = false
                defer { state.latest = nil }
                return state.latest
            }
            if let latest { self.deliver(latest) }
        }
    }
}
