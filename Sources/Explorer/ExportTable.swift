import Foundation
import ProviderAPI

/// What `export` prints, and what the explorer writes with `x`: named columns (the
/// contract's field names) and rows of values, rendered as CSV, JSON or a table.
public struct ExportTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[JSONValue]]

    public init(columns: [String], rows: [[JSONValue]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The organization list, with any fields the contract does not name appended.
    public init(organizations: [Organization]) {
        let extras = Self.extraColumns(organizations.map(\.extra))
        columns = Organization.fieldNames + extras
        rows = organizations.map { o in
            [.string(o.id), .string(o.name), .string(o.status.rawValue), .string(o.tier.rawValue),
             .string(o.licenseType.rawValue), o.trialEndsAt.map(JSONValue.string) ?? .null, .string(o.createdAt)]
                + extras.map { o.extra[$0] ?? .null }
        }
    }

    /// A usage report: `date` or `month` first, then the contract's row fields.
    public init(report: UsageReport, rows selected: [UsageRow]? = nil) {
        let periodColumn: String
        switch report.period {
        case .daily: periodColumn = "date"
        case .monthly: periodColumn = "month"
        }
        let chosen = selected ?? report.rows
        let extras = Self.extraColumns(chosen.map(\.extra))
        columns = [periodColumn] + UsageRow.fieldNames + extras
        let period = JSONValue.string(report.period.description)
        rows = chosen.map { r in
            [period, .string(r.organizationId), .string(r.organizationName), .string(r.tier.rawValue),
             .string(r.licenseType.rawValue), .bool(r.trial), .bool(r.nfr), .number(Double(r.activeSeats)),
             .number(Double(r.pendingSeats)), .number(Double(r.consumedLicenses))]
                + extras.map { r.extra[$0] ?? .null }
        }
    }

    static func extraColumns(_ extras: [[String: JSONValue]]) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for e in extras { for k in e.keys.sorted() where seen.insert(k).inserted { names.append(k) } }
        return names
    }

    // MARK: - Renderings

    /// How CSV treats text that could act rather than be read.
    public struct CSVOptions: Sendable, Equatable {
        /// Write text as it came: no `'` before a leading `=`, `+`, `-`, `@`, TAB or CR.
        public var raw = false
        /// The CSV goes to a terminal: control characters are shown as `�` there, as
        /// everywhere on a terminal (in a file or a pipe they are kept, inside quotes).
        public var forTerminal = false
        public init(raw: Bool = false, forTerminal: Bool = false) { self.raw = raw; self.forTerminal = forTerminal }
    }

    /// RFC 4180 CSV with a header line of the column names: CRLF line ends; a field
    /// with a comma, a quote, CR, LF or any other control character is quoted, its
    /// quotes doubled. A text field that a spreadsheet would run as a formula (it
    /// starts with `=`, `+`, `-`, `@`, TAB or CR) gets a leading `'` (OWASP's advice on
    /// CSV injection) unless `raw`; numbers and booleans are never touched, nor is a
    /// signed decimal number written as text (a bill's change, `-7.98`), which no
    /// spreadsheet runs.
    public func csv(_ options: CSVOptions = CSVOptions()) -> String {
        var out = columns.map { Self.csvField($0, options) }.joined(separator: ",") + "\r\n"
        for row in rows {
            out += row.map { value -> String in
                if case .string(let text) = value { return Self.csvField(text, options) }
                return Self.csvField(value.text, CSVOptions(raw: true, forTerminal: options.forTerminal))
            }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// `+7.98`, `-3`: a sign, digits, and at most one point between digits.
    static func isSignedDecimal(_ s: String) -> Bool {
        let body = s.utf8.dropFirst()
        guard let first = s.utf8.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-"), !body.isEmpty else { return false }
        let parts = body.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    public static func csvField(_ text: String, _ options: CSVOptions = CSVOptions()) -> String {
        if isPlainField(text, raw: options.raw) { return text }
        var s = options.forTerminal ? Printable.text(text) : text
        if !options.raw, let first = s.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first), !isSignedDecimal(s) { s = "'" + s }
        // On scalars: "\r\n" is one Character in Swift, and must still be quoted.
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || Printable.isControl($0.value) }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// True when `text` is a field as it stands (the common case, checked on bytes):
    /// no separator, quote or control character, and no formula's first character.
    static func isPlainField(_ text: String, raw: Bool) -> Bool {
        func plain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            if !raw, let b = bytes.first, b == UInt8(ascii: "=") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "@") {
                return false
            }
            var previous: UInt8 = 0
            for b in bytes {
                if b < 0x20 || b == 0x7F || b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") { return false }
                // C1 controls are U+0080–U+009F: UTF-8 C2 80 … C2 9F.
                if previous == 0xC2, b >= 0x80, b <= 0x9F { return false }
                previous = b
            }
            return true
        }
        if let answer = text.utf8.withContiguousStorageIfAvailable(plain) { return answer }
        var copy = text
        return copy.withUTF8(plain)
    }

    /// A JSON array of objects, keys in column order, one object a line.
    public func json() -> String {
        if rows.isEmpty { return "[]\n" }
        var out = "[\n"
        for (i, row) in rows.enumerated() {
            out += "  {"
            for (j, name) in columns.enumerated() {
                if j > 0 { out += ", " }
                out += JSONText.quote(name) + ": " + Self.jsonValue(row[j])
            }
            out += i == rows.count - 1 ? "}\n" : "},\n"
        }
        return out + "]\n"
    }

    static func jsonValue(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return JSONText.quote(s)
        case .null: return "null"
        default: return v.text
        }
    }

    /// Aligned columns for a person: numbers right-aligned, wide characters measured,
    /// long values cut with an ellipsis at `maxColumnWidth`.
    public func table(maxColumnWidth: Int = 40) -> String {
        let cells = rows.map { $0.map { Self.cellText($0) } }
        var widths = columns.map { DisplayWidth.of($0) }
        for row in cells {
            for (j, c) in row.enumerated() { widths[j] = min(maxColumnWidth, max(widths[j], DisplayWidth.of(c))) }
        }
        func isNumber(_ v: JSONValue) -> Bool { if case .number = v { return true }; return false }
        func isNull(_ v: JSONValue) -> Bool { if case .null = v { return true }; return false }
        // A column of numbers (empty cells aside) is right-aligned, header included; in a
        // column of both, each number is.
        let numeric = columns.indices.map { j in rows.contains { isNumber($0[j]) } && rows.allSatisfy { isNumber($0[j]) || isNull($0[j]) } }
        func line(_ values: [String], _ source: [JSONValue]?) -> String {
            var text = values.enumerated().map { j, v in
                DisplayWidth.pad(v, to: widths[j], alignRight: numeric[j] || source.map { isNumber($0[j]) } ?? false)
            }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var out = line(columns.map { $0.uppercased() }, nil) + "\n"
        for (row, source) in zip(cells, rows) { out += line(row, source) + "\n" }
        return out
    }

    static func cellText(_ v: JSONValue) -> String {
        // A control character would act on the terminal, or break the table's layout.
        Printable.text(v.text)
    }
}

