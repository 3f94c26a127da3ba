import Foundation
import Testing
import TestSupport
@testable import TerminalUI
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import UsageStore

/// Issue 12: the billing view as a person sees it.
@MainActor @Suite(.serialized)
struct BillingScreenTests {
    let dir = TempDir()

    /// A customer's line sums its organizations: where its numbers outgrow the columns
    /// an organization's fit in, the columns widen and no number is cut.
    @Test func customerTotalsAreNeverCut() async throws {
        let store = try UsageStore.open(path: dir.file("wide.sqlite3"))
        try fill(store, from: DataSet(organizationCount: 240, seed: 1, today: Day("2026-11-29")!))
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        let prices = PriceList(currency: "EUR", prices: [.business: try UnitPrice.parse("9999.99"), .enterprise: try UnitPrice.parse("12345.67")])
        let model = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .cacheOnly,
                                  views: [BillingModel(prices: prices)], now: { Day("2026-11-29")!.start.addingTimeInterval(36_000) })
        _ = model.start()
        let a = App(model: model, theme: Theme(colors: false)) { _, name in "/tmp/x/\(name).csv" }
        _ = a.frame(width: 120, height: 40)
        await a.press(.char("b"))
        await a.press(.char("u"))
        let bill = try #require(model.billing.bill)
        #expect(bill.previous != nil, "the month before is read, for the Δ")
        let lines = model.billing.customerLines
        let numbers = lines.flatMap { line in
            [Format.count(line.seats), Format.money(line.amount!, minorDigits: 2), bill.delta(line).map { BillingPane.deltaText($0, 2) } ?? ""]
        }
        #expect(numbers.contains { $0.count > Metrics.billAmount }, "an amount wider than an organization's column")
        let text = a.frame(width: 120, height: 40).text
        for n in numbers where !n.isEmpty { #expect(text.contains(" " + n), "\(n) whole in\n\(text)") }
        #expect(!text.contains("…"), "\(text)")
    }

    @Test func theBillingViewListsByAmountWithTotalsAndFlags() async throws {
        let store = try UsageStore.open(path: dir.file("b.sqlite3"))
        let data = DataSet(organizationCount: 240, seed: 1, today: Day("2026-11-29")!)
        try fill(store, from: data)
        // One monthly figure below its days, to be flagged.
        var october = try #require(try store.report(.monthly(Month("2026-10")!)))
        let i = try #require(october.rows.firstIndex { $0.licenseType == .standard && $0.consumedLicenses > 100 })
        october.rows[i].consumedLicenses -= 10
        try store.write(october, fetchedAt: Date())
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        let prices = PriceList(currency: "EUR", prices: [.business: try UnitPrice.parse("3.99"), .enterprise: try UnitPrice.parse("5.99")])
        let model = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .cacheOnly,
                                  views: [BillingModel(prices: prices)], now: { Day("2026-11-29")!.start.addingTimeInterval(36_000) })
        #expect(model.start().isEmpty, "a report this small is read whole: nothing behind")
        let written = Locked<[String]>([])
        let a = App(model: model, theme: Theme(colors: false)) { table, name in written.withLock { $0.append(name) }; return "/tmp/x/\(name).csv" }
        _ = a.frame(width: 120, height: 40)
        await a.press(.char("b"))
        let text = a.frame(width: 120, height: 40).text
        #expect(text.contains("Bill · 2026-10 · EUR · by amount"), "\(text)")
        let bill = try #require(model.billing.bill)
        let total = bill.total()
        #expect(text.contains("total: \(Format.plural(total.organizations, "organization")) · \(Format.plural(total.seats, "seat")) · \(Format.money(total.amount!, minorDigits: 2)) EUR · ⚑ 1 to check"))
        // The flagged line, brought into view, stands out.
        let flagged = try #require(model.billing.lines.firstIndex { $0.isFlagged })
        model.billing.move(by: flagged)
        let shown = a.frame(width: 120, height: 40)
        let row = shown.find("⚑ check: monthly below")
        #expect(row != nil, "\(shown.text)")
        if let row { #expect(shown[row.x, row.y].style.reverse, "the selected flagged line") }
        // Too narrow for a note column: the flag goes before the name.
        let tiny = a.frame(width: 60, height: 15)
        #expect(tiny.lines.contains { $0.contains("⚑ " + String(model.billing.lines[flagged].organizationName.prefix(4))) }, "\(tiny.text)")
        // No organization mapped to a customer: by customer says how to map them.
        await a.press(.char("u"))
        #expect(a.frame(width: 120, height: 40).text.contains("No customers: map organizations in a CSV of organizationId,customerId"))
        #expect(a.frame(width: 60, height: 24).text.contains("No customers: set customers = \"FILE\" in config.toml"))
        await a.press(.char("u"))
        _ = a.frame(width: 120, height: 40)
        model.billing.selectFirst()
        let first = try #require(model.billing.lines.first)
        #expect(text.contains(first.organizationName) && text.contains(Format.money(first.amount!, minorDigits: 2)))
        await a.press(.char("x"))
        #expect(written.withLock { $0 } == ["bill-2026-10"] && model.status?.text.hasPrefix("wrote the 2026-10 bill (") == true)
        await a.press(.char("["))
        #expect(a.frame(width: 120, height: 40).text.contains("Bill · 2026-09"))
        await a.press(.escape)
        #expect(model.screen == .list)
        // 80x24: the same view, narrower, numbers whole.
        await a.press(.char("b"))
        let narrow = a.frame(width: 80, height: 24)
        #expect(narrow.text.contains("Bill · 2026-09") && !narrow.lines[2].contains("…"))
    }

