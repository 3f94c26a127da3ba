import ProviderAPI

/// What an MSP bills for: a currency and a unit price a tier, from `[prices]` in the
/// config file or `--prices FILE`.
public struct PriceList: Sendable, Equatable {
    public var currency: String?
    public var prices: [Tier: UnitPrice] = [:]
    public init(currency: String? = nil, prices: [Tier: UnitPrice] = [:]) { self.currency = currency; self.prices = prices }
    public var isEmpty: Bool { prices.isEmpty }
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
    /// The monthly report is below a day's consumed seats: check it before billing.
    public var isFlagged: Bool
    public var note: String
}

/// A month's bill, by NordPass's MSP billing rule:
/// - billed seats are the organization's consumed licenses (active + pending) in the
///   month's monthly report (a seat active on any day counts for the whole month);
/// - the tier is the monthly report's, or a higher one (Enterprise above Business) that
///   a cached daily report of the month shows, and the line says so;
/// - trial and NFR licenses are free: no line is billed (`all` lists them, amount 0);
///   suspended organizations are billed like active ones;
/// - a day with more consumed seats than the monthly report flags the line.
public struct Bill: Sendable, Equatable {
    public var month: Month
    public var currency: String?
    /// Ordered by organization name, then id.
    public var lines: [BillLine]

    public struct Total: Sendable, Equatable {
        public var organizations = 0
        public var seats = 0
        /// Sum of the lines' amounts; nil when no line has a price.
        public var amount: Int64?
        public init() {}
    }

    public var minorDigits: Int { currency.map(Currency.minorDigits) ?? 2 }

    public init(month: Month, rows: [UsageRow], daily: [String: MonthDailyFacts], prices: PriceList,
                customers: [String: Customer] = [:], includeFree: Bool = false) {
        self.init(month: month, prices: prices, customers: customers, includeFree: includeFree, capacity: rows.count) { add in
            for row in rows { add(row, daily[row.organizationId]) }
        }
    }

    /// The bill of the rows `read` hands over one at a time, each with its facts from
    /// the month's daily reports: a month can be billed as it is read, without its
    /// monthly report or its daily facts held whole (`UsageStore.monthlyRowsWithDailyFacts`).
    public init(month: Month, prices: PriceList, customers: [String: Customer] = [:], includeFree: Bool = false, capacity: Int = 0,
                _ read: ((UsageRow, MonthDailyFacts?) -> Void) throws -> Void) rethrows {
        self.month = month
        currency = prices.currency
        let digits = prices.currency.map(Currency.minorDigits) ?? 2
        var lines: [BillLine] = []
        lines.reserveCapacity(capacity)
        try read { row, facts in
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
                guard includeFree else { return }
                notes.insert(isNFR ? "free: Not For Resale" : "free: trial", at: 0)
            }
            let customer = customers[row.organizationId]
            let price = customer?.prices[tier] ?? prices.prices[tier]
            if customer?.prices[tier] != nil { notes.append("contract price") }
            let amount: Int64? = price.map { isNFR || isTrial ? 0 : $0.amount(seats: row.consumedLicenses, minorDigits: digits) }
            lines.append(BillLine(organizationId: row.organizationId, organizationName: row.organizationName,
                                  customerId: customer?.customerId, tier: tier, licenseType: row.licenseType,
                                  seats: row.consumedLicenses, unitPrice: price, amount: amount, isFree: isNFR || isTrial,
                                  isFlagged: flagged, note: notes.joined(separator: "; ")))
        }
        lines.sort { ($0.organizationName, $0.organizationId) < ($1.organizationName, $1.organizationId) }
        self.lines = lines
    }

    /// Totals of the billed lines (free ones are not billed) of one tier, or of all.
    public func total(_ tier: Tier? = nil) -> Total {
        var t = Total()
        for line in lines where !line.isFree && (tier == nil || line.tier == tier) {
            t.organizations += 1
            t.seats += line.seats
            if let a = line.amount { t.amount = (t.amount ?? 0) + a }
        }
        return t
    }

    // MARK: - Renderings

    public static let columns = ["month", "organizationId", "organizationName", "customerId", "tier", "licenseType", "seats",
                                 "unitPrice", "amount", "currency", "note"]

    /// The lines as a table of the `bill` CSV's columns.
    public var table: ExportTable {
        let month = JSONValue.string(self.month.description)
        let digits = minorDigits
        return ExportTable(columns: Self.columns, rows: lines.map { line in
            [month, .string(line.organizationId), .string(line.organizationName), .string(line.customerId ?? ""),
             .string(line.tier.rawValue), .string(line.licenseType.rawValue), .number(Double(line.seats)),
             .string(line.unitPrice?.text(minorDigits: digits) ?? ""),
             .string(line.amount.map { MoneyText.amount($0, minorDigits: digits) } ?? ""),
             .string(line.unitPrice == nil ? "" : currency ?? ""), .string(line.note)]
        })
    }

    /// `{"month", "currency", "lines": [...], "totals": {"business", "enterprise", "all"}}`;
    /// money as decimal strings, never binary floating point.
    public func json() -> String {
        let digits = minorDigits
        func money(_ m: Int64?) -> String { m.map { JSONText.quote(MoneyText.amount($0, minorDigits: digits)) } ?? "null" }
        func totalJSON(_ t: Total) -> String {
            "{\"organizations\": \(t.organizations), \"seats\": \(t.seats), \"amount\": \(money(t.amount))}"
        }
        var out = "{\n  \"month\": \(JSONText.quote(month.description)),\n  \"currency\": \(currency.map(JSONText.quote) ?? "null"),\n  \"lines\": ["
        for (i, line) in lines.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += "    {\"month\": \(JSONText.quote(month.description)), \"organizationId\": \(JSONText.quote(line.organizationId)), "
                + "\"organizationName\": \(JSONText.quote(line.organizationName)), \"customerId\": \(line.customerId.map(JSONText.quote) ?? "null"), "
                + "\"tier\": \(JSONText.quote(line.tier.rawValue)), \"licenseType\": \(JSONText.quote(line.licenseType.rawValue)), "
                + "\"seats\": \(line.seats), \"unitPrice\": \(line.unitPrice.map { JSONText.quote($0.text(minorDigits: digits)) } ?? "null"), "
                + "\"amount\": \(money(line.amount)), \"currency\": \(line.unitPrice == nil ? "null" : currency.map(JSONText.quote) ?? "null"), "
                + "\"note\": \(JSONText.quote(line.note))}"
        }
        out += lines.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"totals\": {\"business\": \(totalJSON(total(.business))), \"enterprise\": \(totalJSON(total(.enterprise))), \"all\": \(totalJSON(total()))}\n}\n"
        return out
    }

    /// The lines aligned for a person, and a footer of totals per tier and overall.
    public func text() -> String {
        let columns = ["organizationName", "customerId", "tier", "licenseType", "seats", "unitPrice", "amount", "note"]
        let picked = table.rows.map { row in columns.map { row[Self.columns.firstIndex(of: $0)!] } }
        var out = ExportTable(columns: columns, rows: picked).table(maxColumnWidth: 72)
        let digits = minorDigits
        out += "\n"
        for (label, t) in [("business", total(.business)), ("enterprise", total(.enterprise)), ("total", total())] {
            let amount = t.amount.map { "  " + MoneyText.amount($0, minorDigits: digits) + " " + (currency ?? "") } ?? ""
            out += "\(label.padding(toLength: 11, withPad: " ", startingAt: 0))\(t.organizations) organizations, \(t.seats) seats\(amount)\n"
        }
        return out
    }
}
