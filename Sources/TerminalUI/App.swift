import Explorer
import Foundation
import ProviderAPI

/// What `x` writes: a table, and for a bill the bill itself (its workbook).
public struct Export: Sendable {
    public let table: ExportTable
    public let bill: Bill?
    public init(table: ExportTable, bill: Bill? = nil) { self.table = table; self.bill = bill }
}

/// The front's controller: `update` applies one `Action` to the models and the UI
/// state and returns the work to start behind; `frame` draws what they hold. It keeps
/// no data of its own beyond `UIState`.
@MainActor
public final class App {
    public let model: ExplorerModel
    public internal(set) var ui: UIState
    public var theme: Theme
    /// Writes an export as CSV under a name that starts with the given word
    /// ("organizations", "bill"), a bill also as a workbook beside it (the same name,
    /// .xlsx), and returns the CSV's path (wired by the executable).
    let writeCSV: @Sendable (Export, String) throws -> String
    /// Runs the credentials command again after a rejection: the new key, nil when
    /// it gave the same one (wired by the executable when the key comes from a command).
    public var reloadKey: (@Sendable () throws -> KeyInfo?)?

    /// `now`: the clock until the first `.clock` action (default: the model's clock).
    public init(model: ExplorerModel, theme: Theme, now: Date? = nil,
                writeCSV: @escaping @Sendable (Export, String) throws -> String) {
        self.model = model
        self.theme = theme
        self.ui = UIState(now: now ?? model.now())
        self.writeCSV = writeCSV
    }

    /// The screen for the models' state at this size (a size change goes through
    /// `update` first: drawing changes nothing).
    public func frame(width: Int, height: Int) -> Canvas {
        if width != ui.width || height != ui.height { _ = update(.resize(width: width, height: height)) }
        return Renderer(theme: theme).render(Screens.props(model, ui))
    }

    var layout: Layout { ui.layout }

    /// Where keys go now: the search prompt while it is open, else the screen on top.
    public var context: Context { Context(ui, model: model) }

    /// Applies `action`; returns the effects to start (a sync, a fetch, a command).
    public func update(_ action: Action) -> [Effect] {
        var effects: [Effect] = []
        switch action {
        case .key(let key):
            effects = press(key)
        case .intent(let intent):
            effects = perform(intent, key: nil)
        case .resize(let width, let height):
            ui.width = width
            ui.height = height
            effects.append(.terminal(.repaint))
            ui.helpScroll = min(ui.helpScroll, HelpPane.maxScroll(in: layout.main))
        case .tick(let uptime):
            tick(uptime: uptime)
        case .clock(let now, let expiry):
            ui.now = now
            model.key.setTokenExpiry(expiry)
        case .start(let remembered):
            // The remembered view first: the rows are read and sorted once, as it was left.
            effects += run(remembered.map(model.restore) ?? model.start())
            effects += run(model.beginSync())
        case .syncProgress(let progress):
            effects += run(model.syncProgressed(progress))
        case .request(let outcome):
            model.record(outcome)
            // A rejected key from a credentials command: run the command again (one run
            // at a time) and take a rotated key.
            // The command may take up to its timeout: off the cooperative pool.
            if case .keyRejected = outcome.error, let reloadKey {
                effects += run([Work(.keyReload) { _ in
                    let reloaded = await OffPool.run { Result { try reloadKey() } }
                    return { _ in self.keyReloaded(reloaded); return [] }
                }])
            }
        case .landed(let result):
            effects += run(model.land(result))
        }
        // The clock and the spinner move no cursor, no line and no size: no need to
        // measure the views again ten times a second (the bill's footer sums its lines).
        switch action {
        case .tick, .clock: break
        default: followCursor()
        }
        return effects
    }

    // MARK: - Keys

    /// What `key` means on the screen on top, by the binding table.
    func intent(for key: Key) -> Intent? { Bindings.binding(for: key, in: context)?.intent }

    private func press(_ key: Key) -> [Effect] {
        let binding = Bindings.binding(for: key, in: context)
        // While "terminal too small" is shown, keys would act unseen: only quitting does.
        if ui.width > 0, layout.tooSmall {
            return binding?.intent == .quit ? [.terminal(.quit)] : []
        }
        // An error stays until the next key; a newer message replaces any older one.
        if model.status?.isError == true { model.clearStatus() }
        guard let binding else {
            // Typing in the search prompt: any character no binding takes.
            if context == .search, case .char(let ch) = key { model.list.search.append(ch); model.refreshDetail() }
            return []
        }
        return perform(binding.intent, key: key)
    }

    /// What `intent` does on the screen on top.
    func perform(_ intent: Intent, key: Key?) -> [Effect] {
        if intent == .pointer, let key { Screens.pointer(key, app: self); return [] }
        if let effects = Screens.perform(intent, on: context, app: self) { return effects }
        switch intent {
        case .quit: return [.terminal(.quit)]
        case .repaint: return [.terminal(.repaint)]
        case .help: model.open(.help)
        case .nextPane, .previousPane:
            let panes = UIState.Pane.allCases
            let step = intent == .nextPane ? 1 : panes.count - 1
            ui.focus = panes[(panes.firstIndex(of: ui.focus)! + step) % panes.count]
        default: break
        }
        return []
    }

    /// The list, the bill, the changes, help: a line (or a page) at a time.
    func move(_ lines: LineList, _ intent: Intent) {
        switch intent {
        case .up: lines.move(by: -1)
        case .down: lines.move(by: 1)
        case .pageUp: lines.move(by: -layout.pageSize)
        case .pageDown: lines.move(by: layout.pageSize)
        case .first: lines.selectFirst()
        case .last: lines.selectLast()
        default: break
        }
    }

