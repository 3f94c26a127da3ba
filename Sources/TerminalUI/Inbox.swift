import Foundation
import ProviderAPI

/// Actions from other threads (effects, the HTTP client's outcomes) wait here for the
/// main actor. A sync's progress is coalesced: however fast steps arrive, at most one
/// waits, the newest, in the place of the first. Posting wakes the terminal loop.
public final class Inbox: Sendable {
    // Posts come from many threads at once: `Locked` (a pthread mutex), which
    // ThreadSanitizer sees through.
    private let queue = Locked<[Action]>([])
    /// A pipe the loop polls beside stdin: a byte in it means actions wait.
    let wake: (read: Int32, write: Int32)

    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        wake = (fds[0], fds[1])
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    public func post(_ action: Action) {
        let first = queue.withLock { queue -> Bool in
            if case .syncProgress = action, let i = queue.firstIndex(where: { if case .syncProgress = $0 { return true }; return false }) {
                queue[i] = action
                return false
            }
            queue.append(action)
            return queue.count == 1
        }
        if first, wake.write >= 0 {
            var byte: UInt8 = 1
            _ = write(wake.write, &byte, 1)
        }
    }

    /// Every waiting action, oldest first.
    public func take() -> [Action] {
        if wake.read >= 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(wake.read, &buffer, buffer.count) > 0 {}
        }
        return queue.withLock { queue in defer { queue = [] }; return queue }
    }
}
