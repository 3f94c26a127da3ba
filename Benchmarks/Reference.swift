import Foundation
import ProviderAPI
import TestSupport

/// `openssl speed` sign/s of the primitive under each JWS algorithm.
enum OpenSSLSpeed {
    static func run() async -> [KeyAlgorithm: Double] {
        guard let r = try? await TestSupport.run("openssl", ["speed", "-seconds", "2", "ecdsap256", "rsa2048", "ed25519"], timeout: 120) else { return [:] }
        var out: [KeyAlgorithm: Double] = [:]
        for line in r.stdout.split(separator: "\n") {
            let numbers = line.split(separator: " ").compactMap { Double($0.replacingOccurrences(of: "s", with: "")) }
            guard numbers.count >= 4 else { continue }
            let signPerSecond = numbers[numbers.count - 2]
            if line.contains("nistp256") { out[.es256] = signPerSecond }
            else if line.contains("rsa") && line.contains("2048") { out[.rs256] = signPerSecond }
            else if line.contains("Ed25519") { out[.edDSA] = signPerSecond }
        }
        return out
    }
}

/// The minimal reference client: a few lines of Python that GET the same URLs one
/// after the other on one keep-alive connection and do nothing else with them.
enum ReferenceClient {
    static let script = """
    import http.client, sys, time
    host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    paths = [l.strip() for l in open(sys.argv[4]) if l.strip()]
    conn = http.client.HTTPConnection(host, port)
    start = time.monotonic()
    for p in paths:
        conn.request("GET", p, headers={"Authorization": "Bearer " + token})
        r = conn.getresponse(); r.read()
        assert r.status == 200, (p, r.status)
    print(time.monotonic() - start)
    """

    static func run(base: URL, token: String, requests: [String]) async throws -> Double {
        let dir = NSTemporaryDirectory()
        let scriptPath = dir + "pe-reference.py", listPath = dir + "pe-reference.txt"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        try requests.joined(separator: "\n").write(toFile: listPath, atomically: true, encoding: .utf8)
        let r = try await TestSupport.run("python3", [scriptPath, base.host!, String(base.port!), token, listPath], timeout: 600)
        guard r.status == 0, let seconds = Double(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TmuxError.failed("reference client: \(r.stderr)")
        }
        return seconds
    }
}

/// Figures of the real binary in a terminal: tmux records what it writes.
enum RealBinary {
    static func measure(binary: String, cacheRoot: String, work: String, organizations: Int, smoke: Bool = false) async throws -> [Row] {
        var rows: [Row] = []
        let tmux = Tmux()
        defer { tmux.kill() }
        let env = ["XDG_CACHE_HOME": cacheRoot, "XDG_STATE_HOME": work + "/state", "XDG_CONFIG_HOME": work + "/config",
                   "NORDPASS_PROVIDER_CREDENTIALS": "", "PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29",
                   "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z", "LANG": "C.UTF-8"]
        let started = Date()
        try await tmux.start("\(binary) --demo --offline; sleep 30", width: 200, height: 60, environment: env)
        let first = try await tmux.wait(seconds: 30) { $0.contains("\(organizations)/\(organizations)") }
        let firstFrame = Date().timeIntervalSince(started)
        guard first.contains("Organizations") else { return [Row(name: "real binary", value: "did not draw", target: "-", met: false)] }
        rows.append(Row(name: "real binary: spawn to the whole list loaded, \(organizations) orgs (tmux, 50 ms polling)",
                        value: Measure.ms(firstFrame), target: "-", met: nil))
        let log = work + "/pane.bytes"
        try await tmux.tmux(["pipe-pane", "-o", "-t", tmux.session, "cat >> \(log)"])
        usleep(500_000)
        func bytes() -> Int { ((try? FileManager.default.attributesOfItem(atPath: log)[.size]) as? Int) ?? 0 }
        func settle() async { var last = -1; while bytes() != last { last = bytes(); usleep(300_000) } }
        await settle()
        var moves: [Int] = []
        for _ in 0..<(smoke ? 2 : 10) {
            let before = bytes()
            try await tmux.send("j")
            await settle()
            moves.append(bytes() - before)
        }
        var pages: [Int] = []
        for _ in 0..<(smoke ? 1 : 5) {
            let before = bytes()
            try await tmux.send("NPage")
            await settle()
            pages.append(bytes() - before)
        }
        let moveMedian = moves.sorted()[moves.count / 2], pageMedian = pages.sorted()[pages.count / 2]
        rows.append(Row(name: "bytes to the terminal per cursor move, 200x60", value: "median \(moveMedian) B (max \(moves.max()!))",
                        target: "< 1 KB", met: moveMedian < 1024))
        rows.append(Row(name: "bytes to the terminal per page (PgDn), 200x60", value: "median \(pageMedian) B", target: "-", met: nil))
        // Browse every view: search, filters, the matrix, sorts, periods (with a search
        // on), monthly mode, the bill and the changes (daily and monthly); then read the
        // peak RSS.
        let browse = ["/", "con", "Enter", "t", "t", "L", "Escape", "G", "g", "[", "m", "]", "m", "Escape", "Escape",
                      "T", "T", "T", "n", "n", "s", "s", "s", "S", "s", "Enter", "Escape", "b", "[", "]", "Escape",
                      "c", "Escape", "[", "[", "]", "]", "m", "b", "Escape", "c", "Escape", "m"]
        for keys in browse {
            try await tmux.send(keys)
            usleep(smoke ? 100_000 : 600_000)
        }
        await settle()
        if let pid = try await tmux.childPID(),
           let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) {
            let kb = Double(line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0)
            rows.append(Row(name: "real binary: peak RSS browsing \(organizations) orgs", value: String(format: "%.0f MB", kb / 1024),
                            target: "<= 80 MB", met: kb / 1024 <= 80))
        }
        return rows
    }
}

/// Spawn to first full frame of the real binary, read from a pseudo-terminal with a
/// monotonic clock (not tmux polling): the time from fork to the moment the terminal
/// has received a frame with the totals line and the hint line.
enum PtyTimer {
    static let script = """
    import os, pty, sys, time, select, fcntl, termios, struct
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    args = sys.argv[3:]
    markers = [m.encode() for m in os.environ.get("PE_MARKERS", "q quit").split("|")]
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvp(args[0], args)
    seen, first = b"", None
    deadline = start + 60
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r: continue
        try: chunk = os.read(fd, 65536)
        except OSError: break
        seen += chunk
        if all(m in seen for m in markers):
            first = time.monotonic() - start
            break
    os.write(fd, b"q")
    try:
        while os.read(fd, 65536): pass
    except OSError: pass
    os.waitpid(pid, 0)
    print(-1 if first is None else first)
    """

    /// Seconds from spawn to the first frame holding every marker (as UTF-8).
    static func firstFrame(binary: String, arguments: [String], environment: [String: String], markers: [String],
                           width: Int = 200, height: Int = 60) async throws -> Double {
        let scriptPath = NSTemporaryDirectory() + "pe-pty-timer.py"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        var env = environment
        env["PE_MARKERS"] = markers.joined(separator: "|")
        env["TERM"] = "xterm-256color"
        let r = try await TestSupport.run("python3", [scriptPath, String(width), String(height), binary] + arguments, environment: env, timeout: 120)
        guard r.status == 0, let seconds = Double(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), seconds >= 0 else {
            throw TmuxError.failed("pty timer: \(r.stdout) \(r.stderr)")
        }
        return seconds
    }
}
