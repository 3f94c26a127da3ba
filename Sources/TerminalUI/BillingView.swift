import Explorer
import Foundation

extension Context {
    public static let billing = Context("billing", title: "Bill")
}

extension Intent {
    /// Opens the bill.
    public static let billing = Intent("bill")
    /// A line per customer and tier, or per organization again.
    public static let byCustomer = Intent("by customer")
}

/// The bill (`b`): the month's lines by amount or by change, by organization or by
/// customer; its keys are the table's lines on `.billing`.
enum BillingView: ScreenView {
    typealias Pane = BillingPane
    static var screen: ExplorerModel.Screen { .billing }
    static var context: Context { .billing }
    static var joins: Set<Bindings.Shared> { [.copyId, .backToList] }

    @MainActor static func open(_ app: App) -> [Effect] { app.run(app.model.openBilling()) }

    @MainActor static func lines(_ model: ExplorerModel) -> String { "bill" + (model.billing.byCustomer ? " by customer" : "") }

    @MainActor static func perform(_ intent: Intent, in context: Context, app: App) -> [Effect]? {
        let model = app.model
        switch intent {
        case .up, .down, .pageUp, .pageDown, .first, .last: app.move(model.billing, intent)
        case .previous: return app.run(model.stepBill(by: -1))
        case .next: return app.run(model.stepBill(by: 1))
        case .open:
            // By customer: the customer's organizations, in the bill by organization.
            if model.billing.byCustomer { model.billing.toggleByCustomer(); break }
            if !app.layout.isWide { app.ui.focus = .detail }
            return app.run(model.drillIntoBillLine())
        case .byCustomer: model.billing.toggleByCustomer()
        case .nextSort:
            guard model.billing.bill?.previous != nil || model.billing.byChange else {
                let before = model.billing.month.map { "\($0.adding(months: -1))" } ?? "the month before"
                model.setStatus("no change to sort by: the \(before) bill is not in the cache", error: false)
                break
            }
            model.billing.toggleByChange()
        case .export:
            guard let bill = model.billing.bill else { model.setStatus("nothing to export: no bill for this month", error: false); break }
            let byCustomer = model.billing.byCustomer
            return app.export(as: "bill-\(bill.month)" + (byCustomer ? "-by-customer" : ""),
                              what: "the \(bill.month) bill (\(Format.plural(byCustomer ? model.billing.customerLines.count : bill.lines.count, "line")))",
                              workbook: true) { Export(table: byCustomer ? bill.customerTable : bill.table, bill: bill) }
        case .copyId:
            if let customer = model.billing.selectedCustomer { return app.copy(customer.customerId, what: "customer id") }
            return app.copy(model.billing.selectedLine?.organizationId, what: "organization id")
        case .back: model.back()
        default: return nil
        }
        return []
    }

    @MainActor static func props(_ model: ExplorerModel, _ ui: UIState) -> BillingPane.Props {
        let b = model.billing
        let order = b.byChange ? "by change" : b.hasPrices ? "by amount" : "by seats (no prices: [prices] in config.toml)"
        let title = "Bill · \(b.month?.description ?? "")" + (b.bill?.currency.map { " · \($0)" } ?? "")
            + (b.prices.isDemo ? " · demo prices" : "") + (b.byCustomer ? " · per customer" : "") + " · \(order)"
        return BillingPane.Props(title: title, bill: b.bill, lines: b.lines, customerLines: b.customerLines, byCustomer: b.byCustomer,
                                 selected: b.selected, problem: b.problem, top: ui.linesScroll)
    }
}
