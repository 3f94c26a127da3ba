import Explorer
import ProviderAPI

/// The billing view: a month's bill, largest first; flagged lines stand out; the
/// totals per tier at the bottom.
enum BillingPane {
    struct Props {
        let title: String
        let bill: Bill?
        /// The bill's lines in the view's order.
        let lines: BillLines
        let selected: Int
        /// Why there is no bill.
        let problem: String?
    }

    static func draw(_ b: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        c.box(r, title: b.title, style: theme.focusedBorder, titleStyle: theme.focusedBorder)
        let inner = r.inset(1)
        guard inner.height >= 4, inner.width >= 30 else { return }
        guard let bill = b.bill else {
            c.put(b.problem ?? "loading…", x: inner.x + 1, y: inner.y + 1, style: theme.label, maxWidth: inner.width - 2)
            return
        }
        let digits = bill.minorDigits
        // Columns right to left: amount, price, seats, tier; name and note share the rest.
        let wide = inner.width >= Metrics.billNoteFrom
        let amountW = Metrics.billAmount, priceW = Metrics.billPrice, seatsW = Metrics.billSeats
        let tierW = wide ? Metrics.billTier : Metrics.billTierShort
        // Name and note share the rest; under 90 columns the name takes it all (Enter
        // shows the organization, and `bill` prints the notes).
        let flexible = inner.width - amountW - priceW - seatsW - tierW - 5
        let nameW = wide ? max(10, flexible * 3 / 5) : max(10, flexible)
        let noteW = max(0, flexible - nameW)
        var x = inner.x
        for (text, w, right) in [("NAME", nameW, false), ("TIER", tierW, false), ("SEATS", seatsW, true), ("PRICE", priceW, true),
                                 ("AMOUNT", amountW, true), ("NOTE", noteW, false)] where w > 0 {
            c.put(text, x: x, y: inner.y, width: w, style: theme.header, alignRight: right)
            x += w + 1
        }
        let footer = Metrics.billFooter
        let rowsHeight = max(0, inner.height - 1 - footer)
        let top = Renderer.centredTop(selected: b.selected, count: b.lines.count, height: rowsHeight)
        for (i, line) in b.lines.dropFirst(top).prefix(rowsHeight).enumerated() {
            let y = inner.y + 1 + i
            let selected = top + i == b.selected
            let base: Style = selected ? theme.selected : line.isFlagged ? theme.warning : .plain
            if selected { c.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
            var cx = inner.x
            // Without a note column, the flag goes before the name.
            c.put((line.isFlagged && noteW == 0 ? "⚑ " : "") + line.organizationName, x: cx, y: y, width: nameW, style: base); cx += nameW + 1
            let tier = wide ? Format.tierShort(line.tier) : String(Printable.text(line.tier.rawValue).prefix(3))
            c.put(tier, x: cx, y: y, width: tierW, style: selected ? base : theme.tier(line.tier)); cx += tierW + 1
            c.put(Format.count(line.seats), x: cx, y: y, width: seatsW, style: base, alignRight: true); cx += seatsW + 1
            c.put(line.unitPrice?.text(minorDigits: digits) ?? "–", x: cx, y: y, width: priceW, style: base, alignRight: true); cx += priceW + 1
            c.put(line.amount.map { Format.money($0, minorDigits: digits) } ?? "–", x: cx, y: y, width: amountW, style: base, alignRight: true)
            cx += amountW + 1
            if noteW > 0 { c.put((line.isFlagged ? "⚑ " : "") + line.note, x: cx, y: y, style: base, maxWidth: noteW) }
        }
        if b.lines.isEmpty {
            c.put("No organization is billed for \(bill.month) (trial and NFR are free)", x: inner.x + 1, y: inner.y + 2, style: theme.label, maxWidth: inner.width - 2)
        }
        // Totals per tier and overall.
        var y = inner.maxY - footer + 1
        for (label, total) in [("business", bill.total(.business)), ("enterprise", bill.total(.enterprise)), ("total", bill.total())] {
            let amount = total.amount.map { Format.money($0, minorDigits: digits) + " " + (bill.currency ?? "") }
            let flagged = label == "total" ? bill.lines.filter(\.isFlagged).count : 0
            let check = flagged > 0 ? " · ⚑ \(flagged) to check" : ""
            // The numbers are never cut: the words go first.
            let variants = [
                "\(label): \(Format.plural(total.organizations, "organization")) · \(Format.plural(total.seats, "seat"))" + (amount.map { " · " + $0 } ?? "") + check,
                "\(label): \(Format.plural(total.organizations, "org")) · \(Format.plural(total.seats, "seat"))" + (amount.map { " · " + $0 } ?? "") + (flagged > 0 ? " · ⚑ \(flagged)" : ""),
                "\(label) \(Format.count(total.organizations)) · \(Format.count(total.seats))" + (amount.map { " · " + $0 } ?? "") + (flagged > 0 ? " ⚑\(flagged)" : ""),
            ]
            let text = variants.first { DisplayWidth.of($0) <= inner.width } ?? variants[variants.count - 1]
            c.put(text, x: inner.x, y: y, style: label == "total" ? Style(bold: true) : theme.header, maxWidth: inner.width)
            y += 1
        }
    }
}
