/// A strict RFC 4180 reader: CRLF or LF records, fields quoted or not, `""` inside
/// quotes. Anything else (a quote inside an unquoted field, text after a closing
/// quote, an unterminated quote) is an error that names the line.
public enum CSVReader {
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The records, each with the line it starts on.
    public static func parse(_ text: String) throws -> [(line: Int, fields: [String])] {
        let s = Array(text.unicodeScalars)
        var records: [(Int, [String])] = []
        var record: [String] = [], field = String.UnicodeScalarView()
        var line = 1, recordLine = 1, i = 0
        func endRecord() {
            record.append(String(field)); field = .init()
            if !(record.count == 1 && record[0].isEmpty) { records.append((recordLine, record)) }
            record = []
        }
        while i < s.count {
            let c = s[i]
            if c == "\"" {
                guard field.isEmpty else { throw Malformed(line: line, reason: "a quote inside an unquoted field") }
                i += 1
                while true {
                    guard i < s.count else { throw Malformed(line: recordLine, reason: "a quoted field never closes") }
                    if s[i] == "\"" {
                        if i + 1 < s.count, s[i + 1] == "\"" { field.append("\""); i += 2; continue }
                        i += 1
                        break
                    }
                    if s[i] == "\n" { line += 1 }
                    field.append(s[i]); i += 1
                }
                guard i >= s.count || s[i] == "," || s[i] == "\r" || s[i] == "\n" else {
                    throw Malformed(line: line, reason: "text after a closing quote")
                }
                continue
            }
            switch c {
            case ",": record.append(String(field)); field = .init(); i += 1
            case "\r" where i + 1 < s.count && s[i + 1] == "\n": endRecord(); i += 2; line += 1; recordLine = line
            case "\n": endRecord(); i += 1; line += 1; recordLine = line
            default: field.append(c); i += 1
            }
        }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        return records
    }
}
