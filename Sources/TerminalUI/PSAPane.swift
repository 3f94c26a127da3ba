import ConnectWise
import Explorer
import Foundation
import ProviderAPI

/// The PSA view: a month's plan against ConnectWise. A summary line; then a line for
/// each change apply would make (largest difference first) and each that needs a
/// person, with what to do; `same` folded into one line at the end. In a drill, the
/// line's organizations.
enum PSAPane: LinesPane {
    struct Props {
        let month: String
        let company: String
        let demo: Bool
        let lines: [PSALine]
        let sameCount: Int
        let selected: Int
        let reading: Bool
        let problem: String?
        let drilled: PSALine?
        let organizations: [BillLine]
        let drillSelected: Int
        let backKey: String
        /// The first line shown, as the front last kept it (`LineCursor.window`).
        var top = 0
    }

    /// The line selected, the lines (or a drill's organizations), and the rows they
    /// are shown in (`r`: the pane): what the front scrolls by; nil when none are shown.
    static func window(_ m: Props, in r: Rect) -> LineWindow? {
        let inner = r.inset(1)
        guard inner.height >= 4, inner.width >= 30, m.problem == nil else { return nil }
        if m.drilled != nil { return (m.drillSelected, m.organizations.count, inner.height - 2) }
        guard !(m.reading && m.lines.isEmpty && m.sameCount == 0) else { return nil }
        return (m.selected, m.lines.count + (m.sameCount > 0 ? 1 : 0), inner.height - 2)
    }