/// The filters `export` takes, also what the explorer's list applies.
public struct RowFilter: Sendable, Equatable {
    public var trialOnly = false
    public var nfrOnly = false
    public var tier: Tier?
    public init(trialOnly: Bool = false, nfrOnly: Bool = false, tier: Tier? = nil) {
        self.trialOnly = trialOnly; self.nfrOnly = nfrOnly; self.tier = tier
    }

    public func accepts(_ o: Organization) -> Bool {
        (!trialOnly || o.licenseType == .trial) && (!nfrOnly || o.licenseType == .nfr) && (tier == nil || o.tier == tier)
    }

    public func accepts(_ r: UsageRow) -> Bool {
        (!trialOnly || r.trial) && (!nfrOnly || r.nfr) && (tier == nil || r.tier == tier)
    }
}

/// CSV written as bytes, field by field, with `ExportTable.csvField`'s rules: what
/// `bill` writes for 50,000 lines without a String grown by every field.
struct CSVBytes {
    let options: ExportTable.CSVOptions
    private(set) var bytes: [UInt8] = []

    init(options: ExportTable.CSVOptions, capacity: Int) {
        self.options = options
        bytes.reserveCapacity(capacity)
    }

    /// Fields that come again and again (a month, a tier, a currency), as written.
    private var written: [(text: String, bytes: [UInt8])] = []

    /// `csvField` hands a field that needs nothing back as it is (no copy).
    mutating func field(_ text: String) { bytes.append(contentsOf: ExportTable.csvField(text, options).utf8) }

    /// A field of the few a file repeats on every line: made once.
    mutating func repeated(_ text: String) {
        for i in written.indices where written[i].text == text { bytes.append(contentsOf: written[i].bytes); return }
        let made = Array(ExportTable.csvField(text, options).utf8)
        if written.count < 16 { written.append((text, made)) }
        bytes.append(contentsOf: made)
    }

    mutating func comma() { bytes.append(UInt8(ascii: ",")) }
    mutating func lineEnd() { bytes.append(UInt8(ascii: "\r")); bytes.append(UInt8(ascii: "\n")) }

    mutating func row(_ fields: [String]) {
        for (i, f) in fields.enumerated() { if i > 0 { comma() }; field(f) }
        lineEnd()
    }

    /// A whole number in decimal (as `String(n)`; never guarded: a minus sign before
    /// digits is a number, not a formula).
    mutating func integer(_ n: Int64) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(n.magnitude, width: 1)
    }

    /// An amount in minor units as `MoneyText.amount` writes it.
    mutating func amount(_ minor: Int64, minorDigits: Int) {
        guard minorDigits > 0 else { integer(minor); return }
        if minor < 0 { bytes.append(UInt8(ascii: "-")) }
        let divisor = UInt64(UnitPrice.power10(minorDigits))
        digits(minor.magnitude / divisor, width: 1)
        bytes.append(UInt8(ascii: "."))
        digits(minor.magnitude % divisor, width: minorDigits)
    }

    private mutating func digits(_ n: UInt64, width: Int) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            var i = raw.count, n = n
            repeat { i -= 1; raw[i] = UInt8(ascii: "0") + UInt8(n % 10); n /= 10 } while n > 0 || raw.count - i < width
            bytes.append(contentsOf: raw[i...])
        }
    }

}
