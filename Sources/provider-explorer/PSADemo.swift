import ConnectWise
import Explorer
import Foundation
import ProviderAPI
import ProviderSimulator

/// The demo's ConnectWise, in process: its companies made from the same demo data as
/// the NordPass simulator (`--demo`, and the explorer with no credentials), the demo's
/// customers, and what applying wrote kept in
/// `$XDG_STATE_HOME/provider-explorer/psa-demo-<month>.json` so that the next run sees
/// it (a new month starts from the demo's state again). Nothing leaves this process.
final class PSADemo: @unchecked Sendable {
    let simulator: ConnectWiseSimulator
    let url: URL
    /// organizationId → the demo customer.
    let customers: [String: Customer]
    let month: Month
    let path: String

    static func start() throws -> PSADemo {
        let env = ProcessInfo.processInfo.environment
        var config = ProviderSimulator.Configuration()
        if let t = env["PROVIDER_EXPLORER_DEMO_TODAY"], let day = Day(t) { config.today = day }
        if let n = env["PROVIDER_EXPLORER_DEMO_ORGS"].flatMap(Int.init), n > 0 { config.organizationCount = min(n, 100_000) }
        let data = DataSet(organizationCount: config.organizationCount, seed: config.seed, today: config.today)
        let demo = ConnectWiseSimulator.demo(data)
        let state = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/state")
        let path = state + "/provider-explorer/psa-demo-\(data.newestMonth)-\(config.organizationCount).json"
        var store = demo.store
        if let saved = FileManager.default.contents(atPath: path), let kept = try? JSONDecoder().decode(ConnectWiseSimulator.Store.self, from: saved) {
            store = kept
        }
        let simulator = ConnectWiseSimulator(store: store)
        let url: URL
        do { url = try simulator.start(port: 0) } catch { throw CommandFailure(message: "the demo's ConnectWise simulator: \(error)", code: 69) }
        var customers: [String: Customer] = [:]
        for (org, customer) in demo.customers { customers[org] = Customer(customerId: customer) }
        return PSADemo(simulator: simulator, url: url, customers: customers, month: data.newestMonth, path: path)
    }

    private init(simulator: ConnectWiseSimulator, url: URL, customers: [String: Customer], month: Month, path: String) {
        self.simulator = simulator; self.url = url; self.customers = customers; self.month = month; self.path = path
    }

    deinit { simulator.stop() }

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
