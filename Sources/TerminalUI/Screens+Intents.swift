import Explorer
import Foundation
import ProviderAPI

/// What each screen's own bindings' intents do (the props are in Screens.swift).
extension Screens {
    /// The effects of `intent` on `context`, or nil when the screen leaves it to the
    /// app (quit, help, repaint, panes).
    static func perform(_ intent: Intent, on context: Context, app: App) -> [Effect]? {
        let model = app.model
        switch (context, intent) {
        // The search prompt.
        case (.search, .searchKeep): app.ui.searching = false
        case (.search, .searchClear): model.list.search = ""; app.ui.searching = false
        case (.search, .searchErase): if !model.list.search.isEmpty { model.list.search.removeLast() }
        case (.search, .up), (.search, .down): app.move(model.list, intent)

        // Help.
        case (.help, .back): model.back(); app.ui.helpScroll = 0
        case (.help, .up), (.help, .down), (.help, .pageUp), (.help, .pageDown), (.help, .first), (.help, .last):
            let page = max(1, HelpPane.rows(in: app.layout.main))
            let steps: [Intent: Int] = [.up: -1, .down: 1, .pageUp: -page, .pageDown: page, .first: -Int(Int32.max), .last: Int(Int32.max)]
            app.ui.helpScroll = min(max(0, app.ui.helpScroll + steps[intent]!), HelpPane.maxScroll(in: app.layout.main))

        // The tier matrix.
        case (.tierMatrix, .up): model.tiers.moveCursor(rows: -1, columns: 0)
        case (.tierMatrix, .down): model.tiers.moveCursor(rows: 1, columns: 0)
        case (.tierMatrix, .left): model.tiers.moveCursor(rows: 0, columns: -1)
        case (.tierMatrix, .right): model.tiers.moveCursor(rows: 0, columns: 1)
        case (.tierMatrix, .open): model.narrowToSelectedCell(); app.ui.focus = .list
        case (.tierMatrix, .back): model.back()

        // The bill.
        case (.billing, .up), (.billing, .down), (.billing, .pageUp), (.billing, .pageDown), (.billing, .first), (.billing, .last):
            app.move(model.billing, intent)
        case (.billing, .previous): return app.run(model.stepBill(by: -1))
        case (.billing, .next): return app.run(model.stepBill(by: 1))
        case (.billing, .open):
            // By customer: the customer's organizations, in the bill by organization.
            if model.billing.byCustomer { model.billing.toggleByCustomer(); break }
            if !app.layout.isWide { app.ui.focus = .detail }
            return app.run(model.drillIntoBillLine())
        case (.billing, .byCustomer): model.billing.toggleByCustomer()
        case (.billing, .nextSort):
            guard model.billing.bill?.previous != nil || model.billing.byChange else {
                let before = model.billing.month.map { "\($0.adding(months: -1))" } ?? "the month before"
                model.setStatus("no change to sort by: the \(before) bill is not in the cache", error: false)
                break
            }
            model.billing.toggleByChange()
        case (.billing, .export):
            guard let bill = model.billing.bill else { model.setStatus("nothing to export: no bill for this month", error: false); break }
            let byCustomer = model.billing.byCustomer
            return app.export(as: "bill-\(bill.month)" + (byCustomer ? "-by-customer" : ""),
                              what: "the \(bill.month) bill (\(Format.plural(byCustomer ? model.billing.customerLines.count : bill.lines.count, "line")))",
                              workbook: true) { Export(table: byCustomer ? bill.customerTable : bill.table, bill: bill) }
        case (.billing, .copyId):
            if let customer = model.billing.selectedCustomer { return app.copy(customer.customerId, what: "customer id") }
            return app.copy(model.billing.selectedLine?.organizationId, what: "organization id")
        case (.billing, .back): model.back()

        // The changes.
        case (.changes, .up), (.changes, .down), (.changes, .pageUp), (.changes, .pageDown), (.changes, .first), (.changes, .last):
            app.move(model.changes, intent)
        case (.changes, .open):
            model.drillIntoChange()
            if !app.layout.isWide { app.ui.focus = .detail }
        case (.changes, .copyId): return app.copy(model.changes.selectedChange?.organizationId, what: "organization id")
        case (.changes, .back): model.back()

        // The PSA view, and its question before an apply.
        case (.psa, .up), (.psa, .down), (.psa, .pageUp), (.psa, .pageDown), (.psa, .first), (.psa, .last):
            app.move(model.psa, intent)
        case (.psa, .previous): return app.run(model.stepPSA(by: -1))
        case (.psa, .next): return app.run(model.stepPSA(by: 1))
        case (.psa, .open): model.drillIntoPSALine()
        case (.psa, .apply): model.askToApplyPSA()
        case (.psa, .acceptSuggestion): return app.run(model.acceptPSASuggestion())
        case (.psa, .refresh): return app.run(model.replanPSA())
        case (.psa, .back): model.leavePSA()
        case (.psaConfirm, .confirm): return app.run(model.answerPSA(true))
        case (.psaConfirm, .refuse): _ = model.answerPSA(false)

        // Wherever a sync can be cancelled: only by its own key (Esc goes back).
        case (_, .cancelSync):
            if model.sync.isSyncing { return [.cancel(.sync)] }
            model.setStatus("no sync is running", error: false)

        // The list and the detail.
        case (.list, _), (.detail, _):
            guard let effects = browse(intent, app: app) else { return nil }
            model.refreshDetail()
            return effects
        default: return nil
        }
        model.refreshDetail()
        return []
    }

