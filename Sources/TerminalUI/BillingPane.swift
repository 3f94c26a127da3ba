import Explorer
import ProviderAPI

/// The billing view: a month's bill, largest first (or by the size of the change
/// against the month before), by organization or by customer; flagged lines stand out;
/// the totals per tier at the bottom, with what they leave out.
enum BillingPane: LinesPane {
    struct Props {
        let title: String
        let bill: Bill?
        /// The bill's lines in the view's order.
        let lines: BillLines
        /// By customer: its lines in the view's order.
        let customerLines: [CustomerLine]
        let byCustomer: Bool
        let selected: Int
        /// Why there is no bill.
        let problem: String?
        /// The first line shown, as the front last kept it (`LineCursor.window`).
        var top = 0
    }

    /// The line selected, the lines, and the rows they are shown in (`r`: the pane):
    /// what the front scrolls by; nil when no lines are shown.
    static func window(_ b: Props, in r: Rect) -> LineWindow? {
        let inner = r.inset(1)
        guard inner.height >= 4, inner.width >= 30, let bill = b.bill else { return nil }
        return (b.selected, b.byCustomer ? b.customerLines.count : b.lines.count, max(0, inner.height - 1 - footerLines(bill).count - 1))
    }

    static func draw(_ b: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        c.box(r, title: b.title, style: theme.focusedBorder, titleStyle: theme.focusedBorder)
        let inner = r.inset(1)
        guard inner.height >= 4, inner.width >= 30 else { return }
        guard let bill = b.bill else {
            c.put(b.problem ?? "loading…", x: inner.x + 1, y: inner.y + 1, style: theme.label, maxWidth: inner.width - 2)
            return
        }
        let footer = footerLines(bill)
        guard let (_, count, rowsHeight) = window(b, in: r) else { return }
        let top = LineCursor.window(top: b.top, selected: b.selected, count: count, height: rowsHeight)
        if b.byCustomer {
            drawCustomers(b, bill, &c, inner, rowsHeight: rowsHeight, top: top, theme)
        } else {
            drawOrganizations(b, bill, &c, inner, rowsHeight: rowsHeight, top: top, theme)
        }
        if count == 0 {
            c.put("No organization is billed for \(bill.month) (trial and NFR are free)", x: inner.x + 1, y: inner.y + 2, style: theme.label, maxWidth: inner.width - 2)
        }
        var y = inner.maxY - footer.count
        for (variants, style) in footer {
            // The numbers are never cut: the words go first.
            let text = variants.first { DisplayWidth.of($0) <= inner.width } ?? variants[variants.count - 1]
            c.put(text, x: inner.x, y: y, style: style(theme), maxWidth: inner.width)
            y += 1
        }
    }

    /// The headers and cells of one line, as columns right of the name: text, width,
    /// right-aligned.
    typealias Column = (header: String, width: Int, right: Bool)

