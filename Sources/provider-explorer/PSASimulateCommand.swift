import ArgumentParser
import ConnectWise
import Explorer
import Foundation
import Logging
import ProviderAPI
import ProviderSimulator
import Sync

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
        var config = Session.demoConfiguration
        if let orgs { config.organizationCount = orgs }
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
