import Explorer
import Foundation
import ProviderAPI

/// A pane to draw: its place and its drawing, with its props already read.
struct PaneDrawing {
    let rect: Rect
    let draw: (inout Canvas, Rect, Theme) -> Void
}

/// Everything a frame shows, read from the models in one pass.
struct FrameProps {
    let width: Int
    let height: Int
    let tooSmall: Bool
    let title: TitleBar.Props
    /// The panes of the screen, in drawing order (help last, over the others).
    let panes: [PaneDrawing]
    let status: StatusLine.Props
    let hints: HintLine.Props
    let layout: Layout
}

/// The screens of the list, the detail, the tier matrix and help: their props built
/// from the models, and what their bindings' intents do; a view over the list (the
/// bill, the changes, the PSA view) draws and acts through its `ScreenView`.
@MainActor
enum Screens {
    // MARK: - Props

    static func props(_ model: ExplorerModel, _ ui: UIState) -> FrameProps {
        let layout = ui.layout
        var panes: [PaneDrawing] = []
        func add(_ r: Rect?, _ draw: @escaping (inout Canvas, Rect, Theme) -> Void) { if let r { panes.append(PaneDrawing(rect: r, draw: draw)) } }
        if !layout.tooSmall {
            if let view = Views.of(model.screen) {
                add(layout.main, view.pane(model, ui))
            } else {
                switch model.screen {
                case .tierMatrix:
                    let p = tierMatrix(model)
                    add(layout.main) { TierMatrixPane.draw(p, &$0, $1, $2) }
                case .detail where !layout.isWide:
                    let p = detail(model, ui, focused: true)
                    add(layout.main) { DetailPane.draw(p, &$0, $1, $2) }
                default:
                    if layout.list != nil {
                        let p = list(model, ui, focused: !layout.isWide || model.screen == .list)
                        add(layout.list) { ListPane.draw(p, &$0, $1, $2) }
                    }
                    if layout.detail != nil {
                        let p = detail(model, ui, focused: model.screen == .detail)
                        add(layout.detail) { DetailPane.draw(p, &$0, $1, $2) }
                    }
                    if layout.key != nil {
                        let p = key(model, ui)
                        add(layout.key) { KeyPane.draw(p, &$0, $1, $2) }
                    }
                }
            }
            if model.screen == .help {
                let p = HelpPane.Props(sections: Bindings.helpSections, scroll: ui.helpScroll)
                add(layout.main) { HelpPane.draw(p, &$0, $1, $2) }
            }
        }
        let hints = Bindings.hints(for: Context(ui, model: model), narrow: !layout.isWide, online: model.sync.canSync,
                                   syncing: model.sync.isSyncing)
        return FrameProps(width: ui.width, height: ui.height, tooSmall: layout.tooSmall, title: title(model, ui), panes: panes,
                          status: status(model, ui), hints: HintLine.Props(pairs: hints), layout: layout)
    }

    static func title(_ model: ExplorerModel, _ ui: UIState) -> TitleBar.Props {
        var syncText: String
        switch model.sync.state {
        case .syncing(let done, let total, _):
            syncText = total > 0 ? "\(ui.spinnerGlyph) syncing \(done)/\(total)" : "\(ui.spinnerGlyph) syncing"
        case .rateLimited(let s): syncText = "\(ui.spinnerGlyph) rate limited, retry in \(s) s"
        case .failed: syncText = "✗ sync failed"
        case .idle:
            syncText = model.sync.lastSuccess.map { "synced \(Age.ago(ui.now.timeIntervalSince($0)))" } ?? "not synced"
        }
        if model.isLoading { syncText = "\(ui.spinnerGlyph) loading  " + syncText }
        return TitleBar.Props(providerId: model.key.info.providerId, origin: model.key.origin, originSummary: model.key.originSummary(at: ui.now),
                              period: "\(model.period.isDaily ? "daily" : "monthly") \(model.period)",
                              unseenChanges: model.changes.unseen ?? 0, sync: syncText,
                              helpKey: Bindings.name(of: .help, in: .list))
    }