    static func drawOrganizations(_ b: Props, _ bill: Bill, _ c: inout Canvas, _ inner: Rect, rowsHeight: Int, top: Int, _ theme: Theme) {
        let digits = bill.minorDigits
        let wide = inner.width >= Metrics.billNoteFrom
        let compared = bill.previous != nil
        let tierW = wide ? Metrics.billTier : Metrics.billTierShort
        var fixed: [Column] = [("TIER", tierW, false), ("SEATS", Metrics.billSeats, true), ("PRICE", Metrics.billPrice, true),
                               ("AMOUNT", Metrics.billAmount, true)]
        if compared { fixed.append(("Δ \(bill.previous!.month.description.suffix(2))", Metrics.billDelta, true)) }
        let flexible = inner.width - fixed.reduce(0) { $0 + $1.width + 1 } - 1
        // Notes get their room before names; under 90 columns a short word stands in.
        let shown = b.lines.dropFirst(top).prefix(rowsHeight)
        let noteW: Int
        if wide {
            let longest = shown.reduce(4) { max($0, DisplayWidth.of(noteText($1))) }
            noteW = max(0, min(longest, flexible - Metrics.billNameMin))
        } else {
            let longest = shown.reduce(0) { max($0, DisplayWidth.of(shortNote($1))) }
            noteW = min(longest, Metrics.billShortNote, max(0, flexible - 10))
        }
        let nameW = max(8, flexible - noteW)
        let shared = bill.sameNames
        var x = inner.x
        for (text, w, right) in [("NAME", nameW, false)] + fixed + [(wide ? "NOTE" : "", noteW, false)] where w > 0 {
            c.put(text, x: x, y: inner.y, width: w, style: theme.header, alignRight: right)
            x += w + 1
        }
        for (i, line) in shown.enumerated() {
            let y = inner.y + 1 + i
            let selected = top + i == b.selected
            let base: Style = selected ? theme.selected : line.isFlagged ? theme.warning : .plain
            if selected { c.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
            var cx = inner.x
            // Without a note column, the flag goes before the name.
            c.put((line.isFlagged && noteW == 0 ? "⚑ " : "") + shared.shown(line.organizationName, id: line.organizationId),
                  x: cx, y: y, width: nameW, style: base)
            cx += nameW + 1
            let tier = wide ? Format.tierShort(line.tier) : String(Printable.text(line.tier.rawValue).prefix(3))
            c.put(tier, x: cx, y: y, width: tierW, style: selected ? base : theme.tier(line.tier)); cx += tierW + 1
            c.put(Format.count(line.seats), x: cx, y: y, width: Metrics.billSeats, style: base, alignRight: true); cx += Metrics.billSeats + 1
            c.put(line.unitPrice?.text(minorDigits: digits) ?? "–", x: cx, y: y, width: Metrics.billPrice, style: base, alignRight: true)
            cx += Metrics.billPrice + 1
            c.put(line.amount.map { Format.money($0, minorDigits: digits) } ?? "–", x: cx, y: y, width: Metrics.billAmount, style: base, alignRight: true)
            cx += Metrics.billAmount + 1
            if compared {
                c.put(bill.delta(line).map { deltaText($0, digits) } ?? "", x: cx, y: y, width: Metrics.billDelta, style: base, alignRight: true)
                cx += Metrics.billDelta + 1
            }
            if noteW > 0 { c.put(wide ? noteText(line) : shortNote(line), x: cx, y: y, style: base, maxWidth: noteW) }
        }
    }

    static func drawCustomers(_ b: Props, _ bill: Bill, _ c: inout Canvas, _ inner: Rect, rowsHeight: Int, top: Int, _ theme: Theme) {
        let digits = bill.minorDigits
        let wide = inner.width >= Metrics.billNoteFrom
        let tierW = wide ? Metrics.billTier : Metrics.billTierShort
        // A customer's line sums its organizations: its numbers can outgrow an
        // organization's columns, which then widen to the longest (few lines to measure).
        func widest(_ least: Int, _ text: (CustomerLine) -> String) -> Int {
            b.customerLines.reduce(least) { max($0, DisplayWidth.of(text($1))) }
        }
        var orgsW = widest(Metrics.billOrgs) { Format.count($0.organizations) }
        var seatsW = widest(Metrics.billSeats) { Format.count($0.seats) }
        var amountW = widest(Metrics.billAmount) { $0.amount.map { Format.money($0, minorDigits: digits) } ?? "–" }
        var deltaW = bill.previous == nil ? 0 : widest(Metrics.billDelta) { bill.delta($0).map { deltaText($0, digits) } ?? "" }
        let noteW = wide ? 18 : 0
        // Where they do not fit beside the narrowest name: the count of organizations
        // goes first; if still too wide, the organizations' widths (a number too long
        // for them ends in …).
        let room = inner.width - 8 - 1 - noteW
        func needed() -> Int { [tierW, orgsW, seatsW, amountW, deltaW].reduce(0) { $0 + ($1 > 0 ? $1 + 1 : 0) } }
        if needed() > room { orgsW = 0 }
        if needed() > room {
            (orgsW, seatsW, amountW) = (Metrics.billOrgs, Metrics.billSeats, Metrics.billAmount)
            if bill.previous != nil { deltaW = Metrics.billDelta }
        }
        var fixed: [Column] = [("TIER", tierW, false), ("ORGS", orgsW, true), ("SEATS", seatsW, true), ("AMOUNT", amountW, true)]
        if let previous = bill.previous { fixed.append(("Δ \(previous.month.description.suffix(2))", deltaW, true)) }
        // Customer ids are short: the columns stay beside them.
        let longest = b.customerLines.reduce(14) { max($0, DisplayWidth.of($1.customerId)) }
        let nameW = max(8, min(longest + 2, inner.width - fixed.reduce(0) { $0 + ($1.width > 0 ? $1.width + 1 : 0) } - 1 - noteW))
        var x = inner.x
        for (text, w, right) in [("CUSTOMER", nameW, false)] + fixed + [("NOTE", noteW, false)] where w > 0 {
            c.put(text, x: x, y: inner.y, width: w, style: theme.header, alignRight: right)
            x += w + 1
        }
        for (i, line) in b.customerLines.dropFirst(top).prefix(rowsHeight).enumerated() {
            let y = inner.y + 1 + i
            let selected = top + i == b.selected
            let flagged = line.unpricedLines > 0
            let base: Style = selected ? theme.selected : flagged ? theme.warning : line.isSubtotal ? Style(bold: true) : .plain
            if selected { c.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
            var cx = inner.x
            let none = nameW >= 13 ? "(no customer)" : "(none)"
            let name = line.isSubtotal ? "" : line.customerId.isEmpty ? none : line.customerId
            c.put((flagged && noteW == 0 ? "⚑ " : "") + name, x: cx, y: y, width: nameW, style: line.customerId.isEmpty && !selected ? theme.label : base)
            cx += nameW + 1
            let tier = line.isSubtotal ? (wide ? "subtotal" : "sub") : wide ? Format.tierShort(line.tier) : String(Printable.text(line.tier.rawValue).prefix(3))
            c.put(tier, x: cx, y: y, width: tierW, style: selected || line.isSubtotal ? base : theme.tier(line.tier)); cx += tierW + 1
            if orgsW > 0 { c.put(Format.count(line.organizations), x: cx, y: y, width: orgsW, style: base, alignRight: true); cx += orgsW + 1 }
            c.put(Format.count(line.seats), x: cx, y: y, width: seatsW, style: base, alignRight: true); cx += seatsW + 1
            c.put(line.amount.map { Format.money($0, minorDigits: digits) } ?? "–", x: cx, y: y, width: amountW, style: base, alignRight: true)
            cx += amountW + 1
            if bill.previous != nil {
                c.put(bill.delta(line).map { deltaText($0, digits) } ?? "", x: cx, y: y, width: deltaW, style: base, alignRight: true)
                cx += deltaW + 1
            }
            if noteW > 0, flagged { c.put("⚑ \(line.unpricedLines) no price", x: cx, y: y, style: base, maxWidth: noteW) }
        }
        // No organization mapped to a customer: say how to map them.
        let shownCount = min(rowsHeight, max(0, b.customerLines.count - top))
        if b.customerLines.allSatisfy({ $0.customerId.isEmpty }), shownCount + 2 <= rowsHeight {
            let variants = ["No customers: map organizations in a CSV of organizationId,customerId, and set customers = \"FILE\" in config.toml",
                            "No customers: set customers = \"FILE\" in config.toml", "No customers mapped"]
            let text = variants.first { DisplayWidth.of($0) <= inner.width - 2 } ?? variants[variants.count - 1]
            c.put(text, x: inner.x + 1, y: inner.y + 2 + shownCount, style: theme.label, maxWidth: inner.width - 2)
        }
    }

    static func deltaText(_ delta: BillDelta, _ digits: Int) -> String {
        switch delta {
        case .new: return "new"
        case .amount(let d): return (d > 0 ? "+" : d < 0 ? "-" : "") + Format.money(abs(d), minorDigits: digits)
        case .seats(let d): return (d > 0 ? "+" : "") + Format.count(d)
        }
    }

    static func noteText(_ line: BillLine) -> String { (line.isFlagged ? "⚑ " : "") + line.note }

    /// Under 90 columns: a flag and a short word for the note (Enter shows the
    /// organization, and `bill` prints the notes whole).
    static func shortNote(_ line: BillLine) -> String {
        if line.isUnpriced { return "⚑ no price" }
        if line.isFlagged { return "⚑ peak" }
        if line.note.hasPrefix("free: Not") { return "NFR" }
        if line.note.hasPrefix("free: trial") { return "trial" }
        if line.note.contains("billed at") { return "tier up" }
        if line.note.contains("tier changed") { return "tier chg" }
        if line.note.contains("suspended") { return "suspended" }
        if line.note.contains("contract price") { return "contract" }
        return ""
    }

    /// The footer: a line per tier and the total (the words go first when it is
    /// narrow), then what the totals leave out, then the month before.
    static func footerLines(_ bill: Bill) -> [(variants: [String], style: (Theme) -> Style)] {
        let digits = bill.minorDigits
        var out: [(variants: [String], style: (Theme) -> Style)] = []
        let flagged = bill.flaggedCount
        let totals = bill.totals()
        for (label, total) in [("business", totals.business), ("enterprise", totals.enterprise), ("total", totals.all)] {
            let amount = total.amount.map { Format.money($0, minorDigits: digits) + (bill.currency.map { " " + $0 } ?? "") }
            let check = label == "total" && flagged > 0
            out.append(([
                "\(label): \(Format.plural(total.organizations, "organization")) · \(Format.plural(total.seats, "seat"))" + (amount.map { " · " + $0 } ?? "") + (check ? " · ⚑ \(flagged) to check" : ""),
                "\(label): \(Format.plural(total.organizations, "org")) · \(Format.plural(total.seats, "seat"))" + (amount.map { " · " + $0 } ?? "") + (check ? " · ⚑ \(flagged)" : ""),
                "\(label) \(Format.count(total.organizations)) · \(Format.count(total.seats))" + (amount.map { " · " + $0 } ?? "") + (check ? " ⚑\(flagged)" : ""),
            ], label == "total" ? { _ in Style(bold: true) } : { $0.header }))
        }
        if let what = bill.incompleteness(of: totals.all) {
            out.append((["⚑ " + what], { $0.warning }))
        }
        if let previous = bill.previous {
            let t = previous.total
            let amount = t.amount.map { Format.money($0, minorDigits: digits) + (bill.currency.map { " " + $0 } ?? "") }
            let delta = BillDelta(seats: totals.all.seats, amount: totals.all.amount, previous: (t.seats, t.amount))
            out.append(([
                "\(previous.month): \(Format.plural(t.organizations, "organization")) · \(Format.plural(t.seats, "seat"))" + (amount.map { " · " + $0 } ?? "") + " · Δ \(deltaText(delta, digits))",
                "\(previous.month) \(Format.count(t.seats))" + (amount.map { " · " + $0 } ?? "") + " · Δ \(deltaText(delta, digits))",
            ], { $0.label }))
        }
        return out
    }
}

extension Metrics {
    // The bill: amount, price, seats, tier; the note column from this inner width on.
    static let billAmount = 12, billPrice = 8, billSeats = 8, billTier = 10, billTierShort = 4, billNoteFrom = 90
    /// The change against the month before; under `billNoteFrom`, the short word that
    /// stands in for the note; the narrowest name beside a note; by customer, the
    /// organizations' count.
    static let billDelta = 10, billShortNote = 10, billNameMin = 24, billOrgs = 6
}
