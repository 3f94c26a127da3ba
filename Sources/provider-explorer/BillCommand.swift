import ArgumentParser
import Explorer
import Foundation
import ProviderAPI
import Sync

/// `provider-explorer bill`: what to bill each client for a month, by NordPass's MSP
/// billing rule, with the MSP's prices and its customers' ids.
struct BillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bill",
        abstract: "The month's bill: billed seats, tier, price and amount for each organization.",
        discussion: """
        Billed seats are the consumed licenses (active + pending) of the month's monthly \
        report; the tier is the monthly report's, or a higher one a cached daily report of \
        the month shows; trial and NFR are free (--all lists them); a daily peak above the \
        monthly figure is flagged. Prices come from [prices] in the config file or --prices \
        FILE (currency = "EUR", business = 3.99, enterprise = 5.99); customer ids and \
        contract prices from --customers FILE (organizationId,customerId[,business,enterprise]).

        Examples:
          provider-explorer bill --demo --month 2026-10
          provider-explorer bill --month 2026-10 --format csv --output 2026-10.csv
          provider-explorer bill --offline --all --format json
        """)

    @Option(help: "The month (YYYY-MM); default the newest monthly report.")
    var month: String?

    @Option(help: "table, csv or json (default: table on a terminal, csv otherwise).")
    var format: ExportCommand.Format?

    @Flag(help: "List trial and NFR organizations too, with amount 0 and the reason.")
    var all = false

    @Option(help: ArgumentHelp("A file with a [prices] table: currency, business, enterprise.", valueName: "FILE"))
    var prices: String?

    @Option(help: ArgumentHelp("A CSV of organizationId,customerId and optional business,enterprise contract prices.", valueName: "FILE"))
    var customers: String?

    @Option(help: ArgumentHelp("Write to FILE (whole or not at all, mode 0600) instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(name: .customLong("csv-raw"), help: "CSV text exactly as it came: no ' before a leading =, +, -, @, TAB or CR.")
    var csvRaw = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let month, Month(month) == nil { throw ValidationError("--month must be YYYY-MM, not \(month)") }
    }

    func run() async throws {
        let session = try Session(options: global)
        let source = try session.reportSource()
        let priceList = try prices.map(ConfigFile.loadPrices) ?? session.config.priceList()
        let customerFile = customers ?? session.config.path("customers")
        let customerMap = try customerFile.map(Self.loadCustomers) ?? [:]
        let started = Date()
        let report = try await source.monthly(month.flatMap(Month.init))
        guard case .monthly(let billed) = report.period else { throw ProviderError.badResponse(detail: "the monthly report is not monthly") }
        let facts = try MonthDailyFacts.of(billed, in: source.store)
        let known = Set(report.rows.map(\.organizationId))
        let unknown = customerMap.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            Output.warn("\(customerFile ?? "customers"): \(unknown.count) organization \(unknown.count == 1 ? "id is" : "ids are") not in the \(billed) report: \(unknown.prefix(5).joined(separator: ", "))\(unknown.count > 5 ? ", …" : "")")
        }
        let bill = Bill(month: billed, rows: report.rows, daily: facts, prices: priceList, customers: customerMap, includeFree: all)
        if global.offline { Output.warn("offline: the \(billed) bill from the cache") }
        session.logger.info("bill \(billed): \(bill.lines.count) lines in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        let toTerminal = Output.isTerminal(output)
        let text: String
        switch format ?? (toTerminal ? .table : .csv) {
        case .csv: text = bill.table.csv(.init(raw: csvRaw, forTerminal: toTerminal))
        case .json: text = bill.json()
        case .table: text = bill.text()
        }
        try Output.emit(text, to: output)
    }

    /// The customers file: a header with `organizationId` and `customerId`, and
    /// optionally `business` and `enterprise` contract prices (an empty cell: the
    /// price list's). Errors name the file and the line (exit 64).
    static func loadCustomers(_ path: String) throws -> [String: Customer] {
        func fail(_ line: Int, _ why: String) -> ConfigFile.ParseError { ConfigFile.ParseError(path: path, line: line, reason: why) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail(0, "cannot be read (no such file, or no permission)") }
        let records: [(line: Int, fields: [String])]
        do { records = try CSVReader.parse(String(decoding: data, as: UTF8.self)) } catch let e as CSVReader.Malformed {
            throw fail(e.line, e.reason)
        }
        guard let header = records.first else { throw fail(1, "empty; expected a header organizationId,customerId") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let idColumn = names.firstIndex(of: "organizationId"), let customerColumn = names.firstIndex(of: "customerId") else {
            throw fail(header.line, "the header must name organizationId and customerId (and optionally business, enterprise)")
        }
        let known: Set<String> = ["organizationId", "customerId", "business", "enterprise"]
        if let other = names.first(where: { !known.contains($0) }) { throw fail(header.line, "unknown column \(other)") }
        var out: [String: Customer] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                throw fail(record.line, "\(record.fields.count) fields where the header has \(names.count)")
            }
            let id = record.fields[idColumn].trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty else { throw fail(record.line, "no organizationId") }
            guard out[id] == nil else { throw fail(record.line, "\(id) is listed twice") }
            var customer = Customer(customerId: record.fields[customerColumn])
            for tier in [Tier.business, .enterprise] {
                guard let column = names.firstIndex(of: tier.rawValue) else { continue }
                let cell = record.fields[column].trimmingCharacters(in: .whitespaces)
                guard !cell.isEmpty else { continue }
                do { customer.prices[tier] = try UnitPrice.parse(cell) } catch { throw fail(record.line, "\(tier.rawValue): \(error)") }
            }
            out[id] = customer
        }
        return out
    }
}
