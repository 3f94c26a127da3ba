import Foundation
import Observation
import ProviderAPI
import Sync
import UsageStore

/// A view that is a list of lines with a cursor (the bill, the changes): what the
/// front's movement keys act on.
@MainActor public protocol LineList: AnyObject {
    func move(by delta: Int)
    func selectFirst()
    func selectLast()
}

/// The billing view (`b`): a month's bill, its lines sorted by amount (or by seats when
/// no prices are set), the selection, and the totals per tier.
@MainActor @Observable
public final class BillingModel: LineList {
    /// The month shown, once chosen.
    public private(set) var month: Month?
    public private(set) var bill: Bill?
    /// The bill's lines in the view's order: amount (or seats), largest first.
    public private(set) var lines = BillLines()
    public private(set) var selected = 0
    /// Why there is no bill (the month is not cached, say).
    public private(set) var problem: String?

    @ObservationIgnored public let prices: PriceList
    @ObservationIgnored public let customers: [String: Customer]

    public init(prices: PriceList = PriceList(), customers: [String: Customer] = [:]) {
        self.prices = prices
        self.customers = customers
    }

    public var hasPrices: Bool { !prices.isEmpty || customers.values.contains { !$0.prices.isEmpty } }

    /// Asks for the bill of `month` from the cache (the monthly report and the month's
    /// cached daily reports): the view says it is reading until `ViewRead` is run (behind
    /// the screen: at 50,000 organizations the month's daily facts take most of a second)
    /// and lands. Billed as it is read: neither report is held whole. The lines take
    /// their ids and names from `listed` (the list's rows) where those say the same:
    /// 50,000 lines then cost no second copy of 50,000 ids and names.
    func request(_ month: Month, store: UsageStore, listed: [ListRow]) -> ViewRead {
        self.month = month
        let keep = selectedLine?.organizationId ?? closedOn
        bill = nil; lines = BillLines(); closedOn = nil; problem = nil
        requests += 1
        let request = requests, prices = self.prices, customers = self.customers, byAmount = hasPrices
        return ViewRead {
            let built = Self.build(month, store: store, listed: listed, prices: prices, customers: customers, byAmount: byAmount)
            return { model in model.billing.landed(request, month: month, built, keep: keep) }
        }
    }

    /// Requests made: only the last one's bill lands.
    @ObservationIgnored private var requests = 0

    /// The bill and its lines' order by amount (or seats), largest first; nil when the
    /// month's report is not cached.
    nonisolated static func build(_ month: Month, store: UsageStore, listed: [ListRow], prices: PriceList,
                                  customers: [String: Customer], byAmount: Bool) -> (bill: Bill, order: [Int32])? {
        var found = false
        let shared = SharedStrings(listed)
        let bill = Bill(month: month, prices: prices, customers: customers, capacity: store.rowCount(.monthly(month)) ?? 0) { add in
            found = (try? store.monthlyRowsWithDailyFacts(month) { row, facts in
                add(shared.sharing(row), facts.map(MonthDailyFacts.init))
            }) == true
        }
        guard found else { return nil }
        let all = bill.lines
        var order = Array(Int32(0)..<Int32(all.count))
        order.sort { i, j in
            let a = all[Int(i)], b = all[Int(j)]
            let (x, y) = byAmount ? (a.amount ?? -1, b.amount ?? -1) : (Int64(a.seats), Int64(b.seats))
            return x != y ? x > y : (a.organizationName, a.organizationId) < (b.organizationName, b.organizationId)
        }
        return (bill, order)
    }

    private func landed(_ request: Int, month: Month, _ built: (bill: Bill, order: [Int32])?, keep: String?) {
        guard request == requests else { return }
        guard let built else {
            selected = 0
            problem = "no monthly report for \(month) in the cache"
            return
        }
        bill = built.bill
        problem = nil
        lines = BillLines(bill: built.bill.lines, order: built.order)
        selected = keep.flatMap { id in lines.firstIndex { $0.organizationId == id } } ?? 0
    }

    public var selectedLine: BillLine? { lines.indices.contains(selected) ? lines[selected] : nil }

    /// The organization selected when the view closed: selected again when it opens.
    @ObservationIgnored private var closedOn: String?

    /// The view closed: the lines go; the month and the selected organization stay.
    func close() {
        closedOn = selectedLine?.organizationId
        bill = nil; lines = BillLines(); problem = nil
        // A read still running lands in a closed view: it is dropped.
        requests += 1
    }

    public func move(by delta: Int) {
        guard !lines.isEmpty else { return }
        selected = min(max(0, selected + delta), lines.count - 1)
    }

    public func selectFirst() { selected = 0 }
    public func selectLast() { selected = max(0, lines.count - 1) }
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

    /// What the cached daily reports of `month` say of each organization, by its id.
    public static func of(_ month: Month, in store: UsageStore) throws -> [String: MonthDailyFacts] {
        try store.dailyFacts(of: month).mapValues(MonthDailyFacts.init)
    }
}
