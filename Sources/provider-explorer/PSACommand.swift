import ArgumentParser
import ConnectWise
import Explorer
import Foundation
import Logging
import ProviderAPI
import ProviderSimulator
import Sync

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
          provider-explorer psa map --write customers.csv
          provider-explorer psa simulate --port 8090
          provider-explorer psa plan --demo         # both sides simulated, nothing to set up
        """,
        subcommands: [PSAPlanCommand.self, PSAApplyCommand.self, PSAMapCommand.self, PSASimulateCommand.self])
}

/// What `plan` and `apply` share: the settings, the ConnectWise client, and the plan
/// made from the month's bill and what ConnectWise holds.
struct PSAContext {
    let settings: Settings
    let connectwise: ConnectWiseSettings
    let logger: Logger
    /// With `--demo`: the demo's ConnectWise in this process, and its customers.
    let demo: PSADemo?

    init(_ global: GlobalOptions) throws {
        let config = try ConfigFile.load(ConfigFile.defaultPath)
        settings = try Settings.resolve(global, config: config)
        logger = Session.bootstrapLogging(level: settings.logLevel)
        if global.demo {
            let demo = try PSADemo.start()
            self.demo = demo
            connectwise = demo.settings
        } else {
            demo = nil
            connectwise = try ConnectWiseSettings.resolve(config)
        }
    }

    func client(transport: HTTPTransport) throws -> ConnectWiseClient {
        try connectwise.client(transport: transport, logLevel: settings.logLevel)
    }

    /// The customers: `--customers FILE`, else the demo's (with `--demo`), else
    /// `customers` in config.toml; with where they came from. `currency`: `[prices]`'s,
    /// which contract prices need.
    func customers(_ path: String?, session: Session, currency: String?) throws -> (map: [String: Customer], source: String) {
        if let path { return (try BillCommand.loadCustomers(path, currency: currency), path) }
        if let demo { return (demo.customers, "the demo's customers") }
        guard let file = session.config.path("customers") else {
            throw CommandFailure(message: "psa needs the customers file (organizationId,customerId, the customerId being the ConnectWise company's identifier): set customers = \"FILE\" in config.toml or give --customers FILE", code: 64)
        }
        return (try BillCommand.loadCustomers(file, currency: currency), file)
    }

    /// The plan of `month` (the newest monthly report's when nil): the bill through the
    /// NordPass cache, ConnectWise read at most six requests at a time.
    func plan(_ month: Month?, customers: String?, global: GlobalOptions) async throws -> (PSAPlan, ConnectWiseClient) {
        let session = try Session(options: global)
        // Seats are all a plan needs of the bill; the currency, only because contract
        // prices in the customers file are refused without one.
        let currency = try session.config.priceList().currency
        let (map, source) = try self.customers(customers, session: session, currency: currency)
        let client = try self.client(transport: session.transport)
        let started = Date()
        // ConnectWise's catalog is checked while the bill is made.
        async let products = client.checkProducts(connectwise.products)
        let bill = try await BillCommand.bill(month, source: try session.reportSource(), prices: PriceList(currency: currency),
                                              customers: map, customerFile: source, includeFree: false, compare: false)
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

/// `--month` and `--customers`: what `psa plan` and `psa apply` plan from, declared once.
struct PSAPlanOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The month; default the newest monthly report.", valueName: "YYYY-MM"))
    var month: Month?

    @Option(help: ArgumentHelp("The customers file (organizationId,customerId); default customers in config.toml.", valueName: "FILE"))
    var customers: String?
}
