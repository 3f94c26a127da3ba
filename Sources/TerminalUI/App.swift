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
    /// Writes a table as CSV under a name that starts with the given word
    /// ("organizations", "bill") and returns the path (wired by the executable).
    let writeCSV: @MainActor (ExportTable, String) throws -> String

    public init(model: ExplorerModel, theme: Theme, writeCSV: @escaping @MainActor (ExportTable, String) throws -> String) {
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
        if key == .resize || key == .redraw { return }
        if key == .ctrlC { shouldQuit = true; return }
        // While "terminal too small" is shown, keys would act unseen: only q quits.
        if ui.width > 0, layout.tooSmall { if key == .char("q") { shouldQuit = true }; return }
        // An error stays until the next action; a newer message replaces any older one.
        if model.status?.isError == true { model.clearStatus() }
        if ui.searching { handleSearch(key); return }
        switch model.screen {
        case .help:
            switch key {
            case .char("q"): shouldQuit = true
            case .escape, .char("?"), .enter: model.back(); ui.helpScroll = 0
            case .up, .char("k"): ui.helpScroll = max(0, ui.helpScroll - 1)
            case .down, .char("j"): ui.helpScroll += 1
            case .pageUp: ui.helpScroll = max(0, ui.helpScroll - pageSize)
            case .pageDown: ui.helpScroll += pageSize
            case .home, .char("g"): ui.helpScroll = 0
            case .end, .char("G"): ui.helpScroll = .max
            default: break
            }
            ui.helpScroll = min(max(0, ui.helpScroll), Renderer.helpMaxScroll(in: layout.main))
        case .tierMatrix:
            switch key {
            case .up, .char("k"): model.tiers.moveCursor(rows: -1, columns: 0)
            case .down, .char("j"): model.tiers.moveCursor(rows: 1, columns: 0)
            case .left, .char("h"): model.tiers.moveCursor(rows: 0, columns: -1)
            case .right, .char("l"): model.tiers.moveCursor(rows: 0, columns: 1)
            case .enter: model.narrowToSelectedCell(); ui.focus = .list
            default: await handleCommon(key)
            }
        case .billing:
            let billing = model.billing
            if navigate(billing, key) { break }
            switch key {
            case .char("["): background { await $0.stepBill(by: -1) }
            case .char("]"): background { await $0.stepBill(by: 1) }
            case .enter:
                background { await $0.drillIntoBillLine() }
                if !layout.isWide { ui.focus = .detail }
            case .char("x"): exportBill()
            case .char("y"): copy(billing.selectedLine?.organizationId, what: "organization id")
            case .char("q"): shouldQuit = true
            case .escape, .char("b"): model.back()
            case .char("?"): model.open(.help)
            default: break
            }
        case .changes:
            let changes = model.changes
            if navigate(changes, key) { break }
            switch key {
            case .enter:
                model.drillIntoChange()
                if !layout.isWide { ui.focus = .detail }
            case .char("y"): copy(changes.selectedChange?.organizationId, what: "organization id")
            case .char("q"): shouldQuit = true
            case .escape, .char("c"): model.back()
            case .char("?"): model.open(.help)
            default: break
            }
        case .list, .detail:
            await handleCommon(key)
        }
    }

    /// ↑ ↓ j k PgUp PgDn g G Home End on a view of lines; true when `key` was one of them.
    private func navigate(_ lines: LineList, _ key: Key) -> Bool {
        switch key {
        case .up, .char("k"): lines.move(by: -1)
        case .down, .char("j"): lines.move(by: 1)
        case .pageUp: lines.move(by: -pageSize)
        case .pageDown: lines.move(by: pageSize)
        case .home, .char("g"): lines.selectFirst()
        case .end, .char("G"): lines.selectLast()
        default: return false
        }
        return true
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
        if navigate(list, key) { model.refreshDetail(); return }
        switch key {
        case .char("q"): shouldQuit = true
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
        case .char("b"): background { await $0.openBilling() }
        case .char("c"): model.openChanges()
        case .char("y"): copy(model.list.selectedRow?.id, what: "organization id")
        case .char("Y"):
            copy(model.list.selectedRow.map { r in
                ExportTable(columns: [], rows: [[.string(r.name), .string(r.id), .string(r.tier.rawValue), .string(r.licenseType.rawValue),
                                                 .number(Double(r.consumedLicenses))]]).csv().split(separator: "\r\n").last.map(String.init) ?? ""
            }, what: "row")
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
        case .char("r"):
            if !model.sync.canSync {
                model.setStatus("offline: start without --offline to refresh", error: false)
            } else if model.sync.isSyncing {
                model.setStatus("a sync is already running (Esc cancels it)", error: false)
            } else {
                model.clearStatus()
                model.sync.refresh()
            }
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
        let report = UsageReport(period: model.period.reportPeriod, generatedAt: "", rows: rows.map {
            UsageRow(organizationId: $0.id, organizationName: $0.name, tier: $0.tier, licenseType: $0.licenseType,
                     trial: $0.isTrial, nfr: $0.isNFR, activeSeats: $0.activeSeats, pendingSeats: $0.pendingSeats,
                     consumedLicenses: $0.consumedLicenses)
        })
        export(ExportTable(report: report), as: "organizations-\(model.period)", what: Format.plural(rows.count, "row"))
    }

    /// Writes `table` as CSV named after `name` and says on the status line what went
    /// where, or why it could not.
    private func export(_ table: ExportTable, as name: String, what: String) {
        do {
            let path = try writeCSV(table, name)
            // The file's name first: on a narrow screen the directory is what gets cut.
            let file = (path as NSString).lastPathComponent, directory = (path as NSString).deletingLastPathComponent
            model.setStatus("wrote \(what) to \(file) in \(directory)", error: false)
        } catch {
            model.setStatus("could not write the CSV: \(Failure(error).message)", error: true)
        }
    }

    /// Text for the terminal's clipboard (OSC 52), which the loop sends after the key.
    public private(set) var clipboard: String?

    /// Takes what is to be copied (the loop writes it to the terminal once).
    public func takeClipboard() -> String? {
        defer { clipboard = nil }
        return clipboard
    }

    private func copy(_ text: String?, what: String) {
        guard let text, !text.isEmpty else { model.setStatus("nothing to copy: no row selected", error: false); return }
        clipboard = text
        model.setStatus("copied the \(what) \(Printable.line(text, limit: 60)) (OSC 52: the terminal must allow it; in tmux: set -g set-clipboard on)", error: false)
    }

    /// `x` in the billing view: the `bill` CSV of the month shown.
    private func exportBill() {
        guard let bill = model.billing.bill else { model.setStatus("nothing to export: no bill for this month", error: false); return }
        export(bill.table, as: "bill-\(bill.month)", what: "the \(bill.month) bill (\(Format.plural(bill.lines.count, "line")))")
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

    /// The status on screen and since when (seconds of uptime): an informative one
    /// goes away by itself after `infoSeconds`.
    private var statusSeen: (status: ExplorerModel.Status?, since: Double) = (nil, 0)
    static let infoSeconds = 5.0

    /// Advances the spinner and ages the status line; true when something on screen
    /// moved with time. `uptime` is the monotonic clock in seconds.
    public func tick(uptime: Double = ProcessInfo.processInfo.systemUptime) -> Bool {
        ui.spinnerFrame += 1
        var changed = false
        if model.status != statusSeen.status {
            statusSeen = (model.status, uptime)
        } else if let status = model.status, !status.isError, uptime - statusSeen.since >= Self.infoSeconds {
            model.clearStatus()
            statusSeen = (nil, uptime)
            changed = true
        }
        return changed || model.sync.isSyncing || model.isLoading
    }
}
