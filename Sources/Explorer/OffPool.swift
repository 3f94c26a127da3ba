import Foundation

/// Work that blocks (a credentials command that may take 15 s, a file written to a
/// slow or full disk) runs on a thread of its own, not on one of Swift's cooperative
/// pool (two threads on a 2-core machine, shared by every task), nor on the main actor.
public enum OffPool {
    /// Runs `body` on a new thread and hands back its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            let thread = Thread { done.resume(returning: body()) }
            thread.name = "blocking work"
            thread.start()
        }
    }
}
