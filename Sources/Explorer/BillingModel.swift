import Foundation
import Observation
import ProviderAPI
import Sync
import UsageStore

/// The billing view (`b`): a month's bill, its lines sorted by amount (or by seats when
/// no prices are set) or by the size of their change against the month before, by
/// organization or by customer, the selection, and the totals per tier.
@MainActor @Observable
public final class BillingModel: LineList {
    /// The month shown, once chosen.
    public private(set) var month: Month?
    public private(set) var bill: Bill?
    /// The bill's lines in the view's order: amount (or seats), largest first.
    public private(set) var lines = BillLines()
    /// The bill by customer and tier (with subtotals), in the same order.
    public private(set) var customerLines: [CustomerLine] = []
    /// Lines by customer (`u`) instead of by organization.
    public private(set) var byCustomer = false
    /// Ordered by the size of the change against the month before (`s`).
    public private(set) var byChange = false
    public private(set) var cursor = LineCursor()
    public var selected: Int { cursor.selected }
    /// Why there is no bill (the month is not cached, say).
    public private(set) var problem: String?

    @ObservationIgnored public let prices: PriceList
    @ObservationIgnored public let customers: [String: Customer]

    public init(prices: PriceList, customers: [String: Customer] = [:]) {
        self.prices = prices
        self.customers = customers
    }

    public var hasPrices: Bool { !prices.isEmpty || customers.values.contains { !$0.prices.isEmpty } }

    /// How many lines the view shows.
    public var count: Int { byCustomer ? customerLines.count : lines.count }

    /// Asks for the bill of `month` from the cache (the monthly report and the month's
    /// daily summary): the view says it is reading until the returned read is run
    /// (behind the screen) and lands; then the month before's bill is read the same
    /// way, for the Δ, so that the lines do not wait for it. Billed as it is read: no
    /// report is held whole. The lines take their ids and names from `listed` (the
    /// list's rows) where those say the same: 50,000 lines then cost no second copy of
    /// 50,000 ids and names. Only the newest read lands (its work's ticket).
    func request(_ month: Month, store: UsageStore, listed: [ListRow], historyStart: Day?) -> @Sendable () -> Work.Landing {
        self.month = month
        let keep = selectedKey ?? closedOn
        bill = nil; lines = BillLines(); customerLines = []; closedOn = nil; problem = nil
        let prices = self.prices, customers = self.customers
        let byAmount = hasPrices, byChange = self.byChange
        return {
            // The list's strings, indexed once for both reads.
            let shared = SharedStrings(listed)
            let bill = BillReader.read(month, store: store, shared: shared, prices: prices, customers: customers, includeFree: false,
                                       historyStart: historyStart)
            // Put in order here too, behind the screen: landing is then an assignment.
            let arranged = bill.map { Arrangement($0, byAmount: byAmount, byChange: byChange) }
            return { model in
                model.billing.landed(month: month, bill, arranged, keep: keep)
                guard let landed = bill else { return [] }
                return [model.read(.bill) {
                    var bill = landed
                    bill.previous = BillReader.previous(month.adding(months: -1), store: store, shared: shared, prices: prices,
                                                        customers: customers)
                    let arranged = bill.previous == nil ? nil : Arrangement(bill, byAmount: byAmount, byChange: byChange)
                    return { model in model.billing.previousLanded(bill, arranged); return [] }
                }]
            }
        }
    }

    /// The month before's bill came: the Δ column, and the order by change.
    private func previousLanded(_ compared: Bill, _ arranged: Arrangement?) {
        guard compared.previous != nil else { return }
        bill = compared
        arrange(keep: selectedKey, arranged)
    }

    /// The lines in the view's order, and the customer lines, for one choice of order.
    struct Arrangement: Sendable {
        let byAmount: Bool, byChange: Bool
        let order: [Int32]
        let customerLines: [CustomerLine]

        init(_ bill: Bill, byAmount: Bool, byChange: Bool) {
            self.byAmount = byAmount; self.byChange = byChange
            order = BillingModel.order(bill, byAmount: byAmount, byChange: byChange)
            customerLines = BillingModel.order(bill.byCustomer(), in: bill, byAmount: byAmount, byChange: byChange)
        }
    }

    /// The positions of `bill`'s lines in the view's order: by amount (or seats), or by
    /// the size of their change, largest first; then the bill's own (name) order.
    nonisolated static func order(_ bill: Bill, byAmount: Bool, byChange: Bool) -> [Int32] {
        let all = bill.lines
        let keys: [Int64] = all.map { line in
            if byChange, let delta = bill.delta(line) { return delta.magnitude(seats: line.seats, amount: line.amount) }
            return byAmount ? line.amount ?? -1 : Int64(line.seats)
        }
        var order = Array(Int32(0)..<Int32(all.count))
        order.sort { i, j in keys[Int(i)] != keys[Int(j)] ? keys[Int(i)] > keys[Int(j)] : i < j }
        return order
    }