    static func draw(_ m: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        let title = "PSA · ConnectWise \(Printable.line(m.company, limit: 30)) · \(m.month)" + (m.demo ? " · DEMO: NordPass and ConnectWise simulated" : "")
        c.box(r, title: title, style: theme.focusedBorder, titleStyle: theme.focusedBorder)
        let inner = r.inset(1)
        guard inner.height >= 3, inner.width >= 30 else { return }
        if let problem = m.problem ?? (m.reading && m.lines.isEmpty && m.sameCount == 0 ? "reading ConnectWise…" : nil) {
            c.put(problem, x: inner.x + 1, y: inner.y + 1, style: m.problem == nil ? theme.label : theme.error, maxWidth: inner.width - 2)
            return
        }
        if let drilled = m.drilled { drawDrill(m, drilled, &c, inner, theme); return }
        // The summary.
        let count = { (k: PSAChange.Kind) in m.lines.filter { $0.change.kind == k }.count }
        let attention = m.lines.filter { !$0.change.kind.writes }.count
        var summary = "\(count(.update)) to update · \(count(.create)) to create · \(attention) for you · \(m.sameCount) agree"
        if m.reading { summary += " · reading ConnectWise…" }
        c.put(summary, x: inner.x, y: inner.y, style: theme.label, maxWidth: inner.width)
        guard inner.height >= 4 else { return }
        // Columns: the note takes what the others leave, the customer at least its minimum.
        let wide = inner.width >= Metrics.psaWideFrom
        let kindW = wide ? Metrics.psaKind : Metrics.psaKindShort
        let quantityW = wide ? Metrics.psaQuantityWide : Metrics.psaSeats
        // Under `psaProductFrom` columns the product is its tier's letter (B, E).
        let productW = inner.width >= Metrics.psaProductFrom ? Metrics.psaProduct : 1
        let fixed = productW + Metrics.psaSeats + quantityW + Metrics.psaDifference + kindW + 6
        var whoW = wide ? Metrics.psaWhoWide : max(8, min(Metrics.psaWho, inner.width - fixed - 1))
        var noteW = max(0, inner.width - fixed - whoW - 1)
        // A note too narrow to read goes; the customer takes its room.
        if noteW < Metrics.psaNoteMin { whoW += noteW; noteW = 0 }
        let header = inner.y + 1
        var x = inner.x
        // Each column clipped to the pane: nothing is drawn over its border.
        func column(_ text: String, _ w: Int, y: Int, style: Style, right: Bool = false) {
            let room = min(w, inner.maxX - x)
            if room > 0 { c.put(text, x: x, y: y, width: room, style: style, alignRight: right) }
            x += w + 1
        }
        for (text, w, right) in [("CUSTOMER", whoW, false), (productW > 1 ? "PRODUCT" : "T", productW, false), ("NORDPASS", Metrics.psaSeats, true),
                                 ("CONNECTWISE", quantityW, true), ("DIFF", Metrics.psaDifference, true), ("KIND", kindW, false),
                                 ("WHAT TO DO", noteW, false)] where w > 0 {
            column(wide || text != "CONNECTWISE" ? text : "CW", w, y: header, style: theme.header, right: right)
        }
        let rows = inner.height - 2
        let total = m.lines.count + (m.sameCount > 0 ? 1 : 0)
        let top = LineCursor.window(top: m.top, selected: m.selected, count: total, height: rows)
        for row in 0..<min(rows, total - top) {
            let i = top + row, y = header + 1 + row
            let selected = i == m.selected
            let base: Style = selected ? theme.selected : .plain
            if selected { c.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
            x = inner.x
            guard i < m.lines.count else {
                c.put("✓ \(Format.plural(m.sameCount, "addition")) already \(m.sameCount == 1 ? "holds" : "hold") the bill's seats",
                      x: inner.x, y: y, style: selected ? base : theme.ok, maxWidth: inner.width)
                continue
            }
            let line = m.lines[i]
            let kind = line.change.kind
            column(Printable.line(line.who, limit: 80), whoW, y: y, style: base)
            column(productW > 1 ? line.change.product ?? "" : String((line.change.tier?.rawValue ?? "?").prefix(1)).uppercased(),
                   productW, y: y, style: selected ? base : theme.label)
            column(Format.count(line.seats), Metrics.psaSeats, y: y, style: base, right: true)
            column(line.quantity.map(quantity) ?? "–", quantityW, y: y, style: selected ? base : theme.label, right: true)
            let d = line.difference
            column(d > 0 ? "+" + quantity(d) : quantity(d), Metrics.psaDifference, y: y, style: selected ? base : d > 0 ? theme.positive : d < 0 ? theme.negative : base, right: true)
            column(wide ? kind.rawValue : short(kind), kindW, y: y, style: selected ? base : kind.writes ? theme.hintKey : theme.warning)
            if noteW > 0 {
                let failed: Bool
                if case .failed = line.outcome { failed = true } else { failed = false }
                column(line.note, noteW, y: y, style: selected ? base : failed ? theme.error : theme.label)
            }
        }
    }

    /// A quantity as a count ("1,599"), or as it is when it has a fraction.
    static func quantity(_ q: Decimal) -> String {
        let whole = NSDecimalNumber(decimal: q).intValue
        return Decimal(whole) == q ? Format.count(whole) : "\(q)"
    }

    static func short(_ kind: PSAChange.Kind) -> String {
        switch kind {
        case .noAgreement: return "no agrmt"
        case .unknownCustomer: return "unknown"
        default: return kind.rawValue
        }
    }

    static func drawDrill(_ m: Props, _ line: PSALine, _ c: inout Canvas, _ inner: Rect, _ theme: Theme) {
        let what = "\(Printable.line(line.who, limit: 40)) · \(line.change.product ?? "") · \(Format.plural(m.organizations.count, "organization"))"
            + " · \(m.backKey): back to the lines"
        c.put(what, x: inner.x, y: inner.y, style: theme.label, maxWidth: inner.width)
        guard inner.height >= 4 else { return }
        let seatsW = Metrics.psaSeats, idW = Metrics.psaId, tierW = Metrics.billTier
        let nameW = max(10, inner.width - seatsW - idW - tierW - 3)
        let header = inner.y + 1
        c.put("ORGANIZATION", x: inner.x, y: header, width: nameW, style: theme.header)
        c.put("ID", x: inner.x + nameW + 1, y: header, width: idW, style: theme.header)
        c.put("TIER", x: inner.x + nameW + idW + 2, y: header, width: tierW, style: theme.header)
        c.put("SEATS", x: inner.x + nameW + idW + tierW + 3, y: header, width: seatsW, style: theme.header, alignRight: true)
        let rows = inner.height - 2
        let top = LineCursor.window(top: m.top, selected: m.drillSelected, count: m.organizations.count, height: rows)
        for (row, org) in m.organizations.dropFirst(top).prefix(rows).enumerated() {
            let y = header + 1 + row, selected = top + row == m.drillSelected
            let base: Style = selected ? theme.selected : .plain
            if selected { c.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
            c.put(Printable.line(org.organizationName, limit: 200), x: inner.x, y: y, width: nameW, style: base)
            c.put(org.organizationId, x: inner.x + nameW + 1, y: y, width: idW, style: selected ? base : theme.label)
            c.put(org.tier.rawValue, x: inner.x + nameW + idW + 2, y: y, width: tierW, style: selected ? base : theme.tier(org.tier))
            c.put(Format.count(org.seats), x: inner.x + nameW + idW + tierW + 3, y: y, width: seatsW, style: base, alignRight: true)
        }
    }
}

extension Metrics {
    // The PSA view: the customer (at least; it takes what the note leaves), the product,
    // NordPass's seats, ConnectWise's quantity, the difference, the kind (short under
    // `psaWideFrom` columns); in a drill, the organization's id.
    static let psaWho = 14, psaWhoWide = 24, psaProduct = 8, psaSeats = 8, psaDifference = 7, psaKind = 16, psaKindShort = 9
    static let psaWideFrom = 110, psaId = 18, psaQuantityWide = 11, psaProductFrom = 70, psaNoteMin = 12
}
