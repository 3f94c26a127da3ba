import ProviderAPI

/// What an MSP bills for: a currency and a unit price a tier, from `[prices]` in the
/// config file or `--prices FILE`, and how a line's amount is rounded.
public struct PriceList: Sendable, Equatable {
    public var currency: String?
    public var prices: [Tier: UnitPrice] = [:]
    public var rounding: Rounding = .halfEven
    /// The demo's price list (the explorer's demo with no `[prices]`): titles say so.
    public var isDemo = false
    public init(currency: String? = nil, prices: [Tier: UnitPrice] = [:], rounding: Rounding = .halfEven, isDemo: Bool = false) {
        self.currency = currency; self.prices = prices; self.rounding = rounding; self.isDemo = isDemo
    }
    public var isEmpty: Bool { prices.isEmpty }

    /// The demo's prices: what the demo bill shows when no price list is set.
    public static let demo = PriceList(currency: "EUR", prices: [.business: UnitPrice(tenThousandths: 3_9900),
                                                                 .enterprise: UnitPrice(tenThousandths: 5_9900)], isDemo: true)
}

/// One client organization's mapping: its id in the MSP's billing system, and its
/// contract prices, which override the price list.
public struct Customer: Sendable, Equatable {
    public var customerId: String
    public var prices: [Tier: UnitPrice] = [:]
    public init(customerId: String, prices: [Tier: UnitPrice] = [:]) { self.customerId = customerId; self.prices = prices }
}

/// What the cached daily reports of a month say of one organization: the tiers it was
/// on, and its highest consumed seats on a day.
public struct MonthDailyFacts: Sendable, Equatable {
    public var tiers: Set<Tier> = []
    public var peakConsumed = 0
    public var days = 0
    public init(tiers: Set<Tier> = [], peakConsumed: Int = 0, days: Int = 0) {
        self.tiers = tiers; self.peakConsumed = peakConsumed; self.days = days
    }
}

/// One organization's line of a month's bill.
public struct BillLine: Sendable, Equatable {
    public var organizationId: String
    public var organizationName: String
    public var customerId: String?
    public var tier: Tier
    public var licenseType: LicenseType
    /// Consumed licenses (active + pending) in the monthly report.
    public var seats: Int
    public var unitPrice: UnitPrice?
    /// In the currency's minor unit; nil when no price is known.
    public var amount: Int64?
    /// Free (trial, NFR): listed with `--all`, never billed.
    public var isFree: Bool
    /// Check it before billing: the monthly report is below a day's consumed seats, or
    /// the line has no price.
    public var isFlagged: Bool
    public var note: String
    /// A billed line with no price: the totals leave it out and say so.
    public var isUnpriced: Bool { !isFree && unitPrice == nil }
}

/// A line of the bill by customer: one customer's organizations of one tier.
public struct CustomerLine: Sendable, Equatable {
    /// Empty for the organizations with no customer.
    public var customerId: String
    public var tier: Tier
    public var organizations: Int
    public var seats: Int
    /// Nil when no line of it has a price.
    public var amount: Int64?
    /// Its lines with no price (the amount leaves them out).
    public var unpricedLines: Int
    /// The view's subtotal of one customer's tiers (never in a file: those have the
    /// per-tier lines only).
    public var isSubtotal = false

    public init(customerId: String, tier: Tier, organizations: Int, seats: Int, amount: Int64?, unpricedLines: Int, isSubtotal: Bool = false) {
        self.customerId = customerId; self.tier = tier; self.organizations = organizations; self.seats = seats
        self.amount = amount; self.unpricedLines = unpricedLines; self.isSubtotal = isSubtotal
    }

    init(customerId: String, tier: Tier, total: Bill.Total) {
        self.init(customerId: customerId, tier: tier, organizations: total.organizations, seats: total.seats, amount: total.amount,
                  unpricedLines: total.unpricedLines)
    }
}

/// What the month before billed, for `--compare` (and the view's Δ): a line's seats
/// and amount, by organization id or by customer and tier.
public struct PreviousBill: Sendable, Equatable {
    public var month: Month
    public var lines: [String: (seats: Int, amount: Int64?)] = [:]
    /// By customer and tier (`key`).
    public var customers: [String: Bill.Total] = [:]
    public var total = Bill.Total()