    /// The list's and the detail's intents.
    private static func browse(_ intent: Intent, app: App) -> [Effect]? {
        let model = app.model, list = model.list
        switch intent {
        case .up, .down, .pageUp, .pageDown, .first, .last: app.move(list, intent)
        case .search: app.ui.searching = true; app.ui.focus = .list
        case .trialOnly: list.trialOnly.toggle()
        case .nfrOnly: list.nfrOnly.toggle()
        case .cycleTier: list.cycleTier()
        case .nextSort: list.cycleSort()
        case .reverseSort: list.reverseSort()
        case .open:
            model.open(.detail)
            if !app.layout.isWide { app.ui.focus = .detail }
        case .tierMatrix: model.open(.tierMatrix)
        case .billing: return app.run(model.openBilling())
        case .changes: return app.run(model.openChanges())
        case .psa: return app.run(model.openPSA())
        case .copyId: return app.copy(list.selectedRow?.id, what: "organization id")
        case .copyRow:
            return app.copy(list.selectedRow.map { r in
                ExportTable(columns: [], rows: [[.string(r.name), .string(r.id), .string(r.tier.rawValue), .string(r.licenseType.rawValue),
                                                 .number(Double(r.consumedLicenses))]]).csv().split(separator: "\r\n").last.map(String.init) ?? ""
            }, what: "row")
        case .back:
            model.back()
            if model.screen == .list { app.ui.focus = .list }
        case .previous: return app.run(model.stepPeriod(by: -1))
        case .next: return app.run(model.stepPeriod(by: 1))
        case .toggleMode: return app.run(model.toggleMode())
        case .refresh: return app.refresh()
        case .export:
            if let total = list.loadingTotal {
                model.setStatus("still reading the \(Format.count(total)) rows of \(model.period); press \(Bindings.name(of: .export, in: .list)) again in a moment", error: false)
            } else {
                return exportVisible(app)
            }
        default: return nil
        }
        return []
    }

    /// A click on the list selects the row under it; the wheel moves three rows.
    static func pointer(_ key: Key, app: App) {
        guard case .mouse(let x, let y, let kind) = key, let rows = app.layout.listRows, rows.contains(x: x, y: y) else { return }
        let list = app.model.list
        switch kind {
        case .wheelUp: list.moveSelection(by: -3)
        case .wheelDown: list.moveSelection(by: 3)
        case .click:
            if let index = app.layout.listRow(atX: x, y: y, scroll: app.ui.listScroll), index < list.visible.count {
                list.select(id: list.visible[index].id)
            }
        }
        app.model.refreshDetail()
    }

    private static func exportVisible(_ app: App) -> [Effect] {
        let model = app.model, rows = model.list.visible, period = model.period
        guard !rows.isEmpty else { model.setStatus("nothing to export: no visible rows", error: false); return [] }
        return app.export(as: "organizations-\(period)", what: Format.plural(rows.count, "row")) {
            let report = UsageReport(period: period.reportPeriod, generatedAt: "", rows: rows.map {
                UsageRow(organizationId: $0.id, organizationName: $0.name, tier: $0.tier, licenseType: $0.licenseType,
                         trial: $0.isTrial, nfr: $0.isNFR, activeSeats: $0.activeSeats, pendingSeats: $0.pendingSeats,
                         consumedLicenses: $0.consumedLicenses)
            })
            return Export(table: ExportTable(report: report))
        }
    }
}
