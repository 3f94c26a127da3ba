import Explorer
import Foundation
import ProviderAPI

/// Draws the whole screen for the models' state into a Canvas: a pure function of
/// (state, size), so every screen is testable as text.
@MainActor
public struct Renderer {
    public let model: ExplorerModel
    public let theme: Theme

    static let crashForTests = ProcessInfo.processInfo.environment["PROVIDER_EXPLORER_TEST_CRASH"] == "help"

    public init(model: ExplorerModel, theme: Theme) {
        self.model = model
        self.theme = theme
    }

    public func render(_ ui: inout UIState, width: Int, height: Int) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        ui.width = width
        ui.height = height
        let layout = Layout(width: width, height: height, focus: ui.focus)
        if layout.tooSmall {
            drawTooSmall(&canvas)
            return canvas
        }
        drawTitle(&canvas, layout.title, ui)
        if Self.crashForTests, model.screen == .help {
            // PROVIDER_EXPLORER_TEST_CRASH=help: a pane that crashes, to test that the terminal is restored.
            fatalError("test crash in the help pane")
        }
        switch model.screen {
        case .tierMatrix:
            drawTierMatrix(&canvas, layout.main)
        case .billing:
            drawBilling(&canvas, layout.main)
        case .changes:
            drawChanges(&canvas, layout.main)
        case .detail where !layout.isWide:
            drawDetail(&canvas, layout.main, focused: true)
        default:
            if let r = layout.list { drawList(&canvas, r, &ui, focused: !layout.isWide || model.screen == .list) }
            if let r = layout.detail { drawDetail(&canvas, r, focused: model.screen == .detail) }
            if let r = layout.key { drawKey(&canvas, r) }
        }
        if model.screen == .help { drawHelp(&canvas, layout.main, scroll: ui.helpScroll) }
        drawStatus(&canvas, layout.status, ui)
        drawHints(&canvas, layout.hints, layout, ui)
        return canvas
    }

    func drawTooSmall(_ c: inout Canvas) {
        let lines = ["Terminal too small (\(c.width)×\(c.height))", "provider-explorer needs at least \(Layout.minWidth)×\(Layout.minHeight)", "enlarge the window, or press q to quit"]
        let top = max(0, c.height / 2 - 1)
        for (i, line) in lines.enumerated() where top + i < c.height {
            let w = min(c.width, DisplayWidth.of(line))
            c.put(line, x: max(0, (c.width - w) / 2), y: top + i, style: i == 0 ? theme.warning : .plain, maxWidth: c.width)
        }
    }

    // MARK: - Title bar

    /// The title bar: where the data comes from, the period, the sync. When the width
    /// is short, parts go in this order: the program's name, "? help", the provider
    /// id, the sync state, the source; the period goes last, so a day never reads as
    /// a month.
    func drawTitle(_ c: inout Canvas, _ r: Rect, _ ui: UIState) {
        c.fill(r, style: theme.titleBar)
        var syncText: String
        switch model.sync.state {
        case .syncing(let done, let total, _):
            syncText = total > 0 ? "\(ui.spinnerGlyph) syncing \(done)/\(total)" : "\(ui.spinnerGlyph) syncing"
        case .rateLimited(let s): syncText = "\(ui.spinnerGlyph) rate limited, retry in \(s) s"
        case .failed: syncText = "✗ sync failed"
        case .idle:
            syncText = model.sync.lastSuccess.map { "synced \(Age.ago(model.key.now.timeIntervalSince($0)))" } ?? "not synced"
        }
        if model.isLoading { syncText = "\(ui.spinnerGlyph) loading  " + syncText }
        struct Part { let text: String; let style: Style; let keep: Int; let right: Bool }
        var parts: [Part] = [Part(text: " provider-explorer ", style: theme.titleBar, keep: 0, right: false),
                             Part(text: "│ \(model.key.info.providerId) ", style: theme.titleBar, keep: 2, right: false)]
        switch model.key.origin {
        case .demo: parts.append(Part(text: " DEMO simulator ", style: theme.demoBadge, keep: 4, right: false))
        case .cacheOnly: parts.append(Part(text: " " + model.key.originSummary + " ", style: theme.offlineBadge, keep: 4, right: false))
        case .api(let host): parts.append(Part(text: "│ \(host) ", style: theme.titleBar, keep: 4, right: false))
        }
        parts.append(Part(text: " │ \(model.period.isDaily ? "daily" : "monthly") \(model.period) ", style: theme.titleBar, keep: 5, right: false))
        if let unseen = model.changes.unseen, unseen > 0 {
            parts.append(Part(text: " ● \(Format.plural(unseen, "change")) ", style: theme.demoBadge, keep: 4, right: false))
        }
        parts.append(Part(text: " " + syncText + " ", style: theme.titleBar, keep: 3, right: true))
        parts.append(Part(text: " ? help ", style: theme.titleBar, keep: 1, right: true))
        while parts.count > 1, parts.reduce(0, { $0 + DisplayWidth.of($1.text) }) > r.width,
              let drop = parts.indices.min(by: { parts[$0].keep < parts[$1].keep }) {
            parts.remove(at: drop)
        }
        var x = r.x
        for p in parts where !p.right { x += c.put(p.text, x: x, y: r.y, style: p.style, maxWidth: r.maxX - x) }
        let rightWidth = parts.filter(\.right).reduce(0) { $0 + DisplayWidth.of($1.text) }
        var rx = max(x, r.maxX - rightWidth)
        for p in parts where p.right { rx += c.put(p.text, x: rx, y: r.y, style: p.style, maxWidth: r.maxX - rx) }
    }

    // MARK: - Status and hints

    func drawStatus(_ c: inout Canvas, _ r: Rect, _ ui: UIState) {
        if ui.searching {
            let x = c.put("/", x: 0, y: r.y, style: theme.hintKey)
            let w = c.put(model.list.search + "▏", x: x, y: r.y, style: .plain, maxWidth: r.width - x)
            c.put("  Enter keeps, Esc clears", x: x + w, y: r.y, style: theme.hint, maxWidth: r.width - x - w)
            return
        }
        if let status = model.status {
            c.put((status.isError ? "✗ " : "") + status.text, x: 0, y: r.y, style: status.isError ? theme.error : theme.warning, maxWidth: r.width)
        } else if case .syncing(_, _, let current) = model.sync.state {
            let doing = current == "starting" ? "starting the sync" : current == "done" ? "finishing the sync" : "fetching \(current)"
            c.put("\(doing)… (Esc cancels)", x: 0, y: r.y, style: theme.hint, maxWidth: r.width)
        } else if model.key.origin == .demo {
            c.put("DEMO data from the built-in simulator. Real data: --credentials FILE (MSP Admin Panel > Integrations > Provider API)",
                  x: 0, y: r.y, style: theme.hint, maxWidth: r.width)
        }
    }

    func hintPairs(_ layout: Layout, _ ui: UIState) -> [(String, String)] {
        if ui.searching { return [("type", "search"), ("Enter", "keep"), ("Esc", "clear")] }
        switch model.screen {
        case .help: return [("j k PgUp PgDn", "scroll"), ("Esc", "close"), ("q", "quit")]
        case .tierMatrix: return [("←↑↓→", "cell"), ("Enter", "narrow list"), ("Esc", "back"), ("q", "quit")]
        case .billing: return [("↑↓", "line"), ("[ ]", "month"), ("Enter", "organization"), ("x", "csv"), ("y", "copy id"), ("Esc", "back"), ("q", "quit")]
        case .changes: return [("↑↓", "change"), ("Enter", "organization"), ("y", "copy id"), ("Esc", "back"), ("q", "quit")]
        case .detail where !layout.isWide:
            return [("↑↓", "org"), ("[ ]", "period"), ("m", "daily/monthly"), ("Esc", "back"), ("Tab", "pane"), ("q", "quit")]
        default:
            var pairs: [(String, String)] = layout.isWide ? [] : [("Tab", "pane")]
            pairs += [("↑↓", "move"), ("/", "search"), ("t", "trial"), ("n", "NFR"), ("T", "tier"),
                                              ("s/S", "sort"), ("Enter", "detail"), ("L", "tiers"), ("b", "bill"), ("c", "changes"), ("[ ]", "period"),
                      ("m", "mode"), ("r", "refresh"), ("x", "csv"), ("?", "help"), ("q", "quit")]
            // Offline, r cannot refresh: it is not offered.
            if !model.sync.canSync { pairs.removeAll { $0.0 == "r" } }
            return pairs
        }
    }

    /// The key hints that fit, always ending with help and quit.
    func drawHints(_ c: inout Canvas, _ r: Rect, _ layout: Layout, _ ui: UIState) {
        let pairs = hintPairs(layout, ui)
        func width(_ p: (String, String)) -> Int { DisplayWidth.of(p.0) + DisplayWidth.of(p.1) + 3 }
        let tail = Array(pairs.suffix(2))
        var budget = r.width - tail.map(width).reduce(0, +)
        var shown: [(String, String)] = []
        for p in pairs.dropLast(2) {
            guard width(p) <= budget else { break }
            shown.append(p)
            budget -= width(p)
        }
        var x = 0
        for (key, action) in shown + tail {
            x += c.put(key, x: x, y: r.y, style: theme.hintKey)
            x += c.put(" " + action + "  ", x: x, y: r.y, style: theme.hint, maxWidth: max(0, r.width - x))
        }
    }
}

extension Renderer {
    /// The first line shown of `count` lines in `height` rows: the selected one kept in
    /// the middle, the window never past either end.
    static func centredTop(selected: Int, count: Int, height: Int) -> Int {
        max(0, min(selected - height / 2, count - height))
    }
}
