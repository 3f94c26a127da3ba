/// Help: every binding of `Bindings.table`, under the heading of where it applies,
/// in a box over the screen; it scrolls, and says when there is more.
enum HelpPane {
    struct Props {
        let sections: [(title: String, bindings: [Binding])]
        let scroll: Int
    }

    enum Line { case heading(String), binding(keys: String, help: String) }

    static func lines(_ sections: [(title: String, bindings: [Binding])]) -> [Line] {
        sections.flatMap { [Line.heading($0.title)] + $0.bindings.map { Line.binding(keys: $0.label, help: $0.help) } }
    }

    /// Where the help box goes in `r`, and how many lines it shows at once.
    static func box(in r: Rect) -> (box: Rect, rows: Int) {
        let width = min(r.width - 4, Metrics.helpMaxWidth)
        let height = min(r.height - 2, lines(Bindings.helpSections).count + 3)
        let box = Rect(x: r.x + (r.width - width) / 2, y: r.y + max(0, (r.height - height) / 2), width: width, height: height)
        return (box, max(1, box.height - 3))
    }

    static func rows(in r: Rect) -> Int { box(in: r).rows }

    /// The furthest the help scrolls in `r`.
    static func maxScroll(in r: Rect) -> Int { max(0, lines(Bindings.helpSections).count - rows(in: r)) }

    static func draw(_ p: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        let all = lines(p.sections)
        let (box, rows) = box(in: r)
        let top = min(max(0, p.scroll), max(0, all.count - rows))
        c.fill(box)
        c.box(box, title: "Keys (\(Bindings.name(of: .back, in: .help)) closes)", style: theme.focusedBorder, titleStyle: theme.focusedBorder)
        var y = box.y + 2
        for line in all.dropFirst(top).prefix(rows) {
            switch line {
            case .heading(let title):
                c.put(title, x: box.x + 2, y: y, style: theme.header, maxWidth: box.width - 4)
            case .binding(let keys, let help):
                c.put(keys, x: box.x + 3, y: y, width: Metrics.helpKeys - 2, style: theme.hintKey)
                c.put(help, x: box.x + 2 + Metrics.helpKeys, y: y, style: .plain, maxWidth: box.width - 4 - Metrics.helpKeys)
            }
            y += 1
        }
        // Say when there is more than the box shows, and which way.
        let above = top, below = all.count - top - rows
        if above > 0 || below > 0 {
            var more: [String] = []
            if above > 0 { more.append("↑ \(above) more") }
            if below > 0 { more.append("↓ \(below) more") }
            let keys = [Intent.up, .down, .pageUp, .pageDown].map { Bindings.name(of: $0, in: .help) }.joined(separator: " ")
            let text = " " + more.joined(separator: " · ") + " (\(keys)) "
            c.put(text, x: box.x + 2, y: box.maxY - 1, style: theme.hint, maxWidth: box.width - 4)
        }
    }
}
