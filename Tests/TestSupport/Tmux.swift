import Foundation

/// A tmux server of a test's own (its own socket), running the real binary in a pane.
public final class Tmux: @unchecked Sendable {
    public let socket = "pe-test-" + UUID().uuidString.prefix(8)
    public let session = "pe"

    public init() {}

    @discardableResult
    public func tmux(_ args: [String]) async throws -> ProcessResult {
        try await run("tmux", ["-L", socket] + args)
    }

    /// Starts `command` in a detached session of the given size and environment.
    public func start(_ command: String, width: Int = 120, height: Int = 40, environment: [String: String]) async throws {
        var args = ["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height)]
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(k)=\(v)"] }
        args.append(command)
        let r = try await tmux(args)
        guard r.status == 0 else { throw TmuxError.failed("tmux new-session: \(r.stderr)") }
        try await tmux(["set-option", "-t", session, "status", "off"])
    }

    /// Keys by tmux name ("Enter", "Escape", "j"); `literal` sends text as typed.
    public func send(_ keys: String..., literal: Bool = false) async throws {
        try await tmux(["send-keys", "-t", session] + (literal ? ["-l"] : []) + keys)
    }

    public func capture(escapes: Bool = false) async throws -> String {
        try await tmux(["capture-pane", "-p", "-t", session] + (escapes ? ["-e"] : [])).stdout
    }

    public func display(_ format: String) async throws -> String {
        try await tmux(["display-message", "-p", "-t", session, format]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func resize(width: Int, height: Int) async throws {
        try await tmux(["resize-window", "-t", session, "-x", String(width), "-y", String(height)])
    }

    /// Polls the pane until `predicate` holds and returns that screen, or the one
    /// captured 50 ms later if it holds there too; throws (so the test fails, with the
    /// last screen) when it does not hold in `seconds`.
    @discardableResult
    public func wait(seconds: Double = 20, until predicate: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = try await capture()
        while !predicate(screen) {
            guard Date() < deadline else { throw TmuxError.timedOut(seconds: seconds, screen: screen) }
            await pause(seconds: 0.05)
            screen = try await capture()
        }
        // A frame can be caught half written (its first lines new, the rest still the
        // last frame's): the screen returned is the one captured a moment later when it
        // matches too (it may be a later frame: a spinner or a clock may never let the
        // screen stand still); else what matched was brief (a message that gave way).
        await pause(seconds: 0.05)
        let again = try await capture()
        return predicate(again) ? again : screen
    }

    /// True when the title bar says a sync has finished ("synced just now", "synced 5 s
    /// ago"), not "not synced" (a fresh cache) and not "syncing".
    public static func synced(_ screen: String) -> Bool {
        let title = screen.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
        return title.contains("synced ") && !title.contains("not synced") && !title.contains("syncing")
    }

    public func wait(for text: String, seconds: Double = 20) async throws -> String {
        try await wait(seconds: seconds) { $0.contains(text) }
    }

    /// The pid of the program the pane's shell runs.
    public func childPID() async throws -> Int32? {
        let shell = try await display("#{pane_pid}")
        let r = try await run("pgrep", ["-P", shell])
        return r.stdout.split(separator: "\n").first.flatMap { Int32($0) }
    }

    /// Ends the server, without waiting for it (a `defer` cannot await): the
    /// command runs on a thread of its own.
    public func kill() {
        let socket = socket
        Thread { _ = try? runAndWait("tmux", ["-L", socket, "kill-server"], environment: [:], input: nil, timeout: 10) }.start()
    }

    deinit { kill() }
}

public enum TmuxError: Error, CustomStringConvertible {
    case failed(String)
    case timedOut(seconds: Double, screen: String)
    public var description: String {
        switch self {
        case .failed(let why): return why
        case let .timedOut(seconds, screen): return "what the test waited for did not show in \(seconds) s; the screen:\n\(screen)"
        }
    }
}
