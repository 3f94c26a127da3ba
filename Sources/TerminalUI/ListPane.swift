import Explorer
import ProviderAPI

extension Renderer {
    /// Columns of the list, right to left: change, seats, tier; the name takes the rest.
    /// A row's badges (`TRIAL 13d`, `NFR`, `SUSP`) stand at the right end of its name
    /// cell, so they take width from that row's name only and never a column of blanks;
    /// the tier is shortened (`ent`, `bus`) only when the name would get too little.
    struct ListColumns {
        let name, tier, seats, change: Int
        static let nameComfort = 24
        init(width: Int) {
            change = 7; seats = 8
            let fixed = change + seats + 3
            tier = width - fixed - 10 >= Self.nameComfort ? 10 : 4
            name = max(8, width - fixed - tier)
        }
        var total: Int { name + tier + seats + change + 3 }
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
        let headers = [("NAME", cols.name, false), ("TIER", cols.tier, false),
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
            if !model.periodCached, model.sync.isSyncing {
                message = "No cached report for \(model.period) yet: the sync is fetching it"
            } else if !model.periodCached {
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
            drawListRow(&c, rows[index], x: inner.x, y: rowsTop + i, cols: cols, selected: index == selected && focused,
                        shared: list.sharedNames.contains(rows[index].name))
        }
        drawTotals(&c, Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1))
        if rows.count > rowsHeight, rowsHeight > 0 {
            let pos = rowsTop + (rowsHeight - 1) * ui.listScroll / max(1, rows.count - rowsHeight)
            c.put("▐", x: r.maxX - 1, y: pos, style: theme.focusedBorder)
        }
    }

    /// A piece of an organization's id that tells it from others of the same name.
    static func idSuffix(_ id: String) -> String { "·" + String(id.suffix(4)) }

    func drawListRow(_ c: inout Canvas, _ row: ListRow, x: Int, y: Int, cols: ListColumns, selected: Bool, shared: Bool = false) {
        let base: Style = selected ? theme.selected : .plain
        if selected { c.fill(Rect(x: x, y: y, width: cols.total, height: 1), style: base) }
        // Badges: the license (TRIAL with days left, NFR, or a type the contract does not
        // know), then SUSP; right-aligned at the end of the name cell.
        var badges: [(String, Style)] = []
        if row.isNFR { badges.append(("NFR", theme.nfrBadge)) }
        else if row.isTrial { badges.append(("TRIAL" + (row.trialDaysLeft.map { " \($0)d" } ?? ""), theme.trialBadge)) }
        else if !row.licenseType.isKnown { badges.append((String(Printable.text(row.licenseType.rawValue).uppercased().prefix(8)), theme.label)) }
        if row.isSuspended { badges.append(("SUSP", theme.suspendedBadge)) }
        // Two organizations of one name: the end of the id stays visible beside it.
        if shared { badges.insert((Self.idSuffix(row.id), theme.label), at: 0) }
        let badgeWidth = badges.reduce(0) { $0 + DisplayWidth.of($1.0) + 1 }
        let nameWidth = max(4, cols.name - badgeWidth)
        c.put(row.name, x: x, y: y, width: nameWidth, style: base)
        var bx = x + nameWidth + 1
        for (text, style) in badges where bx < x + cols.name {
            bx += c.put(text, x: bx, y: y, style: selected ? base : style, maxWidth: x + cols.name - bx) + 1
        }
        var cx = x + cols.name + 1
        let tierText = cols.tier >= 10 ? Format.tierShort(row.tier) : String(Printable.text(row.tier.rawValue).prefix(3))
        c.put(tierText, x: cx, y: y, width: cols.tier, style: selected ? base : theme.tier(row.tier))
        cx += cols.tier + 1
        c.put(Format.count(row.consumedLicenses), x: cx, y: y, width: cols.seats, style: base, alignRight: true)
        cx += cols.seats + 1
        let changeStyle: Style = selected ? base : (row.change ?? 0) > 0 ? theme.positive : (row.change ?? 0) < 0 ? theme.negative : theme.label
        c.put(Format.change(row.change, previousCached: model.previousCached), x: cx, y: y, width: cols.change, style: changeStyle, alignRight: true)
    }

    func drawTotals(_ c: inout Canvas, _ r: Rect) {
        let t = model.list.totals
        // Consumed seats (active + pending) of every visible row, and of those the
        // billable ones (standard licenses: trial and NFR are free).
        // The numbers are never cut: the words go first, then the active/pending split.
        let orgs = Format.plural(t.organizations, "org"), consumed = Format.count(t.consumedLicenses), billable = Format.count(t.billableSeats)
        let variants = [
            "Σ \(orgs) · \(Format.count(t.activeSeats)) active + \(Format.count(t.pendingSeats)) pending = \(consumed) consumed · \(billable) billable",
            "Σ \(orgs) · \(consumed) consumed · \(billable) billable",
            "Σ \(orgs) · \(consumed) cons. · \(billable) bill.",
        ]
        let text = variants.first { DisplayWidth.of($0) <= r.width } ?? variants[variants.count - 1]
        c.put(text, x: r.x, y: r.y, style: theme.header, maxWidth: r.width)
    }
}
