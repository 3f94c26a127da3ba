import Explorer
import ProviderAPI

/// The selected organization's usage: tier, license, seats, billable, change, the
/// trial's end; the month's daily series and billed tier; the last 12 months.
enum DetailPane {
    struct Props {
        let row: ListRow?
        let focused: Bool
        /// The period the change column compares with, and whether it is cached.
        let previous: Period
        let previousCached: Bool
        let month: Month?
        let daily: [UsageDetailModel.DayPoint]
        let billedTier: Tier?
        let tierChanged: Bool
        let agreement: UsageDetailModel.Agreement
        let monthly: [UsageDetailModel.MonthPoint]
        /// The newest month with a report by the clock ("not cached" before it,
        /// "in progress" after).
        let newestMonth: Month
        /// Where the API's history starts, as far as known: before it, "before the
        /// API's history" rather than "not cached".
        var historyStart = HistoryStart()
    }

    static func draw(_ p: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        let focused = p.focused
        guard let row = p.row else {
            c.box(r, title: "Usage", style: theme.border, titleStyle: theme.header)
            c.put("Select an organization", x: r.x + 2, y: r.y + 2, style: theme.label, maxWidth: r.width - 4)
            return
        }
        // The id beside the name: two organizations may carry the same name. The name
        // gives way when the title is too long; the id is never cut while it fits.
        let nameRoom = r.width - 4 - DisplayWidth.of(row.id) - 3
        let title = nameRoom >= 4 ? DisplayWidth.truncate(row.name, to: nameRoom) + " · " + row.id : "\(row.name) · \(row.id)"
        c.box(r, title: title, style: focused ? theme.focusedBorder : theme.border,
              titleStyle: focused ? theme.focusedBorder : theme.header)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        guard inner.width > 10, inner.height > 0 else { return }
        var y = inner.y
        /// Groups of (text, style) laid out left to right; a group that does not fit on
        /// the line starts the next one, and only a group wider than the pane is cut (…).
        func flow(_ groups: [[(String, Style)]]) {
            var x = inner.x
            for group in groups {
                guard y < inner.maxY else { return }
                let width = group.reduce(0) { $0 + DisplayWidth.of($1.0) }
                if x > inner.x, x + width > inner.maxX {
                    y += 1
                    x = inner.x
                    guard y < inner.maxY else { return }
                }
                for (i, (text, style)) in group.enumerated() where x < inner.maxX {
                    // A group that starts a line drops its leading spaces.
                    let shown = x == inner.x && i == 0 ? String(text.drop { $0 == " " }) : text
                    x += c.put(shown, x: x, y: y, style: style, maxWidth: inner.maxX - x)
                }
            }
            y += 1
        }
        flow([[("Tier ", theme.label), (Format.tierShort(row.tier), theme.tier(row.tier))],
              [("  License ", theme.label), (row.licenseType.rawValue, row.isTrial ? theme.trialBadge : row.isNFR ? theme.nfrBadge : .plain)],
              [("  Status ", theme.label), (row.status.rawValue, row.isSuspended ? theme.suspendedBadge : .plain)]])
        // Consumed is what the organization uses; billable is what is billed for it.
        flow([[("Seats ", theme.label), ("\(Format.count(row.activeSeats)) active", .plain)],
              [(" + \(Format.count(row.pendingSeats)) pending", .plain)],
              [(" = ", .plain), ("\(Format.count(row.consumedLicenses)) consumed", Style(bold: true))]])
        if row.isTrial || row.isNFR {
            flow([[("Billable ", theme.label), ("0", Style(bold: true))],
                  [(row.isNFR ? " (Not For Resale: free)" : " (trial: free until it ends)", row.isNFR ? theme.nfrBadge : theme.trialBadge)]])
        } else {
            flow([[("Billable ", theme.label), (Format.plural(row.consumedLicenses, "seat"), Style(bold: true))]])
        }
        let change = row.change ?? 0
        let previous = p.previous
        let against: String
        if !p.previousCached { against = p.historyStart.excludes(previous) ? " (\(previous) is before the API's history)" : " (\(previous) is not cached)" }
        else if row.change == nil { against = " (not in \(previous))" }
        else { against = " since \(previous)" }
        flow([[("Change ", theme.label), (Format.change(row.change, previousCached: p.previousCached),
                                          change > 0 ? theme.positive : change < 0 ? theme.negative : .plain)],
              [(against, theme.label)]])
        if row.isTrial, let end = row.trialEndsAt {
            let left = row.trialDaysLeft ?? 0
            flow([[("Trial ends ", theme.label), ("\(end)", theme.trialBadge)],
                  [(" (\(left == 1 ? "1 day" : "\(left) days") left, then billing starts)", theme.label)]])
        }
        y += 1
        if let month = p.month {
            drawDailySeries(p, &c, inner, &y, month: month, theme)
            y += 1
            drawMonthlyHistory(p, &c, inner, &y, theme)
        }
    }

