import Explorer
import Foundation
import ProviderAPI

/// What the intents of the list, the detail, the tier matrix, help and the search
/// prompt do, and a view's own through its `ScreenView` (the props are in Screens.swift).
extension Screens {
    /// The effects of `intent` on `context`, or nil when the screen leaves it to the
    /// app (quit, help, repaint, panes).
    static func perform(_ intent: Intent, on context: Context, app: App) -> [Effect]? {
        let model = app.model
        // A view's own keys.
        if let view = Views.of(context), let effects = view.perform(intent, in: context, app: app) {
            model.refreshDetail()
            return effects
        }
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
        if let view = Views.opened(by: intent) { return view.open(app) }
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
