import Foundation
import Logging
import ProviderAPI
import ProviderSimulator

/// A fresh directory under /tmp, removed by `remove()`.
public struct TempDir: Sendable {
    public let path: String
    public init() {
        path = NSTemporaryDirectory() + "pe-test-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
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
@discardableResult
public func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                input: Data? = nil, timeout: Double = 120) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(input) }
    try? inPipe.fileHandleForWriting.close()
    // Read both pipes while the child runs, so a large output cannot block it.
    let collected = CollectedOutput()
    let group = DispatchGroup()
    for (pipe, isOut) in [(out, true), (err, false)] {
        group.enter()
        DispatchQueue.global().async {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            collected.set(data, isOut: isOut)
            group.leave()
        }
    }
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { usleep(10_000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    group.wait()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: collected.out, as: UTF8.self),
                         stderr: String(decoding: collected.err, as: UTF8.self))
}

final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var out = Data()
    private(set) var err = Data()
    func set(_ d: Data, isOut: Bool) { lock.withLock { if isOut { out = d } else { err = d } } }
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
                configure: (inout ProviderSimulator.Configuration) -> Void = { _ in }) throws {
        var config = ProviderSimulator.Configuration()
        config.organizationCount = organizations
        config.today = today
        config.stallSeconds = 2
        configure(&config)
        simulator = ProviderSimulator(config)
        key = PrivateKey.generate(algorithm)!
        simulator.register(keyId: keyId, key: key.publicKey)
        url = try simulator.start(port: 0)
        minter = TokenMinter(providerId: config.providerId, keyId: keyId, key: key)
    }

    /// A client with short timeouts and backoff, so fault tests run in seconds.
    public func client(pageSize: Int = 1000, timeout: Double = 1, maxAttempts: Int = 4,
                       observer: (@Sendable (RequestOutcome) -> Void)? = nil) -> ProviderClient {
        ProviderClient(baseURL: url, minter: minter, transport: URLSessionTransport(timeout: timeout, maxConnections: 6),
                       policy: RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.02, maxRetryAfter: 60),
                       pageSize: pageSize, logger: Self.quietLogger, observer: observer)
    }

    deinit { simulator.stop() }

    /// Retries are logged at info; tests print only warnings and worse.
    static let quietLogger: Logger = {
        var l = Logger(label: "provider-api-test")
        l.logLevel = .warning
        return l
    }()
}

/// Runs `openssl` with arguments; fails the caller's expectation through the status.
@discardableResult
public func openssl(_ args: [String], input: Data? = nil) throws -> ProcessResult {
    try run("openssl", args, input: input)
}
