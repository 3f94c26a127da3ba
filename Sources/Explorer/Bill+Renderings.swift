import Foundation
import ProviderAPI

/// The bill as the table, CSV, JSON and text `bill` prints, and the view exports.
extension Bill {
    public static let columns = ["month", "organizationId", "organizationName", "customerId", "tier", "licenseType", "seats",
                                 "unitPrice", "amount", "currency", "note"]
    public static let customerColumns = ["month", "customerId", "tier", "organizations", "seats", "amount", "currency"]
    public static let compareColumns = ["previousSeats", "previousAmount", "delta"]

    func money(_ m: Int64?) -> String { m.map { MoneyText.amount($0, minorDigits: minorDigits) } ?? "" }

    /// The compare columns of a line: the month before's seats and amount, and the change.
    func compareCells(_ previous: (seats: Int, amount: Int64?)?, _ delta: BillDelta?) -> [JSONValue] {
        guard self.previous != nil else { return [] }
        return [previous.map { .number(Double($0.seats)) } ?? .string(""), .string(money(previous?.amount)),
                .string(delta?.text(minorDigits: minorDigits) ?? "")]
    }

    /// The lines as a table of the `bill` CSV's columns (and `--compare`'s).
    public var table: ExportTable {
        let month = JSONValue.string(self.month.description)
        let digits = minorDigits
        return ExportTable(columns: Self.columns + (previous == nil ? [] : Self.compareColumns), rows: lines.map { line in
            [month, .string(line.organizationId), .string(line.organizationName), .string(line.customerId ?? ""),
             .string(line.tier.rawValue), .string(line.licenseType.rawValue), .number(Double(line.seats)),
             .string(line.unitPrice?.text(minorDigits: digits) ?? ""), .string(money(line.amount)),
             .string(line.unitPrice == nil ? "" : currency ?? ""), .string(line.note)]
                + compareCells(line.isFree ? nil : previous?.lines[line.organizationId], delta(line))
        })
    }

    /// The bill by customer (`--by customer`): its CSV's columns (and `--compare`'s).
    public var customerTable: ExportTable {
        let month = JSONValue.string(self.month.description)
        return ExportTable(columns: Self.customerColumns + (previous == nil ? [] : Self.compareColumns), rows: byCustomer().map { c in
            [month, .string(c.customerId), .string(c.tier.rawValue), .number(Double(c.organizations)), .number(Double(c.seats)),
             .string(money(c.amount)), .string(c.amount == nil ? "" : currency ?? "")]
                + compareCells(previous?.customers[PreviousBill.key(c.customerId, c.tier)].map { ($0.seats, $0.amount) }, delta(c))
        })
    }

    /// The lines as the `bill` CSV, written straight from the lines: the same bytes as
    /// `table.csv(options)`, without a table of 50,000 rows of cells on the way.
    public func csv(_ options: ExportTable.CSVOptions = .init()) -> String {
        String(decoding: csvBytes(options), as: UTF8.self)
    }

    /// `csv` as the bytes a file gets (no string of 4 MB made and checked on the way).
    public func csvBytes(_ options: ExportTable.CSVOptions = .init()) -> [UInt8] {
        if previous != nil { return Array(table.csv(options).utf8) }
        let digits = minorDigits
        var out = CSVBytes(options: options, capacity: lines.count * 96)
        out.row(Self.columns)
        let month = self.month.description
        var prices: [Int64: String] = [:]
        // Each line's fields read where they lie (a copy of each line retained and
        // released its six strings).
        lines.withUnsafeBufferPointer { lines in
            for i in lines.indices {
                out.repeated(month); out.comma()
                out.field(lines[i].organizationId); out.comma()
                out.field(lines[i].organizationName); out.comma()
                if let c = lines[i].customerId { out.field(c) }
                out.comma()
                out.repeated(lines[i].tier.rawValue); out.comma()
                out.repeated(lines[i].licenseType.rawValue); out.comma()
                out.integer(Int64(lines[i].seats)); out.comma()
                if let price = lines[i].unitPrice {
                    if let text = prices[price.tenThousandths] { out.repeated(text) } else {
                        let text = price.text(minorDigits: digits)
                        prices[price.tenThousandths] = text
                        out.repeated(text)
                    }
                }
                out.comma()
                if let amount = lines[i].amount { out.amount(amount, minorDigits: digits) }
                out.comma()
                if lines[i].unitPrice != nil, let currency { out.repeated(currency) }
                out.comma()
                if !lines[i].note.isEmpty { out.field(lines[i].note) }
                out.lineEnd()
            }
        }
        return out.bytes
    }

