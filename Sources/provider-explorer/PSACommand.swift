import ArgumentParser
import ConnectWise
import Explorer
import Foundation
import Logging
import ProviderAPI
import ProviderSimulator

/// `provider-explorer psa`: the month's seats into the MSP's PSA (ConnectWise PSA),
/// with a plan read before anything is written.
struct PSACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psa",
        abstract: "Sync the month's billed seats to ConnectWise PSA agreement additions: plan, then apply.",
        discussion: """
        A customer (the customers file's customerId) is a ConnectWise company (its \
        identifier). Each customer's Business and Enterprise seats of the month's bill go \
        to the quantity of the addition of business_product / enterprise_product on the \
        company's active agreement. `psa plan` reads ConnectWise and writes nothing; \
        `psa apply` makes the plan's updates and creates, each journaled in \
        $XDG_STATE_HOME/provider-explorer/psa-journal.jsonl. Set up: [connectwise] in \
        config.toml (see README, Sync to ConnectWise PSA).

        Examples:
          provider-explorer psa plan --month 2026-11
          provider-explorer psa plan --format json --output plan.json
          provider-explorer psa apply --plan plan.json
          provider-explorer psa apply --month 2026-11 --yes
          provider-explorer psa simulate --port 8090
        """,
        subcommands: [PSAPlanCommand.self, PSAApplyCommand.self, PSASimulateCommand.self])
}

/// What `plan` and `apply` share: the settings, the ConnectWise client, and the plan
/// made from the month's bill and what ConnectWise holds.
struct PSAContext {
    let config: ConfigFile
    let settings: Settings
    let connectwise: ConnectWiseSettings
    let logger: Logger

    init(_ global: GlobalOptions) throws {
        config = try ConfigFile.load(ConfigFile.defaultPath)
        connectwise = try ConnectWiseSettings.resolve(config)
        settings = try Settings.resolve(global, config: config)
        logger = Session.bootstrapLogging(level: settings.logLevel)
    }

    func client(transport: HTTPTransport) throws -> ConnectWiseClient {
        try connectwise.client(transport: transport, logLevel: settings.logLevel)
    }