    /// By customer: each customer's tiers together, under a subtotal when it has
    /// two; customers by their amount (or seats, or the size of their change), largest
    /// first, then in the bill's order of customer ids.
    nonisolated static func order(_ lines: [CustomerLine], in bill: Bill, byAmount: Bool, byChange: Bool) -> [CustomerLine] {
        var groups: [(customer: String, lines: [CustomerLine])] = []
        for line in lines {
            if groups.last?.customer == line.customerId { groups[groups.count - 1].lines.append(line) }
            else { groups.append((line.customerId, [line])) }
        }
        let rows: [[CustomerLine]] = groups.map { group in
            guard group.lines.count > 1 else { return group.lines }
            let amounts = group.lines.compactMap(\.amount)
            let subtotal = CustomerLine(customerId: group.customer, tier: Tier(rawValue: "total"),
                                        organizations: group.lines.reduce(0) { $0 + $1.organizations },
                                        seats: group.lines.reduce(0) { $0 + $1.seats },
                                        amount: amounts.isEmpty ? nil : amounts.reduce(0, +),
                                        unpricedLines: group.lines.reduce(0) { $0 + $1.unpricedLines }, isSubtotal: true)
            let tiers = group.lines.sorted { key($0) > key($1) }
            return tiers + [subtotal]
        }
        func key(_ line: CustomerLine) -> Int64 {
            if byChange, let delta = bill.delta(line) { return delta.magnitude(seats: line.seats, amount: line.amount) }
            return byAmount ? line.amount ?? -1 : Int64(line.seats)
        }
        let keys = rows.map { key($0.last!) }
        return rows.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }.flatMap { rows[$0] }
    }

    private func landed(month: Month, _ bill: Bill?, _ arranged: Arrangement?, keep: String?) {
        guard let bill else {
            cursor.first()
            problem = "no monthly report for \(month) in the cache"
            return
        }
        self.bill = bill
        problem = nil
        arrange(keep: keep, arranged)
    }

    /// Orders the lines as the view asks, keeping the selected one: in the order
    /// `arranged` already holds when it is the one asked for (made behind the screen).
    private func arrange(keep: String?, _ arranged: Arrangement? = nil) {
        guard let bill else { return }
        let byAmount = hasPrices
        let arrangement = arranged.flatMap { $0.byAmount == byAmount && $0.byChange == byChange ? $0 : nil }
            ?? Arrangement(bill, byAmount: byAmount, byChange: byChange)
        lines = BillLines(bill: bill.lines, order: arrangement.order)
        customerLines = arrangement.customerLines
        cursor.land(on: keep.flatMap(position(of:)), in: count)
    }

    /// The selected line's key: an organization's id, or a customer line's `selectionKey`.
    var selectedKey: String? { byCustomer ? selectedCustomer.map(Self.selectionKey) : selectedLine?.organizationId }

    /// A customer line's key for the selection: its customer and tier, or its subtotal.
    private static func selectionKey(_ line: CustomerLine) -> String {
        "customer:" + PreviousBill.key(line.customerId, line.tier) + (line.isSubtotal ? ":total" : "")
    }

    private func position(of key: String) -> Int? {
        if key.hasPrefix("customer:") { return byCustomer ? customerLines.firstIndex { Self.selectionKey($0) == key } : nil }
        return byCustomer ? nil : lines.firstIndex { $0.organizationId == key }
    }

    public var selectedLine: BillLine? { !byCustomer && lines.indices.contains(selected) ? lines[selected] : nil }
    public var selectedCustomer: CustomerLine? { byCustomer && customerLines.indices.contains(selected) ? customerLines[selected] : nil }

    /// By customer, or back by organization: the cursor stays on the selected
    /// organization's customer line, or goes to the customer's first organization.
    public func toggleByCustomer() {
        if byCustomer {
            let customer = selectedCustomer
            byCustomer = false
            cursor.land(on: customer.flatMap { c in
                lines.firstIndex { ($0.customerId ?? "") == c.customerId && (c.isSubtotal || $0.tier == c.tier) && !$0.isFree }
            }, in: count)
        } else {
            let line = selectedLine
            byCustomer = true
            cursor.land(on: line.flatMap { l in customerLines.firstIndex { $0.customerId == (l.customerId ?? "") && $0.tier == l.tier } }, in: count)
        }
    }

    /// By the size of the change against the month before, or back by amount.
    public func toggleByChange() {
        byChange.toggle()
        arrange(keep: selectedKey)
    }

    /// The organization selected when the view closed: selected again when it opens.
    @ObservationIgnored private var closedOn: String?

    /// The view closed: the lines go; the month and the selected organization stay.
    public func close() {
        closedOn = selectedKey
        bill = nil; lines = BillLines(); customerLines = []; problem = nil
    }

    public func move(by delta: Int) { cursor.move(by: delta, in: count) }
    public func selectFirst() { cursor.first() }
    public func selectLast() { cursor.last(in: count) }
}

