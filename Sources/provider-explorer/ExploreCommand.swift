import ArgumentParser
import ConnectWise
import Explorer
import Foundation
import Logging
import ProviderAPI
import Sync
import TerminalUI

/// With credentials from a command: after the server rejected the key, runs the
/// command again (the app runs one at a time), so a key rotated in the password
/// manager is picked up, and signs with the new key from then on.
struct CredentialsReloader: Sendable {
    let command: CredentialsCommand
    let minter: TokenMinter
    let logger: Logger

    /// The new credentials, or nil when the command gave the same key.
    func reload() throws -> Credentials? {
        let fresh = try command.load()
        guard fresh.fingerprint != minter.fingerprint || fresh.keyId != minter.keyId else { return nil }
        minter.replace(keyId: fresh.keyId, key: fresh.key)
        logger.info("a new key from \(fresh.source): \(fresh.keyId) \(fresh.fingerprint)")
        return fresh
    }
}

/// `provider-explorer` with no subcommand: the terminal explorer.
struct ExploreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "The terminal explorer (the default): organizations, usage detail and key status.",
        discussion: """
        With no credentials anywhere it opens on the built-in simulator with demo data \
        and says DEMO in the title bar. The cache draws at once (a big report, its \
        first screenful, the rest read behind); the sync runs behind.

        Examples:
          provider-explorer
          provider-explorer --credentials credentials.json
          provider-explorer --offline
        """)

    @Flag(name: .customLong("reset-view"), help: "Start clean: forget the remembered filters, sort, mode, selection and last period seen.")
    var resetView = false

    @OptionGroup var global: GlobalOptions

    @MainActor
    func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CommandFailure(message: TerminalLoop.Failure.notATerminal.description, code: 1)
        }
        let session = try Session(options: global, demoWithoutCredentials: true)
        let store = try session.openStore()
        let offline = session.settings.offline
        let origin: DataOrigin = offline ? .cacheOnly : session.simulator != nil ? .demo : .api(host: session.client.baseURL.host ?? "")
        let clock = session.now
        let engine = offline ? nil : SyncEngine(client: session.client, store: store, logger: session.logger, now: clock)
        var prices = try session.config.priceList()
        // The demo bills with the demo's prices (and says so) unless [prices] is set.
        if prices.isEmpty, session.simulator != nil { prices = .demo }
        // Read once, for the bill and the PSA view.
        let customers = try session.config.path("customers").map { try BillCommand.loadCustomers($0, currency: prices.currency) }
        let billing = BillingModel(prices: prices, customers: customers ?? [:])
        let (psa, psaDemo) = Self.psaModel(session: session, prices: prices, customers: customers)
        let model = ExplorerModel(store: store, source: ReportSource(client: offline ? nil : session.client, store: store, now: clock),
                                  engine: engine, keyInfo: KeyInfo(session.credentials), origin: origin, views: [billing, psa], now: clock)
        let exportDir = session.settings.cacheDir + "/exports"
        let app = App(model: model, theme: Theme(colors: ProcessInfo.processInfo.environment["NO_COLOR"] == nil)) { export, name in
            try Self.write(export, directory: exportDir, name: name)
        }
        // A rejected key from a credentials command: the app runs the command again and
        // takes a rotated key.
        if case .command(let command) = session.settings.credentials {
            let reloader = CredentialsReloader(command: command, minter: session.client.minter, logger: session.logger)
            app.reloadKey = { try reloader.reload().map(KeyInfo.init) }
        }
        let runtime = Runtime(app: app)
        // Requests finish on the client's threads: their outcomes reach the app as actions.
        let inbox = runtime.inbox
        session.outcomes.set { inbox.post(.request($0)) }
        if let notice = store.notice ?? session.demoFallbackNotice { model.setStatus(notice, error: false) }
        // Opens as the user left it (unless --reset-view); remembered again at the end.
        let stateFile = session.viewStateFile
        runtime.dispatch(.start(restoring: resetView ? nil : stateFile.load(logger: session.logger)))
        let minter = session.client.minter
        let status = try await TerminalLoop.run(runtime, colors: ProcessInfo.processInfo.environment["NO_COLOR"] == nil) {
            // The token lives in real time; shown on the model's clock (fixed for screenshots).
            .clock(now: clock(), tokenExpiry: minter.currentExpiry.map { clock().addingTimeInterval($0.timeIntervalSinceNow) })
        }
        stateFile.save(model.viewState, logger: session.logger)
        withExtendedLifetime(psaDemo) {}
        // The terminal is restored; leave at once. exit() would run static destructors
        // under the feet of URLSession's and the simulator's threads (seen crashing after
        // a SIGHUP), and nothing is left to flush: logs and the cache are written as they go.
        _exit(status)
    }

    /// The PSA view's model: on the demo, the demo's ConnectWise in this process (what
    /// applying writes stays there); with `[connectwise]`, the real one; else none, and
    /// `p` says why. `customers`: the customers file as read (nil when none is set).
    @MainActor static func psaModel(session: Session, prices: PriceList, customers: [String: Customer]?) -> (PSAModel, PSADemo?) {
        if session.settings.offline {
            return (PSAModel(connection: nil, prices: prices, unavailable: "offline: the PSA view reads ConnectWise; start without --offline"), nil)
        }
        do {
            if session.simulator != nil {
                let demo = try PSADemo.start()
                let cw = demo.settings
                let connection = PSAConnection(client: try cw.client(transport: session.transport, logLevel: session.settings.logLevel),
                                               products: cw.products, agreementType: cw.agreementType, making: { demo.customers }, isDemo: true,
                                               keepMapping: { _, _ in }, applied: { demo.save() })
                return (PSAModel(connection: connection, prices: prices), demo)
            }
            guard ConnectWiseSettings.isConfigured(session.config) else { return (PSAModel(connection: nil, prices: prices), nil) }
            let cw = try ConnectWiseSettings.resolve(session.config)
            guard let file = session.config.path("customers"), let customers else {
                return (PSAModel(connection: nil, prices: prices, unavailable: "the PSA view needs the customers file: set customers = \"FILE\" in config.toml"), nil)
            }
            let connection = PSAConnection(client: try cw.client(transport: session.transport, logLevel: session.settings.logLevel),
                                           products: cw.products, agreementType: cw.agreementType, customers: customers, isDemo: false,
                                           keepMapping: { org, customer in try PSAMapCommand.keep(organizationId: org, customerId: customer, in: file) })
            return (PSAModel(connection: connection, prices: prices), nil)
        } catch {
            return (PSAModel(connection: nil, prices: prices, unavailable: Failure(error).message), nil)
        }
    }

    /// Writes an export under `directory` (0700) with a name of the period and time:
    /// a table as CSV, and a bill also as a workbook beside it (same name, .xlsx);
    /// each whole or not at all, mode 0600. The CSV's path.
    static func write(_ export: Export, directory: String, name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let path = "\(directory)/\(name)-\(stamp)"
        try Output.writeFile(path + ".csv", Data(export.table.csv().utf8))
        if let bill = export.bill { try Output.writeFile(path + ".xlsx", try BillWorkbook.data(bill)) }
        return path + ".csv"
    }
}
