import Foundation
import Observation
import Logging
import ProviderAPI
import ProviderSimulator

/// A fresh directory under /tmp, removed by `remove()` or when the last holder lets it
/// go (a suite's `let dir` at the end of its test): a run of the suite left about 280
/// directories behind in /tmp, and a /tmp of 30,000 entries slowed every program that
/// lists it.
public final class TempDir: Sendable {
    public let path: String
    public init() {
        path = NSTemporaryDirectory() + "pe-test-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { remove() }
    public func file(_ name: String) -> String { path + "/" + name }
    public func write(_ name: String, _ text: String, mode: Int = 0o600) -> String {
        let p = file(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        chmod(p, mode_t(mode))
        return p
    }
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// What a child process printed and how it ended.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs a program to its end with the given arguments, environment additions and stdin.
/// The wait happens on a thread of its own (`offPool`), never on a thread of the Swift
/// concurrency pool, which has as many threads as cores (two on CI): a test waiting
/// there for a child would starve every async test running beside it.
@discardableResult
public func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                input: Data? = nil, timeout: Double = 120) async throws -> ProcessResult {
    try await offPool { try runAndWait(executable, arguments, environment: environment, input: input, timeout: timeout) }
}

/// Runs `work` on a new thread (not the concurrency pool) and resumes with its result.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Polls `condition` every 20 ms, on the caller's actor, until it holds; throws
/// (failing the test, with `what`) when it does not hold within `seconds`.
public func waitUntil(seconds: Double = 20, _ what: String, isolation: isolated (any Actor)? = #isolation,
                      _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try await !condition() {
        guard Date() < deadline else { throw TmuxError.failed("not met in \(seconds) s: \(what)") }
        await pause(seconds: 0.02)
    }
}

/// Sleeps without holding a thread of the pool (a suspension, not a blocking sleep).
public func pause(seconds: Double) async {
    try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))  // suspends: the thread goes back to the pool
}

/// `run`'s body, blocking its caller: only ever called on a thread of `offPool`.
/// Spawned with posix_spawn and reaped with waitpid rather than Foundation's Process,
/// whose exit watch is inherited by a daemon a child leaves behind (tmux starting its
/// server) and then never fires. Output goes through temporary files for the same reason.
/// The environment is this process's plus `environment`, so that what travels in it
/// (libfaketime's LD_PRELOAD and FAKETIME under `scripts/any-day.sh`) reaches the child.
func runAndWait(_ executable: String, _ arguments: [String], environment: [String: String],
                input: Data?, timeout: Double) throws -> ProcessResult {
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    let path = executable.hasPrefix("/") ? executable : "/usr/bin/env"
    let argv = (executable.hasPrefix("/") ? [executable] : ["/usr/bin/env", executable]) + arguments
    let base = NSTemporaryDirectory() + "pe-run-" + UUID().uuidString
    try (input ?? Data()).write(to: URL(fileURLWithPath: base + ".in"))
    defer { for s in [".in", ".out", ".err"] { try? FileManager.default.removeItem(atPath: base + s) } }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, base + ".in", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (cArgs + cEnv).forEach { free($0) } }
    // A child starts as from a shell: no signal blocked or ignored (the test runner's
    // threads block some, and a child would inherit that).
    var pid: pid_t = 0
    let rc = Spawn.withAttributes { posix_spawn(&pid, path, &actions, &$0, cArgs, cEnv) }
    guard rc == 0 else { throw TmuxError.failed("cannot start \(executable): errno \(rc)") }
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(timeout)
    while waitpid(pid, &status, WNOHANG) == 0 {  // on offPool's thread, never the concurrency pool
        if Date() > deadline { kill(pid, SIGKILL); _ = waitpid(pid, &status, 0); break }  // offPool's thread
        usleep(2_000)  // offPool's thread: polls the child without holding the pool
    }
    // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift cannot import as macros.
    let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let stdout = FileManager.default.contents(atPath: base + ".out") ?? Data()
    let stderr = FileManager.default.contents(atPath: base + ".err") ?? Data()
    return ProcessResult(status: code, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}

/// The built `provider-explorer` binary next to the test bundle.
public var productBinary: String {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("provider-explorer").path,
        Bundle.main.bundleURL.appendingPathComponent("provider-explorer").path,
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("provider-explorer").path,
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
}

/// A running simulator that trusts one fresh key, and a client that signs with it.
public final class SimulatorFixture: @unchecked Sendable {
    public let simulator: ProviderSimulator
    public let key: PrivateKey
    public let keyId = "key_TEST"
    public let url: URL
    public let minter: TokenMinter

    public init(organizations: Int = 240, today: Day = Day("2026-11-29")!, algorithm: KeyAlgorithm = .es256,
                tls: TLSIdentity? = nil, configure: (inout ProviderSimulator.Configuration) -> Void = { _ in }) throws {
        var config = ProviderSimulator.Configuration()
        config.organizationCount = organizations
        config.today = today
        config.stallSeconds = 2
        configure(&config)
        simulator = ProviderSimulator(config)
        key = PrivateKey.generate(algorithm)!
        simulator.register(keyId: keyId, key: key.publicKey)
        url = try simulator.start(port: 0, tls: tls)
        minter = TokenMinter(providerId: config.providerId, keyId: keyId, key: key)
    }

