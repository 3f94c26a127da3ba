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
    /// `customers` in config.toml; with where they came from.
    func customers(_ path: String?, session: Session) throws -> (map: [String: Customer], source: String) {
        let currency = try session.config.priceList().currency
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
        let (map, source) = try self.customers(customers, session: session)
        let client = try self.client(transport: session.transport)
        let started = Date()
        // ConnectWise's catalog is checked while the bill is made.
        async let products = client.checkProducts(connectwise.products)
        let bill = try await BillCommand.bill(month, source: try session.reportSource(), prices: PriceList(currency: try session.config.priceList().currency),
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

    @Option(help: ArgumentHelp("The month; default the newest monthly report.", valueName: "YYYY-MM"))
    var month: Month?

    @Option(help: "table, csv or json (default: table on a terminal, csv otherwise).")
    var format: Format?

    @Option(help: ArgumentHelp("Write to FILE (whole or not at all, mode 0600) instead of standard output.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("The customers file (organizationId,customerId); default customers in config.toml.", valueName: "FILE"))
    var customers: String?

    @Flag(name: .customLong("csv-raw"), help: "CSV text exactly as it came: no ' before a leading =, +, -, @, TAB or CR.")
    var csvRaw = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = try PSAContext(global)
        let (plan, _) = try await context.plan(month, customers: customers, global: global)
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

    @Option(help: ArgumentHelp("The month; default the newest monthly report.", valueName: "YYYY-MM"))
    var month: Month?

    @Flag(help: "Apply without asking (needed without a terminal).")
    var yes = false

    @Option(help: ArgumentHelp("Apply exactly this plan (saved by psa plan --format json --output FILE).", valueName: "FILE"))
    var plan: String?

    @Option(help: ArgumentHelp("The customers file (organizationId,customerId); default customers in config.toml.", valueName: "FILE"))
    var customers: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
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
            (chosen, client) = try await context.plan(month, customers: customers, global: global)
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
        context.demo?.save()
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

struct PSAMapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Suggest a ConnectWise company for each organization with no customer.",
        discussion: """
        Names are folded (case, accents) and legal forms set aside (GmbH, Ltd, Inc, LLC, \
        AB, ApS, Oy, AG, BV, S.A., SRL, Sp. z o.o., 株式会社, …): the same words score 1.0, \
        the same words in another order 0.95, else how alike their letters are (at most \
        0.9). The table shows the runner-up. --write adds the suggestions at or above \
        --min-score to the customers file, never changing a row already there; the file \
        is written whole or not at all.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv }

    @Option(help: "table or csv (default: table on a terminal, csv otherwise).")
    var format: Format?

    @Option(help: ArgumentHelp("Add the suggestions at or above --min-score to this customers file (organizationId,customerId).", valueName: "FILE"))
    var write: String?

    @Option(name: .customLong("min-score"), help: "The lowest score --write takes (0 to 1, default 0.9).")
    var minScore = 0.9

    @Option(help: ArgumentHelp("The customers file whose organizations are mapped already; default customers in config.toml.", valueName: "FILE"))
    var customers: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0...1).contains(minScore) else { throw ValidationError("--min-score must be from 0 to 1, not \(minScore)") }
    }

    func run() async throws {
        let context = try PSAContext(global)
        let session = try Session(options: global)
        var mapped: [String: Customer] = [:]
        if customers != nil || context.demo != nil || session.config.path("customers") != nil {
            mapped = try context.customers(customers, session: session).map
        }
        var existing = ""
        if let write, FileManager.default.fileExists(atPath: write) {
            guard let data = FileManager.default.contents(atPath: write) else {
                throw CommandFailure(message: "\(write): cannot be read (no permission?)", code: 66)
            }
            existing = String(decoding: data, as: UTF8.self)
            for (org, customer) in try BillCommand.loadCustomers(write, currency: "XXX") { mapped[org] = customer }
        }
        let organizations = try await session.reportSource().organizations()
        let client = try context.client(transport: session.transport)
        let matcher = CompanyMatcher(companies: try await client.companies())
        let suggestions = TextSearch.collated(organizations.filter { mapped[$0.id] == nil }, name: \.name, id: \.id)
            .map { matcher.suggest(organizationId: $0.id, name: $0.name) }
            .sorted { ($0.best?.score ?? 0) > ($1.best?.score ?? 0) }
        let toTerminal = Output.isTerminal(nil)
        func score(_ s: Double?) -> String { s.map { String(format: "%.2f", $0) } ?? "" }
        if let write {
            let taken = suggestions.filter { ($0.best?.score ?? 0) >= minScore && $0.isClear }
            guard !taken.isEmpty else {
                try Output.emit("Nothing added to \(write): no suggestion scores \(score(minScore)) or more (\(suggestions.count) organizations have no customer).\n", to: nil)
                return
            }
            try Output.writeFile(write, Data(Self.appending(taken, to: existing).utf8))
            try Output.emit("Added \(taken.count) organizations to \(write) (score \(score(minScore)) or more, no runner-up as good); \(suggestions.count - taken.count) left for you.\n", to: nil)
            return
        }
        let table = ExportTable(columns: ["organizationId", "organizationName", "customerId", "companyName", "score"], rows: suggestions.map { s in
            [.string(s.organizationId), .string(s.organizationName), .string(s.best?.company.identifier ?? ""),
             .string(s.best?.company.name ?? ""), s.best.map { .number(($0.score * 100).rounded() / 100) } ?? .null]
        })
        switch format ?? (toTerminal ? .table : .csv) {
        case .csv: try Output.emit(table.csv(ExportTable.CSVOptions(forTerminal: toTerminal)), to: nil)
        case .table:
            let rows = ExportTable(columns: ["organization", "id", "customer", "company", "score", "runner-up"], rows: suggestions.map { s in
                [.string(s.organizationName), .string(s.organizationId), .string(s.best?.company.identifier ?? ""), .string(s.best?.company.name ?? ""),
                 .string(score(s.best?.score)),
                 .string(s.runnerUp.map { "\($0.company.identifier) \(score($0.score))" + (s.isClear ? "" : " (a tie: not written)") } ?? "")]
            })
            let sure = suggestions.filter { ($0.best?.score ?? 0) >= minScore && $0.isClear }.count
            try Output.emit(rows.table(maxColumnWidth: 40) + "\n\(suggestions.count) organizations with no customer; \(sure) suggested clearly at \(score(minScore)) or more (psa map --write FILE adds those)\n", to: nil)
        }
    }

    /// The customers file with the suggestions added as rows at its end (its header, or
    /// `organizationId,customerId` for a new file; other columns left empty), its own
    /// line ends kept; the rows already there are not touched.
    static func appending(_ suggestions: [CompanyMatcher.Suggestion], to existing: String) -> String {
        appending(suggestions.compactMap { s in s.best.map { (s.organizationId, $0.company.identifier) } }, to: existing)
    }

    static func appending(_ rows: [(organizationId: String, customerId: String)], to existing: String) -> String {
        let crlf = existing.contains("\r\n")
        let end = crlf ? "\r\n" : "\n"
        var text = existing.isEmpty ? "organizationId,customerId" + end : existing
        // On scalars: "\r\n" is one Character, which neither "\r" nor "\n" equals.
        if text.unicodeScalars.last != "\n" { text += end }
        let firstLine = String(String.UnicodeScalarView(text.unicodeScalars.prefix { $0 != "\n" && $0 != "\r" }))
        let header = firstLine.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for row in rows {
            text += header.map { $0 == "organizationId" ? ExportTable.csvField(row.organizationId) : $0 == "customerId" ? ExportTable.csvField(row.customerId) : "" }
                .joined(separator: ",") + end
        }
        return text
    }

    /// Adds one mapping to the customers file at `path` (made when missing), whole or
    /// not at all; a row already there for the organization is left as it is.
    static func keep(organizationId: String, customerId: String, in path: String) throws {
        let existing = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !existing.isEmpty, try BillCommand.loadCustomers(path, currency: "XXX")[organizationId] != nil { return }
        try Output.writeFile(path, Data(appending([(organizationId, customerId)], to: existing).utf8))
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
