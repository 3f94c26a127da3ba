import Explorer

/// Where keys go: one context for each screen of the explorer, the search prompt
/// (which takes the keys while it is open), and any a view asks in (the PSA view's
/// question). The list's, the detail's, the tier matrix's, help's and the prompt's
/// are here; a view declares its own beside it (`Context.billing` is in
/// BillingView.swift).
public struct Context: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// Its heading in the help screen.
    let title: String

    init(_ name: String, title: String) { self.name = name; self.title = title }
    public var description: String { name }

    public static let list = Context("list", title: "Organizations and detail")
    public static let detail = Context("detail", title: "Organizations and detail")
    public static let tierMatrix = Context("tier matrix", title: "Tier matrix")
    public static let help = Context("help", title: "This help")
    public static let search = Context("search", title: "Search prompt")

    /// Where keys go: the search prompt while it is open, else what the screen on top
    /// says (a view may be asking a question).
    @MainActor init(_ ui: UIState, model: ExplorerModel) {
        if ui.searching { self = .search; return }
        if let view = Views.of(model.screen) { self = view.context(model); return }
        switch model.screen {
        case .detail: self = .detail
        case .tierMatrix: self = .tierMatrix
        case .help: self = .help
        default: self = .list
        }
    }
}

/// One key binding: its keys, the screens it applies to, the intent it produces, its
/// line in help and (when it has one) its hint in the bottom line. Dispatch, the hint
/// line and the help screen are all read from `Bindings.table`.
public struct Binding: Sendable {
    public enum Condition: Sendable { case always, narrow, online, syncing }

    public let keys: [Key]
    public let on: Set<Context>
    public let intent: Intent
    public let help: String
    public let hint: String?
    /// How the hint line names the keys (default: the first key's name).
    let hintKeys: String?
    /// Where the hint shows (default: everywhere the binding applies).
    let hintOn: Set<Context>?
    /// When the hint is offered.
    let when: Condition
    /// The view it opens, for a line of `Bindings.openers`.
    let opens: (any ScreenView.Type)?

    init(_ keys: [Key], on: Set<Context>, _ intent: Intent, _ help: String, hint: String? = nil, hintKeys: String? = nil,
         hintOn: Set<Context>? = nil, when: Condition = .always) {
        self.keys = keys; self.on = on; self.intent = intent; self.help = help
        self.hint = hint; self.hintKeys = hintKeys; self.hintOn = hintOn; self.when = when; self.opens = nil
    }

    /// The key that opens `view`, from the list and the detail.
    init(_ keys: [Key], opening view: any ScreenView.Type, _ intent: Intent, _ help: String, hint: String) {
        self.keys = keys; self.on = Bindings.browse; self.intent = intent; self.help = help
        self.hint = hint; self.hintKeys = nil; self.hintOn = [.list]; self.when = .always; self.opens = view
    }

    /// The keys as help names them: "↓ j", "g Home".
    public var label: String {
        if case .mouse = keys.first { return "mouse" }
        return keys.map(\.name).joined(separator: " ")
    }
}

/// The explorer's key bindings: the one place a key is named. Their order is the
/// order of the hint line and of the help screen.
public enum Bindings {
    /// Bindings a view takes part in beside the list and the detail (`ScreenView.joins`).
    enum Shared { case copyId, backToList }

    static let browse: Set<Context> = [.list, .detail]
    /// Every context, in help's order.
    static let contexts: [Context] = [.list, .detail, .tierMatrix] + Views.all.flatMap { $0.contexts } + [.help, .search]
    /// The contexts of the views of lines, and of the views that join `shared`.
    static let viewsOfLines = Set(Views.all.filter { $0.isLines }.map { $0.context })
    static func joining(_ shared: Shared) -> Set<Context> { Set(Views.all.filter { $0.joins.contains(shared) }.map { $0.context }) }
    static let lines: Set<Context> = browse.union(viewsOfLines).union([.help])
    /// The screens (not the prompt, nor a view's question).
    static let screens: Set<Context> = browse.union([.tierMatrix, .help]).union(Views.all.map { $0.context })

    /// The keys that open the tier matrix and each view: the one line a view adds here
    /// to be known (its other keys follow in `table`, on its contexts).
    static let openers: [Binding] = [
        Binding([.char("L")], on: browse, .tierMatrix, "the license-tier matrix", hint: "tiers", hintOn: [.list]),
        Binding([.char("b")], opening: BillingView.self, .billing, "the month's bill", hint: "bill"),
        Binding([.char("c")], opening: ChangesView.self, .changes, "what changed since you last looked", hint: "changes"),
        Binding([.char("p")], opening: PSAView.self, .psa, "the PSA view: the month's seats against ConnectWise", hint: "psa"),
    ]