    public init(_ bill: Bill) {
        month = bill.month
        for line in bill.lines where !line.isFree { add(line) }
    }

    /// The month's bill kept as it is read, line by line, without its lines held: what
    /// `init(_:)` keeps of the whole bill (the view's Δ, beside a bill already held).
    public init(month: Month, prices: PriceList, customers: [String: Customer] = [:], capacity: Int = 0,
                _ read: ((UsageRow, MonthDailyFacts?, _ suspended: Bool) -> Void) throws -> Void) rethrows {
        self.month = month
        lines.reserveCapacity(capacity)
        let digits = prices.currency.map(Currency.minorDigits) ?? 2
        try read { row, facts, suspended in
            guard let line = Bill.line(row, facts, suspended: suspended, prices: prices, customers: customers, includeFree: false,
                                       daysNotChecked: 0, minorDigits: digits) else { return }
            add(line)
        }
    }

    /// A billed line of the month, kept by organization, by customer and tier, and in the total.
    private mutating func add(_ line: BillLine) {
        lines[line.organizationId] = (line.seats, line.amount)
        customers[Self.key(line.customerId ?? "", line.tier), default: Bill.Total()].add(line)
        total.add(line)
    }

    static func key(_ customer: String, _ tier: Tier) -> String { customer + "\u{1F}" + tier.rawValue }

    public static func == (a: PreviousBill, b: PreviousBill) -> Bool {
        a.month == b.month && a.total == b.total && a.lines.count == b.lines.count
            && a.lines.allSatisfy { k, v in b.lines[k].map { $0.seats == v.seats && $0.amount == v.amount } ?? false }
    }
}

/// A line's change against the month before: `new` when it was not billed then.
public enum BillDelta: Sendable, Equatable {
    case new
    /// The amount's change in minor units, or the seats' when either month has no amount.
    case amount(Int64), seats(Int)

    public init(seats: Int, amount: Int64?, previous: (seats: Int, amount: Int64?)?) {
        guard let previous else { self = .new; return }
        if let a = amount, let b = previous.amount { self = .amount(a - b) } else { self = .seats(seats - previous.seats) }
    }

    /// The size of the change, for ordering by it (a new line by its own size).
    public func magnitude(seats: Int, amount: Int64?) -> Int64 {
        switch self {
        case .new: return amount ?? Int64(seats)
        case .amount(let d): return abs(d)
        case .seats(let d): return Int64(abs(d))
        }
    }

    public func text(minorDigits: Int) -> String {
        switch self {
        case .new: return "new"
        case .amount(let d): return (d > 0 ? "+" : "") + MoneyText.amount(d, minorDigits: minorDigits)
        case .seats(let d): return (d > 0 ? "+" : "") + String(d)
        }
    }
}

/// A month's bill, by NordPass's MSP billing rule:
/// - billed seats are the organization's consumed licenses (active + pending) in the
///   month's monthly report (a seat active on any day counts for the whole month);
/// - the tier is the monthly report's, or a higher one (Enterprise above Business) that
///   a daily report of the month shows, and the line says so;
/// - trial and NFR licenses are free: no line is billed (`all` lists them, amount 0);
///   suspended organizations are billed like active ones, and the line says so;
/// - a day with more consumed seats than the monthly report flags the line, as does a
///   line with no price; totals that leave unpriced lines out say so.
public struct Bill: Sendable, Equatable {
    public var month: Month
    public var currency: String?
    /// In the one name order (`TextSearch.sortKey`), then id.
    public var lines: [BillLine]
    /// Days of the month whose daily report is not cached: their checks did not run.
    public var daysNotChecked: Int
    /// The prices are the demo's.
    public var demoPrices: Bool
    /// The month before, when compared (`--compare`).
    public var previous: PreviousBill?
    /// The names two of its organizations share (shown with the end of their ids).
    public private(set) var sameNames: SameNames

