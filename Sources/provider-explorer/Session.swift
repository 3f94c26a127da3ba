import ArgumentParser
import Foundation
import Logging
import ProviderAPI
import ProviderSimulator
import Sync
import UsageStore

/// The wiring of one run: settings, logging, credentials and a client, against the
/// real API or an in-process simulator (`--demo`).
final class Session {
    let settings: Settings
    /// The config file as read (the bill's `[prices]` and `customers` live there).
    let config: ConfigFile
    let credentials: Credentials
    let client: ProviderClient
    let logger: Logger
    /// The in-process simulator when running on demo data.
    let simulator: ProviderSimulator?
    /// The clock every command reads the report schedule by: the wall clock, or a fixed
    /// one from PROVIDER_EXPLORER_NOW (tests and screenshots, with the demo's
    /// PROVIDER_EXPLORER_DEMO_TODAY, so that they do not change with the date).
    let now: @Sendable () -> Date = Session.clock()
    /// Where the client reports each request's outcome (the explorer's key pane listens).
    let outcomes = OutcomeRelay()
    /// What sends the requests, the Provider API's and ConnectWise's (one `--trace-http` file).
    let transport: HTTPTransport
    /// Why the explorer shows the demo though a base URL was given, if it does.
    private(set) var demoFallbackNotice: String?

    private nonisolated(unsafe) static var loggingReady = false

    /// Sets up logging to the state file; only once a process.
    static func bootstrapLogging(level: Logger.Level) -> Logger {
        if !loggingReady {
            loggingReady = true
            let sink = LogSink(path: LogSink.defaultPath)
            LoggingSystem.bootstrap { label in FileLogHandler(logLevel: level, label: label, sink: sink) }
        }
        var logger = Logger(label: "provider-explorer")
        logger.logLevel = level
        return logger
    }

    /// `demoWithoutCredentials`: the explorer falls back to the simulator when no
    /// credentials are given anywhere; `export` never does.
    init(options: GlobalOptions, demoWithoutCredentials: Bool = false) throws {
        let config = try ConfigFile.load(ConfigFile.defaultPath)
        self.config = config
        var settings = try Settings.resolve(options, config: config)
        if demoWithoutCredentials, settings.credentials == .none, !settings.demo {
            settings.demo = true
            // A base URL given without credentials is not silently dropped: say what happens.
            if settings.baseURL != Settings.defaultBaseURL {
                demoFallbackNotice = "no credentials, so \(settings.baseURL) is not used: showing the built-in DEMO simulator"
            }
        }
        self.settings = settings
        logger = Self.bootstrapLogging(level: settings.logLevel)
        var apiLogger = Logger(label: "provider-api")
        apiLogger.logLevel = settings.logLevel
        let transport = try Self.transport(settings)
        self.transport = transport
        if settings.demo {
            let demo = try Self.startDemo()
            simulator = demo.simulator
            credentials = demo.credentials
            client = ProviderClient(baseURL: demo.url, minter: credentials.minter(),
                                    transport: transport,
                                    logger: apiLogger, observer: outcomes.forward)
            logger.info("demo: simulator on \(demo.url)")
            return
        }
        simulator = nil
        let url = try BaseURL.validate(self.settings.baseURL)
        credentials = try settings.credentials.load()
        logger.info("key \(credentials.keyId) \(credentials.fingerprint) from \(credentials.source); API \(url)")
        client = ProviderClient(baseURL: url, minter: credentials.minter(),
                                transport: transport,
                                logger: apiLogger, observer: outcomes.forward)
    }

    deinit { simulator?.stop() }

    /// URLSession, traced to a file with `--trace-http`.
    static func transport(_ settings: Settings) throws -> HTTPTransport {
        let base = URLSessionTransport(timeout: settings.timeout, maxConnections: 6)
        guard let path = settings.traceHTTP else { return base }
        return try TracingTransport(wrapping: base, path: path)
    }

    /// What the cache and the remembered view are named after, beside the provider id:
    /// the API's URL, or a fixed name for the demo simulator (its port changes each run)
    /// so that demo data persists across runs.
    var apiKey: String { simulator != nil ? "demo-simulator" : client.baseURL.absoluteString }

    /// The explorer's remembered view of this provider and API host.
    var viewStateFile: ViewStateFile { ViewStateFile(providerId: credentials.providerId, apiKey: apiKey) }

    /// The cache of this provider and API host; says on stderr when a bad one was moved aside.
    func openStore() throws -> UsageStore {
        let store = try UsageStore.open(directory: settings.cacheDir, providerId: credentials.providerId, baseURL: apiKey)
        if let notice = store.notice {
            Output.warn(notice)
            logger.warning("\(notice)")
        }
        return store
    }

    /// Reports read through the cache; offline, from the cache alone.
    func reportSource() throws -> ReportSource {
        ReportSource(client: settings.offline ? nil : client, store: try openStore(), now: now)
    }

    static func clock() -> @Sendable () -> Date {
        if let text = ProcessInfo.processInfo.environment["PROVIDER_EXPLORER_NOW"],
           let fixed = ISO8601DateFormatter().date(from: text) {
            return { fixed }
        }
        return { Date() }
    }

    /// The demo's data set, as every demo makes it (the NordPass simulator, the demo's
    /// ConnectWise, `psa simulate`): today from PROVIDER_EXPLORER_DEMO_TODAY and the
    /// organizations' count from PROVIDER_EXPLORER_DEMO_ORGS (1 to 100,000) when set.
    static var demoConfiguration: ProviderSimulator.Configuration {
        var config = ProviderSimulator.Configuration()
        let env = ProcessInfo.processInfo.environment
        if let t = env["PROVIDER_EXPLORER_DEMO_TODAY"], let day = Day(t) { config.today = day }
        if let n = env["PROVIDER_EXPLORER_DEMO_ORGS"].flatMap(Int.init), n > 0 { config.organizationCount = min(n, 100_000) }
        return config
    }

    /// A simulator on a free loopback port with a fresh key, for `--demo`.
    static func startDemo() throws -> (simulator: ProviderSimulator, credentials: Credentials, url: URL) {
        let config = demoConfiguration
        let simulator = ProviderSimulator(config)
        guard let key = PrivateKey.generate(.es256) else {
            throw ProviderError.credentials(file: "demo key", reason: "libcrypto could not generate a key")
        }
        let keyId = "key_DEMO"
        simulator.register(keyId: keyId, key: key.publicKey)
        let url = try simulator.start(port: 0)
        // Made now, on the session's clock (a fixed one in tests and screenshots).
        let credentials = Credentials(providerId: config.providerId, keyId: keyId, key: key, createdAt: clock()(),
                                      source: "demo key (in memory)", fileMode: 0o600)
        return (simulator, credentials, url)
    }
}

/// Forwards request outcomes to a handler set after the client exists.
final class OutcomeRelay: Sendable {
    private let handler = Locked<(@Sendable (RequestOutcome) -> Void)?>(nil)
    func set(_ h: @escaping @Sendable (RequestOutcome) -> Void) { handler.withLock { $0 = h } }
    var forward: @Sendable (RequestOutcome) -> Void { { [self] outcome in handler.withLock { $0 }?(outcome) } }
}