    public static let table: [Binding] = [
        // First, so that its hint is never the one crowded out while a sync runs.
        Binding([.char("C")], on: screens.subtracting([.help]), .cancelSync, "cancel the running sync (what was fetched is kept)",
                hint: "cancel sync", when: .syncing),
        Binding([.tab], on: browse, .nextPane, "the next pane (narrow terminals)", hint: "pane", when: .narrow),
        Binding([.backTab], on: browse, .previousPane, "the previous pane"),
        Binding([.up, .char("k")], on: lines.union([.tierMatrix]), .up, "up a line (the tier matrix: a row up)"),
        Binding([.down, .char("j")], on: lines.union([.tierMatrix]), .down, "down a line",
                hint: "move", hintKeys: "↑↓", hintOn: browse.union(viewsOfLines)),
        Binding([.pageUp], on: lines, .pageUp, "a page up"),
        Binding([.pageDown], on: lines, .pageDown, "a page down", hint: "scroll", hintKeys: "PgUp PgDn", hintOn: [.help]),
        Binding([.char("g"), .home], on: lines, .first, "the first line"),
        Binding([.char("G"), .end], on: lines, .last, "the last line"),
        Binding([.left, .char("h")], on: [.tierMatrix], .left, "the cell to the left"),
        Binding([.right, .char("l")], on: [.tierMatrix], .right, "the cell to the right", hint: "cell", hintKeys: "←↑↓→"),
        Binding([.char("/")], on: browse, .search, "search names (Enter keeps, Esc clears)", hint: "search", hintOn: [.list]),
        Binding([.char("t")], on: browse, .trialOnly, "trial organizations only (again: all)", hint: "trial", hintOn: [.list]),
        Binding([.char("n")], on: browse, .nfrOnly, "NFR organizations only (again: all)", hint: "NFR", hintOn: [.list]),
        Binding([.char("T")], on: browse, .cycleTier, "cycle the tier filter: all, business, enterprise", hint: "tier", hintOn: [.list]),
        Binding([.char("s")], on: browse, .nextSort, "the next sort: name, seats, change, trial end", hint: "sort", hintKeys: "s/S", hintOn: [.list]),
        Binding([.char("S")], on: browse, .reverseSort, "reverse the sort"),
        Binding([.enter], on: browse, .open, "the organization's usage detail", hint: "detail", hintOn: [.list]),
        Binding([.enter], on: [.tierMatrix], .open, "the list narrowed to the cell's organizations", hint: "narrow list"),
        Binding([.enter], on: [.billing], .open, "the organization's detail (by customer: its lines)", hint: "open"),
        Binding([.enter], on: [.changes], .open, "the organization's detail", hint: "organization"),
        Binding([.enter], on: [.psa], .open, "the line's organizations (Esc: back to the lines)", hint: "organizations"),
    ] + openers + [
        Binding([.char("[")], on: browse.union([.tierMatrix]), .previous, "the day (or month) before", hint: "period", hintKeys: "[ ]"),
        Binding([.char("]")], on: browse.union([.tierMatrix]), .next, "the day (or month) after"),
        Binding([.char("[")], on: [.billing], .previous, "the month before", hint: "month", hintKeys: "[ ]"),
        Binding([.char("]")], on: [.billing], .next, "the month after"),
        Binding([.char("[")], on: [.psa], .previous, "the month before", hint: "month", hintKeys: "[ ]"),
        Binding([.char("]")], on: [.psa], .next, "the month after"),
        Binding([.char("a")], on: [.psa], .apply, "make the changes in ConnectWise (asks first)", hint: "apply"),
        Binding([.char("m")], on: [.psa], .acceptSuggestion, "map an unmapped organization to its suggested company", hint: "map"),
        Binding([.char("r")], on: [.psa], .refresh, "read ConnectWise again", hint: "reread"),
        Binding([.char("y")], on: [.psaConfirm], .confirm, "yes: apply the changes", hint: "apply"),
        Binding([.char("n"), .escape, .enter], on: [.psaConfirm], .refuse, "no: write nothing", hint: "no"),
        Binding([.char("u")], on: [.billing], .byCustomer, "a line per customer and tier (again: per organization)", hint: "customers"),
        Binding([.char("s")], on: [.billing], .nextSort, "sort by the change since last month (again: by amount)", hint: "sort Δ"),
        Binding([.char("m")], on: browse.union([.tierMatrix]), .toggleMode, "daily or monthly reports", hint: "mode"),
        Binding([.char("r")], on: browse, .refresh, "refresh from the API: a sync, and the period on screen", hint: "refresh", hintOn: [.list], when: .online),
        Binding([.char("x")], on: browse, .export, "write the visible rows to a CSV file", hint: "csv", hintOn: [.list]),
        Binding([.char("x")], on: [.billing], .export, "write the bill as CSV, and as a workbook (.xlsx)", hint: "csv+xlsx"),
        Binding([.char("y")], on: browse.union(joining(.copyId)), .copyId, "copy the organization's id (OSC 52)",
                hint: "copy id", hintOn: joining(.copyId)),
        Binding([.char("Y")], on: browse, .copyRow, "copy the organization's row as CSV (OSC 52)"),
        Binding([.escape], on: browse, .back, "back; on the list, clears the search, then the filters",
                hint: "back", hintOn: [.detail]),
        Binding([.escape], on: joining(.backToList).union([.tierMatrix]), .back, "back to the list", hint: "back"),
        Binding([.escape], on: [.psa], .back, "back (from a line's organizations: to the lines)", hint: "back"),
        Binding([.char("p")], on: [.psa], .back, "close the PSA view"),
        Binding([.char("b")], on: [.billing], .back, "close the bill"),
        Binding([.char("c")], on: [.changes], .back, "close the changes"),
        Binding([.char("?")], on: screens.subtracting([.help]), .help, "this help", hint: "help"),
        Binding([.escape, .char("?"), .enter], on: [.help], .back, "close the help", hint: "close"),
        Binding([.enter], on: [.search], .searchKeep, "keep the search", hint: "keep"),
        Binding([.escape], on: [.search], .searchClear, "clear the search", hint: "clear"),
        Binding([.backspace], on: [.search], .searchErase, "erase the last character"),
        Binding([.up], on: [.search], .up, "the list's cursor up"),
        Binding([.down], on: [.search], .down, "the list's cursor down"),
        Binding([.mouse(x: 0, y: 0, kind: .click), .mouse(x: 0, y: 0, kind: .wheelUp), .mouse(x: 0, y: 0, kind: .wheelDown)],
                on: browse, .pointer, "click selects, the wheel scrolls"),
        Binding([.redraw], on: Set(contexts), .repaint, "repaint the screen"),
        Binding([.char("q")], on: screens, .quit, "quit", hint: "quit"),
        Binding([.ctrlC], on: Set(contexts), .quit, "quit, wherever you are"),
    ]

