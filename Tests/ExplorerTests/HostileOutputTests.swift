import Foundation
import Testing
@testable import Explorer
import ProviderAPI
import ProviderSimulator

/// Issue 18: hostile text in every output: CSV by RFC 4180, the spreadsheet formula
/// guard, control characters never reaching a terminal.
struct HostileOutputTests {
    /// A strict RFC 4180 reader: CRLF records, fields quoted or not, `""` inside quotes;
    /// anything else (a bare quote in an unquoted field, text after a closing quote, a
    /// bare CR or LF outside quotes) is an error.
    static func readCSV(_ text: String) throws -> [[String]] {
        struct Malformed: Error { let at: Int }
        let s = Array(text.unicodeScalars)
        var records: [[String]] = [], record: [String] = [], field = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if s[i] == "\"" {
                guard field.isEmpty else { throw Malformed(at: i) }
                i += 1
                while true {
                    guard i < s.count else { throw Malformed(at: i) }
                    if s[i] == "\"" {
                        if i + 1 < s.count, s[i + 1] == "\"" { field.append("\""); i += 2; continue }
                        i += 1
                        break
                    }
                    field.append(s[i]); i += 1
                }
                guard i < s.count, s[i] == "," || s[i] == "\r" else { throw Malformed(at: i) }
            }
            if s[i] == "," { record.append(String(field)); field = .init(); i += 1; continue }
            if s[i] == "\r" {
                guard i + 1 < s.count, s[i + 1] == "\n" else { throw Malformed(at: i) }
                record.append(String(field)); field = .init(); records.append(record); record = []; i += 2; continue
            }
            guard s[i] != "\n", s[i] != "\"" else { throw Malformed(at: i) }
            field.append(s[i]); i += 1
        }
        guard field.isEmpty, record.isEmpty else { throw Malformed(at: i) }
        return records
    }

    /// Random text with every kind of character: ASCII, separators, quotes, CR, LF,
    /// CRLF, C0, DEL, C1, combining marks, CJK, emoji, formula starters.
    struct Text {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { random.next() }
        static let pieces = [",", "\"", "\r", "\n", "\r\n", "\t", "\u{1B}[31m", "\u{1B}]52;c;eA==\u{07}", "\u{00}", "\u{7F}", "\u{9B}",
                             "=", "+", "-", "@", "e\u{301}", "東京", "🚀", "👩‍👩‍👧", " ", "a", "Z", "'", "\\", "\u{202E}", "ß"]
        mutating func string() -> String {
            (0..<Int(next() % 9)).map { _ in Self.pieces[Int(next() % UInt64(Self.pieces.count))] }.joined()
        }
    }

    @Test func csvRoundTripsEveryKindOfCharacter() throws {
        var gen = Text(state: 42)
        for round in 0..<300 {
            let names = (0..<5).map { _ in gen.string() }
            let rows = names.enumerated().map { i, name in
                UsageRow(organizationId: "org_\(i)", organizationName: name, tier: Tier(rawValue: gen.string()), licenseType: .standard,
                         trial: false, nfr: false, activeSeats: Int(gen.next() % 9) - 4, pendingSeats: 0, consumedLicenses: -3)
            }
            let table = ExportTable(report: UsageReport(period: .daily(Day("2026-11-28")!), generatedAt: "g", rows: rows))
            let raw = try Self.readCSV(table.csv(.init(raw: true)))
            #expect(raw.count == 6 && raw.allSatisfy { $0.count == 10 }, "round \(round)")
            for (i, row) in rows.enumerated() {
                #expect(raw[i + 1][2] == row.organizationName, "round \(round), row \(i): byte for byte")
                #expect(raw[i + 1][3] == row.tier.rawValue)
                #expect(raw[i + 1][7] == String(row.activeSeats), "numbers are never touched")
            }
            // Guarded: the same text, a ' before a formula starter, numbers as they are.
            let guarded = try Self.readCSV(table.csv())
            for (i, row) in rows.enumerated() {
                let name = row.organizationName
                let starts = name.unicodeScalars.first.map { ["=", "+", "-", "@", "\t", "\r"].contains($0) } ?? false
                #expect(guarded[i + 1][2] == (starts ? "'" + name : name), "round \(round), row \(i)")
                #expect(guarded[i + 1][9] == "-3", "a negative number is not a formula")
            }
        }
    }

    @Test func aCRLFInsideANameIsQuoted() throws {
        // "\r\n" is one Character in Swift: the check must look at scalars.
        let row = UsageRow(organizationId: "o", organizationName: "Evil\r\nInjected", tier: .business, licenseType: .standard,
                           trial: false, nfr: false, activeSeats: 1, pendingSeats: 0, consumedLicenses: 1)
        let csv = ExportTable(report: UsageReport(period: .daily(Day("2026-11-28")!), generatedAt: "g", rows: [row])).csv()
        #expect(csv.contains("\"Evil\r\nInjected\""))
        #expect(try Self.readCSV(csv).count == 2)
    }

    @Test func theTerminalNeverGetsAControlCharacter() throws {
        let rows = Names.hostile.enumerated().map { i, name in
            UsageRow(organizationId: "o\(i)", organizationName: name, tier: .business, licenseType: .standard,
                     trial: false, nfr: false, activeSeats: 1, pendingSeats: 0, consumedLicenses: 1)
        }
        let table = ExportTable(report: UsageReport(period: .daily(Day("2026-11-28")!), generatedAt: "g", rows: rows))
        for text in [table.table(), table.csv(.init(forTerminal: true)), table.json()] {
            let controls = text.unicodeScalars.filter { Printable.isControl($0.value) && $0 != "\n" && $0 != "\r" }
            #expect(controls.isEmpty, "\(controls.map { String($0.value, radix: 16) })")
        }
        #expect(table.json().contains("\\u001b]52") && table.json().contains("\\u009b"))
        // JSON stays valid and keeps every byte.
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(table.json().utf8)) as? [[String: Any]])
        #expect(parsed.map { $0["organizationName"] as? String } == Names.hostile)
    }

    @Test func messagesAreOneLine() {
        for name in Names.hostile {
            let e = ProviderError.badResponse(detail: name)
            #expect(!e.description.unicodeScalars.contains { Printable.isControl($0.value) })
            #expect(!Failure(e).message.contains("\n"))
        }
    }
}
