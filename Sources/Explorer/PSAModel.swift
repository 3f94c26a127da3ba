import ConnectWise
import Foundation
import Observation
import ProviderAPI
import UsageStore

/// What the explorer needs to talk to the PSA, wired by the executable: the client,
/// the products, the customers (and how an accepted suggestion is kept), the journal.
public struct PSAConnection: Sendable {
    public let client: ConnectWiseClient
    public let products: ProductMapping
    public let agreementType: String?
    public let isDemo: Bool
    public let journalPath: String
    /// The customers, made when first needed (the demo's come from its data).
    private let customers: Locked<[String: Customer]?>
    private let makeCustomers: @Sendable () -> [String: Customer]
    private let keepMapping: @Sendable (_ organizationId: String, _ customerId: String) throws -> Void
    /// Called after an apply (the demo keeps what it wrote for the next run).
    let applied: @Sendable () -> Void

    public init(client: ConnectWiseClient, products: ProductMapping, agreementType: String?, customers: [String: Customer],
                isDemo: Bool, journalPath: String = PSAJournal.defaultPath,
                keepMapping: @escaping @Sendable (String, String) throws -> Void, applied: @escaping @Sendable () -> Void = {}) {
        self.init(client: client, products: products, agreementType: agreementType, making: { customers }, isDemo: isDemo,
                  journalPath: journalPath, keepMapping: keepMapping, applied: applied)
    }

    /// With the customers made when first needed.
    public init(client: ConnectWiseClient, products: ProductMapping, agreementType: String?, making customers: @escaping @Sendable () -> [String: Customer],
                isDemo: Bool, journalPath: String = PSAJournal.defaultPath,
                keepMapping: @escaping @Sendable (String, String) throws -> Void, applied: @escaping @Sendable () -> Void = {}) {
        self.client = client; self.products = products; self.agreementType = agreementType; self.isDemo = isDemo
        self.journalPath = journalPath; self.customers = Locked(nil); self.makeCustomers = customers
        self.keepMapping = keepMapping; self.applied = applied
    }

    public var company: String { client.account.company }
    public var customerMap: [String: Customer] {
        customers.withLock { c in
            if c == nil { c = makeCustomers() }
            return c!
        }
    }

    /// Maps an organization to a customer: kept (the customers file), then used.
    public func accept(organizationId: String, customerId: String) throws {
        try keepMapping(organizationId, customerId)
        _ = customerMap
        customers.withLock { $0?[organizationId] = Customer(customerId: customerId) }
    }
}

/// One line of the PSA view: a change of the plan, with what NordPass and ConnectWise
/// say, the difference, what to do (or what apply did), and for an unmapped
/// organization the company `psa map` would suggest.
public struct PSALine: Sendable, Equatable {
    public var change: PSAChange
    /// NordPass seats (the bill's).
    public var seats: Int { change.after.map { NSDecimalNumber(decimal: $0).intValue } ?? 0 }
    /// ConnectWise's quantity now.
    public var quantity: Decimal? { change.before }
    /// Seats minus quantity (the whole of the seats when ConnectWise has none).
    public var difference: Decimal { (change.after ?? 0) - (change.before ?? 0) }
    public var suggestion: CompanyMatcher.Suggestion?
    /// What the last apply did to it, when it did not make it.
    public var outcome: PSAResult.Outcome?

    /// What to do about it, or what became of it.
    public var note: String {
        switch outcome {
        case .failed(let why)?: return "✗ " + why
        case .skipped(let why)?: return "· " + why
        case .made?: return "✓ made"
        case .alreadyMade?: return "✓ already so"
        case nil: break
        }
        switch change.kind {
        case .update: return "apply sets \(change.before.map { "\($0)" } ?? "0") → \(change.after.map { "\($0)" } ?? "0")"
        case .create: return "apply adds it to agreement \(change.agreementId.map(String.init) ?? "?")"
        case .unmapped:
            guard let best = suggestion?.best, best.score >= PSALine.suggestionFloor else { return "no customer, and no company like it: map it in the customers file" }
            return "no customer; looks like \(best.company.identifier) (\(String(format: "%.2f", best.score)))"
        default: return change.reason ?? ""
        }
    }

