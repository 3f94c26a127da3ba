import Foundation
import Synchronization
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

/// Background work gives way to the screen: the calling thread's scheduling priority
/// is lowered (nice 10; on Linux, per thread). The sync calls it from the threads that
/// decode and write its reports, so on two busy cores a key's frame is not preempted
/// by them. Only while a screen is drawn (`TerminalLoop` turns it on): elsewhere (the
/// tests, which drive the same runtime) a thread of the shared pool, once lowered,
/// would stay lowered for every task it runs after.
public func yieldToTheScreen() {
    guard screenIsDrawn.load(ordering: .relaxed) else { return }
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
}

/// Whether a terminal screen is being drawn (set by `TerminalLoop.run`).
let screenIsDrawn = Atomic<Bool>(false)

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

/// Runs the app: hands actions to `App.update` and starts the effects it returns,
/// whose actions come back through the inbox. One of each effect id runs at a time.
@MainActor
public final class Runtime {
    public let app: App
    public let inbox = Inbox()
    private var running: [Effect.ID: Task<Void, Never>] = [:]

    public init(app: App) { self.app = app }

    /// Applies `action` now and starts what it asks for.
    public func dispatch(_ action: Action) {
        for effect in app.update(action) { start(effect) }
    }

    /// Applies every action waiting in the inbox; true when there was one.
    @discardableResult
    public func drain() -> Bool {
        let actions = inbox.take()
        for action in actions { dispatch(action) }
        return !actions.isEmpty
    }

    /// Whether an effect of `id` runs.
    func isRunning(_ id: Effect.ID) -> Bool { running[id] != nil }

    private func start(_ effect: Effect) {
        switch effect {
        case .cancel(let id):
            running[id]?.cancel()
        case .run(let id, let work):
            if let id, running[id] != nil { return }
            let inbox = self.inbox
            let task = Task.detached { await work { inbox.post($0) } }
            guard let id else { return }
            running[id] = task
            Task { [weak self] in
                await task.value
                self?.running[id] = nil
            }
        }
    }
}