    /// A client with short timeouts and backoff, so fault tests run in seconds.
    public func client(pageSize: Int = 1000, timeout: Double = 1, maxAttempts: Int = 4,
                       observer: (@Sendable (RequestOutcome) -> Void)? = nil) -> ProviderClient {
        ProviderClient(baseURL: url, minter: minter, transport: URLSessionTransport(timeout: timeout, maxConnections: 6),
                       policy: RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.02, maxRetryAfter: 60),
                       pageSize: pageSize, logger: Self.quietLogger, observer: observer)
    }

    /// Writes a credentials file (mode 0600) for the key this simulator trusts.
    public func writeCredentials(to path: String) throws {
        try CredentialsLoader.write(providerId: simulator.configuration.providerId, keyId: keyId, key: key, createdAt: Date(), to: path)
    }

    deinit { simulator.stop() }

    /// Retries are logged at info; tests print only warnings and worse.
    public static let quietLogger: Logger = {
        var l = Logger(label: "provider-api-test")
        l.logLevel = .warning
        return l
    }()
}

/// Runs `openssl` with arguments; fails the caller's expectation through the status.
@discardableResult
public func openssl(_ args: [String], input: Data? = nil) async throws -> ProcessResult {
    try await run("openssl", args, input: input)
}

/// A throwaway certificate authority and server certificates, made with the `openssl`
/// command, for tests of https and of certificates a client must not trust.
public struct TestCertificates: Sendable {
    public let dir: TempDir
    public var caCertificate: String { dir.file("ca.crt") }

    public init() async throws {
        dir = TempDir()
        try Self.check(await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                "-keyout", dir.file("ca.key"), "-out", dir.file("ca.crt"), "-days", "2", "-subj", "/CN=provider-explorer test CA"]))
    }

    static func check(_ r: ProcessResult) throws {
        guard r.status == 0 else { throw TmuxError.failed("openssl: \(r.stderr)") }
    }

    /// A certificate for `names` (IP or DNS), signed by the test CA (which no system
    /// trusts), or self-signed, or already expired. Returns (certificate, key).
    public func server(_ label: String, names: [String] = ["IP:127.0.0.1"], selfSigned: Bool = false,
                       expired: Bool = false) async throws -> (certificate: String, key: String) {
        let key = dir.file("\(label).key"), csr = dir.file("\(label).csr"), crt = dir.file("\(label).crt")
        let ext = dir.write("\(label).ext", "subjectAltName=" + names.joined(separator: ",") + "\n")
        try Self.check(await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                                "-out", csr, "-subj", "/CN=\(label)"]))
        let signer = selfSigned ? ["-signkey", key] : ["-CA", caCertificate, "-CAkey", dir.file("ca.key"), "-CAcreateserial"]
        // An expired certificate: its end a day before its start, which is now.
        let validity = expired ? ["-days", "-1"] : ["-days", "2"]
        try Self.check(await openssl(["x509", "-req", "-in", csr, "-out", crt, "-extfile", ext] + signer + validity))
        return (crt, key)
    }
}

/// Runs the real binary as a user would, with configuration, state and cache kept in
/// `dir` and no credentials or base URL from the environment; `env` adds to that.
public func runCLI(_ args: [String], in dir: TempDir, env: [String: String] = [:]) async throws -> ProcessResult {
    var environment = ["XDG_CONFIG_HOME": dir.file("config"), "XDG_STATE_HOME": dir.file("state"),
                       "XDG_CACHE_HOME": dir.file("cache"), "NORDPASS_PROVIDER_CREDENTIALS": "",
                       "NORDPASS_PROVIDER_CREDENTIALS_COMMAND": "", "NORDPASS_PROVIDER_BASE_URL": ""]
    for (k, v) in env { environment[k] = v }
    return try await run(productBinary, args, environment: environment)
}

/// Counts every change of what `read` observes (Observation), re-arming after each.
public final class ChangeCounter: @unchecked Sendable {
    public var count = 0
    public init() {}
    public func track(_ read: @escaping @MainActor () -> Void) {
        withObservationTracking { MainActor.assumeIsolated { read() } } onChange: { [self] in
            count += 1
            MainActor.assumeIsolated { self.track(read) }
        }
    }
}

/// Whether `(name, id)` pairs are in the one name order of the list, the bill, export
/// and the changes: names by `TextSearch.sortKey` (folded, digits as numbers), then ids.
public func inNameOrder(_ pairs: [(name: String, id: String)]) -> Bool {
    let keys = pairs.map { (TextSearch.sortKey($0.name), $0.id) }
    return zip(keys, keys.dropFirst()).allSatisfy { a, b in
        let c = TextSearch.compare(a.0, b.0)
        return c < 0 || (c == 0 && a.1 < b.1)
    }
}