    static func drawDailySeries(_ p: Props, _ c: inout Canvas, _ inner: Rect, _ y: inout Int, month: Month, _ theme: Theme) {
        guard y + 4 < inner.maxY else { return }
        c.put("Daily seats, \(month)", x: inner.x, y: y, style: theme.header, maxWidth: inner.width)
        y += 1
        let values = p.daily.map(\.consumed)
        let present = values.compactMap { $0 }
        let spark = Format.sparkline(values)
        c.put(spark, x: inner.x, y: y, style: theme.spark, maxWidth: inner.width)
        if let lo = present.min(), let hi = present.max() {
            c.put(" \(Format.count(lo))–\(Format.count(hi))", x: inner.x + spark.count, y: y, style: theme.label, maxWidth: inner.width - spark.count)
        }
        y += 1
        // The tier of each day: B business, E enterprise, · not cached.
        var x = inner.x
        for point in p.daily where x < inner.maxX {
            let glyph = point.tier.map { $0 == .enterprise ? "E" : $0 == .business ? "B" : "?" } ?? "·"
            x += c.put(glyph, x: x, y: y, style: point.tier.map(theme.tier) ?? theme.label)
        }
        c.put(" tier/day", x: x, y: y, style: theme.label, maxWidth: max(0, inner.maxX - x))
        y += 1
        var parts: [(String, Style)] = [("Billed tier ", theme.label)]
        if let billed = p.billedTier {
            parts.append((Format.tierShort(billed), theme.tier(billed)))
            if p.tierChanged { parts.append((" (changed mid-month: billed at the higher)", theme.warning)) }
        } else {
            parts.append(("unknown (no daily reports cached)", theme.label))
        }
        var x2 = inner.x
        for (i, (text, style)) in parts.enumerated() {
            // The note goes to a line of its own rather than be cut.
            if i > 0, x2 + DisplayWidth.of(text) > inner.maxX, y + 1 < inner.maxY {
                y += 1
                x2 = inner.x + 2
            }
            x2 += c.put(i > 0 && x2 == inner.x + 2 ? String(text.drop { $0 == " " }) : text, x: x2, y: y, style: style,
                        maxWidth: max(0, inner.maxX - x2))
        }
        y += 1
        guard y < inner.maxY else { return }
        switch p.agreement {
        case .agrees:
            c.put("Monthly report agrees with the daily reports ✓", x: inner.x, y: y, style: theme.ok, maxWidth: inner.width)
        case .differs(let reasons):
            y += c.putWrapped("MISMATCH: " + reasons.joined(separator: "; "), x: inner.x, y: y, width: inner.width,
                              maxLines: min(3, inner.maxY - y), style: theme.error) - 1
        case .unknown(let why):
            y += c.putWrapped("Monthly vs daily: " + why, x: inner.x, y: y, width: inner.width, maxLines: min(2, inner.maxY - y),
                              style: theme.label) - 1
        }
        y += 1
    }

    static func drawMonthlyHistory(_ p: Props, _ c: inout Canvas, _ inner: Rect, _ y: inout Int, _ theme: Theme) {
        let series = p.monthly
        guard y + 1 < inner.maxY, !series.isEmpty else { return }
        c.put("Last 12 months (consumed seats, tier)", x: inner.x, y: y, style: theme.header, maxWidth: inner.width)
        y += 1
        let peak = max(1, series.compactMap(\.consumed).max() ?? 1)
        let barWidth = max(4, inner.width - Metrics.historyLabels)
        // Newest first; what does not fit is said on the last line, not left out unsaid.
        let room = inner.maxY - y
        let shown = series.count > room ? max(0, room - 1) : series.count
        defer {
            if shown < series.count, y < inner.maxY {
                let left = series.count - shown
                c.put("… \(left) earlier \(left == 1 ? "month" : "months") (a taller terminal shows them)", x: inner.x, y: y,
                      style: theme.label, maxWidth: inner.width)
                y += 1
            }
        }
        for point in series.reversed().prefix(shown) {
            var x = inner.x
            x += c.put(point.month.description + " ", x: x, y: y, style: theme.label)
            if let v = point.consumed {
                let n = max(1, v * barWidth / peak)
                x += c.put(String(repeating: " ", count: n), x: x, y: y, style: theme.bar(point.tier), maxWidth: barWidth)
                x += c.put(String(repeating: " ", count: barWidth - n), x: x, y: y)
                x += c.put(" " + Format.count(v), x: x, y: y, width: 9, alignRight: true)
                c.put(" " + (point.tier.map(Format.tierShort) ?? ""), x: x, y: y, style: point.tier.map(theme.tier) ?? .plain, maxWidth: max(0, inner.maxX - x))
            } else {
                let text = point.reportCached ? "— not in this month's report"
                    : p.historyStart.excludes(.month(point.month)) ? "before the API's history"
                    : point.month <= p.newestMonth ? "not cached" : "in progress (ready on the 1st)"
                c.put(text, x: x, y: y, style: theme.label, maxWidth: max(0, inner.maxX - x))
            }
            y += 1
        }
    }
}
