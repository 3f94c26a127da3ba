import Explorer
import ProviderAPI

/// The organization list: a box titled with the filters, count and sort; a header;
/// the rows from the scroll position; the totals of the visible rows at the foot.
enum ListPane {
    struct Props {
        let title: String
        let focused: Bool
        let rows: RowView
        let selected: Int?
        /// The first row shown (kept by `App.update` so the cursor stays in view).
        let scroll: Int
        let sharedNames: Set<String>
        let totals: Totals
        /// While the rest of the rows load behind: how many there are.
        let loading: Int?
        let previousCached: Bool
        /// What an empty list says.
        let emptyMessage: String
    }

    /// Columns of the list, right to left: change, seats, tier; the name takes the rest.
    /// A row's badges (`TRIAL 13d`, `NFR`, `SUSP`) stand at the right end of its name
    /// cell, so they take width from that row's name only and never a column of blanks;
    /// the tier is shortened (`ent`, `bus`) only when the name would get too little.
    struct Columns {
        let name, tier, seats, change: Int
        init(width: Int) {
            change = Metrics.listChange; seats = Metrics.listSeats
            let fixed = change + seats + 3
            tier = width - fixed - Metrics.listTier >= Metrics.listNameComfort ? Metrics.listTier : Metrics.listTierShort
            name = max(Metrics.listNameMin, width - fixed - tier)
        }
        var total: Int { name + tier + seats + change + 3 }
    }

    static func draw(_ p: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        c.box(r, title: p.title, style: p.focused ? theme.focusedBorder : theme.border,
              titleStyle: p.focused ? theme.focusedBorder : theme.header)
        let inner = r.inset(1)
        guard inner.height >= 3, inner.width >= 20 else { return }
        let cols = Columns(width: inner.width)
        var x = inner.x
        for (title, width, right) in [("NAME", cols.name, false), ("TIER", cols.tier, false),
                                      ("SEATS", cols.seats, true), ("CHANGE", cols.change, true)] {
            c.put(title, x: x, y: inner.y, width: width, style: theme.header, alignRight: right)
            x += width + 1
        }
        let rowsTop = inner.y + 1
        let rowsHeight = inner.height - 2
        let rows = p.rows
        if rows.isEmpty {
            c.put(p.emptyMessage, x: inner.x + 1, y: rowsTop + 1, style: theme.label, maxWidth: inner.width - 2)
        }
        let selected = p.selected ?? 0
        let scroll = max(0, min(p.scroll, rows.count - rowsHeight))
        for i in 0..<max(0, rowsHeight) {
            let index = scroll + i
            guard index < rows.count else { break }
            drawRow(rows[index], &c, x: inner.x, y: rowsTop + i, cols: cols, selected: index == selected && p.focused,
                    shared: p.sharedNames.contains(rows[index].name), previousCached: p.previousCached, theme)
        }
        let foot = Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1)
        if let loading = p.loading {
            c.put("Σ loading \(Format.plural(loading, "organization"))…", x: foot.x, y: foot.y, style: theme.header, maxWidth: foot.width)
        } else {
            drawTotals(p.totals, &c, foot, theme)
        }
        if rows.count > rowsHeight, rowsHeight > 0 {
            let pos = rowsTop + (rowsHeight - 1) * scroll / max(1, rows.count - rowsHeight)
            c.put("▐", x: r.maxX - 1, y: pos, style: theme.focusedBorder)
        }
    }

    static func drawRow(_ row: ListRow, _ c: inout Canvas, x: Int, y: Int, cols: Columns, selected: Bool, shared: Bool,
                        previousCached: Bool, _ theme: Theme) {
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
        if shared { badges.insert((SameNames.idSuffix(row.id), theme.label), at: 0) }
        let badgeWidth = badges.reduce(0) { $0 + DisplayWidth.of($1.0) + 1 }
        let nameWidth = max(4, cols.name - badgeWidth)
        c.put(row.name, x: x, y: y, width: nameWidth, style: base)
        var bx = x + nameWidth + 1
        for (text, style) in badges where bx < x + cols.name {
            bx += c.put(text, x: bx, y: y, style: selected ? base : style, maxWidth: x + cols.name - bx) + 1
        }
        var cx = x + cols.name + 1
        let tierText = cols.tier >= Metrics.listTier ? Format.tierShort(row.tier) : String(Printable.text(row.tier.rawValue).prefix(3))
        c.put(tierText, x: cx, y: y, width: cols.tier, style: selected ? base : theme.tier(row.tier))
        cx += cols.tier + 1
        c.put(Format.count(row.consumedLicenses), x: cx, y: y, width: cols.seats, style: base, alignRight: true)
        cx += cols.seats + 1
        let changeStyle: Style = selected ? base : (row.change ?? 0) > 0 ? theme.positive : (row.change ?? 0) < 0 ? theme.negative : theme.label
        c.put(Format.change(row.change, previousCached: previousCached), x: cx, y: y, width: cols.change, style: changeStyle, alignRight: true)
    }

    /// Consumed seats (active + pending) of every visible row, and of those the
    /// billable ones (standard licenses: trial and NFR are free). The numbers are never
    /// cut: the words go first, then the active/pending split.
    static func drawTotals(_ t: Totals, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
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