    /// Below this score a company is not offered as a suggestion.
    public static let suggestionFloor = 0.5

    /// Who the line is about: the customer, or the organization's name.
    public var who: String { change.customerId ?? change.organizationNames.first ?? change.organizations.first ?? "" }
}

/// The PSA view (`p`): for a month, where NordPass and ConnectWise disagree, the
/// changes apply would make (largest difference first), what needs a person, and
/// what already agrees folded to a count; Enter shows a line's organizations; apply
/// asks first, then marks each line as its write lands.
@MainActor @Observable
public final class PSAModel: LineList {
    public private(set) var month: Month?
    public private(set) var plan: PSAPlan?
    /// The lines that are not `same`, in the view's order.
    public private(set) var lines: [PSALine] = []
    /// How many lines are `same` (folded into one line at the end).
    public private(set) var sameCount = 0
    public private(set) var cursor = LineCursor()
    public var selected: Int { cursor.selected }
    /// ConnectWise (and the bill) are being read.
    public private(set) var reading = false
    public private(set) var problem: String?
    /// The line whose organizations are shown (Enter), and the cursor in them.
    public private(set) var drilled: PSALine?
    public private(set) var drillCursor = LineCursor()
    public var drillSelected: Int { drillCursor.selected }
    /// Each line's organizations, from the bill: name, id, tier, seats.
    public private(set) var organizations: [String: [BillLine]] = [:]
    /// The apply waiting for y/N on the status line.
    public private(set) var confirming = false
    /// The apply running: changes landed and in all.
    public private(set) var applying: (done: Int, total: Int)?
    /// What the last apply did not make, by line (kept across the read after it).
    @ObservationIgnored private var outcomes: [String: PSAResult.Outcome] = [:]

    @ObservationIgnored public let connection: PSAConnection?
    @ObservationIgnored public let prices: PriceList
    /// Why there is no connection (offline, a `[connectwise]` that cannot be used).
    @ObservationIgnored public let unavailable: String?

    public init(connection: PSAConnection?, prices: PriceList = PriceList(), unavailable: String? = nil) {
        self.connection = connection
        self.prices = prices
        self.unavailable = unavailable
    }

    /// Lines the cursor moves over: the changes and, when any, the folded `same` line;
    /// in a drill, the organizations.
    public var count: Int {
        if let drilled { return organizations[Self.key(drilled.change)]?.count ?? 0 }
        return lines.count + (sameCount > 0 ? 1 : 0)
    }

    public var selectedLine: PSALine? { drilled == nil && lines.indices.contains(selected) ? lines[selected] : nil }
    public var drilledOrganizations: [BillLine] { drilled.map { organizations[Self.key($0.change)] ?? [] } ?? [] }
    public var writes: Int { lines.filter { $0.change.kind.writes }.count }

    static func key(_ c: PSAChange) -> String {
        "\(c.kind == .unmapped ? "org:" + (c.organizations.first ?? "") : c.customerId ?? "")|\(c.tier?.rawValue ?? "")"
    }

    // MARK: - Reading

    /// Asks for the plan of `month`: the bill from the cache, then ConnectWise, read
    /// behind the screen (the view says "reading ConnectWise…"); only the newest
    /// request's plan lands (its work's ticket).
    func request(_ month: Month, store: UsageStore, historyStart: Day?) -> PSARead? {
        guard let connection else { return nil }
        self.month = month
        reading = true
        problem = nil
        drilled = nil
        let prices = self.prices
        let customers = connection.customerMap
        return PSARead(month: month, bill: {
            BillReader.bill(month, store: store, prices: PriceList(currency: prices.currency), customers: customers,
                            historyStart: historyStart, compare: false)
        }, plan: { bill in
            let demand = bill.seatDemand(customers: customers)
            async let products = connection.client.checkProducts(connection.products)
            let snapshot = try await connection.client.snapshot(customers: Set(demand.customers.keys), agreementType: connection.agreementType)
            _ = try await products
            let plan = PSAPlan.make(demand, snapshot: snapshot, products: connection.products, company: connection.company)
            var unmapped: [CompanyMatcher.Suggestion] = []
            if plan.count(.unmapped) > 0 {
                let matcher = CompanyMatcher(companies: try await connection.client.companies())
                unmapped = plan.changes.filter { $0.kind == .unmapped }.map {
                    matcher.suggest(organizationId: $0.organizations.first ?? "", name: $0.organizationNames.first ?? "")
                }
            }
            return PSARead.Planned(plan: plan, bill: bill, suggestions: unmapped)
        })
    }