    static func status(_ model: ExplorerModel, _ ui: UIState) -> StatusLine.Props {
        if ui.searching {
            return .search(query: model.list.search, keep: Bindings.name(of: .searchKeep, in: .search),
                           clear: Bindings.name(of: .searchClear, in: .search))
        }
        let view = Views.of(model.screen)
        if let question = view?.prompt(model) { return .message(question, error: false) }
        if let status = model.status { return .message(status.text, error: status.isError) }
        if let doing = view?.progress(model) { return .hint(doing) }
        if case .syncing(_, _, let current) = model.sync.state {
            let doing = current == "starting" ? "starting the sync" : current == "done" ? "finishing the sync" : "fetching \(current)"
            return .hint("\(doing)… (\(Bindings.name(of: .cancelSync, in: .list)) cancels)")
        }
        if model.key.origin == .demo {
            return .hint("DEMO data from the built-in simulator. Real data: --credentials FILE (MSP Admin Panel > Integrations > Provider API)")
        }
        return .none
    }

    static func list(_ model: ExplorerModel, _ ui: UIState, focused: Bool) -> ListPane.Props {
        let list = model.list
        let filters = list.filterSummary.isEmpty ? "" : " [\(list.filterSummary)]"
        let count = list.loadingTotal.map { "loading \(Format.count($0))…" } ?? "\(list.visible.count)/\(list.allRows.count)"
        let title = "Organizations\(filters) \(count) · \(list.sortKey.label) \(list.ascending ? "↑" : "↓")"
        var empty = "No organizations in this report"
        if !model.periodCached, model.sync.isSyncing {
            empty = "No cached report for \(model.period) yet: the sync is fetching it"
        } else if !model.periodCached {
            empty = "No cached report for \(model.period)" + (model.sync.canSync ? ": \(Bindings.name(of: .refresh, in: .list)) fetches it" : "")
        } else if let total = list.loadingTotal {
            empty = "Reading the \(Format.plural(total, "organization")) of \(model.period)…"
        } else if list.isFiltered {
            empty = "No organization matches; \(Bindings.name(of: .back, in: .list)) clears the search and filters"
        }
        return ListPane.Props(title: title, focused: focused, rows: list.visible, selected: list.selectedIndex, scroll: ui.listScroll,
                              sharedNames: list.sharedNames, totals: list.totals, loading: list.loadingTotal,
                              previousCached: model.previousCached, emptyMessage: empty)
    }

    static func detail(_ model: ExplorerModel, _ ui: UIState, focused: Bool) -> DetailPane.Props {
        let d = model.detail
        return DetailPane.Props(row: model.list.selectedRow, focused: focused, previous: model.period.previous,
                                previousCached: model.previousCached, month: d.month, daily: d.dailySeries, billedTier: d.billedTier,
                                tierChanged: d.tierChanged, agreement: d.agreement, monthly: d.monthlySeries,
                                newestMonth: ReportSchedule.newestMonth(at: ui.now), historyStart: model.historyStart)
    }

    static func key(_ model: ExplorerModel, _ ui: UIState) -> KeyPane.Props {
        let k = model.key
        let last: KeyPane.Props.Last = k.lastOutcome == nil ? .none : k.lastOutcome?.error != nil ? .failed : .ok
        return KeyPane.Props(info: k.info, rejection: k.rejection, lastRequest: k.lastRequestSummary, last: last,
                             created: k.info.createdAt.map(Format.time), keyAge: k.keyAge(at: ui.now), tokenSecondsLeft: k.tokenSecondsLeft(at: ui.now), origin: k.originSummary(at: ui.now))
    }

    static func tierMatrix(_ model: ExplorerModel) -> TierMatrixPane.Props {
        let t = model.tiers
        return TierMatrixPane.Props(
            title: "License tiers · \(model.period.isDaily ? "day" : "month") \(model.period)"
                + (model.list.loadingTotal.map { " · loading \(Format.count($0)) rows…" } ?? ""),
            tiers: t.tiers, types: t.licenseTypes,
            cells: t.tiers.map { tier in t.licenseTypes.map { t.cell(tier, $0) } },
            rowTotals: t.tiers.map(t.rowTotal), columnTotals: t.licenseTypes.map(t.columnTotal), grandTotal: t.grandTotal,
            billable: t.billableSeats, billableByTier: t.tiers.map(t.billableSeats), cursor: t.cursor,
            narrowKey: Bindings.name(of: .open, in: .tierMatrix))
    }

    /// The open view of lines (which one, and its cursor's window in the pane's
    /// rows), for the front to keep its cursor in view; nil on other screens.
    static func linesWindow(_ model: ExplorerModel, _ ui: UIState) -> (view: String, window: LineWindow)? {
        guard !ui.layout.tooSmall else { return nil }
        return Views.of(model.screen)?.window(model, ui, in: ui.layout.main)
    }
}
