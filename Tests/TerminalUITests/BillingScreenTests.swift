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
                                  billing: BillingModel(prices: prices), now: { Day("2026-11-29")!.start.addingTimeInterval(36_000) })
        model.start()
        var written: [String] = []
        let a = App(model: model, theme: Theme(colors: false)) { table, name in written.append(name); return "/tmp/x/\(name).csv" }
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
        model.billing.selectFirst()
        let first = try #require(model.billing.lines.first)
        #expect(text.contains(first.organizationName) && text.contains(Format.money(first.amount!, minorDigits: 2)))
        await a.press(.char("x"))
        #expect(written == ["bill-2026-10"] && model.status?.text.hasPrefix("wrote the 2026-10 bill (") == true)
        await a.press(.char("["))
        #expect(a.frame(width: 120, height: 40).text.contains("Bill · 2026-09"))
        await a.press(.escape)
        #expect(model.screen == .list)
        // 80x24: the same view, narrower, numbers whole.
        await a.press(.char("b"))
        let narrow = a.frame(width: 80, height: 24)
        #expect(narrow.text.contains("Bill · 2026-09") && !narrow.lines[2].contains("…"))
    }
}