    /// What a read found: the lines in the view's order, the cursor kept on its line.
    func landed(_ result: PSARead.Result) {
        reading = false
        let keep = selectedLine.map { Self.key($0.change) }
        switch result.outcome {
        case .failure(let message):
            problem = message.text
            plan = nil; lines = []; sameCount = 0; organizations = [:]
        case .success(let planned):
            plan = planned.plan
            var byOrganization: [String: BillLine] = [:]
            for line in planned.bill.lines { byOrganization[line.organizationId] = line }
            var organizations: [String: [BillLine]] = [:]
            for change in planned.plan.changes { organizations[Self.key(change)] = change.organizations.compactMap { byOrganization[$0] } }
            self.organizations = organizations
            let suggestions = Dictionary(planned.suggestions.map { ($0.organizationId, $0) }, uniquingKeysWith: { a, _ in a })
            var made = planned.plan.changes.filter { $0.kind != .same }.map { change -> PSALine in
                var line = PSALine(change: change)
                if change.kind == .unmapped { line.suggestion = change.organizations.first.flatMap { suggestions[$0] } }
                if change.kind.writes { line.outcome = outcomes[Self.key(change)] }
                return line
            }
            // Changes first, by the size of the difference (its amount when prices are
            // known), then what needs a person, each kind by size too.
            func size(_ l: PSALine) -> Decimal {
                let d = abs(l.difference)
                guard let tier = l.change.tier, let price = prices.prices[tier] else { return d }
                return d * Decimal(price.tenThousandths)
            }
            made.sort { a, b in
                let ka = a.change.kind.writes ? 0 : 1, kb = b.change.kind.writes ? 0 : 1
                if ka != kb { return ka < kb }
                if !a.change.kind.writes, a.change.kind != b.change.kind { return a.change.kind < b.change.kind }
                let sa = size(a), sb = size(b)
                return sa != sb ? sa > sb : TextSearch.compare(TextSearch.sortKey(a.who), TextSearch.sortKey(b.who)) < 0
            }
            lines = made
            sameCount = planned.plan.count(.same)
            problem = nil
        }
        cursor.land(on: keep.flatMap { k in lines.firstIndex { Self.key($0.change) == k } }, in: count, keepingPlace: true)
    }

    // MARK: - Apply

    /// `a`: asks before applying; says why not when there is nothing to apply.
    func askToApply() -> String? {
        if reading { return "still reading ConnectWise: apply once the plan is on screen" }
        if applying != nil { return "an apply is running: its results land on their lines" }
        guard writes > 0 else {
            return "nothing to apply: \(sameCount) \(sameCount == 1 ? "addition already holds" : "additions already hold") the bill's seats"
                + (lines.isEmpty ? "" : "; the rest need you (the notes say what to do)")
        }
        confirming = true
        return nil
    }

    /// The question on the status line while confirming.
    public var question: String {
        "Apply \(writes) \(writes == 1 ? "change" : "changes") to ConnectWise (company \(connection.map { Printable.line($0.company, limit: 30) } ?? "?"))? y/N"
    }

    /// y: the apply to run behind; n (or anything else): nothing.
    func answer(_ yes: Bool) -> PSAApply? {
        confirming = false
        guard yes, let connection, let plan else { return nil }
        let writes = plan.writes
        applying = (0, writes.count)
        outcomes = [:]
        return PSAApply(connection: connection, plan: plan)
    }

    /// A change's result, as it lands: its line says so.
    func applied(_ result: PSAResult) {
        if let a = applying { applying = (a.done + 1, a.total) }
        let key = Self.key(result.change)
        switch result.outcome {
        case .made, .alreadyMade: outcomes[key] = nil
        default: outcomes[key] = result.outcome
        }
        if let i = lines.firstIndex(where: { Self.key($0.change) == key }) { lines[i].outcome = result.outcome }
    }