    /// The binding `key` triggers in `context`, if any (a mouse event matches by its kind).
    public static func binding(for key: Key, in context: Context) -> Binding? {
        let key = key.pattern
        return table.first { $0.on.contains(context) && $0.keys.contains(key) }
    }

    /// The name of the first key that produces `intent` in `context`, for messages
    /// that tell the user what to press ("Esc cancels it").
    public static func name(of intent: Intent, in context: Context) -> String {
        table.first { $0.intent == intent && $0.on.contains(context) }?.keys.first?.name ?? "?"
    }

    /// The hint line's pairs for `context`, in table order.
    static func hints(for context: Context, narrow: Bool, online: Bool, syncing: Bool = false) -> [(keys: String, text: String)] {
        var pairs: [(keys: String, text: String)] = context == .search ? [("type", "search")] : []
        for b in table where b.on.contains(context) {
            guard let hint = b.hint, (b.hintOn ?? b.on).contains(context) else { continue }
            switch b.when {
            case .always: break
            case .narrow: if !narrow { continue }
            case .online: if !online { continue }
            case .syncing: if !syncing { continue }
            }
            pairs.append((b.hintKeys ?? b.keys[0].name, hint))
        }
        return pairs
    }

    /// The help screen: every binding once, under the heading of where it applies
    /// ("Everywhere" for the ones of most screens). Made once: help reads it on every
    /// frame and every scroll.
    static let helpSections: [(title: String, bindings: [Binding])] = {
        var sections: [(title: String, bindings: [Binding])] = []
        for b in table {
            let title = b.on.count >= 5 ? "Everywhere" : contexts.first { b.on.contains($0) }!.title
            if let i = sections.firstIndex(where: { $0.title == title }) { sections[i].bindings.append(b) }
            else { sections.append((title, [b])) }
        }
        if let i = sections.firstIndex(where: { $0.title == "Everywhere" }) { sections.insert(sections.remove(at: i), at: 0) }
        return sections
    }()
}

extension Key {
    /// How help and the hint line name the key.
    public var name: String {
        switch self {
        case .char(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .redraw: return "Ctrl-L"
        case .ctrlC: return "Ctrl-C"
        case .mouse: return "mouse"
        case .resize, .unknown: return ""
        }
    }

    /// The key as the table holds it: a mouse event without its cell.
    var pattern: Key {
        if case .mouse(_, _, let kind) = self { return .mouse(x: 0, y: 0, kind: kind) }
        return self
    }
}
