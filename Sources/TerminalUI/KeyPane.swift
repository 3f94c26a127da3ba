import Explorer
import Foundation
import ProviderAPI

extension Renderer {
    func drawKey(_ c: inout Canvas, _ r: Rect) {
        let k = model.key
        let rejected = k.rejection != nil
        c.box(r, title: rejected ? "Key: REJECTED" : "Key", style: rejected ? theme.error : theme.border,
              titleStyle: rejected ? theme.error : theme.header)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        guard inner.width > 10 else { return }
        var y = inner.y
        func field(_ name: String, _ value: String, _ style: Style = .plain) {
            guard y < inner.maxY else { return }
            c.put(name, x: inner.x, y: y, width: 12, style: theme.label)
            c.put(value, x: inner.x + 13, y: y, style: style, maxWidth: inner.width - 13)
            y += 1
        }
        if let rejection = k.rejection {
            field("Last request", k.lastRequestSummary, theme.error)
            // The advice, wrapped over the lines left.
            y += c.putWrapped(rejection, x: inner.x, y: y, width: inner.width, maxLines: inner.maxY - y, style: theme.error)
        }
        field("Key id", "\(k.info.keyId)  \(k.info.algorithm)")
        // A fingerprint is compared character by character: it is never cut. It moves to
        // a line of its own when it does not fit beside its label.
        let fingerprint = k.info.fingerprint
        if DisplayWidth.of(fingerprint) <= inner.width - 13 {
            field("Fingerprint", fingerprint)
        } else if DisplayWidth.of(fingerprint) <= inner.width, y + 1 < inner.maxY {
            field("Fingerprint", "")
            c.put(fingerprint, x: inner.x, y: y, maxWidth: inner.width)
            y += 1
        } else {
            field("Fingerprint", "(wider terminal shows it)", theme.label)
        }
        if let created = k.info.createdAt {
            field("Created", "\(Format.time(created)) (\(k.keyAge ?? "?"))")
        }
        if k.info.source.hasPrefix("command ") {
            field("Key from", k.info.source)
        } else {
            field("File", "\(k.info.source) \(k.info.permission)")
        }
        if let left = k.tokenSecondsLeft {
            field("Token", String(format: "expires in %d:%02d", left / 60, left % 60), left < 30 ? theme.warning : .plain)
        } else {
            field("Token", "not minted yet", theme.label)
        }
        if !rejected {
            let failed = k.lastOutcome?.error != nil
            field("Last request", k.lastRequestSummary, failed ? theme.error : k.lastOutcome == nil ? theme.label : theme.ok)
        }
        field("Source", k.originSummary)
    }
}