    func totalJSON(_ t: Total) -> String {
        "{\"organizations\": \(t.organizations), \"seats\": \(t.seats), \"amount\": \(t.amount.map { JSONText.quote(money($0)) } ?? "null"), "
            + "\"unpriced\": {\"lines\": \(t.unpricedLines), \"seats\": \(t.unpricedSeats)}, \"complete\": \(t.isComplete)}"
    }

    /// `{"month", "currency", "daysNotChecked", "lines": [...], "totals": {"business",
    /// "enterprise", "all"}}` (and `"previous"` when compared); money as decimal
    /// strings, never binary floating point. `byCustomer`: the lines by customer.
    public func json(byCustomer: Bool = false) -> String {
        let table = byCustomer ? customerTable : self.table
        var out = "{\n  \"month\": \(JSONText.quote(month.description)),\n  \"currency\": \(currency.map(JSONText.quote) ?? "null"),\n"
        out += "  \"by\": \(JSONText.quote(byCustomer ? "customer" : "organization")),\n  \"daysNotChecked\": \(daysNotChecked),\n"
        if demoPrices { out += "  \"demoPrices\": true,\n" }
        out += "  \"lines\": ["
        for (i, row) in table.rows.enumerated() {
            out += i == 0 ? "\n    " : ",\n    "
            out += "{" + zip(table.columns, row).map { column, value in
                let text: String
                switch (column, value) {
                case (_, .number(let n)): text = String(Int(n))
                case ("customerId", .string("")) where !byCustomer, ("unitPrice", .string("")), ("amount", .string("")),
                     ("currency", .string("")), ("previousSeats", .string("")), ("previousAmount", .string("")):
                    text = "null"
                case (_, .string(let s)): text = JSONText.quote(s)
                default: text = "null"
                }
                return JSONText.quote(column) + ": " + text
            }.joined(separator: ", ") + "}"
        }
        out += table.rows.isEmpty ? "],\n" : "\n  ],\n"
        let totals = self.totals()
        out += "  \"totals\": {\"business\": \(totalJSON(totals.business)), \"enterprise\": \(totalJSON(totals.enterprise)), \"all\": \(totalJSON(totals.all))}"
        if let previous {
            out += ",\n  \"previous\": {\"month\": \(JSONText.quote(previous.month.description)), \"all\": \(totalJSON(previous.total))}"
        }
        return out + "\n}\n"
    }

    /// The lines aligned for a person (two organizations of one name carry the end of
    /// their ids), and a footer of totals per tier and overall, with what they leave out.
    public func text(byCustomer: Bool = false) -> String {
        var out: String
        if byCustomer {
            let columns = ["customerId", "tier", "organizations", "seats", "amount"] + (previous == nil ? [] : Self.compareColumns)
            let t = customerTable
            let picked = t.rows.map { row in columns.map { row[t.columns.firstIndex(of: $0)!] } }
            out = ExportTable(columns: columns, rows: picked).table(maxColumnWidth: 72)
        } else {
            let columns = ["organizationName", "customerId", "tier", "licenseType", "seats", "unitPrice", "amount", "note"]
                + (previous == nil ? [] : Self.compareColumns)
            let t = table
            let picked = zip(t.rows, lines).map { row, line in
                columns.map { column -> JSONValue in
                    column == "organizationName" ? .string(sameNames.shown(line.organizationName, id: line.organizationId))
                        : row[t.columns.firstIndex(of: column)!]
                }
            }
            out = ExportTable(columns: columns, rows: picked).table(maxColumnWidth: 72)
        }
        out += "\n"
        let totals = self.totals()
        for (label, t) in [("business", totals.business), ("enterprise", totals.enterprise), ("total", totals.all)] {
            let amount = t.amount.map { "  " + money($0) + (currency.map { " " + $0 } ?? "") } ?? ""
            out += "\(label.padding(toLength: 11, withPad: " ", startingAt: 0))\(t.organizations) organizations, \(t.seats) seats\(amount)\n"
        }
        if let previous {
            let t = previous.total
            let amount = t.amount.map { "  " + money($0) + (currency.map { " " + $0 } ?? "") } ?? ""
            let delta = BillDelta(seats: totals.all.seats, amount: totals.all.amount, previous: (t.seats, t.amount))
            out += "\(previous.month.description.padding(toLength: 11, withPad: " ", startingAt: 0))\(t.organizations) organizations, \(t.seats) seats\(amount)  Δ \(delta.text(minorDigits: minorDigits))\n"
        }
        if let what = incompleteness(of: totals.all) { out += "⚑ " + what + "\n" }
        return out
    }
}
