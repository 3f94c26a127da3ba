import Explorer
import ProviderAPI

/// The license-tier matrix of the period: tier × license type, organizations and
/// consumed seats in each cell, the totals and the billable seats.
enum TierMatrixPane {
    struct Props {
        let title: String
        let tiers: [Tier]
        let types: [LicenseType]
        /// cells[tier][type], in the order of `tiers` and `types`.
        let cells: [[LicenseTierModel.Cell]]
        let rowTotals: [LicenseTierModel.Cell]
        let columnTotals: [LicenseTierModel.Cell]
        let grandTotal: LicenseTierModel.Cell
        let billable: Int
        let billableByTier: [Int]
        let cursor: (row: Int, column: Int)
        let narrowKey: String
    }

    static func draw(_ t: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        c.box(r, title: t.title, style: theme.focusedBorder, titleStyle: theme.focusedBorder)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        // Columns: each license type, then the total. A number is never cut: the cells
        // first narrow to their widest number, then show seats alone, then columns go
        // from the right (the total first), with a line that says so.
        struct Column { let name: String; let type: Int? }
        var columns = t.types.indices.map { Column(name: t.types[$0] == .nfr ? "NFR" : t.types[$0].rawValue, type: $0) }
            + [Column(name: "total", type: nil)]
        func cell(_ tier: Int?, _ column: Column) -> LicenseTierModel.Cell {
            switch (tier, column.type) {
            case let (tier?, type?): return t.cells[tier][type]
            case let (tier?, nil): return t.rowTotals[tier]
            case let (nil, type?): return t.columnTotals[type]
            case (nil, nil): return t.grandTotal
            }
        }
        let labelWidth = max(6, t.tiers.map { DisplayWidth.of(Format.tierShort($0)) }.max() ?? 0) + 1
        var seatsOnly = false
        func text(_ c: LicenseTierModel.Cell) -> String {
            seatsOnly ? Format.count(c.consumedLicenses) : "\(Format.count(c.organizations)) / \(Format.count(c.consumedLicenses))"
        }
        let rowsAndTotal: [Int?] = [nil] + t.tiers.indices.map { $0 }
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
        let cellWidth = max(needed(), min(Metrics.matrixCellMax, (inner.width - labelWidth) / max(1, columns.count)))
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
                c.put(text(cell(rowIndex, column)), x: inner.x + labelWidth + colIndex * cellWidth, y: y, width: cellWidth - 1,
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
        let billable = Format.count(t.billable)
        let label = inner.width >= 64 ? "Billable seats (standard licenses; trial and NFR are free): " : "Billable seats: "
        let x = c.put(label, x: inner.x, y: y, style: theme.label, maxWidth: max(0, inner.width - DisplayWidth.of(billable)))
        c.put(billable, x: inner.x + x, y: y, style: Style(bold: true), maxWidth: inner.width - x)
        y += 1
        for (i, tier) in t.tiers.enumerated() where y < inner.maxY {
            c.put("  \(Format.tierShort(tier)): \(Format.count(t.billableByTier[i]))", x: inner.x, y: y, style: theme.tier(tier), maxWidth: inner.width)
            y += 1
        }
        if y + 1 < inner.maxY {
            let tier = t.tiers[t.cursor.row], type = t.types[t.cursor.column]
            c.put("\(t.narrowKey) shows the \(tier.rawValue) × \(type.rawValue) organizations in the list", x: inner.x, y: y + 1, style: theme.hint, maxWidth: inner.width)
        }
    }
}

