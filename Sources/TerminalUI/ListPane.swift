import Explorer
import ProviderAPI

extension Renderer {
    /// Columns of the list, right to left: change, seats, badges, tier; the name takes the rest.
    struct ListColumns {
        let name, tier, badges, seats, change: Int
        init(width: Int) {
            change = 7; seats = 8; badges = 14
            tier = width >= 60 ? 10 : 4
            name = max(8, width - change - seats - badges - tier - 4)
        }
    }

    func drawList(_ c: inout Canvas, _ r: Rect, _ ui: inout UIState, focused: Bool) {
        let list = model.list
        let count = "\(list.visible.count)/\(list.allRows.count)"
        let filters = list.filterSummary.isEmpty ? "" : " [\(list.filterSummary)]"
        let sort = "\(list.sortKey.label) \(list.ascending ? "↑" : "↓")"
        c.box(r, title: "Organizations\(filters) \(count) · \(sort)", style: focused ? theme.focusedBorder : theme.border,
              titleStyle: focused ? theme.focusedBorder : theme.header)
        let inner = r.inset(1)
        guard inner.height >= 3, inner.width >= 20 else { return }
        let cols = ListColumns(width: inner.width)
        var x = inner.x
        let headers = [("NAME", cols.name, false), ("TIER", cols.tier, false), ("", cols.badges, false),
                       ("SEATS", cols.seats, true), ("CHANGE", cols.change, true)]
        for (title, width, right) in headers {
            c.put(title, x: x, y: inner.y, width: width, style: theme.header, alignRight: right)
            x += width + 1
        }
        let rowsTop = inner.y + 1
        let rowsHeight = inner.height - 2
        let rows = list.visible
        if rows.isEmpty {
            let message: String
            if !model.periodCached {
                message = "No cached report for \(model.period)" + (model.sync.canSync ? ": r fetches it" : "")
            } else if list.isFiltered {
                message = "No organization matches; Esc clears the search and filters"
            } else {
                message = "No organizations in this report"
            }
            c.put(message, x: inner.x + 1, y: rowsTop + 1, style: theme.label, maxWidth: inner.width - 2)
        }
        let selected = list.selectedIndex ?? 0
        // Keep the cursor in view, moving the window as little as possible.
        if selected < ui.listScroll { ui.listScroll = selected }
        if selected >= ui.listScroll + rowsHeight { ui.listScroll = selected - rowsHeight + 1 }
        ui.listScroll = max(0, min(ui.listScroll, max(0, rows.count - rowsHeight)))
        for i in 0..<rowsHeight {
            let index = ui.listScroll + i
            guard index < rows.count else { break }
            drawListRow(&c, rows[index], x: inner.x, y: rowsTop + i, cols: cols, selected: index == selected && focused)
        }
        drawTotals(&c, Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1))
        if rows.count > rowsHeight, rowsHeight > 0 {
            let pos = rowsTop + (rowsHeight - 1) * ui.listScroll / max(1, rows.count - rowsHeight)
            c.put("▐", x: r.maxX - 1, y: pos, style: theme.focusedBorder)
        }
    }

    func drawListRow(_ c: inout Canvas, _ row: ListRow, x: Int, y: Int, cols: ListColumns, selected: Bool) {
        let base: Style = selected ? theme.selected : .plain
        if selected { c.fill(Rect(x: x, y: y, width: cols.name + cols.tier + cols.badges + cols.seats + cols.change + 4, height: 1), style: base) }
        var cx = x
        c.put(row.name, x: cx, y: y, width: cols.name, style: base)
        cx += cols.name + 1
        let tierText = cols.tier >= 10 ? Format.tierShort(row.tier) : String(row.tier.rawValue.prefix(3))
        c.put(tierText, x: cx, y: y, width: cols.tier, style: selected ? base : theme.tier(row.tier))
        cx += cols.tier + 1
        // Badges: the license (TRIAL with days left, NFR, or a type the contract does not know), then SUSP.
        var bx = cx
        if row.isNFR { bx += c.put("NFR ", x: bx, y: y, style: selected ? base : theme.nfrBadge) }
        else if row.isTrial { bx += c.put("TRIAL" + (row.trialDaysLeft.map { " \($0)d" } ?? "") + " ", x: bx, y: y, style: selected ? base : theme.trialBadge) }
        else if !row.licenseType.isKnown { bx += c.put(row.licenseType.rawValue.uppercased() + " ", x: bx, y: y, style: selected ? base : theme.label, maxWidth: 8) }
        if row.isSuspended { c.put("SUSP", x: bx, y: y, style: selected ? base : theme.suspendedBadge, maxWidth: max(0, cx + cols.badges - bx)) }
        cx += cols.badges + 1
        c.put(Format.count(row.consumedLicenses), x: cx, y: y, width: cols.seats, style: base, alignRight: true)
        cx += cols.seats + 1
        let changeStyle: Style = selected ? base : (row.change ?? 0) > 0 ? theme.positive : (row.change ?? 0) < 0 ? theme.negative : theme.label
        c.put(Format.change(row.change), x: cx, y: y, width: cols.change, style: changeStyle, alignRight: true)
    }

    func drawTotals(_ c: inout Canvas, _ r: Rect) {
        let t = model.list.totals
        let text = "Σ \(Format.count(t.organizations)) orgs · \(Format.count(t.activeSeats)) active + \(Format.count(t.pendingSeats)) pending = \(Format.count(t.consumedLicenses)) seats"
        c.put(text, x: r.x, y: r.y, style: theme.header, maxWidth: r.width)
    }
}
