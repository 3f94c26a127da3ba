import Explorer
import Foundation

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
            var words = rejection.split(separator: " ").map(String.init)
            while !words.isEmpty, y < inner.maxY {
                var line = ""
                while let w = words.first, DisplayWidth.of(line) + DisplayWidth.of(w) + 1 <= inner.width {
                    line += (line.isEmpty ? "" : " ") + w
                    words.removeFirst()
                }
                if line.isEmpty { line = words.removeFirst() }
                c.put(line, x: inner.x, y: y, style: theme.error, maxWidth: inner.width)
                y += 1
            }
        }
        field("Key id", "\(k.info.keyId)  \(k.info.algorithm)")
        field("Fingerprint", k.info.fingerprint)
        if let created = k.info.createdAt {
            field("Created", "\(Format.time(created)) (\(k.keyAge ?? "?"))")
        }
        field("File", "\(k.info.source) \(k.info.permission)")
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
        let columns = t.licenseTypes.map { $0 == .nfr ? "NFR" : $0.rawValue } + ["total"]
        let labelWidth = 12
        let cellWidth = max(12, min(22, (inner.width - labelWidth) / max(1, columns.count)))
        var y = inner.y
        c.put("", x: inner.x, y: y, width: labelWidth)
        for (i, name) in columns.enumerated() {
            c.put(name, x: inner.x + labelWidth + i * cellWidth, y: y, width: cellWidth - 1, style: theme.header, alignRight: true)
        }
        y += 1
        c.put("orgs / seats (active + pending)", x: inner.x + labelWidth, y: y, style: theme.label, maxWidth: inner.width - labelWidth)
        y += 1
        func text(_ cell: LicenseTierModel.Cell) -> String { "\(Format.count(cell.organizations)) / \(Format.count(cell.consumedLicenses))" }
        for (rowIndex, tier) in t.tiers.enumerated() where y < inner.maxY {
            c.put(Format.tierShort(tier), x: inner.x, y: y, width: labelWidth, style: theme.tier(tier))
            for (colIndex, type) in t.licenseTypes.enumerated() {
                let selected = t.cursor.row == rowIndex && t.cursor.column == colIndex
                c.put(text(t.cell(tier, type)), x: inner.x + labelWidth + colIndex * cellWidth, y: y, width: cellWidth - 1,
                      style: selected ? theme.selected : .plain, alignRight: true)
            }
            c.put(text(t.rowTotal(tier)), x: inner.x + labelWidth + t.licenseTypes.count * cellWidth, y: y, width: cellWidth - 1,
                  style: Style(bold: true), alignRight: true)
            y += 1
        }
        guard y + 1 < inner.maxY else { return }
        c.put("total", x: inner.x, y: y, width: labelWidth, style: Style(bold: true))
        for (colIndex, type) in t.licenseTypes.enumerated() {
            c.put(text(t.columnTotal(type)), x: inner.x + labelWidth + colIndex * cellWidth, y: y, width: cellWidth - 1, style: Style(bold: true), alignRight: true)
        }
        c.put(text(t.grandTotal), x: inner.x + labelWidth + t.licenseTypes.count * cellWidth, y: y, width: cellWidth - 1, style: Style(bold: true), alignRight: true)
        y += 2
        guard y < inner.maxY else { return }
        var x = c.put("Billable seats (standard licenses; trial and NFR are free): ", x: inner.x, y: y, style: theme.label, maxWidth: inner.width)
        x += c.put(Format.count(t.billableSeats), x: inner.x + x, y: y, style: Style(bold: true), maxWidth: inner.width - x)
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
    func drawHelp(_ c: inout Canvas, _ r: Rect) {
        let bindings = KeyMap.help
        let width = min(r.width - 4, 76)
        let height = min(r.height - 2, bindings.count + 4)
        let box = Rect(x: r.x + (r.width - width) / 2, y: r.y + max(0, (r.height - height) / 2), width: width, height: height)
        c.fill(box)
        c.box(box, title: "Keys (Esc closes)", style: theme.focusedBorder, titleStyle: theme.focusedBorder)
        var y = box.y + 2
        for (keys, action) in bindings where y < box.maxY - 1 {
            c.put(keys, x: box.x + 2, y: y, width: 14, style: theme.hintKey)
            c.put(action, x: box.x + 17, y: y, style: .plain, maxWidth: box.width - 19)
            y += 1
        }
    }
}
