import ConnectWise
import Explorer
import Foundation
import ProviderAPI
import ProviderSimulator

/// The demo's ConnectWise, in process: its companies made from the same demo data as
/// the NordPass simulator (`--demo`, and the explorer with no credentials), the demo's
/// customers, and what applying wrote kept in
/// `$XDG_STATE_HOME/provider-explorer/psa-demo-<month>-<orgs>.json` so that the next run
/// sees it (a new month starts from the demo's state again). Nothing leaves this
/// process. The companies and customers are made when first asked for: the explorer
/// starts at once, and pays for them only if the PSA view is opened.
final class PSADemo: Sendable {
    let simulator: ConnectWiseSimulator
    let url: URL
    let month: Month
    let path: String
    private let made: Made

    /// The demo's ConnectWise and its customers, made once, on first use.
    final class Made: Sendable {
        private let value = Locked<(store: ConnectWiseSimulator.Store, customers: [(organizationId: String, customerId: String)])?>(nil)
        private let configuration: ProviderSimulator.Configuration
        init(_ configuration: ProviderSimulator.Configuration) { self.configuration = configuration }
        var demo: (store: ConnectWiseSimulator.Store, customers: [(organizationId: String, customerId: String)]) {
            value.withLock { v in
                if v == nil {
                    let c = configuration
                    v = ConnectWiseSimulator.demo(DataSet(organizationCount: c.organizationCount, seed: c.seed, today: c.today))
                }
                return v!
            }
        }
    }

    static func start() throws -> PSADemo {
        let env = ProcessInfo.processInfo.environment
        let config = Session.demoConfiguration
        // The data set's newest month (its reports end yesterday), without making it yet.
        let month = config.today.month.adding(months: -1)
        let state = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/state")
        return try PSADemo(config, month: month, path: state + "/provider-explorer/psa-demo-\(month)-\(config.organizationCount).json")
    }

    private init(_ configuration: ProviderSimulator.Configuration, month: Month, path: String) throws {
        let made = Made(configuration)
        self.made = made
        self.month = month
        self.path = path
        simulator = ConnectWiseSimulator(making: {
            if let saved = FileManager.default.contents(atPath: path),
               let kept = try? JSONDecoder().decode(ConnectWiseSimulator.Store.self, from: saved) { return kept }
            return made.demo.store
        })
        do { url = try simulator.start(port: 0) } catch { throw CommandFailure(message: "the demo's ConnectWise simulator: \(error)", code: 69) }
    }

    deinit { simulator.stop() }

    /// organizationId → the demo customer.
    var customers: [String: Customer] {
        var out: [String: Customer] = [:]
        for (org, customer) in made.demo.customers { out[org] = Customer(customerId: customer) }
        return out
    }

    /// `[connectwise]` as the demo has it.
    var settings: ConnectWiseSettings {
        let c = simulator.credentials
        return ConnectWiseSettings(site: url.absoluteString, company: c.company, publicKey: c.publicKey, privateKey: .demo(c.privateKey),
                                   clientId: c.clientId,
                                   products: ProductMapping(business: ConnectWiseSimulator.businessProduct, enterprise: ConnectWiseSimulator.enterpriseProduct),
                                   agreementType: ConnectWiseSimulator.agreementType)
    }

    /// Keeps what the simulator holds now (after an apply), for the next run.
    func save() {
        guard let data = try? JSONEncoder().encode(simulator.snapshot) else { return }
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? Output.writeFile(path, data)
    }
}
