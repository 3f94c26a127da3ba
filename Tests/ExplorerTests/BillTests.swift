import Foundation
import Testing
import TestSupport
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import UsageStore

/// Issue 12: the month's bill, by the rule, in exact decimal money.
@MainActor @Suite(.serialized)
struct BillTests {
    let dir = TempDir()

    @Test func amountsRoundHalfToEvenOncePerLine() throws {
        let eighth = try UnitPrice.parse("0.125")
        #expect(MoneyText.amount(eighth.amount(seats: 7, minorDigits: 2), minorDigits: 2) == "0.88", "0.875 → 0.88")
        #expect(MoneyText.amount(eighth.amount(seats: 5, minorDigits: 2), minorDigits: 2) == "0.62", "0.625 → 0.62")
        #expect(MoneyText.amount(eighth.amount(seats: 3, minorDigits: 2), minorDigits: 2) == "0.38", "0.375 → 0.38")
        #expect(try UnitPrice.parse("0.005").amount(seats: 1, minorDigits: 2) == 0, "0.005 → 0.00")
        #expect(try UnitPrice.parse("0.5").amount(seats: 3, minorDigits: 0) == 2, "1.5 yen → 2")
        #expect(try UnitPrice.parse("0.5").amount(seats: 5, minorDigits: 0) == 2, "2.5 yen → 2")
        #expect(try UnitPrice.parse("3.99").amount(seats: 1_000_000, minorDigits: 2) == 399_000_000)
        #expect(try UnitPrice.parse("0.1234").amount(seats: 10, minorDigits: 3) == 1_234)
        #expect(Currency.minorDigits("EUR") == 2 && Currency.minorDigits("JPY") == 0 && Currency.minorDigits("KWD") == 3)
    }

    @Test func pricesAreDecimalWithAtMostFourPlaces() throws {
        #expect(try UnitPrice.parse("3.99").tenThousandths == 39_900)
        #expect(try UnitPrice.parse("5").text(minorDigits: 2) == "5.00")
        #expect(try UnitPrice.parse("0.125").text(minorDigits: 2) == "0.125")
        #expect(throws: UnitPrice.ParseError.tooManyDecimals("3.99999")) { try UnitPrice.parse("3.99999") }
        #expect(throws: UnitPrice.ParseError.negative("-1")) { try UnitPrice.parse("-1") }
        for bad in ["", ".5", "3.", "1e3", "3,99", "+3", "0x10", "3.9.9"] {
            #expect(throws: UnitPrice.ParseError.self, "\(bad)") { try UnitPrice.parse(bad) }
        }
    }

    func row(_ id: String, _ name: String, tier: Tier = .business, license: LicenseType = .standard, seats: Int) -> UsageRow {
        UsageRow(organizationId: id, organizationName: name, tier: tier, licenseType: license, trial: license == .trial,
                 nfr: license == .nfr, activeSeats: seats, pendingSeats: 0, consumedLicenses: seats)
    }

