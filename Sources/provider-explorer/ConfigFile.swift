import Foundation
import ProviderAPI

/// `$XDG_CONFIG_HOME/provider-explorer/config.toml`: flat `key = value` settings.
///
/// Only the TOML this file needs is read (comments, bare keys, basic and literal
/// strings, integers, booleans), which spares every build the C++ toml++ library
/// that TOMLKit compiles. Anything else is refused with the line number.
struct ConfigFile: Equatable {
    var values: [String: String] = [:]

    static let knownKeys: Set<String> = ["base_url", "credentials", "key", "provider_id", "key_id", "credentials_command",
                                         "credentials_command_timeout", "cache_dir", "log_level"]

    static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.config")
        return base + "/provider-explorer/config.toml"
    }

    struct ParseError: ReportableError {
        var exitCode: Int32 { 64 }
        let path: String, line: Int, reason: String
        var description: String { "\(path):\(line): \(reason)" }
    }

    /// The file at `path`, or an empty config when it does not exist.
    static func load(_ path: String) throws -> ConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return ConfigFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(path: path, line: 0, reason: "cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    static func parse(_ text: String, path: String) throws -> ConfigFile {
        var config = ConfigFile()
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                throw ParseError(path: path, line: n + 1, reason: "tables are not used here; write plain key = value lines")
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw ParseError(path: path, line: n + 1, reason: "expected key = value")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard knownKeys.contains(key) else {
                throw ParseError(path: path, line: n + 1, reason: "unknown key \(key); known: \(knownKeys.sorted().joined(separator: ", "))")
            }
            let value = try parseValue(line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces), path: path, line: n + 1)
            config.values[key] = value
        }
        return config
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
        throw fail("expected a quoted string, a number or true/false")
    }

    static func checkRest(_ rest: Substring, _ fail: (String) -> ParseError) throws {
        let r = rest.trimmingCharacters(in: .whitespaces)
        guard r.isEmpty || r.hasPrefix("#") else { throw fail("unexpected text after the value") }
    }
}
