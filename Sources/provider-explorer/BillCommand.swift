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
        abstract: "The month's bill: billed seats, tier, price and amount for each organization or customer.",
        discussion: """
        Billed seats are the consumed licenses (active + pending) of the month's monthly \
        report; the tier is the monthly report's, or a higher one a daily report of the \
        month shows (the month's daily reports the cache lacks are fetched first, so every \
        day is checked; --offline says how many days were not); trial and NFR are free \
        (--all lists them); a daily peak above the monthly figure, and a line with no \
        price, are flagged, and totals that leave unpriced lines out say so. Prices come \
        from [prices] in the config file or --prices FILE (currency = "EUR", business = \
        3.99, enterprise = 5.99, rounding = "half-even" or "half-up"); customer ids and \
        contract prices from --customers FILE (organizationId,customerId[,business,enterprise]).

        Examples:
          provider-explorer bill --demo --month 2026-10
          provider-explorer bill --month 2026-10 --by customer --compare
          provider-explorer bill --month 2026-10 --format xlsx --output 2026-10.xlsx
          provider-explorer bill --offline --all --format json --require-prices
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json, xlsx
    }

    enum Grouping: String, ExpressibleByArgument, CaseIterable {
        case organization, customer
    }

    @Option(help: ArgumentHelp("The month; default the newest monthly report.", valueName: "YYYY-MM"))
    var month: Month?

    @Option(help: "organization (a line each) or customer (a line per customer and tier).")
    var by: Grouping = .organization

    @Flag(help: "Add the month before: previousSeats, previousAmount and delta.")
    var compare = false

    @Flag(help: "Exit 65 when a billed line has no price (the totals would be incomplete).")
    var requirePrices = false

    @Flag(help: "List trial and NFR organizations too, with amount 0 and the reason.")
    var all = false

    @Option(help: ArgumentHelp("A file with a [prices] table: currency, business, enterprise, rounding.", valueName: "FILE"))
    var prices: String?

    @Option(help: ArgumentHelp("A CSV of organizationId,customerId and optional business,enterprise contract prices.", valueName: "FILE"))
    var customers: String?

    @OptionGroup var out: OutputOptions<Format>

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if out.format == .xlsx, out.output == nil { throw ValidationError("--format xlsx writes a file: give --output FILE.xlsx") }
    }

    func run() async throws {
        let session = try Session(options: global)
        let source = try session.reportSource()
        var priceList = try prices.map(ConfigFile.loadPrices) ?? session.config.priceList()
        if priceList.isEmpty, session.simulator != nil { priceList = .demo }
        let customerFile = customers ?? session.config.path("customers")
        let customerMap = try customerFile.map { try Self.loadCustomers($0, currency: priceList.currency) } ?? [:]
        let started = Date()
        let bill = try await Self.bill(month, source: source, prices: priceList, customers: customerMap,
                                       customerFile: customerFile, includeFree: all, compare: compare)
        let billed = bill.month
        if global.offline { Output.warn("offline: the \(billed) bill from the cache" + (bill.daysNotChecked > 0 ? " (\(Bill.notChecked(bill.daysNotChecked)): run without --offline to check them)" : "")) }
        if priceList.isDemo { Output.warn("demo prices: set [prices] in config.toml for yours") }
        session.logger.info("bill \(billed): \(bill.lines.count) lines in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        let total = bill.total()
        if requirePrices, !total.isComplete {
            throw CommandFailure(message: "the \(billed) bill is incomplete: \(total.unpricedLines) billed \(total.unpricedLines == 1 ? "line has" : "lines have") no price (\(total.unpricedSeats) seats); set [prices] or the customers' contract prices", code: 65)
        }
        let toTerminal = out.toTerminal
        let byCustomer = by == .customer
        switch out.format ?? (toTerminal ? .table : .csv) {
        case .csv:
            let options = ExportTable.CSVOptions(raw: out.csvRaw, forTerminal: toTerminal)
            try Output.emit(byCustomer ? Array(bill.customerTable.csv(options).utf8) : bill.csvBytes(options), to: out.output)
        case .json: try Output.emit(bill.json(byCustomer: byCustomer), to: out.output)
        case .table: try Output.emit(bill.text(byCustomer: byCustomer), to: out.output)
        case .xlsx:
            guard let output = out.output else { return }
            try Output.writeFile(output, try BillWorkbook.data(bill))
        }
        // Kept until the process ends: freeing 44,000 lines one by one took 5% of a
        // 50,000-organization bill's run, for memory the exit gives back at once.
        Self.keptUntilExit = bill
    }

    nonisolated(unsafe) private static var keptUntilExit: Bill?

    /// The month's bill (the newest monthly report's when `month` is nil), by the rules
    /// `bill` applies: the month's missing daily reports fetched first (online), the
    /// organizations' status fresh, and the month before with `compare`. A customers
    /// file naming organizations the report lacks is said on stderr.
    static func bill(_ month: Month?, source: ReportSource, prices: PriceList, customers customerMap: [String: Customer],
                     customerFile: String?, includeFree: Bool, compare: Bool) async throws -> Bill {
        let billed = try await source.cachedMonthly(month)
        try await source.fillDays(of: billed)
        // The organizations' status (a suspended one is billed, and the line says so):
        // fresh online, the cached list offline.
        if source.client != nil { _ = try await source.organizations() }
        if compare {
            let before = billed.adding(months: -1)
            _ = try await source.cachedMonthly(before)
            try await source.fillDays(of: before)
        }
        let known = customerMap.isEmpty ? [] : try source.store.organizationIds(in: .monthly(billed))
        let unknown = customerMap.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            Output.warn("\(customerFile ?? "customers"): \(unknown.count) organization \(unknown.count == 1 ? "id is" : "ids are") not in the \(billed) report: \(unknown.prefix(5).joined(separator: ", "))\(unknown.count > 5 ? ", …" : "")")
        }
        guard let bill = BillReader.bill(billed, store: source.store, prices: prices, customers: customerMap, includeFree: includeFree,
                                         historyStart: source.store.historyStart.day, compare: compare) else {
            throw ReportSource.Failure.notCached("the report for \(billed)")
        }
        return bill
    }

    /// The customers file: a header with `organizationId` and `customerId`, and
    /// optionally `business` and `enterprise` contract prices (an empty cell: the
    /// price list's). Errors name the file and the line (exit 64).
    /// Contract prices need a currency (`[prices]`): without one they are refused at
    /// their line.
    static func loadCustomers(_ path: String, currency: String?) throws -> [String: Customer] {
        try loadCustomers(path, currency: currency, pricesNeedCurrency: true)
    }

    /// The customers file read for its mapping alone (`psa map`, doctor): contract
    /// prices are read as they are, with no currency asked for.
    static func loadMapping(_ path: String) throws -> [String: Customer] {
        try loadCustomers(path, currency: nil, pricesNeedCurrency: false)
    }

    private static func loadCustomers(_ path: String, currency: String?, pricesNeedCurrency: Bool) throws -> [String: Customer] {
        func fail(_ line: Int, _ why: String) -> ConfigFile.ParseError { ConfigFile.ParseError(path: path, line: line, reason: why) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail(0, "cannot be read (no such file, or no permission)") }
        let records: [(line: Int, fields: [String])]
        // Excel's "CSV UTF-8" starts with a byte order mark.
        let text = String(decoding: data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...], as: UTF8.self)
        do { records = try CSVReader.parse(text) } catch let e as CSVReader.Malformed {
            throw fail(e.line, e.reason)
        }
        guard let header = records.first else { throw fail(1, "empty; expected a header organizationId,customerId") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let idColumn = names.firstIndex(of: "organizationId"), let customerColumn = names.firstIndex(of: "customerId") else {
            let found = names.map { Printable.line($0, limit: 40) }.joined(separator: ",")
            throw fail(header.line, "the header must name organizationId and customerId (and optionally business, enterprise); it has \(found)")
        }
        let known: Set<String> = ["organizationId", "customerId", "business", "enterprise"]
        if let other = names.first(where: { !known.contains($0) }) { throw fail(header.line, "unknown column \(Printable.line(other, limit: 40)) (the columns are organizationId, customerId, business, enterprise)") }
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
                if pricesNeedCurrency, currency == nil {
                    throw fail(record.line, "a contract price needs a currency: add currency = \"EUR\" (or yours) to [prices] in the config file or --prices FILE")
                }
            }
            out[id] = customer
        }
        return out
    }
}
