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
        case .detail where !layout.isWide:
            drawDetail(&canvas, layout.main, focused: true)
        default:
            if let r = layout.list { drawList(&canvas, r, &ui, focused: !layout.isWide || model.screen == .list) }
            if let r = layout.detail { drawDetail(&canvas, r, focused: model.screen == .detail) }
            if let r = layout.key { drawKey(&canvas, r) }
        }
        if model.screen == .help { drawHelp(&canvas, layout.main) }
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

    func drawTitle(_ c: inout Canvas, _ r: Rect, _ ui: UIState) {
        c.fill(r, style: theme.titleBar)
        var right: String
        switch model.sync.state {
        case .syncing(let done, let total, _):
            right = "\(ui.spinnerGlyph) syncing \(done)/\(total)"
        case .rateLimited(let s): right = "\(ui.spinnerGlyph) rate limited, retry in \(s) s"
        case .failed: right = "✗ sync failed"
        case .idle:
            right = model.sync.lastSuccess.map { "synced \(Age.ago(model.key.now.timeIntervalSince($0)))" } ?? "not synced"
        }
        if model.isLoading { right = "\(ui.spinnerGlyph) loading  " + right }
        right += "  ? help "
        let rightWidth = DisplayWidth.of(right)
        // The left side gives way first: the program name goes when space is short.
        let leftLimit = max(0, r.width - rightWidth - 1)
        var parts: [(String, Style)] = []
        if r.width >= 110 { parts.append((" provider-explorer ", theme.titleBar)) }
        parts.append(("│ \(model.key.info.providerId) ", theme.titleBar))
        switch model.key.origin {
        case .demo: parts.append((" DEMO simulator ", theme.demoBadge))
        case .cacheOnly: parts.append((" " + model.key.originSummary + " ", theme.offlineBadge))
        case .api(let host): parts.append(("│ \(host) ", theme.titleBar))
        }
        parts.append((" │ \(model.period.isDaily ? "daily" : "monthly") \(model.period)", theme.titleBar))
        var x = 0
        for (text, style) in parts where x < leftLimit {
            x += c.put(text, x: x, y: r.y, style: style, maxWidth: leftLimit - x)
        }
        if r.width > rightWidth { c.put(right, x: r.width - rightWidth, y: r.y, style: theme.titleBar) }
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
        } else if let message = ui.message {
            c.put(message, x: 0, y: r.y, style: theme.ok, maxWidth: r.width)
        } else if case .syncing(_, _, let current) = model.sync.state {
            c.put("fetching \(current)… (Esc cancels)", x: 0, y: r.y, style: theme.hint, maxWidth: r.width)
        } else if model.key.origin == .demo {
            c.put("DEMO data from the built-in simulator. Real data: --credentials FILE (MSP Admin Panel > Integrations > Provider API)",
                  x: 0, y: r.y, style: theme.hint, maxWidth: r.width)
        }
    }

    func hintPairs(_ layout: Layout, _ ui: UIState) -> [(String, String)] {
        if ui.searching { return [("type", "search"), ("Enter", "keep"), ("Esc", "clear")] }
        switch model.screen {
        case .help: return [("Esc", "close"), ("q", "quit")]
        case .tierMatrix: return [("←↑↓→", "cell"), ("Enter", "narrow list"), ("Esc", "back"), ("q", "quit")]
        case .detail where !layout.isWide:
            return [("↑↓", "org"), ("[ ]", "period"), ("m", "daily/monthly"), ("Esc", "back"), ("Tab", "pane"), ("q", "quit")]
        default:
            var pairs: [(String, String)] = layout.isWide ? [] : [("Tab", "pane")]
            pairs += [("↑↓", "move"), ("/", "search"), ("t", "trial"), ("n", "NFR"), ("T", "tier"),
                                              ("s/S", "sort"), ("Enter", "detail"), ("L", "tiers"), ("[ ]", "period"),
                      ("m", "mode"), ("r", "refresh"), ("x", "csv"), ("?", "help"), ("q", "quit")]
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