    public struct Total: Sendable, Equatable {
        public var organizations = 0
        public var seats = 0
        /// Sum of the priced lines' amounts; nil when no line has a price.
        public var amount: Int64?
        /// Billed lines with no price, which `amount` leaves out.
        public var unpricedLines = 0
        public var unpricedSeats = 0
        public var isComplete: Bool { unpricedLines == 0 }
        public init() {}

        /// Counts a billed line in: the one rule of every total, subtotal and customer line.
        public mutating func add(_ line: BillLine) { add(seats: line.seats, amount: line.amount) }

        mutating func add(seats lineSeats: Int, amount lineAmount: Int64?) {
            organizations += 1
            seats += lineSeats
            if let a = lineAmount { amount = (amount ?? 0) + a } else { unpricedLines += 1; unpricedSeats += lineSeats }
        }
    }

    public var minorDigits: Int { currency.map(Currency.minorDigits) ?? 2 }

    public init(month: Month, rows: [UsageRow], daily: [String: MonthDailyFacts], prices: PriceList,
                customers: [String: Customer] = [:], includeFree: Bool = false, suspended: Set<String> = [], daysNotChecked: Int = 0) {
        self.init(month: month, prices: prices, customers: customers, includeFree: includeFree, daysNotChecked: daysNotChecked,
                  capacity: rows.count) { add in
            for row in rows { add(row, daily[row.organizationId], suspended.contains(row.organizationId), nil) }
        }
    }

    /// Names of lines that came without them (`MonthRead.namesFollow`), asked for once
    /// the lines are in name order: for each line, its rank and the place it was read
    /// at (how many rows were handed over before it); `set` gives a line its name.
    public typealias Names = (_ wanted: [(rank: Int, read: Int)], _ set: (_ line: Int, _ name: String) -> Void) -> Void

    /// The bill of the rows `read` hands over one at a time, each with its facts from
    /// the month's daily reports, whether it is suspended, and its name's rank in the
    /// name order if known: a month can be billed as it is read, without its monthly
    /// report or its daily facts held whole (`UsageStore.readingMonth`). With every
    /// rank, the lines are put in name order by integers (and rows that came without
    /// their names get them from `names`, in that order); without, by the names'
    /// collation keys.
    public init(month: Month, prices: PriceList, customers: [String: Customer] = [:], includeFree: Bool = false,
                daysNotChecked: Int = 0, capacity: Int = 0, names: Names? = nil,
                _ read: ((UsageRow, MonthDailyFacts?, _ suspended: Bool, _ rank: Int?) -> Void) throws -> Void) rethrows {
        self.month = month
        currency = prices.currency
        self.daysNotChecked = daysNotChecked
        demoPrices = prices.isDemo
        let digits = prices.currency.map(Currency.minorDigits) ?? 2
        var lines: [BillLine] = []
        lines.reserveCapacity(capacity)
        var ranks: [Int] = [], readAt: [Int32] = []
        ranks.reserveCapacity(capacity)
        if names != nil { readAt.reserveCapacity(capacity) }
        var ranked = true, rowsRead: Int32 = 0
        try read { row, facts, suspended, rank in
            defer { rowsRead += 1 }
            guard let line = Self.line(row, facts, suspended: suspended, prices: prices, customers: customers, includeFree: includeFree,
                                       daysNotChecked: daysNotChecked, minorDigits: digits) else { return }
            lines.append(line)
            if names != nil { readAt.append(rowsRead) }
            if let rank { ranks.append(rank) } else { ranked = false }
        }
        if ranked {
            // Equal names have equal ranks: after sorting, they are neighbours.
            let order = lines.indices.sorted { a, b in
                ranks[a] != ranks[b] ? ranks[a] < ranks[b] : lines[a].organizationId.utf8.lexicographicallyPrecedes(lines[b].organizationId.utf8)
            }
            lines.permute(by: order)
            if let names { names(order.map { (ranks[$0], Int(readAt[$0])) }) { lines[$0].organizationName = $1 } }
            var shared = Set<String>()
            for (i, (a, b)) in zip(order, order.dropFirst()).enumerated() where ranks[a] == ranks[b] { shared.insert(lines[i].organizationName) }
            self.lines = lines
            sameNames = SameNames(names: shared)
        } else {
            self.lines = TextSearch.collated(lines, name: \.organizationName, id: \.organizationId)
            sameNames = SameNames(self.lines.lazy.map { ($0.organizationName, $0.organizationId) })
        }
    }

