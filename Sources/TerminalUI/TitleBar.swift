import Explorer

/// The title bar: where the data comes from, the period, the sync. When the width
/// is short, parts go in this order: the program's name, "? help", the provider id,
/// the sync state, the source; the period goes last, so a day never reads as a month.
enum TitleBar {
    struct Props {
        let providerId: String
        let origin: DataOrigin
        let originSummary: String
        /// "daily 2026-11-28".
        let period: String
        let unseenChanges: Int
        let sync: String
        let helpKey: String
    }

    static func draw(_ p: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        c.fill(r, style: theme.titleBar)
        struct Part { let text: String; let style: Style; let keep: Int; let right: Bool }
        var parts: [Part] = [Part(text: " provider-explorer ", style: theme.titleBar, keep: 0, right: false),
                             Part(text: "│ \(p.providerId) ", style: theme.titleBar, keep: 2, right: false)]
        switch p.origin {
        case .demo: parts.append(Part(text: " DEMO simulator ", style: theme.demoBadge, keep: 4, right: false))
        case .cacheOnly: parts.append(Part(text: " " + p.originSummary + " ", style: theme.offlineBadge, keep: 4, right: false))
        case .api(let host): parts.append(Part(text: "│ \(host) ", style: theme.titleBar, keep: 4, right: false))
        }
        parts.append(Part(text: " │ \(p.period) ", style: theme.titleBar, keep: 5, right: false))
        if p.unseenChanges > 0 {
            parts.append(Part(text: " ● \(Format.plural(p.unseenChanges, "change")) ", style: theme.demoBadge, keep: 4, right: false))
        }
        parts.append(Part(text: " " + p.sync + " ", style: theme.titleBar, keep: 3, right: true))
        parts.append(Part(text: " \(p.helpKey) help ", style: theme.titleBar, keep: 1, right: true))
        while parts.count > 1, parts.reduce(0, { $0 + DisplayWidth.of($1.text) }) > r.width,
              let drop = parts.indices.min(by: { parts[$0].keep < parts[$1].keep }) {
            parts.remove(at: drop)
        }
        var x = r.x
        for part in parts where !part.right { x += c.put(part.text, x: x, y: r.y, style: part.style, maxWidth: r.maxX - x) }
        let rightWidth = parts.filter(\.right).reduce(0) { $0 + DisplayWidth.of($1.text) }
        var rx = max(x, r.maxX - rightWidth)
        for part in parts where part.right { rx += c.put(part.text, x: rx, y: r.y, style: part.style, maxWidth: r.maxX - rx) }
    }
}
