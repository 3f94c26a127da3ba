import Foundation
import Synchronization
import ProviderAPI

/// The one thread the big reads behind the screen run on (a whole period's rows, two
/// reports compared), one at a time. glibc keeps a thread on the malloc arena it
/// started in, so each read reuses the memory the last one let go; reads on whichever
/// pool thread was free left the rows of one period resident in one arena while the
/// next period's were made in another (peak RSS, six period steps at 50,000
/// organizations: 90 MB on pool threads with two arenas, 68.6 MB here with glibc's
/// default arenas, which the sync's threads need: limited to one or two arenas, a
/// cursor move's p99 during a sync went from 5-6 ms to 8-10 ms).
public final class ReadThread: Sendable {
    public static let shared = ReadThread()
    private let jobs = Locked<[@Sendable () -> Void]>([])
    private let waiting = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [jobs, waiting] in
            while true {
                waiting.wait()
                let job = jobs.withLock { $0.removeFirst() }
                job()
            }
        }
        thread.name = "reads behind"
        thread.start()
    }

    /// Runs `work` on the thread, after the reads asked before it.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            jobs.withLock { $0.append { done.resume(returning: work()) } }
            waiting.signal()
        }
    }
}