    /// Keeps the cursor of the list, and of the open view of lines, in view: the one
    /// scroll policy (`LineCursor.window`) for all of them.
    private func followCursor() {
        if let (view, window) = Screens.linesWindow(model, ui) {
            let top = ui.linesView == view ? ui.linesScroll : 0
            ui.linesScroll = LineCursor.window(top: top, selected: window.selected, count: window.count, height: window.height)
            ui.linesView = view
        }
        guard let height = layout.listRows?.height ?? Layout(width: ui.width, height: ui.height, focus: .list).listRows?.height,
              height > 0 else { return }
        ui.listScroll = LineCursor.window(top: ui.listScroll, selected: model.list.selectedIndex ?? 0, count: model.list.visible.count,
                                          height: height)
    }

    // MARK: - Effects

    /// The work the models asked for, run behind: each result comes back as
    /// `.landed` (a sync's steps as `.syncProgress`, which the inbox coalesces), and the
    /// model applies it unless a newer work withdrew it. At most one of an exclusive
    /// kind (the sync, an apply, a key reload) runs at a time.
    func run(_ works: [Work]) -> [Effect] {
        works.map { work in
            .run(id: work.kind.isExclusive ? work.kind : nil) { send in
                let sink = Work.Sink(step: { yieldToTheScreen(); send(.syncProgress($0)) },
                                     land: { send(.landed(Work.Result(work, $0, isEnd: false))) })
                send(.landed(Work.Result(work, await work.run(sink))))
            }
        }
    }

    /// `r`: a sync, unless offline or one runs (the status line says which), and the
    /// period on screen when it is not cached (the sync may not bring it: an old day).
    func refresh() -> [Effect] {
        if !model.sync.canSync {
            model.setStatus("offline: start without --offline to refresh", error: false)
            return []
        }
        // The period on screen, when no sync brings it (an older day or month).
        let fetch = model.periodCached || model.syncBrings(model.period) ? [] : model.show(model.period)
        if model.sync.isSyncing {
            model.setStatus("a sync is already running (\(Bindings.name(of: .cancelSync, in: .list)) cancels it)", error: false)
            return run(fetch)
        }
        model.clearStatus()
        return run(model.beginSync() + fetch)
    }

    // MARK: - Export and copy

    /// Writes what `make` makes (the table, and the bill's workbook) behind the screen,
    /// off the cooperative pool (a big bill, a slow disk); the status says when it is
    /// written, or why not.
    func export(as name: String, what: String, workbook: Bool = false, _ make: @escaping @Sendable () -> Export) -> [Effect] {
        model.setStatus("writing \(what)…", error: false)
        let write = writeCSV
        return run([Work(.export) { _ in
            let written = await OffPool.run { Result { try write(make(), name) } }
            return { _ in self.exported(written, what: what, workbook: workbook); return [] }
        }])
    }

    private func exported(_ written: Result<String, any Error>, what: String, workbook: Bool) {
        switch written {
        case .success(let path):
            // The file's name first: on a narrow screen the directory is what gets cut.
            let file = (path as NSString).lastPathComponent, directory = (path as NSString).deletingLastPathComponent
            model.setStatus("wrote \(what) to \(file)\(workbook ? " and .xlsx" : "") in \(directory)", error: false)
        case .failure(let error):
            model.setStatus("could not write the \(workbook ? "CSV and workbook" : "CSV"): \(Failure(error).message)", error: true)
        }
    }

    /// The credentials command ran again after a rejection: the new key, nil when it
    /// gave the same one, or why it failed.
    private func keyReloaded(_ reloaded: Result<KeyInfo?, any Error>) {
        switch reloaded {
        case .success(let info?):
            model.key.replace(info)
            let note = "took a new key from the \(info.source) (\(info.fingerprint)); \(Bindings.name(of: .refresh, in: .list)) refreshes"
            model.setStatus(note, error: false)
            if model.sync.isSyncing { model.key.takenDuringSync = note }
        case .success(nil):
            break
        case .failure(let error):
            model.setStatus(Failure(error).message, error: true)
        }
    }

    /// Puts `text` on the terminal's clipboard (OSC 52), which the loop sends after the key.
    func copy(_ text: String?, what: String) -> [Effect] {
        guard let text, !text.isEmpty else { model.setStatus("nothing to copy: no row selected", error: false); return [] }
        model.setStatus("copied the \(what) \(Printable.line(text, limit: 60)) (OSC 52: the terminal must allow it; in tmux: set -g set-clipboard on)", error: false)
        return [.terminal(.clipboard(text))]
    }

    // MARK: - Time

    /// The status on screen and since when (seconds of uptime): an informative one
    /// goes away by itself after `infoSeconds`.
    private var statusSeen: (status: ExplorerModel.Status?, since: Double) = (nil, 0)
    static let infoSeconds = 5.0

    /// Whether something on screen moves with time (the spinner while a sync or a
    /// fetch runs): the loop then draws on every tick.
    public var isAnimating: Bool { model.sync.isSyncing || model.isLoading }

    private func tick(uptime: Double) {
        ui.spinnerFrame += 1
        if model.status != statusSeen.status {
            statusSeen = (model.status, uptime)
        } else if let status = model.status, !status.isError, uptime - statusSeen.since >= Self.infoSeconds {
            model.clearStatus()
            statusSeen = (nil, uptime)
        }
    }
}
