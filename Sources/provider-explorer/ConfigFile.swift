import Explorer
import Foundation
import ProviderAPI

/// `$XDG_CONFIG_HOME/provider-explorer/config.toml`: `key = value` settings, and a
/// `[prices]` table for the bill.
///
/// Only the TOML this file needs is read (comments, bare keys, basic and literal
/// strings, integers and decimals, booleans, the one table), which spares every build
/// the C++ toml++ library that TOMLKit compiles. Anything else is refused with the
/// line number.
struct ConfigFile: Equatable {
    /// Top-level keys as they are; keys of a table as `table.key`.
    var values: [String: String] = [:]
    /// The line each value came from, for errors about its meaning.
    var lines: [String: Int] = [:]
    var path = ""

    static let knownKeys: Set<String> = ["base_url", "credentials", "key", "provider_id", "key_id", "credentials_command",
                                         "credentials_command_timeout", "cache_dir", "log_level", "customers"]
    /// The tables it knows, and their keys.
    static let tables: [String: Set<String>] = [
        "prices": ["currency", "business", "enterprise", "rounding"],
        "connectwise": ["site", "company", "public_key", "private_key_file", "private_key_command", "client_id",
                        "business_product", "enterprise_product", "agreement_type"],
    ]

    static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.config")
        return base + "/provider-explorer/config.toml"
    }

    struct ParseError: ReportableError {
        var exitCode: Int32 { 64 }
        let path: String, line: Int, reason: String
        var description: String { line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)" }
    }

    /// The file at `path`, or an empty config when it does not exist.
    static func load(_ path: String) throws -> ConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return ConfigFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(path: path, line: 0, reason: "cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// A `--prices FILE`: a `[prices]` table and nothing else; the file must exist.
    static func loadPrices(_ path: String) throws -> PriceList {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(path: path, line: 0, reason: "cannot be read (no such file, or no permission)")
        }
        let list = try parse(String(decoding: data, as: UTF8.self), path: path, topLevel: false).priceList()
        guard !list.prices.isEmpty else {
            throw ParseError(path: path, line: 0, reason: "holds no prices: write a [prices] table with currency and business and/or enterprise")
        }
        return list
    }

    /// `topLevel`: whether top-level keys are allowed (a `--prices FILE` holds only the table).
    static func parse(_ text: String, path: String, topLevel: Bool = true) throws -> ConfigFile {
        var config = ConfigFile()
        config.path = path
        var table: String?
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let name = line.split(separator: "#", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces)
                guard name.hasSuffix("]"), tables[String(name.dropFirst().dropLast())] != nil else {
                    throw ParseError(path: path, line: n + 1, reason: "unknown table \(name); the tables are [prices] and [connectwise]")
                }
                table = String(name.dropFirst().dropLast())
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw ParseError(path: path, line: n + 1, reason: "expected key = value")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            if let table {
                let known = tables[table]!
                guard known.contains(key) else {
                    throw ParseError(path: path, line: n + 1, reason: "unknown key \(key) in [\(table)]; known: \(known.sorted().joined(separator: ", "))")
                }
            } else {
                guard topLevel, knownKeys.contains(key) else {
                    let known = topLevel ? knownKeys.sorted().joined(separator: ", ") : "only a [prices] table"
                    throw ParseError(path: path, line: n + 1, reason: "unknown key \(key); known: \(known)")
                }
            }
            let value = try parseValue(line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces), path: path, line: n + 1)
            let name = table.map { "\($0).\(key)" } ?? key
            // TOML forbids a key twice: the later would silently win.
            if let first = config.lines[name] {
                throw ParseError(path: path, line: n + 1, reason: "\(key) is given twice (first on line \(first)); keep one")
            }
            config.values[name] = value
            config.lines[name] = n + 1
        }
        return config
    }

    /// The value of `key` for a path: `~` and `~/…` become the home folder.
    func path(_ key: String) -> String? {
        values[key].map(Self.expandingTilde)
    }

    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + path.dropFirst()
    }

    /// A ParseError naming the line of `key` (for errors about a value's meaning).
    func invalid(_ key: String, _ reason: String) -> ParseError {
        ParseError(path: path, line: lines[key] ?? 0, reason: reason)
    }

    /// The `[prices]` table as a price list: a currency (three capital letters) and unit
    /// prices of up to four decimals, neither negative; each error names its line.
    func priceList() throws -> PriceList {
        var list = PriceList()
        if let currency = values["prices.currency"] {
            guard Currency.isCode(currency) else {
                throw ParseError(path: path, line: lines["prices.currency"] ?? 0, reason: "currency must be an ISO 4217 code such as \"EUR\", not \(currency)")
            }
            list.currency = currency
        }
        for tier in [Tier.business, .enterprise] {
            guard let text = values["prices.\(tier.rawValue)"] else { continue }
            do { list.prices[tier] = try UnitPrice.parse(text) } catch {
                throw ParseError(path: path, line: lines["prices.\(tier.rawValue)"] ?? 0, reason: "\(tier.rawValue): \(error)")
            }
        }
        if let text = values["prices.rounding"] {
            guard let rounding = Rounding(rawValue: text) else {
                throw invalid("prices.rounding", "rounding must be \"half-even\" or \"half-up\", not \(Printable.line(text, limit: 40))")
            }
            list.rounding = rounding
        }
        if !list.prices.isEmpty, list.currency == nil {
            throw ParseError(path: path, line: lines.filter { $0.key.hasPrefix("prices.") }.values.min() ?? 0,
                             reason: "prices need a currency: add currency = \"EUR\" (or yours) to [prices]")
        }
        return list
    }

    static func parseValue(_ text: String, path: String, line: Int) throws -> String {
        func fail(_ why: String) -> ParseError { ParseError(path: path, line: line, reason: why) }
        if text.hasPrefix("'") {
            guard let close = text.dropFirst().firstIndex(of: "'") else { throw fail("unterminated string") }
            try checkRest(text[text.index(after: close)...], fail)
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if text.hasPrefix("\"") {
            var out = ""
            var i = text.index(after: text.startIndex)
            while i < text.endIndex {
                let c = text[i]
                if c == "\"" {
                    try checkRest(text[text.index(after: i)...], fail)
                    return out
                }
                if c == "\\" {
                    i = text.index(after: i)
                    guard i < text.endIndex else { break }
                    switch text[i] {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "\\": out.append("\\")
                    case "\"": out.append("\"")
                    default: throw fail("unsupported escape \\\(text[i])")
                    }
                } else {
                    out.append(c)
                }
                i = text.index(after: i)
            }
            throw fail("unterminated string")
        }
        let bare = text.split(separator: "#", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if bare == "true" || bare == "false" || Int(bare) != nil { return bare }
        // A decimal (a price): checked for its meaning by whoever reads it.
        if bare.wholeMatch(of: /-?[0-9]+\.[0-9]+/) != nil { return bare }
        throw fail("expected a quoted string, a number or true/false")
    }

    static func checkRest(_ rest: Substring, _ fail: (String) -> ParseError) throws {
        let r = rest.trimmingCharacters(in: .whitespaces)
        guard r.isEmpty || r.hasPrefix("#") else { throw fail("unexpected text after the value") }
    }
}