    /// One organization's line by the rule (nil: free, and free lines are not listed).
    static func line(_ row: UsageRow, _ facts: MonthDailyFacts?, suspended: Bool, prices: PriceList, customers: [String: Customer],
                     includeFree: Bool, daysNotChecked: Int, minorDigits digits: Int) -> BillLine? {
        let isNFR = row.nfr || row.licenseType == .nfr
        let isTrial = !isNFR && (row.trial || row.licenseType == .trial)
        var notes: [String] = []
        var tier = row.tier
        if let highest = facts?.tiers.max(by: { $0.rank < $1.rank }), highest.rank > tier.rank {
            tier = highest
            notes.append("billed at \(highest.rawValue): a daily report of the month shows it (the monthly report says \(row.tier.rawValue))")
        } else if let facts, facts.tiers.count > 1 {
            let seen = facts.tiers.sorted { $0.rank < $1.rank }.map(\.rawValue).joined(separator: " → ")
            notes.append("tier changed mid-month (\(seen)): billed at \(tier.rawValue)")
        }
        var flagged = false
        if let facts, facts.peakConsumed > row.consumedLicenses {
            flagged = true
            notes.append("check: monthly below daily peak \(facts.peakConsumed)")
        }
        if isNFR || isTrial {
            guard includeFree else { return nil }
            notes.insert(isNFR ? "free: Not For Resale" : "free: trial", at: 0)
        }
        if suspended { notes.append(isNFR || isTrial ? "suspended" : "suspended: billed as active") }
        let customer = customers.isEmpty ? nil : customers[row.organizationId]
        let price = customer?.prices[tier] ?? prices.prices[tier]
        if customer?.prices[tier] != nil { notes.append("contract price") }
        if price == nil, !(isNFR || isTrial) {
            flagged = true
            notes.append("no price")
        }
        if daysNotChecked > 0 { notes.append(Self.notChecked(daysNotChecked)) }
        let amount: Int64? = price.map {
            isNFR || isTrial ? 0 : $0.amount(seats: row.consumedLicenses, minorDigits: digits, rounding: prices.rounding)
        }
        return BillLine(organizationId: row.organizationId, organizationName: row.organizationName,
                        customerId: customer?.customerId, tier: tier, licenseType: row.licenseType,
                        seats: row.consumedLicenses, unitPrice: price, amount: amount, isFree: isNFR || isTrial,
                        isFlagged: flagged, note: notes.joined(separator: "; "))
    }

    public static func notChecked(_ days: Int) -> String { "\(days) \(days == 1 ? "day" : "days") not checked" }

    /// Totals of the billed lines (free ones are not billed) of one tier, or of all.
    public func total(_ tier: Tier? = nil) -> Total {
        var t = Total()
        for line in lines where !line.isFree && (tier == nil || line.tier == tier) { t.add(line) }
        return t
    }

    /// The totals of Business, of Enterprise and of all, in one pass over the lines (a
    /// footer drawn on every key of a 50,000-line view).
    public func totals() -> (business: Total, enterprise: Total, all: Total) {
        var out = (business: Total(), enterprise: Total(), all: Total())
        // Each line's fields read where they lie: no copy of a line.
        lines.withUnsafeBufferPointer { lines in
            for i in lines.indices where !lines[i].isFree {
                let seats = lines[i].seats, amount = lines[i].amount, tier = lines[i].tier
                out.all.add(seats: seats, amount: amount)
                if tier == .business { out.business.add(seats: seats, amount: amount) }
                else if tier == .enterprise { out.enterprise.add(seats: seats, amount: amount) }
            }
        }
        return out
    }

    /// How many lines are flagged (to check before billing), counted with no line copied.
    public var flaggedCount: Int {
        lines.withUnsafeBufferPointer { lines in lines.indices.reduce(0) { $0 + (lines[$1].isFlagged ? 1 : 0) } }
    }