    /// The plan of `month` (the newest monthly report's when nil): the bill through the
    /// NordPass cache, ConnectWise read at most six requests at a time.
    func plan(_ month: Month?, customers: String?, global: GlobalOptions) async throws -> (PSAPlan, ConnectWiseClient) {
        let session = try Session(options: global)
        let customerFile = customers ?? session.config.path("customers")
        guard let customerFile else {
            throw CommandFailure(message: "psa needs the customers file (organizationId,customerId, the customerId being the ConnectWise company's identifier): set customers = \"FILE\" in config.toml or give --customers FILE", code: 64)
        }
        let currency = try session.config.priceList().currency
        let map = try BillCommand.loadCustomers(customerFile, currency: currency)
        let client = try self.client(transport: session.transport)
        let started = Date()
        // ConnectWise's catalog is checked while the bill is made.
        async let products = client.checkProducts(connectwise.products)
        let source = try session.reportSource()
        let bill = try await BillCommand.bill(month, source: source, prices: PriceList(currency: currency), customers: map,
                                              customerFile: customerFile, includeFree: false, compare: false)
        if global.offline, bill.daysNotChecked > 0 {
            Output.warn("offline: \(Bill.notChecked(bill.daysNotChecked)) of \(bill.month); run without --offline to check them")
        }
        _ = try await products
        let demand = bill.seatDemand(customers: map)
        let snapshot = try await client.snapshot(customers: Set(demand.customers.keys), agreementType: connectwise.agreementType)
        let plan = PSAPlan.make(demand, snapshot: snapshot, products: connectwise.products, company: client.account.company)
        logger.info("psa plan \(plan.month): \(plan.changes.count) lines, \(client.requestCount) ConnectWise requests in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        return (plan, client)
    }
}

struct PSAPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "What apply would change in ConnectWise for a month; reads ConnectWise, writes nothing there.",
        discussion: """
        Kinds: update, create (apply makes these), ambiguous, no-agreement, \
        unknown-customer, unmapped (left for you, with what to do), same. JSON and CSV \
        list every line, same included; the table folds same to a count.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Option(help: "The month (YYYY-MM); default the newest monthly report.")
    var month: String?

    @Option(help: "table, csv or json (default: table on a terminal, csv otherwise).")
    var format: Format?

    @Option(help: ArgumentHelp("Write to FILE (whole or not at all, mode 0600) instead of standard output.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("The customers file (organizationId,customerId); default customers in config.toml.", valueName: "FILE"))
    var customers: String?

    @Flag(name: .customLong("csv-raw"), help: "CSV text exactly as it came: no ' before a leading =, +, -, @, TAB or CR.")
    var csvRaw = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let month, Month(month) == nil { throw ValidationError("--month must be YYYY-MM, not \(month)") }
    }

    func run() async throws {
        let context = try PSAContext(global)
        let (plan, _) = try await context.plan(month.flatMap(Month.init), customers: customers, global: global)
        let toTerminal = Output.isTerminal(output)
        switch format ?? (toTerminal ? .table : .csv) {
        case .table: try Output.emit(plan.text(), to: output)
        case .csv: try Output.emit(plan.csv(ExportTable.CSVOptions(raw: csvRaw, forTerminal: toTerminal)), to: output)
        case .json: try Output.emit(plan.json(), to: output)
        }
    }
}

struct PSAApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the plan's updates and creates in ConnectWise, each journaled.",
        discussion: """
        Each change is made only where ConnectWise still holds what the plan read; one \
        that changed since is skipped and named. On a terminal the plan is shown and \
        confirmed; elsewhere (cron) --yes is needed. Exit 0 when every change was made \
        (or was already), 75 when any was skipped or failed (the rest are made; a rerun \
        makes only what is left). Every write is a line of \
        $XDG_STATE_HOME/provider-explorer/psa-journal.jsonl.
        """)

    @Option(help: "The month (YYYY-MM); default the newest monthly report.")
    var month: String?

    @Flag(help: "Apply without asking (needed without a terminal).")
    var yes = false

    @Option(help: ArgumentHelp("Apply exactly this plan (saved by psa plan --format json --output FILE).", valueName: "FILE"))
    var plan: String?

    @Option(help: ArgumentHelp("The customers file (organizationId,customerId); default customers in config.toml.", valueName: "FILE"))
    var customers: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let month, Month(month) == nil { throw ValidationError("--month must be YYYY-MM, not \(month)") }
        if plan != nil, month != nil { throw ValidationError("--plan FILE applies that plan's month: drop --month") }
    }

    func run() async throws {
        let interactive = isatty(STDIN_FILENO) == 1
        // Refused before anything is read: nothing can be confirmed here.
        if !yes, !interactive {
            throw CommandFailure(message: "psa apply writes to ConnectWise and there is no terminal to confirm on: read psa plan first, then run psa apply --yes", code: 64)
        }
        let context = try PSAContext(global)
        let journal = try PSAJournal()
        let chosen: PSAPlan
        let client: ConnectWiseClient
        if let path = plan {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(message: "\(path): cannot be read (no such file, or no permission)", code: 66)
            }
            chosen = try PSAPlan(json: data)
            client = try context.client(transport: try Session.transport(context.settings))
            guard chosen.company == client.account.company else {
                throw CommandFailure(message: "\(path) is a plan for ConnectWise company \(Printable.line(chosen.company, limit: 40)), and [connectwise] is company \(Printable.line(client.account.company, limit: 40)): not applied", code: 64)
            }
        } else {
            (chosen, client) = try await context.plan(month.flatMap(Month.init), customers: customers, global: global)
        }
        let writes = chosen.writes
        let who = "ConnectWise (company \(Printable.line(client.account.company, limit: 40)))"
        guard !writes.isEmpty else {
            try Output.emit("Nothing to apply to \(who) for \(chosen.month): \(chosen.count(.same)) additions already hold the bill's seats\(Self.attention(chosen)).\n", to: nil)
            return
        }
        if !yes {
            try Output.emit(chosen.text() + "\n", to: nil)
            try Output.emit("Apply \(writes.count) \(writes.count == 1 ? "change" : "changes") to \(who)? [y/N] ", to: nil)
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else {
                try Output.emit("Not applied; nothing was written.\n", to: nil)
                return
            }
        }
        let results = try await PSAApplier(client: client, journal: journal).apply(chosen) { result in
            _ = try? Output.emit(Self.line(result) + "\n", to: nil)
        }
        let made = results.filter { $0.outcome == .made }.count
        let already = results.filter { $0.outcome == .alreadyMade }.count
        let left = results.filter { !$0.isDone }
        var summary = "\(made) of \(writes.count) \(writes.count == 1 ? "change" : "changes") made in \(who) for \(chosen.month)"
        if already > 0 { summary += ", \(already) already made" }
        context.logger.info("psa apply \(chosen.month): \(made) made, \(already) already, \(left.count) not made; journal \(journal.path)")
        guard left.isEmpty else {
            throw CommandFailure(message: summary + "; \(left.count) not made (see above and \(journal.path)): fix them, then run psa apply again", code: 75)
        }
        try Output.emit(summary + "; journal: \(journal.path)\n", to: nil)
    }

    static func attention(_ plan: PSAPlan) -> String {
        let n = plan.changes.filter { !$0.kind.writes && $0.kind != .same }.count
        return n == 0 ? "" : "; \(n) \(n == 1 ? "line needs" : "lines need") you (psa plan says what to do)"
    }

    /// `✓ updated ACME business (NP-BUS on 7012): 40 → 43`.
    static func line(_ r: PSAResult) -> String {
        let c = r.change
        let what = "\(c.label) (\(c.product ?? "?") on agreement \(c.agreementId.map(String.init) ?? "?"))"
        let change = "\(c.before.map { "\($0)" } ?? "none") → \(c.after.map { "\($0)" } ?? "?")"
        switch r.outcome {
        case .made: return "✓ \(c.kind == .create ? "created" : "updated") \(what): \(change)"
        case .alreadyMade: return "= already \(what): \(c.after.map { "\($0)" } ?? "?")"
        case .skipped(let why): return "· skipped \(what): \(why)"
        case .failed(let why): return "✗ failed \(what): \(why)"
        }
    }
}

struct PSASimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a ConnectWise PSA simulator on 127.0.0.1 whose companies match the demo organizations.",
        discussion: """
        Prints the config.toml lines that point psa at it (with --demo for the NordPass \
        side); writes the demo's customers file and the simulator's key file (0600) to \
        --dir. Some quantities are right, some wrong, some additions missing, one company \
        has two agreements, one none, and cancelled agreements and additions are there \
        to be left alone.