    /// Issue 29: the bill's lines scroll as the list does (`LineCursor.window`): the
    /// window moves only when the cursor would leave it, by as little as keeps it in.
    @Test func theLinesScrollAsTheListDoes() async throws {
        let store = try UsageStore.open(path: dir.file("s.sqlite3"))
        try fill(store, from: DataSet(organizationCount: 240, seed: 1, today: Day("2026-11-29")!))
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        let model = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .cacheOnly,
                                  views: [BillingModel(prices: .demo)], now: { Day("2026-11-29")!.start.addingTimeInterval(36_000) })
        #expect(model.start().isEmpty, "a report this small is read whole: nothing behind")
        let a = App(model: model, theme: Theme(colors: false)) { _, name in "/tmp/x/\(name).csv" }
        _ = a.frame(width: 80, height: 24)
        await a.press(.char("b"))
        func shown() -> (selectedY: Int, firstLine: String) {
            let c = a.frame(width: 80, height: 24)
            let y = (3..<c.height).first { c[1, $0].style.reverse } ?? -1
            return (y, c.lines[3])
        }
        let start = shown()
        #expect(start.selectedY == 3 && model.billing.selected == 0)
        let rows = try #require(Screens.linesWindow(model, a.ui)?.window.height)
        #expect(rows > 5)
        for _ in 0..<(rows - 1) { await a.press(.down) }
        // The last row on screen, the window not moved.
        #expect(shown() == (3 + rows - 1, start.firstLine))
        await a.press(.down); await a.press(.down)
        let scrolled = shown()
        #expect(scrolled.selectedY == 3 + rows - 1 && scrolled.firstLine != start.firstLine && a.ui.linesScroll == 2)
        // Up: the cursor moves, the window stays until the cursor reaches its top.
        await a.press(.up)
        #expect(shown() == (3 + rows - 2, scrolled.firstLine))
        for _ in 0..<(rows - 2) { await a.press(.up) }
        #expect(shown() == (3, scrolled.firstLine) && a.ui.linesScroll == 2)
        await a.press(.up)
        #expect(shown().selectedY == 3 && a.ui.linesScroll == 1 && model.billing.selected == 1)
        await a.press(.up)
        #expect(shown() == (3, start.firstLine) && a.ui.linesScroll == 0)
        // The last line: at the bottom row, the window at the end.
        await a.press(.char("G"))
        #expect(shown().selectedY == 3 + rows - 1 && a.ui.linesScroll == model.billing.count - rows)
        // Another view of lines starts at its top.
        await a.press(.escape)
        await a.press(.char("c"))
        #expect(a.ui.linesView == "changes" && a.ui.linesScroll == 0)
    }

    /// Issue 26: by customer with subtotals, the change against the month before and
    /// its order, the workbook beside the CSV, demo prices in the title, notes first.
    @Test func byCustomerAndTheChangeInTheView() async throws {
        let store = try UsageStore.open(path: dir.file("c.sqlite3"))
        let data = DataSet(organizationCount: 240, seed: 1, today: Day("2026-11-29")!)
        try fill(store, from: data)
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "k", algorithm: "ES256", fingerprint: "f", createdAt: nil, permission: "ok", source: "t")
        var customers: [String: Customer] = [:]
        for (i, o) in data.organizations.enumerated() where i % 2 == 0 { customers[o.id] = Customer(customerId: "K-\(i % 7)") }
        let model = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .demo,
                                  views: [BillingModel(prices: .demo, customers: customers)], now: { Day("2026-11-29")!.start.addingTimeInterval(36_000) })
        #expect(model.start().isEmpty, "a report this small is read whole: nothing behind")
        let written = Locked<[(Export, String)]>([])
        let a = App(model: model, theme: Theme(colors: false)) { export, name in written.withLock { $0.append((export, name)) }; return "/tmp/x/\(name).csv" }
        _ = a.frame(width: 120, height: 40)
        await a.press(.char("b"))
        var text = a.frame(width: 120, height: 40).text
        #expect(text.contains("Bill · 2026-10 · EUR · demo prices · by amount") && text.contains("Δ 09"), "\(text)")
        let bill = try #require(model.billing.bill)
        #expect(bill.previous?.month == Month("2026-09")!)
        // s: by the size of the change, largest first.
        await a.press(.char("s"))
        let sizes = model.billing.lines.map { bill.delta($0)!.magnitude(seats: $0.seats, amount: $0.amount) }
        #expect(model.billing.byChange && sizes == sizes.sorted(by: >))
        #expect(a.frame(width: 120, height: 40).text.contains("· by change"))
        await a.press(.char("s"))
        #expect(!model.billing.byChange)
        // u: by customer, each customer's tiers under a subtotal; Enter goes to its organizations.
        model.billing.selectFirst()
        await a.press(.char("u"))
        text = a.frame(width: 120, height: 40).text
        #expect(model.billing.byCustomer && text.contains("per customer") && text.contains("CUSTOMER") && text.contains("subtotal"), "\(text)")
        let lines = model.billing.customerLines
        #expect(lines.filter { !$0.isSubtotal }.reduce(0) { $0 + $1.seats } == bill.total().seats)
        let subtotal = try #require(lines.firstIndex { $0.isSubtotal })
        model.billing.move(by: subtotal)
        let customer = lines[subtotal].customerId
        await a.press(.enter)
        #expect(!model.billing.byCustomer && (model.billing.selectedLine?.customerId ?? "") == customer, "Enter: the customer's organizations")
        // x: the CSV, and the bill for its workbook.
        await a.press(.char("x"))
        #expect(written.withLock { $0.last?.1 } == "bill-2026-10" && written.withLock { $0.last?.0.bill } == bill)
        #expect(model.status?.text.contains("and .xlsx") == true, "\(model.status?.text ?? "")")
        await a.press(.char("u"))
        await a.press(.char("x"))
        #expect(written.withLock { $0.last?.1 } == "bill-2026-10-by-customer"
                && written.withLock { $0.last?.0.table.columns } == Bill.customerColumns + Bill.compareColumns)
        await a.press(.char("u"))
        // Notes get their room before names (200 columns); under 90, a short word.
        let wide = a.frame(width: 200, height: 60).text
        let longest = model.billing.lines.prefix(50).map { ($0.isFlagged ? "⚑ " : "") + $0.note }.max { $0.count < $1.count } ?? ""
        #expect(!longest.isEmpty && wide.contains(longest), "\(longest)")
        // The month before not cached (the cache holds 2025-11 to 2026-10): no change
        // to sort by, and the view says why.
        for _ in 0..<11 { await a.press(.char("[")) }
        #expect(model.billing.month == Month("2025-11")! && model.billing.bill != nil && model.billing.bill?.previous == nil)
        #expect(!a.frame(width: 120, height: 40).text.contains("Δ 10"))
        await a.press(.char("s"))
        #expect(model.status?.text == "no change to sort by: the 2025-10 bill is not in the cache" && !model.billing.byChange)
    }
}
