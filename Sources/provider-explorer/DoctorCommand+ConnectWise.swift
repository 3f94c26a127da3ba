import ConnectWise
import Foundation
import ProviderAPI

extension DoctorCommand {
    /// With `[connectwise]`: the keys (one request), the two catalog items, and how many
    /// of the customers file's ids are ConnectWise companies.
    func diagnoseConnectWise(_ report: Report) async {
        guard let config = try? ConfigFile.load(ConfigFile.defaultPath), ConnectWiseSettings.isConfigured(config) else { return }
        let names = ["connectwise", "psa-products", "psa-customers"]
        let cw: ConnectWiseSettings
        do { cw = try ConnectWiseSettings.resolve(config) } catch {
            let f = Failure(error)
            report.fail(names[0], f.message, f.exitCode)
            return
        }
        if global.offline {
            for name in names { report.skip(name, "skipped (offline): --offline makes no request") }
            return
        }
        let client: ConnectWiseClient
        do {
            let settings = try Settings.resolve(global, config: config)
            client = try cw.client(transport: try Session.transport(settings), logLevel: settings.logLevel)
            let started = Date()
            try await client.checkAccess()
            report.ok(names[0], "\(client.account): the API member's keys are accepted (\(Int(Date().timeIntervalSince(started) * 1000)) ms)")
        } catch {
            let f = Failure(error)
            report.fail(names[0], f.message, f.exitCode)
            return
        }
        do {
            let items = try await client.checkProducts(cw.products)
            report.ok(names[1], "business_product \(items.business.identifier) (catalog id \(items.business.id)), enterprise_product \(items.enterprise.identifier) (catalog id \(items.enterprise.id))"
                      + ([items.business, items.enterprise].contains { $0.inactiveFlag == true } ? "; one is inactive in the catalog" : ""))
        } catch {
            let f = Failure(error)
            report.fail(names[1], f.message, f.exitCode)
        }
        guard let path = config.path("customers") else {
            report.warn(names[2], "no customers file: set customers = \"FILE\" (organizationId,customerId) in config.toml; psa needs it")
            return
        }
        do {
            let wanted = Set(try BillCommand.loadMapping(path).values.map(\.customerId).filter { !$0.isEmpty })
            let snapshot = ConnectWiseSnapshot(companies: Dictionary(try await client.companies().map { ($0.identifier, $0) }, uniquingKeysWith: { a, _ in a }))
            let missing = wanted.filter { snapshot.company($0) == nil }.sorted()
            let found = "\(wanted.count - missing.count) of \(wanted.count) customers of \(path) are ConnectWise companies"
            if missing.isEmpty { report.ok(names[2], found) } else {
                report.warn(names[2], found + "; not found: \(missing.prefix(5).map { Printable.line($0, limit: 30) }.joined(separator: ", "))\(missing.count > 5 ? ", …" : "") (a company's identifier is the customerId)")
            }
        } catch {
            let f = Failure(error)
            report.fail(names[2], f.message, f.exitCode)
        }
    }
}