    /// The billed lines by customer and tier (free lines are not billed), in the one
    /// name order of the customer ids (no customer first), then tier.
    public func byCustomer() -> [CustomerLine] {
        // A customer's place found by a look-up of its id (none when no line has one),
        // its tiers by a look along its few; each line's fields read where they lie (a
        // copy of each 44,000 lines, and a key made and hashed for each, took 25 ms).
        var found: [(customerId: String, tiers: [(tier: Tier, total: Total)])] = []
        var place: [String: Int] = [:], last: (customer: String, at: Int)?
        lines.withUnsafeBufferPointer { lines in
            for i in lines.indices where !lines[i].isFree {
                let customer = lines[i].customerId ?? ""
                let at: Int
                if let last, last.customer == customer { at = last.at } else if let known = place[customer] { at = known } else {
                    at = found.count
                    place[customer] = at
                    found.append((customer, []))
                }
                last = (customer, at)
                let tier = lines[i].tier
                if let t = found[at].tiers.firstIndex(where: { $0.tier == tier }) {
                    found[at].tiers[t].total.add(seats: lines[i].seats, amount: lines[i].amount)
                } else {
                    var total = Total()
                    total.add(seats: lines[i].seats, amount: lines[i].amount)
                    found[at].tiers.append((tier, total))
                }
            }
        }
        let lines = found.flatMap { group in group.tiers.map { CustomerLine(customerId: group.customerId, tier: $0.tier, total: $0.total) } }
        return TextSearch.collated(lines, name: \.customerId, id: { $0.tier.rawValue })
    }

    /// A line's change against the month before (nil when not compared).
    public func delta(_ line: BillLine) -> BillDelta? {
        previous.map { BillDelta(seats: line.seats, amount: line.amount, previous: line.isFree ? nil : $0.lines[line.organizationId]) }
    }

    public func delta(_ line: CustomerLine) -> BillDelta? {
        guard let previous else { return nil }
        if line.isSubtotal {
            // The customer's tiers of the month before, together.
            let before = Tier.known.compactMap { previous.customers[PreviousBill.key(line.customerId, $0)] }
            guard !before.isEmpty else { return .new }
            let amounts = before.compactMap(\.amount)
            return BillDelta(seats: line.seats, amount: line.amount,
                             previous: (before.reduce(0) { $0 + $1.seats }, amounts.count == before.count ? amounts.reduce(0, +) : nil))
        }
        return BillDelta(seats: line.seats, amount: line.amount,
                         previous: previous.customers[PreviousBill.key(line.customerId, line.tier)].map { ($0.seats, $0.amount) })
    }

    /// What is wrong with the totals, in a line (nil when they are whole).
    public var incompleteness: String? { incompleteness(of: total()) }

    /// What `total` (this bill's) leaves out, and the days not checked.
    public func incompleteness(of t: Total) -> String? {
        var parts: [String] = []
        if !t.isComplete { parts.append("\(t.unpricedLines) \(t.unpricedLines == 1 ? "line" : "lines") unpriced: total incomplete") }
        if daysNotChecked > 0 { parts.append(Self.notChecked(daysNotChecked)) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    public static func == (a: Bill, b: Bill) -> Bool {
        a.month == b.month && a.currency == b.currency && a.lines == b.lines && a.daysNotChecked == b.daysNotChecked
            && a.demoPrices == b.demoPrices && a.previous == b.previous
    }
}

/// The names that two organizations share: wherever a name is shown, those carry the
/// end of their id, as the list shows them.
public struct SameNames: Sendable, Equatable {
    public let names: Set<String>

    /// Of organizations' names and ids (an organization may come more than once).
    public init<S: Sequence>(_ all: S) where S.Element == (name: String, id: String) {
        var first: [String: String] = [:], twice = Set<String>()
        for (name, id) in all {
            if let seen = first[name] { if seen != id { twice.insert(name) } } else { first[name] = id }
        }
        names = twice
    }

    public init(names: Set<String>) { self.names = names }

    /// A piece of an organization's id that tells it from others of the same name.
    public static func idSuffix(_ id: String) -> String { "·" + String(id.suffix(4)) }

    /// The name as shown: with the end of its id when another organization has it too.
    public func shown(_ name: String, id: String) -> String { names.contains(name) ? name + " " + Self.idSuffix(id) : name }
}