    /// The apply ended: what it came to, for the status line.
    func applyEnded(_ error: String?) -> (text: String, isError: Bool) {
        let total = applying?.total ?? 0
        applying = nil
        let failed = outcomes.count
        let company = connection.map { Printable.line($0.company, limit: 30) } ?? "?"
        if let error { return ("apply stopped: \(error)", true) }
        // The journal's name before its folder: on a narrow screen the folder is what is cut.
        let journal = connection.map { ($0.journalPath as NSString).lastPathComponent + " in " + ($0.journalPath as NSString).deletingLastPathComponent } ?? ""
        if failed == 0 { return ("\(total) of \(total) changes made in ConnectWise (company \(company)); journal \(journal)", false) }
        return ("\(total - failed) of \(total) changes made in ConnectWise (company \(company)); \(failed) not made: their lines say why", true)
    }

    // MARK: - Lines and drill

    /// Enter: the line's organizations; Esc comes back to the line.
    func drill() -> Bool {
        guard drilled == nil, let line = selectedLine, !(organizations[Self.key(line.change)] ?? []).isEmpty else { return false }
        drilled = line
        drillCursor.first()
        return true
    }

    /// Esc in a drill: back to the lines; else false (the view closes).
    func leaveDrill() -> Bool {
        guard drilled != nil else { return false }
        drilled = nil
        return true
    }

    /// The suggestion of the selected unmapped line, accepted: kept, then planned again.
    func acceptSuggestion() throws -> String? {
        guard let line = selectedLine, line.change.kind == .unmapped, let connection else { return nil }
        guard let suggestion = line.suggestion, let best = suggestion.best, best.score >= PSALine.suggestionFloor else { return nil }
        try connection.accept(organizationId: suggestion.organizationId, customerId: best.company.identifier)
        return "mapped \(Printable.line(suggestion.organizationName, limit: 40)) to \(Printable.line(best.company.identifier, limit: 30))"
    }

    public func close() {
        plan = nil; lines = []; sameCount = 0; organizations = [:]; drilled = nil; reading = false; problem = nil
        confirming = false
    }

    public func move(by delta: Int) {
        if drilled != nil { drillCursor.move(by: delta, in: count) } else { cursor.move(by: delta, in: count) }
    }

    public func selectFirst() { if drilled != nil { drillCursor.first() } else { cursor.first() } }
    public func selectLast() { if drilled != nil { drillCursor.last(in: count) } else { cursor.last(in: count) } }
}

/// The PSA view's read: the bill from the cache (its work runs it on the read
/// thread), then ConnectWise (async, behind the screen).
struct PSARead: Sendable {
    public struct Planned: Sendable {
        public let plan: PSAPlan
        public let bill: Bill
        public let suggestions: [CompanyMatcher.Suggestion]
    }
    public struct Result: Sendable {
        let outcome: Swift.Result<Planned, Message>
    }
    public struct Message: Error, Sendable { public let text: String }

    let month: Month
    let bill: @Sendable () -> Bill?
    let plan: @Sendable (Bill) async throws -> Planned

    /// Runs the plan once the bill is read (`bill` is what `self.bill()` returned).
    func finish(_ bill: Bill?) async -> Result {
        guard let bill else {
            return Result(outcome: .failure(Message(text: "no monthly report for \(month) in the cache: the sync brings it")))
        }
        do { return Result(outcome: .success(try await plan(bill))) } catch {
            return Result(outcome: .failure(Message(text: Failure(error).message)))
        }
    }

    func readBill() -> Bill? { bill() }
}

/// An apply confirmed in the view: the body of a `.psaApply` work.
struct PSAApply: Sendable {
    let connection: PSAConnection
    let plan: PSAPlan

    /// Runs the writes; `each` hears every result as it lands. The journal is the one
    /// `psa apply` writes. Returns why it stopped early, if it did.
    func run(each: @escaping @Sendable (PSAResult) -> Void) async -> String? {
        defer { connection.applied() }
        do {
            let journal = try PSAJournal(path: connection.journalPath)
            _ = try await PSAApplier(client: connection.client, journal: journal).apply(plan, each: each)
            return nil
        } catch {
            return Failure(error).message
        }
    }
}
