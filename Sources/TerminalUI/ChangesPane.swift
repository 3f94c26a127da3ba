import Explorer
import ProviderAPI

/// The changes view: grouped by kind with counts, in the order of `Change.Kind`.
enum ChangesPane: LinesPane {
    struct Props {
        let from: String
        let to: String
        let changes: [Change]
        let selected: Int
        let problem: String?
        /// The comparison is still being read.
        var reading = false
        /// Names two organizations share: shown with the end of their ids.
        var sameNames = SameNames(names: [])
        /// The first line shown, as the front last kept it (`LineCursor.window`).
        var top = 0
    }

    /// A line of the view: a heading for each kind, then its changes.
    enum Line { case heading(Change.Kind, Int), change(Int) }

    /// The lines in the order of `Change.Kind`, each kind under its heading.
    static func lines(_ changes: [Change]) -> [Line] {
        var lines: [Line] = []
        for kind in Change.Kind.allCases {
            let indices = changes.indices.filter { changes[$0].kind == kind }
            guard !indices.isEmpty else { continue }
            lines.append(.heading(kind, indices.count))
            lines += indices.map { .change($0) }
        }
        return lines
    }

    /// The line of the selected change among `lines`.
    static func selectedLine(_ m: Props, in lines: [Line]) -> Int {
        lines.firstIndex { if case .change(let i) = $0 { return i == m.selected }; return false } ?? 0
    }

    /// The line selected, the lines, and the rows they are shown in (`r`: the pane):
    /// what the front scrolls by; nil when no lines are shown.
    static func window(_ m: Props, in r: Rect) -> LineWindow? {
        let inner = r.inset(1)
        guard inner.height >= 3, inner.width >= 30, m.problem == nil, !m.reading, !m.changes.isEmpty else { return nil }
        let lines = lines(m.changes)
        return (selectedLine(m, in: lines), lines.count, inner.height)
    }

    static func draw(_ m: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        // No count while reading, nor when a report is missing (the count is not known).
        let title = "Changes · \(m.from) → \(m.to)" + (m.reading || m.problem != nil ? "" : " · \(Format.plural(m.changes.count, "change"))")
        c.box(r, title: title, style: theme.focusedBorder, titleStyle: theme.focusedBorder)
        let inner = r.inset(1)
        guard inner.height >= 3, inner.width >= 30 else { return }
        if let problem = m.problem ?? (m.reading ? "reading the two reports…" : nil) {
            c.put(problem, x: inner.x + 1, y: inner.y + 1, style: theme.label, maxWidth: inner.width - 2)
            return
        }
        if m.changes.isEmpty {
            c.put("Nothing changed from \(m.from) to \(m.to)", x: inner.x + 1, y: inner.y + 1,
                  style: theme.label, maxWidth: inner.width - 2)
            return
        }
        let lines = lines(m.changes)
        let top = LineCursor.window(top: m.top, selected: selectedLine(m, in: lines), count: lines.count, height: inner.height)
        let valueW = Metrics.changeValue
        let nameW = max(10, inner.width - valueW - 4)
        for (row, line) in lines.dropFirst(top).prefix(inner.height).enumerated() {
            let y = inner.y + row
            switch line {
            case .heading(let kind, let count):
                c.put("\(changeTitle(kind)) (\(count))", x: inner.x, y: y, style: theme.header, maxWidth: inner.width)
            case .change(let i):
                let change = m.changes[i]
                let selected = i == m.selected
                let base: Style = selected ? theme.selected : .plain
                if selected { c.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
                c.put(m.sameNames.shown(change.organizationName, id: change.organizationId), x: inner.x + 2, y: y, width: nameW, style: base)
                c.put(changeValue(change), x: inner.x + 3 + nameW, y: y, width: valueW, style: selected ? base : theme.label, alignRight: true)
            }
        }
    }

    static func changeTitle(_ kind: Change.Kind) -> String {
        switch kind {
        case .added: return "Added"
        case .removed: return "Removed"
        case .tier: return "Tier changed"
        case .license: return "License changed"
        case .seats: return "Seats moved"
        case .suspended: return "Suspended, still consuming seats"
        case .trialEnding: return "Trial ending"
        }
    }

    static func changeValue(_ c: Change) -> String {
        // Seat counts with separators and their noun; other values as they are.
        func seats(_ text: String) -> String { Int(text).map { Format.plural($0, "seat") } ?? text }
        func number(_ text: String) -> String { Int(text).map(Format.count) ?? text }
        switch c.kind {
        case .added: return seats(c.after)
        case .removed: return "had " + seats(c.before)
        case .tier, .license: return "\(c.before) → \(c.after)"
        case .seats: return "\(number(c.before)) → \(number(c.after)) (\(c.delta.map { $0 > 0 ? "+" + Format.count($0) : Format.count($0) } ?? ""))"
        case .suspended: return seats(c.after)
        case .trialEnding: return "ends \(c.after)"
        }
    }
}

extension Metrics {
    // The changes: the value column.
    static let changeValue = 24
}
