import Foundation
import Testing
import TestSupport
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import UsageStore

/// Issue 26: the bill's rules below the command: the collation, rounding, the change
/// against the month before, by customer, and the month's daily summary in the cache.
@MainActor @Suite(.serialized)
struct BillRoundTwoUnitTests {
    let dir = TempDir()

    func row(_ id: String, _ name: String, _ tier: Tier = .business, seats: Int, license: LicenseType = .standard) -> UsageRow {
        UsageRow(organizationId: id, organizationName: name, tier: tier, licenseType: license, trial: license == .trial,
                 nfr: license == .nfr, activeSeats: seats, pendingSeats: 0, consumedLicenses: seats)
    }

    @Test func namesCollateFoldedWithDigitsAsNumbers() {
        let names = ["AB 10", "Woodgrove", "ab 2", "Ångström Labs", "Alpine", "AB 2", "AB 007", "AB 7", "AB", "AB 1a", "AB 10 x", "Zeta 0"]
        let sorted = TextSearch.collated(names.enumerated().map { ($0.element, "o\($0.offset)") }, name: \.0, id: \.1).map(\.0)
        #expect(sorted == ["AB", "AB 1a", "ab 2", "AB 2", "AB 007", "AB 7", "AB 10", "AB 10 x", "Alpine", "Ångström Labs", "Woodgrove", "Zeta 0"],
                "\(sorted)")
        // The comparison on folded bytes is the memcmp order of the cache's keys.
        let pool = ["a1", "a01", "a10", "a9b", "a", "a-1", "a:1", "a/1", "a1b2", "a1b10", "9", "10", "", "x 99999999999999999999", "x 100000000000000000000"]
        for a in pool + ["Adatum AB 2", "Adatum AB 10", "ab 0000000000000000007x", "x 12345678901234567890"] {
            let key = TextSearch.sortKey(a)
            func word(_ from: Int) -> UInt64 { (from..<(from + 8)).reduce(0) { $0 << 8 | UInt64($1 < key.count ? key[$1] : 0) } }
            #expect(TextSearch.numberedPrefix(TextSearch.fold(a)) == (word(0), word(8)), "\(a)")
        }
        for a in pool { for b in pool {
            let natural = TextSearch.naturalCompare(TextSearch.fold(a), TextSearch.fold(b))
            #expect(natural == TextSearch.compare(TextSearch.sortKey(a), TextSearch.sortKey(b)), "\(a) vs \(b)")
        } }
    }

    /// A change is a signed number: CSV leaves it as it is; the formula guard still
    /// guards text that only starts like one.
    @Test func signedNumbersAreNotGuardedAsFormulas() {
        let table = ExportTable(columns: ["v"], rows: [["-7.98", "+3", "-cmd|' /C calc'!A0", "+1+1", "-", "-1.", "=1"].map(JSONValue.string)].flatMap { $0.map { [$0] } })
        #expect(table.csv() == "v\r\n-7.98\r\n+3\r\n'-cmd|' /C calc'!A0\r\n'+1+1\r\n'-\r\n'-1.\r\n'=1\r\n")
    }

    /// The bill's own CSV writer gives the bytes of the table's, in every mode.
    @Test func theBillsCSVIsTheTablesCSV() throws {
        let rows = [row("o1", "=cmd|' /C calc'!A0", seats: 3), row("o2", "Quote \"and\", comma", .enterprise, seats: 5),
                    row("o3", "Esc\u{1B}[31m red", seats: 7), row("o4", "Trial", seats: 2, license: .trial), row("o5", "+Plus", seats: 0),
                    row("o6", "Next\u{85}line ©", seats: 4), row("o7", "@at", seats: 1), row("o8", "\tTab 北京 🙂", .enterprise, seats: 12),
                    row("o9", "-", seats: 1234567)]
        let daily = ["o1": MonthDailyFacts(tiers: [.business, .enterprise], peakConsumed: 9, days: 30)]
        let customers = ["o2": Customer(customerId: "-K,1", prices: [.enterprise: try UnitPrice.parse("1.2345")])]
        for prices in [PriceList(), PriceList(currency: "JPY", prices: [.business: try UnitPrice.parse("3.5")]),
                       PriceList(currency: "BHD", prices: [.business: try UnitPrice.parse("0.0015"), .enterprise: try UnitPrice.parse("1000")]), .demo] {
            let bill = Bill(month: Month("2026-10")!, rows: rows, daily: daily, prices: prices, customers: customers, includeFree: true,
                            suspended: ["o3"], daysNotChecked: 2)
            for options in [ExportTable.CSVOptions(), .init(raw: true), .init(forTerminal: true), .init(raw: true, forTerminal: true)] {
                #expect(bill.csv(options) == bill.table.csv(options), "\(prices) \(options)")
            }
        }
    }

    @Test func roundingAndPriceLists() throws {
        let eighth = try UnitPrice.parse("0.125")
        #expect(eighth.amount(seats: 5, minorDigits: 2, rounding: .halfEven) == 62 && eighth.amount(seats: 5, minorDigits: 2, rounding: .halfUp) == 63)
        #expect(eighth.amount(seats: 7, minorDigits: 2, rounding: .halfEven) == 88 && eighth.amount(seats: 7, minorDigits: 2, rounding: .halfUp) == 88)
        #expect(eighth.amount(seats: 1, minorDigits: 2, rounding: .halfUp) == 13 && eighth.amount(seats: 1, minorDigits: 2) == 12)
        let rows = [row("o1", "A", seats: 5)]
        let up = Bill(month: Month("2026-10")!, rows: rows, daily: [:], prices: PriceList(currency: "EUR", prices: [.business: eighth], rounding: .halfUp))
        #expect(up.lines[0].amount == 63)
        #expect(PriceList.demo.isDemo && PriceList.demo.currency == "EUR" && !PriceList.demo.isEmpty)
    }

    @Test func theChangeAgainstTheMonthBefore() {
        let month = Month("2026-10")!
        let before = Bill(month: month.adding(months: -1), rows: [row("o1", "A", seats: 10), row("o2", "B", seats: 4)], daily: [:], prices: PriceList())
        var bill = Bill(month: month, rows: [row("o1", "A", seats: 7), row("o2", "B", seats: 4), row("o3", "C", seats: 2)], daily: [:], prices: PriceList())
        bill.previous = PreviousBill(before)
        // No prices: the change is the seats'.
        #expect(bill.lines.map { bill.delta($0) } == [.seats(-3), .seats(0), .new])
        #expect(bill.table.rows.map { Array($0.suffix(3)) } == [[.number(10), .string(""), .string("-3")], [.number(4), .string(""), .string("0")],
                                                             [.string(""), .string(""), .string("new")]])
        let priced = PriceList(currency: "EUR", prices: [.business: UnitPrice(tenThousandths: 10_000)])
        var withPrices = Bill(month: month, rows: [row("o1", "A", seats: 7)], daily: [:], prices: priced)
        withPrices.previous = PreviousBill(Bill(month: month.adding(months: -1), rows: [row("o1", "A", seats: 10)], daily: [:], prices: priced))
        #expect(withPrices.delta(withPrices.lines[0]) == .amount(-300))
        #expect(withPrices.table.rows[0].suffix(3) == [.number(10), .string("10.00"), .string("-3.00")])
        // Kept as it is read (the view's Δ) or from the whole bill: the same.
        let rows = [row("o1", "A", seats: 7), row("o2", "B", .enterprise, seats: 4), row("o3", "C", seats: 2, license: .trial), row("o4", "D", seats: 9)]
        let customers = ["o1": Customer(customerId: "K", prices: [.business: UnitPrice(tenThousandths: 20_000)]), "o2": Customer(customerId: "K")]
        let half = PriceList(currency: "EUR", prices: [.business: UnitPrice(tenThousandths: 10_000)])
        let streamed = PreviousBill(month: month, prices: half, customers: customers) { add in for r in rows { add(r, nil, false) } }
        let whole = PreviousBill(Bill(month: month, rows: rows, daily: [:], prices: half, customers: customers))
        #expect(streamed == whole && streamed.total.unpricedLines == 1 && streamed.customers.count == 3)
        #expect(streamed.customers.keys.sorted() == whole.customers.keys.sorted()
                && streamed.customers.allSatisfy { k, v in whole.customers[k].map { $0.seats == v.seats && $0.amount == v.amount } ?? false })
        // The view orders by the size of the change: the biggest first, new lines by their size.
        let order = BillingModel.order(bill, byAmount: false, byChange: true).map { bill.lines[Int($0)].organizationId }
        #expect(order == ["o1", "o3", "o2"])
    }

    @Test func byCustomerHasSubtotalsInTheView() {
        let rows = [row("o1", "A", seats: 3), row("o2", "B", .enterprise, seats: 5), row("o3", "C", seats: 7), row("o4", "D", seats: 1, license: .trial)]
        let customers = ["o1": Customer(customerId: "K-1"), "o2": Customer(customerId: "K-1")]
        let bill = Bill(month: Month("2026-10")!, rows: rows, daily: [:], prices: PriceList(), customers: customers, includeFree: true)
        let lines = bill.byCustomer()
        #expect(lines.map { "\($0.customerId)|\($0.tier.rawValue)|\($0.organizations)|\($0.seats)" } == ["|business|1|7", "K-1|business|1|3", "K-1|enterprise|1|5"],
                "free lines are not billed; no customer first")
        let view = BillingModel.order(lines, in: bill, byAmount: false, byChange: false)
        #expect(view.map { "\($0.customerId)|\($0.isSubtotal ? "total" : $0.tier.rawValue)|\($0.seats)" } == ["K-1|enterprise|5", "K-1|business|3", "K-1|total|8", "|business|7"])
        #expect(bill.customerTable.columns == ["month", "customerId", "tier", "organizations", "seats", "amount", "currency"])
        // The one-pass totals are the per-tier ones, an unknown tier counted in all only.
        let mixed = Bill(month: Month("2026-10")!, rows: rows + [row("o9", "P", Tier(rawValue: "platinum"), seats: 4)], daily: [:],
                         prices: PriceList(currency: "EUR", prices: [.business: UnitPrice(tenThousandths: 10_000)]), customers: customers)
        let totals = mixed.totals()
        #expect(totals.business == mixed.total(.business) && totals.enterprise == mixed.total(.enterprise) && totals.all == mixed.total())
        #expect(totals.all.organizations == 4 && totals.all.unpricedLines == 2)
    }

    /// Item 10: the sync keeps each month's daily summary as it writes; a day written
    /// again is summarised anew; a cache without summaries is summarised when read; the
    /// summary says what every daily row says.
    @Test func theMonthsSummaryIsWhatItsDaysSay() throws {
        let store = try UsageStore.open(path: dir.file("s.sqlite3"))
        let data = DataSet(organizationCount: 120, seed: 3, today: Day("2026-11-29")!)
        try fill(store, from: data)
        let october = Month("2026-10")!
        func viaSummary() throws -> [String: DailyFactsBox] {
            var out: [String: DailyFactsBox] = [:]
            _ = try store.monthlyRowsWithDailyFacts(october) { row, facts, _, _ in if let facts { out[row.organizationId] = DailyFactsBox(facts) } }
            return out
        }
        func direct() throws -> [String: DailyFactsBox] {
            let monthly = Set(try #require(try store.report(.monthly(october))).rows.map(\.organizationId))
            return try store.dailyFacts(of: october).filter { monthly.contains($0.key) }.mapValues(DailyFactsBox.init)
        }
        let summarised = try viaSummary(), read = try direct()
        #expect(summarised == read && summarised.count > 100)
        // A day written again, with an organization's seats raised and a tier changed.
        var day = try #require(try store.report(.daily(Day("2026-10-14")!)))
        day.rows[0].activeSeats += 500; day.rows[0].consumedLicenses += 500
        day.rows[1].tier = day.rows[1].tier == .business ? .enterprise : .business
        try store.write(day, fetchedAt: Date())
        let again = try viaSummary(), readAgain = try direct()
        #expect(again == readAgain)
        #expect(again[day.rows[0].organizationId]?.peak == day.rows[0].consumedLicenses)
    }
    /// The month is read as passes in key order merged in step: every row of the
    /// monthly report comes once, as the report has it, with its own facts and its
    /// name's rank; and the bill made of it (in name order, then id) is the bill made
    /// of the report and the month's daily rows grouped (the reads before the summary).
    @Test func theMonthIsReadWholeWithItsRanks() throws {
        let store = try UsageStore.open(path: dir.file("merged.sqlite3"))
        let data = DataSet(organizationCount: 400, seed: 11, today: Day("2026-11-29")!)
        try fill(store, from: data)
        let october = Month("2026-10")!
        let report = try #require(try store.report(.monthly(october)))
        // One organization of the monthly report is in no daily report of the month.
        let dayless = report.rows[report.rows.count / 2].organizationId
        for day in october.days {
            guard var daily = try store.report(.daily(day)) else { continue }
            daily.rows.removeAll { $0.organizationId == dayless }
            try store.write(daily, fetchedAt: Date())
        }
        let facts = try store.dailyFacts(of: october)
        #expect(facts[dayless] == nil && facts.count > 300)
        var seen: [(rank: Int, row: UsageRow, facts: DailyFactsBox?)] = []
        #expect(try store.monthlyRowsWithDailyFacts(october) { row, f, _, rank in seen.append((rank ?? -1, row, f.map(DailyFactsBox.init))) })
        #expect(seen.count == report.rows.count && Set(seen.map(\.row.organizationId)).count == seen.count)
        let byId = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.organizationId, $0) })
        for s in seen {
            var want = try #require(byId[s.row.organizationId])
            want.extra = [:]
            #expect(s.row == want)
            #expect(s.facts == facts[s.row.organizationId].map(DailyFactsBox.init), "\(s.row.organizationId)")
        }
        // Ranks in the name order: the report's names sorted by rank are in the list's order.
        #expect(seen.allSatisfy { $0.rank >= 0 })
        let byRank = seen.sorted { $0.rank < $1.rank }.map(\.row.organizationName)
        #expect(byRank == TextSearch.collated(byRank.map { ($0, "") }, name: \.0, id: \.1).map(\.0))
        #expect(Dictionary(grouping: seen, by: \.rank).values.contains { Set($0.map(\.row.organizationId)).count > 1 },
                "two organizations share a name, and a rank")
        #expect(seen.filter { $0.facts == nil }.map(\.row.organizationId) == [dayless])
        let merged = try #require(BillReader.bill(october, store: store, prices: .demo, customers: [:], historyStart: nil, compare: false))
        let suspended = Set(try store.organizations().filter { $0.status == .suspended }.map(\.id))
        let direct = Bill(month: october, rows: report.rows, daily: facts.mapValues(MonthDailyFacts.init), prices: .demo,
                          suspended: suspended, daysNotChecked: merged.daysNotChecked)
        #expect(merged.lines.count > 300 && merged.lines == direct.lines)
        #expect(merged.sameNames == direct.sameNames && !merged.sameNames.names.isEmpty && !suspended.isEmpty)

        // With the list's rows (the view's read): the same lines, and a name that the
        // list has with the same bytes is the list's own string, read after the order.
        // Every third organization is renamed in the list, every seventh not in it.
        let listed = report.rows.enumerated().compactMap { i, row -> ListRow? in
            guard i % 7 != 3 else { return nil }
            let name = i % 3 == 0 ? row.organizationName + " (renamed since)" : row.organizationName
            return ListRow(id: row.organizationId, name: name, tier: row.tier, licenseType: row.licenseType, status: .active,
                           activeSeats: 1, pendingSeats: 0, consumedLicenses: 1, change: nil, trialEndsAt: nil, trialDaysLeft: nil,
                           searchKey: TextSearch.fold(name))
        }
        let viewed = try #require(BillReader.bill(october, store: store, listed: listed, prices: .demo, customers: [:], historyStart: nil,
                                                  compare: false))
        #expect(viewed.lines == merged.lines && viewed.sameNames == merged.sameNames)
        func storage(_ s: String) -> UnsafeRawPointer? {
            s.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
        }
        let listedById = Dictionary(uniqueKeysWithValues: listed.map { ($0.id, $0) })
        // Equal names read in a row share one string: any of the list's with those bytes.
        let listStrings = Set(listed.flatMap { [storage($0.id), storage($0.name)] }.compactMap { $0 })
        var shared = 0, own = 0
        for line in viewed.lines where line.organizationName.utf8.count > 15 && line.organizationId.utf8.count > 15 {
            guard let held = listedById[line.organizationId] else { own += 1; continue }
            #expect(storage(line.organizationId) == storage(held.id), "the id is the list's")
            if Array(held.name.utf8) == Array(line.organizationName.utf8) {
                #expect(listStrings.contains(storage(line.organizationName)!), "\(line.organizationName): one of the list's strings")
                shared += 1
            } else {
                own += 1   // renamed since: the month's own name (the lines are the same as without the list)
            }
        }
        #expect(shared > 100 && own > 50)
    }
}

