import Foundation

/// A value shared between threads, behind a pthread mutex (an `NSLock`): the same
/// use as Synchronization's `Mutex`, which ThreadSanitizer on Linux does not see
/// through under contention (it reported races between two `withLock`s).
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with the value, alone.
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