extension Renderer {
    func drawTierMatrix(_ c: inout Canvas, _ r: Rect) {
        let t = model.tiers
        c.box(r, title: "License tiers · \(model.period.isDaily ? "day" : "month") \(model.period)", style: theme.focusedBorder, titleStyle: theme.focusedBorder)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        // Columns: each license type, then the total. A number is never cut: the cells
        // first narrow to their widest number, then show seats alone, then columns go
        // from the right (the total first), with a line that says so.
        struct Column { let name: String; let type: LicenseType? }
        var columns = t.licenseTypes.map { Column(name: $0 == .nfr ? "NFR" : $0.rawValue, type: $0) } + [Column(name: "total", type: nil)]
        func cell(_ tier: Tier?, _ column: Column) -> LicenseTierModel.Cell {
            switch (tier, column.type) {
            case let (tier?, type?): return t.cell(tier, type)
            case let (tier?, nil): return t.rowTotal(tier)
            case let (nil, type?): return t.columnTotal(type)
            case (nil, nil): return t.grandTotal
            }
        }
        let labelWidth = max(6, t.tiers.map { DisplayWidth.of(Format.tierShort($0)) }.max() ?? 0) + 1
        var seatsOnly = false
        func text(_ c: LicenseTierModel.Cell) -> String {
            seatsOnly ? Format.count(c.consumedLicenses) : "\(Format.count(c.organizations)) / \(Format.count(c.consumedLicenses))"
        }
        let rowsAndTotal: [Tier?] = [nil] + t.tiers.map { $0 }
        func needed() -> Int {
            var w = 0
            for column in columns {
                w = max(w, DisplayWidth.of(column.name))
                for tier in rowsAndTotal { w = max(w, DisplayWidth.of(text(cell(tier, column)))) }
            }
            return w + 1
        }
        var hidden = 0
        while labelWidth + columns.count * needed() > inner.width {
            if !seatsOnly { seatsOnly = true; continue }
            guard columns.count > 1 else { break }
            columns.removeLast()
            hidden += 1
        }
        let cellWidth = max(needed(), min(22, (inner.width - labelWidth) / max(1, columns.count)))
        var y = inner.y
        for (i, column) in columns.enumerated() {
            c.put(column.name, x: inner.x + labelWidth + i * cellWidth, y: y, width: cellWidth - 1, style: theme.header, alignRight: true)
        }
        y += 1
        let legend = (seatsOnly ? "consumed seats (active + pending)" : "orgs / consumed seats (active + pending)")
            + (hidden > 0 ? "; \(hidden) \(hidden == 1 ? "column" : "columns") hidden: widen the terminal" : "")
        c.put(legend, x: inner.x, y: y, style: theme.label, maxWidth: inner.width)
        y += 1
        for (rowIndex, tier) in t.tiers.enumerated() where y < inner.maxY {
            c.put(Format.tierShort(tier), x: inner.x, y: y, width: labelWidth - 1, style: theme.tier(tier))
            for (colIndex, column) in columns.enumerated() {
                let selected = column.type != nil && t.cursor.row == rowIndex && t.cursor.column == colIndex
                c.put(text(cell(tier, column)), x: inner.x + labelWidth + colIndex * cellWidth, y: y, width: cellWidth - 1,
                      style: selected ? theme.selected : column.type == nil ? Style(bold: true) : .plain, alignRight: true)
            }
            y += 1
        }
        guard y < inner.maxY else { return }
        c.put("total", x: inner.x, y: y, width: labelWidth - 1, style: Style(bold: true))
        for (colIndex, column) in columns.enumerated() {
            c.put(text(cell(nil, column)), x: inner.x + labelWidth + colIndex * cellWidth, y: y, width: cellWidth - 1, style: Style(bold: true), alignRight: true)
        }
        y += 2
        guard y < inner.maxY else { return }
        let billable = Format.count(t.billableSeats)
        let label = inner.width >= 64 ? "Billable seats (standard licenses; trial and NFR are free): " : "Billable seats: "
        let x = c.put(label, x: inner.x, y: y, style: theme.label, maxWidth: max(0, inner.width - DisplayWidth.of(billable)))
        c.put(billable, x: inner.x + x, y: y, style: Style(bold: true), maxWidth: inner.width - x)
        y += 1
        for tier in t.tiers where y < inner.maxY {
            c.put("  \(Format.tierShort(tier)): \(Format.count(t.billableSeats(tier)))", x: inner.x, y: y, style: theme.tier(tier), maxWidth: inner.width)
            y += 1
        }
        if y + 1 < inner.maxY {
            let cell = t.selectedCell
            c.put("Enter shows the \(cell.tier.rawValue) × \(cell.licenseType.rawValue) organizations in the list", x: inner.x, y: y + 1, style: theme.hint, maxWidth: inner.width)
        }
    }
}

extension Renderer {
    /// Where the help box goes in `r`, and how many bindings it shows at once.
    static func helpBox(in r: Rect) -> (box: Rect, rows: Int) {
        let width = min(r.width - 4, 76)
        let height = min(r.height - 2, KeyMap.help.count + 3)
        let box = Rect(x: r.x + (r.width - width) / 2, y: r.y + max(0, (r.height - height) / 2), width: width, height: height)
        return (box, max(1, box.height - 3))
    }

    /// The furthest the help scrolls in `r`.
    static func helpMaxScroll(in r: Rect) -> Int { max(0, KeyMap.help.count - helpBox(in: r).rows) }

    func drawHelp(_ c: inout Canvas, _ r: Rect, scroll: Int) {
        let bindings = KeyMap.help
        let (box, rows) = Self.helpBox(in: r)
        let top = min(max(0, scroll), Self.helpMaxScroll(in: r))
        c.fill(box)
        c.box(box, title: "Keys (Esc closes)", style: theme.focusedBorder, titleStyle: theme.focusedBorder)
        var y = box.y + 2
        for (keys, action) in bindings.dropFirst(top).prefix(rows) {
            c.put(keys, x: box.x + 2, y: y, width: 14, style: theme.hintKey)
            c.put(action, x: box.x + 17, y: y, style: .plain, maxWidth: box.width - 19)
            y += 1
        }
        // Say when there is more than the box shows, and which way.
        let above = top, below = bindings.count - top - rows
        if above > 0 || below > 0 {
            var more: [String] = []
            if above > 0 { more.append("↑ \(above) more") }
            if below > 0 { more.append("↓ \(below) more") }
            let text = " " + more.joined(separator: " · ") + " (j k PgUp PgDn) "
            c.put(text, x: box.x + 2, y: box.maxY - 1, style: theme.hint, maxWidth: box.width - 4)
        }
    }
}
