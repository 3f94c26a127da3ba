import Explorer
import Foundation
import ProviderAPI

/// The front's controller: turns keys into view-model calls and draws frames. It holds
/// no data of its own beyond `UIState`; everything shown comes from the models.
@MainActor
public final class App {
    public let model: ExplorerModel
    public var ui = UIState()
    public var theme: Theme
    public private(set) var shouldQuit = false
    /// Writes the visible rows somewhere and returns where (wired by the executable).
    let writeCSV: @MainActor (ExportTable) throws -> String

    public init(model: ExplorerModel, theme: Theme, writeCSV: @escaping @MainActor (ExportTable) throws -> String) {
        self.model = model
        self.theme = theme
        self.writeCSV = writeCSV
    }

    public func frame(width: Int, height: Int) -> Canvas {
        Renderer(model: model, theme: theme).render(&ui, width: width, height: height)
    }

    var layout: Layout { Layout(width: ui.width, height: ui.height, focus: ui.focus) }

    /// Rows of the list that fit on screen: the page size of PgUp/PgDn.
    var pageSize: Int { max(1, (layout.list?.height ?? layout.main.height) - 4) }

    public func handle(_ key: Key) async {
        if key != .resize { ui.message = nil }
        if key == .ctrlC { shouldQuit = true; return }
        if ui.searching { handleSearch(key); return }
        switch model.screen {
        case .help:
            switch key {
            case .char("q"): shouldQuit = true
            case .escape, .char("?"), .enter: model.back()
            default: break
            }
        case .tierMatrix:
            switch key {
            case .up, .char("k"): model.tiers.moveCursor(rows: -1, columns: 0)
            case .down, .char("j"): model.tiers.moveCursor(rows: 1, columns: 0)
            case .left, .char("h"): model.tiers.moveCursor(rows: 0, columns: -1)
            case .right, .char("l"): model.tiers.moveCursor(rows: 0, columns: 1)
            case .enter: model.narrowToSelectedCell(); ui.focus = .list
            default: await handleCommon(key)
            }
        case .list, .detail:
            await handleCommon(key)
        }
    }

    private func handleSearch(_ key: Key) {
        switch key {
        case .enter: ui.searching = false
        case .escape: model.list.search = ""; ui.searching = false
        case .backspace: if !model.list.search.isEmpty { model.list.search.removeLast() }
        case .char(let ch): model.list.search.append(ch)
        case .up: model.list.moveSelection(by: -1)
        case .down: model.list.moveSelection(by: 1)
        default: break
        }
        model.refreshDetail()
    }

    private func handleCommon(_ key: Key) async {
        let list = model.list
        switch key {
        case .char("q"): shouldQuit = true
        case .up, .char("k"): list.moveSelection(by: -1)
        case .down, .char("j"): list.moveSelection(by: 1)
        case .pageUp: list.moveSelection(by: -pageSize)
        case .pageDown: list.moveSelection(by: pageSize)
        case .home, .char("g"): list.selectFirst()
        case .end, .char("G"): list.selectLast()
        case .char("/"): ui.searching = true; ui.focus = .list
        case .char("t"): list.trialOnly.toggle()
        case .char("n"): list.nfrOnly.toggle()
        case .char("T"): list.cycleTier()
        case .char("s"): list.cycleSort()
        case .char("S"): list.reverseSort()
        case .enter:
            model.open(.detail)
            if !layout.isWide { ui.focus = .detail }
        case .char("L"): model.open(.tierMatrix)
        case .char("?"): model.open(.help)
        case .escape:
            if model.sync.isSyncing { model.sync.cancel() }
            else {
                model.back()
                if model.screen == .list { ui.focus = .list }
            }
        case .char("["): background { await $0.stepPeriod(by: -1) }
        case .char("]"): background { await $0.stepPeriod(by: 1) }
        case .char("m"): background { await $0.toggleMode() }
        case .char("r"): model.clearStatus(); model.sync.refresh()
        case .char("x"): exportVisible()
        case .tab, .backTab:
            let panes = UIState.Pane.allCases
            let step = key == .tab ? 1 : panes.count - 1
            ui.focus = panes[(panes.firstIndex(of: ui.focus)! + step) % panes.count]
        case .mouse(let x, let y, let kind): handleMouse(x: x, y: y, kind: kind)
        default: break
        }
        model.refreshDetail()
    }

    private func handleMouse(x: Int, y: Int, kind: Key.MouseKind) {
        guard let list = layout.list, list.contains(x: x, y: y) else { return }
        switch kind {
        case .wheelUp: model.list.moveSelection(by: -3)
        case .wheelDown: model.list.moveSelection(by: 3)
        case .click:
            let rowsTop = list.y + 2
            let index = ui.listScroll + (y - rowsTop)
            if y >= rowsTop, y < list.maxY - 2, index >= 0, index < model.list.visible.count {
                model.list.select(id: model.list.visible[index].id)
            }
        }
    }

    private func exportVisible() {
        let rows = model.list.visible
        guard !rows.isEmpty else { model.setStatus("nothing to export: no visible rows", error: false); return }
        do {
            let table: ExportTable
            let report = UsageReport(period: model.period.reportPeriod, generatedAt: "", rows: rows.map {
                UsageRow(organizationId: $0.id, organizationName: $0.name, tier: $0.tier, licenseType: $0.licenseType,
                         trial: $0.isTrial, nfr: $0.isNFR, activeSeats: $0.activeSeats, pendingSeats: $0.pendingSeats,
                         consumedLicenses: $0.consumedLicenses)
            })
            table = ExportTable(report: report)
            let path = try writeCSV(table)
            ui.message = "wrote \(rows.count) rows to \(path)"
        } catch {
            model.setStatus("could not write the CSV: \(error)", error: true)
        }
    }

    /// Work a key starts that may wait on the network (a period not cached yet): it runs
    /// behind, so keys keep working; each waits for the one before, so presses keep order.
    private var pending: Task<Void, Never>?

    private func background(_ work: @escaping @MainActor (ExplorerModel) async -> Void) {
        let previous = pending
        pending = Task { [model] in
            await previous?.value
            await work(model)
            model.refreshDetail()
        }
    }

    /// Waits for the work keys started (for tests and orderly exits).
    public func settle() async { await pending?.value }

    /// Advances the spinner; true when something on screen moves with time.
    public func tick() -> Bool {
        ui.spinnerFrame += 1
        return model.sync.isSyncing || model.isLoading
    }
}