/// A month's bill read from the cache, the one way the view and `bill` read it.
public enum BillReader {
    /// The bill of `month` from the cache; nil when its monthly report is not cached.
    /// Days of the month with no cached daily report (and not before the start of the
    /// API's history) are counted as not checked. `compare`: with the month before's
    /// bill, when that is cached.
    public static func bill(_ month: Month, store: UsageStore, listed: [ListRow] = [], prices: PriceList,
                            customers: [String: Customer], includeFree: Bool = false, historyStart: Day?,
                            compare: Bool) -> Bill? {
        let shared = SharedStrings(listed)
        guard var bill = read(month, store: store, shared: shared, prices: prices, customers: customers,
                              includeFree: includeFree, historyStart: historyStart) else { return nil }
        if compare {
            bill.previous = previous(month.adding(months: -1), store: store, shared: shared, prices: prices, customers: customers)
        }
        return bill
    }

    /// The days of `month` whose checks cannot run from the cache.
    public static func daysNotChecked(_ month: Month, store: UsageStore, historyStart: Day?) -> Int {
        let cached = (try? store.cachedDays(of: month)) ?? []
        return month.days.filter { day in !cached.contains(day) && !(historyStart.map { day < $0 } ?? false) }.count
    }

    /// What the view's Δ needs of `month`'s bill, kept as it is read (no line held,
    /// no name read); nil when the month is not cached.
    static func previous(_ month: Month, store: UsageStore, shared: SharedStrings, prices: PriceList,
                         customers: [String: Customer]) -> PreviousBill? {
        (try? store.readingMonth(month) { read in
            try PreviousBill(month: month, prices: prices, customers: customers, capacity: store.rowCount(.monthly(month)) ?? 0) { add in
                try read.rows(ids: shared.ids()) { row, facts, suspended, _ in add(row, facts.map(MonthDailyFacts.init), suspended) }
            }
        }) ?? nil
    }

    static func read(_ month: Month, store: UsageStore, shared: SharedStrings, prices: PriceList, customers: [String: Customer],
                     includeFree: Bool, historyStart: Day?) -> Bill? {
        let notChecked = daysNotChecked(month, store: store, historyStart: historyStart)
        let capacity = store.rowCount(.monthly(month)) ?? 0
        return (try? store.readingMonth(month) { read in
            // Where each row's organization is in the list (-1: not there), by the
            // order rows were read: its name is the list's when the bytes are the same.
            var listed: [Int32] = []
            listed.reserveCapacity(capacity)
            var failure: Error?
            let names: Bill.Names = { wanted, set in
                var last: (rank: Int, name: String)?
                do {
                    try read.names(ofRanks: wanted.map(\.rank)) { i, bytes in
                        // The list's string, else the one made for the same name just
                        // before (equal names are neighbours), else one of its own.
                        let rank = wanted[i].rank
                        let name = shared.heldName(bytes, of: listed[wanted[i].read])
                            ?? (last?.rank == rank ? last!.name : String(decoding: bytes, as: UTF8.self))
                        last = (rank, name)
                        set(i, name)
                    }
                } catch { failure = error }
            }
            let bill = try Bill(month: month, prices: prices, customers: customers, includeFree: includeFree, daysNotChecked: notChecked,
                                capacity: capacity, names: read.namesFollow ? names : nil) { add in
                // The list's id for each row, found by its bytes (no string made), and
                // where it is in the list, for its name.
                var at: Int32 = -1
                try read.rows(ids: shared.ids { at = $0 }) { row, facts, suspended, rank in
                    listed.append(at)
                    add(shared.sharingName(row, of: at), facts.map(MonthDailyFacts.init), suspended, rank)
                }
            }
            if let failure { throw failure }
            return bill
        }) ?? nil
    }
}

/// A bill's lines in another order, without a second copy of them.
public struct BillLines: RandomAccessCollection, Sendable {
    let bill: [BillLine]
    let order: [Int32]
    init(bill: [BillLine] = [], order: [Int32] = []) { self.bill = bill; self.order = order }
    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }
    public subscript(i: Int) -> BillLine { bill[Int(order[i])] }
}

extension MonthDailyFacts {
    init(_ facts: DailyFacts) { self.init(tiers: facts.tiers, peakConsumed: facts.peakConsumed, days: facts.days) }

}