        Example:
          provider-explorer psa simulate --port 8090 >> ~/.config/provider-explorer/config.toml
          provider-explorer psa plan --demo
        """)

    @Option(help: "The port on 127.0.0.1 (0 picks a free one).")
    var port: UInt16 = 8090

    @Option(help: ArgumentHelp("Where the customers file and the key file go (default $XDG_STATE_HOME/provider-explorer/psa-simulator).", valueName: "DIR"))
    var dir: String?

    @Option(help: "How many demo organizations (as the NordPass demo: PROVIDER_EXPLORER_DEMO_ORGS, default 240).")
    var orgs: Int?

    @Option(help: "Milliseconds added to every answer.")
    var latency = 0

    func validate() throws {
        if let orgs, !(1...100_000).contains(orgs) { throw ValidationError("--orgs must be from 1 to 100000") }
        guard latency >= 0 else { throw ValidationError("--latency must be 0 or more milliseconds") }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var config = ProviderSimulator.Configuration()
        if let t = env["PROVIDER_EXPLORER_DEMO_TODAY"], let day = Day(t) { config.today = day }
        config.organizationCount = orgs ?? env["PROVIDER_EXPLORER_DEMO_ORGS"].flatMap(Int.init).map { min(max($0, 1), 100_000) } ?? config.organizationCount
        let data = DataSet(organizationCount: config.organizationCount, seed: config.seed, today: config.today)
        let demo = ConnectWiseSimulator.demo(data)
        let simulator = ConnectWiseSimulator(store: demo.store, latency: Double(latency) / 1000)
        let url: URL
        do { url = try simulator.start(port: port) } catch { throw CommandFailure(message: "\(error)", code: 69) }
        let state = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/state")
        let folder = dir ?? state + "/provider-explorer/psa-simulator"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CommandFailure(message: "cannot make \(folder): \(error.localizedDescription)", code: 74)
        }
        let customers = folder + "/customers.csv", key = folder + "/private-key"
        try Output.writeFile(customers, Data(("organizationId,customerId\n" + demo.customers.map { "\($0.organizationId),\($0.customerId)\n" }.joined()).utf8))
        try Output.writeFile(key, Data((simulator.credentials.privateKey + "\n").utf8))
        let c = simulator.credentials
        try Output.emit("""
            # ConnectWise PSA simulator: \(demo.store.companies.count) companies for the demo's \(data.organizations.count) organizations (month \(data.newestMonth)).
            # customers is a top-level key: keep it above any [table] of config.toml.
            customers = \(JSONText.quote(customers))

            [connectwise]
            site = \(JSONText.quote(url.absoluteString))
            company = \(JSONText.quote(c.company))
            public_key = \(JSONText.quote(c.publicKey))
            private_key_file = \(JSONText.quote(key))
            client_id = \(JSONText.quote(c.clientId))
            business_product = \(JSONText.quote(ConnectWiseSimulator.businessProduct))
            enterprise_product = \(JSONText.quote(ConnectWiseSimulator.enterpriseProduct))
            agreement_type = \(JSONText.quote(ConnectWiseSimulator.agreementType))

            """, to: nil)
        Output.warn("ConnectWise simulator on \(url); Ctrl-C stops it")
        while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
    }
}