/// `DailyFacts` (a tuple) made comparable.
struct DailyFactsBox: Equatable {
    let tiers: Set<Tier>, peak: Int, days: Int
    init(_ f: DailyFacts) { tiers = f.tiers; peak = f.peakConsumed; days = f.days }
}

/// Issue 29: the one cursor and scroll policy of the views of lines.
struct LineCursorTests {
    @Test func theCursorStaysWithinItsLines() {
        var c = LineCursor()
        c.move(by: 1, in: 0)
        #expect(c.selected == 0)
        c.move(by: 5, in: 3)
        #expect(c.selected == 2)
        c.move(by: -9, in: 3)
        #expect(c.selected == 0)
        c.last(in: 7)
        #expect(c.selected == 6)
        c.land(on: nil, in: 4, keepingPlace: true)
        #expect(c.selected == 3, "kept at its place, within the new lines")
        c.land(on: nil, in: 4)
        #expect(c.selected == 0)
        c.land(on: 2, in: 4)
        #expect(c.selected == 2)
        c.first()
        #expect(c.selected == 0)
    }

    @Test func theWindowMovesAsLittleAsKeepsTheCursorIn() {
        #expect(LineCursor.window(top: 0, selected: 9, count: 100, height: 10) == 0)
        #expect(LineCursor.window(top: 0, selected: 10, count: 100, height: 10) == 1)
        #expect(LineCursor.window(top: 5, selected: 6, count: 100, height: 10) == 5)
        #expect(LineCursor.window(top: 5, selected: 4, count: 100, height: 10) == 4)
        #expect(LineCursor.window(top: 95, selected: 99, count: 100, height: 10) == 90, "never past the end")
        #expect(LineCursor.window(top: 7, selected: 2, count: 5, height: 10) == 0, "fewer lines than rows: from the first")
        #expect(LineCursor.window(top: 3, selected: 3, count: 10, height: 0) == 0)
    }
}
