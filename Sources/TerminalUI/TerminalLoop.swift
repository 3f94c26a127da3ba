import CNcursesw
import Explorer
import Foundation
import ProviderAPI
import Observation
import Synchronization

/// The signal that asked us to stop (SIGINT, SIGTERM, SIGHUP), if any.
let pendingSignal = Atomic<Int32>(0)
/// Set when anything the last frame read has changed.
let redrawNeeded = Atomic<Bool>(true)

/// Runs the explorer on the terminal until the user quits or a signal arrives:
/// keys are read without blocking the main actor, model changes are coalesced into
/// one redraw per pass, and the terminal is restored on every way out.
@MainActor
public enum TerminalLoop {
    public enum Failure: ReportableError {
        public var exitCode: Int32 { 1 }
        case notATerminal
        case unknownTerminal(String)
        public var description: String {
            switch self {
            case .notATerminal:
                return "the explorer needs a terminal (stdin and stdout are not a TTY); for scripts use: provider-explorer export organizations|daily|monthly"
            case .unknownTerminal(let term):
                return "cannot drive the terminal type \"\(term)\"; set TERM (e.g. TERM=xterm-256color), or use provider-explorer export"
            }
        }
    }

    /// Returns the exit status: 0 after q, 128 + the signal after one. `everySecond`
    /// gives the action that moves the clock (the wall clock and the token's expiry).
    public static func run(_ runtime: Runtime, colors: Bool, everySecond: @MainActor () -> Action) async throws -> Int32 {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw Failure.notATerminal }
        var handled = sigset_t()
        sigemptyset(&handled)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(sig) { pendingSignal.store($0, ordering: .relaxed) }
            sigaddset(&handled, sig)
        }
        // A parent may have started us with these blocked; they must reach the handler.
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        // A crash restores the terminal before the process dies of it.
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(sig) { sig in
                TerminalRestore.restore()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
        // A dumb terminal cannot move the cursor: refuse it as an unknown one is refused.
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        if term.isEmpty || term == "dumb" { throw Failure.unknownTerminal(term) }
        guard let backend = NCursesBackend(wantColors: colors) else {
            throw Failure.unknownTerminal(ProcessInfo.processInfo.environment["TERM"] ?? "")
        }
        let app = runtime.app
        app.theme = Theme(colors: backend.colors)
        screenIsDrawn.store(true, ordering: .relaxed)
        defer { backend.end() }
        var lastTick = Date.distantPast
        var lastSecond = Date.distantPast
        // The frame on the terminal: a frame equal to it is not sent again, so the
        // clock's redraw once a second costs nothing when no time on screen moved.
        var onScreen: Canvas?
        // What the app asked of the terminal: done after the actions that asked.
        func doRequests() {
            for request in runtime.takeRequests() {
                switch request {
                case .repaint: backend.repaintAll(); onScreen = nil; redrawNeeded.store(true, ordering: .relaxed)
                case .clipboard(let text): backend.copyToClipboard(text)
                case .quit: break
                }
            }
        }
        while !runtime.quitting {
            let sig = pendingSignal.load(ordering: .relaxed)
            if sig != 0 { return 128 + sig }
            let size = backend.size
            if size.width != app.ui.width || size.height != app.ui.height {
                runtime.dispatch(.resize(width: size.width, height: size.height))
                redrawNeeded.store(true, ordering: .relaxed)
            }
            doRequests()
            if redrawNeeded.exchange(false, ordering: .relaxed) {
                let canvas = withObservationTracking {
                    app.frame(width: size.width, height: size.height)
                } onChange: {
                    redrawNeeded.store(true, ordering: .relaxed)
                }
                if canvas != onScreen {
                    backend.draw(canvas)
                    onScreen = canvas
                }
            }
            await waitForInput(milliseconds: 50, wake: runtime.inbox.wake.read)
            for key in backend.readKeys() {
                // The size is read before each frame; the key only says it changed.
                if key == .resize { continue }
                runtime.dispatch(.key(key))
                doRequests()
                redrawNeeded.store(true, ordering: .relaxed)
                if runtime.quitting { break }
            }
            if runtime.drain() { redrawNeeded.store(true, ordering: .relaxed) }
            let now = Date()
            if now.timeIntervalSince(lastTick) >= 0.1 {
                lastTick = now
                runtime.dispatch(.tick(uptime: ProcessInfo.processInfo.systemUptime))
                if app.isAnimating { redrawNeeded.store(true, ordering: .relaxed) }
            }
            if now.timeIntervalSince(lastSecond) >= 1 {
                lastSecond = now
                runtime.dispatch(everySecond())
                // What reads the clock ("synced 5 s ago", the token's countdown, a
                // key's age) is not observed: the frame is made again and compared.
                redrawNeeded.store(true, ordering: .relaxed)
            }
        }
        return 0
    }

    /// Waits on a worker thread until stdin has input, an action is posted, a signal
    /// interrupts, or the time is up.
    static func waitForInput(milliseconds: Int32, wake: Int32) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
                _ = poll(&fds, 2, milliseconds)
                done.resume()
            }
        }
    }
}
