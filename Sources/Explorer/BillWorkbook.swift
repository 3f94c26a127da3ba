import CXLSXWriter
import Foundation
import ProviderAPI

/// A bill as an Excel workbook (libxlsxwriter): a sheet `Bill` of the CSV's columns
/// and a sheet `By customer`; numbers as numbers, amounts in the currency's format and
/// decimals, the header frozen with an autofilter, and totals per tier and overall as
/// formulas whose stored values are the bill's totals (a reader that does not compute
/// formulas shows them too).
public enum BillWorkbook {
    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "could not make the workbook: \(reason)" }
    }

    /// The workbook's bytes. libxlsxwriter writes only to a named file: it is made in
    /// the temporary directory, new and owner-only (0600) before libxlsxwriter opens it,
    /// then read and removed.
    public static func data(_ bill: Bill) throws -> Data {
        let directory = NSTemporaryDirectory()
        let path = (directory as NSString).appendingPathComponent("provider-explorer-\(getpid())-\(UUID().uuidString).xlsx")
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(reason: "cannot make a file in \(directory): \(String(cString: strerror(errno)))") }
        close(fd)
        defer { unlink(path) }
        guard let workbook = workbook_new(path) else { throw Failure(reason: "libxlsxwriter could not start a workbook in \(directory)") }
        let formats = Formats(workbook, bill)
        let sheet = workbook_add_worksheet(workbook, "Bill")
        writeLines(bill, sheet, formats)
        let customers = workbook_add_worksheet(workbook, "By customer")
        writeCustomers(bill, customers, formats)
        let error = workbook_close(workbook)
        guard error == LXW_NO_ERROR else { throw Failure(reason: String(cString: lxw_strerror(error))) }
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(reason: "the workbook was not written") }
        return data
    }

    struct Formats {
        let header, money, price, bold, boldMoney: UnsafeMutablePointer<lxw_format>?

        init(_ workbook: UnsafeMutablePointer<lxw_workbook>, _ bill: Bill) {
            let digits = bill.minorDigits
            let number = "#,##0" + (digits > 0 ? "." + String(repeating: "0", count: digits) : "")
            // The currency code after the number, quoted: "1,234.50 EUR".
            let money = number + (bill.currency.map { " \"\($0)\"" } ?? "")
            header = workbook_add_format(workbook); format_set_bold(header)
            self.money = workbook_add_format(workbook); format_set_num_format(self.money, money)
            price = workbook_add_format(workbook)
            format_set_num_format(price, "0" + (digits > 0 ? "." + String(repeating: "0", count: digits) : ".") + "##")
            bold = workbook_add_format(workbook); format_set_bold(bold)
            boldMoney = workbook_add_format(workbook); format_set_bold(boldMoney); format_set_num_format(boldMoney, money)
        }
    }

    /// A cell's text as the sheet keeps it: printable (no control character reaches the file).
    static func text(_ s: String) -> String { Printable.text(s) }

    static func write(_ sheet: UnsafeMutablePointer<lxw_worksheet>?, _ row: Int, _ column: Int, _ value: JSONValue,
                      money: Bool, _ formats: Formats) {
        let r = lxw_row_t(row), c = lxw_col_t(column)
        switch value {
        case .number(let n): worksheet_write_number(sheet, r, c, n, nil)
        case .string(let s) where s.isEmpty: break
        case .string(let s) where money:
            if let n = Double(s) { worksheet_write_number(sheet, r, c, n, formats.money) } else { worksheet_write_string(sheet, r, c, text(s), nil) }
        case .string(let s): worksheet_write_string(sheet, r, c, text(s), nil)
        default: break
        }
    }

    static func writeTable(_ table: ExportTable, _ sheet: UnsafeMutablePointer<lxw_worksheet>?, _ formats: Formats,
                           money: Set<String>, numbers: Set<String>) {
        for (i, name) in table.columns.enumerated() { worksheet_write_string(sheet, 0, lxw_col_t(i), name, formats.header) }
        for (r, row) in table.rows.enumerated() {
            for (c, value) in row.enumerated() {
                let column = table.columns[c]
                if numbers.contains(column), case .string(let s) = value, let n = Double(s) {
                    // A change of an amount has its decimals; of seats, none.
                    let format = column == "unitPrice" ? formats.price : column == "delta" && s.contains(".") ? formats.money : nil
                    worksheet_write_number(sheet, lxw_row_t(r + 1), lxw_col_t(c), n, format)
                } else {
                    write(sheet, r + 1, c, value, money: money.contains(column), formats)
                }
            }
        }
        worksheet_freeze_panes(sheet, 1, 0)
        worksheet_autofilter(sheet, 0, 0, lxw_row_t(max(1, table.rows.count)), lxw_col_t(table.columns.count - 1))
        for (c, name) in table.columns.enumerated() {
            let widest = table.rows.prefix(2_000).reduce(DisplayWidth.of(name)) { w, row in
                if case .string(let s) = row[c] { return max(w, DisplayWidth.of(s)) }
                return max(w, 8)
            }
            worksheet_set_column(sheet, lxw_col_t(c), lxw_col_t(c), Double(min(60, widest + 2)), nil)
        }
    }

    /// A1 name of a column (0: A).
    static func letter(_ column: Int) -> String {
        var n = column, out = ""
        repeat { out = String(UnicodeScalar(UInt8(65 + n % 26))) + out; n = n / 26 - 1 } while n >= 0
        return out
    }

    static func writeLines(_ bill: Bill, _ sheet: UnsafeMutablePointer<lxw_worksheet>?, _ formats: Formats) {
        let table = bill.table
        writeTable(table, sheet, formats, money: ["amount", "previousAmount"], numbers: ["unitPrice", "delta"])
        let n = table.rows.count
        let last = max(2, n + 1)
        func range(_ name: String) -> String {
            let l = letter(table.columns.firstIndex(of: name)!)
            return "\(l)2:\(l)\(last)"
        }
        let seats = table.columns.firstIndex(of: "seats")!, amount = table.columns.firstIndex(of: "amount")!
        var row = n + 2
        // Free lines (listed with --all) are not billed: their note starts "free".
        for (label, tier) in [("total business", Tier.business), ("total enterprise", .enterprise), ("total", nil)] {
            let t = bill.total(tier)
            let criteria = (tier.map { ",\(range("tier")),\"\($0.rawValue)\"" } ?? "") + ",\(range("note")),\"<>free*\""
            worksheet_write_string(sheet, lxw_row_t(row), 0, label, formats.bold)
            worksheet_write_formula_num(sheet, lxw_row_t(row), lxw_col_t(seats), "=SUMIFS(\(range("seats"))\(criteria))",
                                        formats.bold, Double(t.seats))
            if let a = t.amount, let value = Double(bill.money(a)) {
                worksheet_write_formula_num(sheet, lxw_row_t(row), lxw_col_t(amount), "=SUMIFS(\(range("amount"))\(criteria))",
                                            formats.boldMoney, value)
            }
            if !t.isComplete {
                let note = table.columns.firstIndex(of: "note")!
                worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(note),
                                       "\(t.unpricedLines) \(t.unpricedLines == 1 ? "line" : "lines") unpriced: total incomplete", formats.bold)
            }
            row += 1
        }
        if bill.daysNotChecked > 0 {
            worksheet_write_string(sheet, lxw_row_t(row), 0, Bill.notChecked(bill.daysNotChecked), formats.bold)
        }
    }

    static func writeCustomers(_ bill: Bill, _ sheet: UnsafeMutablePointer<lxw_worksheet>?, _ formats: Formats) {
        let table = bill.customerTable
        writeTable(table, sheet, formats, money: ["amount", "previousAmount"], numbers: ["delta"])
        let n = table.rows.count, last = max(2, n + 1)
        let seats = table.columns.firstIndex(of: "seats")!, amount = table.columns.firstIndex(of: "amount")!
        let t = bill.total()
        let row = lxw_row_t(n + 2)
        worksheet_write_string(sheet, row, 0, "total", formats.bold)
        worksheet_write_formula_num(sheet, row, lxw_col_t(seats), "=SUM(\(letter(seats))2:\(letter(seats))\(last))", formats.bold, Double(t.seats))
        if let a = t.amount, let value = Double(bill.money(a)) {
            worksheet_write_formula_num(sheet, row, lxw_col_t(amount), "=SUM(\(letter(amount))2:\(letter(amount))\(last))", formats.boldMoney, value)
        }
    }
}