    @Test func theRule() throws {
        let prices = PriceList(currency: "EUR", prices: [.business: try UnitPrice.parse("3.99"), .enterprise: try UnitPrice.parse("5.99")])
        let rows = [row("o5", "Zeta", seats: 10), row("o1", "Alpha", seats: 7), row("o2", "Beta", license: .trial, seats: 40),
                    row("o3", "Gamma", license: .nfr, seats: 12), row("o4", "Alpha", tier: .business, seats: 3),
                    row("o6", "Delta", tier: .enterprise, seats: 2)]
        let daily: [String: MonthDailyFacts] = [
            "o5": MonthDailyFacts(tiers: [.business, .enterprise], peakConsumed: 10, days: 31),   // moved up mid-month
            "o1": MonthDailyFacts(tiers: [.business], peakConsumed: 9, days: 31),                 // a day above the month
        ]
        let contract = try UnitPrice.parse("4.50")
        let customers = ["o6": Customer(customerId: "C-77", prices: [.enterprise: contract])]
        let bill = Bill(month: Month("2026-10")!, rows: rows, daily: daily, prices: prices, customers: customers)
        #expect(bill.lines.map(\.organizationId) == ["o1", "o4", "o6", "o5"], "by name, then id; trial and NFR not billed")
        let zeta = try #require(bill.lines.first { $0.organizationId == "o5" })
        #expect(zeta.tier == .enterprise && zeta.note.contains("billed at enterprise") && zeta.amount == 5_990)
        let alpha = try #require(bill.lines.first { $0.organizationId == "o1" })
        #expect(alpha.isFlagged && alpha.note == "check: monthly below daily peak 9" && alpha.amount == 2_793)
        let delta = try #require(bill.lines.first { $0.organizationId == "o6" })
        #expect(delta.customerId == "C-77" && delta.unitPrice == contract && delta.amount == 900 && delta.note == "contract price")
        #expect(bill.total().amount == 5_990 + 2_793 + 1_197 + 900 && bill.total().organizations == 4)
        #expect(bill.total(.business).seats == 10 && bill.total(.enterprise).seats == 12)
        let all = Bill(month: Month("2026-10")!, rows: rows, daily: daily, prices: prices, includeFree: true)
        let trial = try #require(all.lines.first { $0.organizationId == "o2" })
        let nfr = try #require(all.lines.first { $0.organizationId == "o3" })
        #expect(trial.amount == 0 && trial.note == "free: trial" && nfr.amount == 0 && nfr.note == "free: Not For Resale")
        #expect(all.total().seats == Bill(month: Month("2026-10")!, rows: rows, daily: daily, prices: prices).total().seats,
                "free lines are listed, never totalled")
        // No prices: no unit price, amount or currency, and the totals say so.
        let unpriced = Bill(month: Month("2026-10")!, rows: rows, daily: daily, prices: PriceList())
        #expect(unpriced.lines.allSatisfy { $0.unitPrice == nil && $0.amount == nil && $0.isFlagged && $0.isUnpriced } && unpriced.total().amount == nil)
        #expect(unpriced.total().unpricedLines == 4 && unpriced.total().unpricedSeats == 22 && !unpriced.total().isComplete)
        let csv = unpriced.table.csv()
        #expect(csv.hasPrefix("month,organizationId,organizationName,customerId,tier,licenseType,seats,unitPrice,amount,currency,note\r\n"))
        #expect(csv.contains("2026-10,o1,Alpha,,business,standard,7,,,,check: monthly below daily peak 9; no price\r\n"))
    }

    /// The bill's seats per tier equal the tier matrix's billable seats for the month.
    @Test func seatsPerTierMatchTheTierMatrix() async throws {
        let store = try UsageStore.open(path: dir.file("m.sqlite3"))
        try fill(store, from: DataSet(organizationCount: 500, seed: 3, today: Day("2026-11-29")!))
        let info = KeyInfo(providerId: "p", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        let m = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .cacheOnly,
                              views: [BillingModel(prices: PriceList(currency: "EUR", prices: [.business: try UnitPrice.parse("1")]))],
                              now: { Day("2026-11-29")!.start.addingTimeInterval(36_000) })
        await m.complete(m.start())
        for month in ["2026-10", "2026-09", "2026-05"] {
            await m.complete(m.show(.month(Month(month)!)))
            await m.complete(m.openBilling())
            let bill = try #require(m.billing.bill)
            #expect(bill.month == Month(month)!)
            for tier in [Tier.business, .enterprise] {
                #expect(bill.total(tier).seats == m.tiers.billableSeats(tier), "\(month) \(tier)")
            }
            m.back()
        }
        // The view: by amount, largest first; Enter opens the organization on that month.
        #expect(m.billing.lines.isEmpty && m.billing.bill == nil, "a closed bill lets its lines go")
        await m.complete(m.openBilling())
        let lines = m.billing.lines
        #expect(lines.count > 100 && zip(lines, lines.dropFirst()).allSatisfy { ($0.amount ?? 0) >= ($1.amount ?? 0) })
        m.billing.move(by: 2)
        let picked = try #require(m.billing.selectedLine)
        await m.complete(m.drillIntoBillLine())
        #expect(m.screen == .detail && m.list.selectedRow?.id == picked.organizationId && m.period == .month(m.billing.month!))
    }

    /// The billing view bills the month as SQLite reads it (the monthly report and the
    /// daily facts are never held whole): the same bill as the whole report and facts
    /// make, with the three notes the daily facts can give.
    @Test func theViewsBillIsTheWholeReportsBill() async throws {
        let store = try UsageStore.open(path: dir.file("read.sqlite3"))
        try fill(store, from: DataSet(organizationCount: 500, seed: 3, today: Day("2026-11-29")!))
        let october = Month("2026-10")!
        // A day of October that says more than the monthly report: a higher tier, a
        // lower one, more seats.
        var day = try #require(try store.report(.daily(Day("2026-10-15")!)))
        let monthly = Dictionary(uniqueKeysWithValues: try #require(try store.report(.monthly(october))).rows.map { ($0.organizationId, $0) })
        let standard = day.rows.indices.filter { monthly[day.rows[$0].organizationId]?.licenseType == .standard }
        let up = try #require(standard.first { monthly[day.rows[$0].organizationId]?.tier == .business })
        let down = try #require(standard.first { monthly[day.rows[$0].organizationId]?.tier == .enterprise })
        let more = try #require(standard.last { monthly[day.rows[$0].organizationId]?.tier == .business })
        day.rows[up].tier = .enterprise
        day.rows[down].tier = .business
        day.rows[more].consumedLicenses = monthly[day.rows[more].organizationId]!.consumedLicenses + 100
        try store.write(day, fetchedAt: Date())
        let info = KeyInfo(providerId: "p", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        let prices = PriceList(currency: "EUR", prices: [.business: try UnitPrice.parse("1.5"), .enterprise: try UnitPrice.parse("3")])
        let m = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .cacheOnly, views: [BillingModel(prices: prices)],
                              now: { Day("2026-11-29")!.start.addingTimeInterval(36_000) })
        await m.complete(m.start())
        await m.complete(m.show(.month(october)))
        // The bill is read behind the screen: the view says so until it lands, and a
        // read for a month the view has left lands nowhere.
        let october1 = m.openBilling()
        #expect(october1.map(\.kind) == [.bill], "cached: read, not fetched")
        #expect(m.billing.bill == nil && m.billing.problem == nil && m.isLoading && m.billing.month == october)
        let september = try #require(m.stepBill(by: -1).of(.bill))
        #expect(october1[0].isWithdrawn)
        #expect(m.land(await october1[0].ran()).isEmpty)
        #expect(m.billing.bill == nil && m.isLoading, "October's bill does not land in September's view")
        // The lines land first; the month before (for the Δ) is read after them.
        let delta = try #require(m.land(await september.ran()).of(.bill))
        #expect(m.billing.bill?.month == Month("2026-09")! && m.billing.bill?.previous == nil && m.isLoading)
        #expect(m.land(await delta.ran()).isEmpty)
        #expect(m.billing.bill?.previous?.month == Month("2026-08")! && !m.isLoading)
        // Closed while it reads: the read lands nowhere.
        let closed = try #require(m.stepBill(by: 1).of(.bill))
        m.back()
        #expect(closed.isWithdrawn)
        #expect(m.land(await closed.ran()).isEmpty)
        #expect(m.billing.bill == nil && m.screen == .list && !m.isLoading)
        await m.complete(m.openBilling())
        var bill = try #require(m.billing.bill)
        #expect(bill.previous?.month == Month("2026-09")!, "the view compares with the month before")
        bill.previous = nil
        // The view reads the month's daily summary; the whole-report bill reads every
        // daily row of the month: the two agree.
        let suspended = Set(try store.organizations().filter { $0.status == .suspended }.map(\.id))
        let whole = Bill(month: october, rows: try #require(try store.report(.monthly(october))).rows,
                         daily: try store.dailyFacts(of: october).mapValues(MonthDailyFacts.init), prices: prices,
                         suspended: suspended, daysNotChecked: BillReader.daysNotChecked(october, store: store, historyStart: nil))
        #expect(bill == whole && bill.lines.count > 100)
        #expect(!suspended.isEmpty && bill.lines.filter { suspended.contains($0.organizationId) }.allSatisfy { $0.note.contains("suspended") })
        let notes = Set(bill.lines.map { $0.note.components(separatedBy: ":").first ?? "" })
        #expect(notes.isSuperset(of: ["billed at enterprise", "tier changed mid-month (business → enterprise)", "check"]), "\(notes)")
        // The view's order is the amount's, over the same lines.
        #expect(m.billing.lines.count == bill.lines.count && Set(m.billing.lines.map(\.organizationId)) == Set(bill.lines.map(\.organizationId)))
        #expect(zip(m.billing.lines, m.billing.lines.dropFirst()).allSatisfy { $0.amount! >= $1.amount! })
    }

    /// A bill line (or a change) takes the list's copy of an id and a name only when
    /// the bytes are the same: a name in another Unicode normalization is equal as a
    /// String, but the report's own bytes are kept.
    @Test func sharedStringsAreTheSameBytesOnly() throws {
        func listed(_ id: String, _ name: String) -> ListRow {
            ListRow(id: id, name: name, tier: .business, licenseType: .standard, status: .active, activeSeats: 1, pendingSeats: 0,
                    consumedLicenses: 1, change: nil, trialEndsAt: nil, trialDaysLeft: nil, searchKey: TextSearch.fold(name))
        }
        let composed = "Caf\u{E9}", decomposed = "Cafe\u{301}"
        let shared = SharedStrings([listed("org_b", composed), listed("org_a", "Alpha"), listed("org_c", "Gamma")])
        func row(_ id: String, _ name: String) -> UsageRow {
            UsageRow(organizationId: id, organizationName: name, tier: .business, licenseType: .standard, trial: false, nfr: false,
                     activeSeats: 1, pendingSeats: 0, consumedLicenses: 1)
        }
        let same = shared.sharing(row("org_a", "Alpha"))
        #expect(same.organizationId == "org_a" && same.organizationName == "Alpha")
        let renormalized = shared.sharing(row("org_b", decomposed))
        #expect(Array(renormalized.organizationName.utf8) == Array(decomposed.utf8) && composed == decomposed)
        #expect(shared.sharing(row("org_z", "Zed")).organizationName == "Zed")
        #expect(SharedStrings([]).sharing(row("org_a", "Alpha")).organizationId == "org_a")
    }

    /// Found by a hash of the id and then its bytes: among 20,000 held rows every id
    /// finds its own row (its name shared only where the bytes are the same), ids not
    /// held find none, and two held ids of the same hash are told apart by their bytes.
    @Test func sharedStringsFindEveryHeldIdAndNoOther() throws {
        func listed(_ id: String, _ name: String) -> ListRow {
            ListRow(id: id, name: name, tier: .business, licenseType: .standard, status: .active, activeSeats: 1, pendingSeats: 0,
                    consumedLicenses: 1, change: nil, trialEndsAt: nil, trialDaysLeft: nil, searchKey: TextSearch.fold(name))
        }
        func row(_ id: String, _ name: String) -> UsageRow {
            UsageRow(organizationId: id, organizationName: name, tier: .business, licenseType: .standard, trial: false, nfr: false,
                     activeSeats: 1, pendingSeats: 0, consumedLicenses: 1)
        }
        let held = (0..<20_000).map { listed(String(format: "org_%012x", $0 &* 2_654_435_761 % 1_000_003), "Org \($0)") }
        let shared = SharedStrings(held.shuffled())
        for (i, h) in held.enumerated() {
            let found = shared.sharing(row(h.id, i % 2 == 0 ? h.name : "Renamed \(i)"))
            #expect(found.organizationId == h.id)
            #expect(found.organizationName == (i % 2 == 0 ? h.name : "Renamed \(i)"))
        }
        for i in 0..<2_000 { #expect(shared.sharing(row("org_missing_\(i)", "X")).organizationName == "X") }
        // Ids of the same hash (here, every id) are told apart by their bytes.
        let colliding = SharedStrings(Array(held.prefix(300)), hash: { _ in 7 })
        for h in held.prefix(300) { #expect(colliding.sharing(row(h.id, h.name)).organizationId == h.id) }
        #expect(colliding.sharing(row("org_missing", "X")).organizationName == "X")
    }
}
