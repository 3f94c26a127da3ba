import Foundation

/// ConnectWise's `conditions=` language, the part a sync sends: comparisons (`=`, `!=`,
/// `<`, `>`, `like` with `%`), `in (…)`, joined by `and` / `or`, fields nested with `/`.
struct Condition {
    enum Value: Equatable { case text(String), number(Double), bool(Bool), null }
    indirect enum Node {
        case compare(field: [String], op: String, value: Value)
        case member(field: [String], values: [Value])
        case and(Node, Node), or(Node, Node)
    }
    let root: Node

    struct SyntaxError: Error, CustomStringConvertible { let description: String }

    static func parse(_ text: String) throws -> Condition {
        var tokens = try tokenize(text)[...]
        let node = try parseOr(&tokens)
        guard tokens.isEmpty else { throw SyntaxError(description: "unexpected \(tokens.first!)") }
        return Condition(root: node)
    }

    enum Token: Equatable, CustomStringConvertible {
        case word(String), string(String), symbol(String)
        var description: String {
            switch self { case .word(let w): return w; case .string(let s): return "\"\(s)\""; case .symbol(let s): return s }
        }
    }

    static func tokenize(_ text: String) throws -> [Token] {
        var out: [Token] = []
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c.isWhitespace { i = text.index(after: i); continue }
            if c == "\"" {
                var s = ""
                i = text.index(after: i)
                while i < text.endIndex, text[i] != "\"" {
                    if text[i] == "\\", text.index(after: i) < text.endIndex { i = text.index(after: i) }
                    s.append(text[i]); i = text.index(after: i)
                }
                guard i < text.endIndex else { throw SyntaxError(description: "unterminated string") }
                i = text.index(after: i)
                out.append(.string(s))
            } else if "()=,<>".contains(c) || (c == "!" && text[text.index(after: i)...].hasPrefix("!=")) {
                if c == "!" { out.append(.symbol("!=")); i = text.index(i, offsetBy: 2) } else { out.append(.symbol(String(c))); i = text.index(after: i) }
            } else {
                var w = ""
                while i < text.endIndex, !text[i].isWhitespace, !"()=,<>!\"".contains(text[i]) { w.append(text[i]); i = text.index(after: i) }
                out.append(.word(w))
            }
        }
        return out
    }

    static func parseOr(_ t: inout ArraySlice<Token>) throws -> Node {
        var left = try parseAnd(&t)
        while t.first == .word("or") || t.first == .word("OR") { t.removeFirst(); left = .or(left, try parseAnd(&t)) }
        return left
    }

    static func parseAnd(_ t: inout ArraySlice<Token>) throws -> Node {
        var left = try parseTerm(&t)
        while t.first == .word("and") || t.first == .word("AND") { t.removeFirst(); left = .and(left, try parseTerm(&t)) }
        return left
    }

    static func parseTerm(_ t: inout ArraySlice<Token>) throws -> Node {
        if t.first == .symbol("(") {
            t.removeFirst()
            let inner = try parseOr(&t)
            guard t.popFirst() == .symbol(")") else { throw SyntaxError(description: "missing )") }
            return inner
        }
        guard case .word(let field)? = t.popFirst() else { throw SyntaxError(description: "expected a field") }
        let path = field.split(separator: "/").map(String.init)
        switch t.popFirst() {
        case .symbol("=")?: return .compare(field: path, op: "=", value: try value(&t))
        case .symbol("!=")?: return .compare(field: path, op: "!=", value: try value(&t))
        case .symbol("<")?: return .compare(field: path, op: "<", value: try value(&t))
        case .symbol(">")?: return .compare(field: path, op: ">", value: try value(&t))
        case .word(let w)? where w.lowercased() == "like": return .compare(field: path, op: "like", value: try value(&t))
        case .word(let w)? where w.lowercased() == "in":
            guard t.popFirst() == .symbol("(") else { throw SyntaxError(description: "expected ( after in") }
            var values: [Value] = []
            while true {
                values.append(try value(&t))
                let next = t.popFirst()
                if next == .symbol(")") { break }
                guard next == .symbol(",") else { throw SyntaxError(description: "expected , or ) in a list") }
            }
            return .member(field: path, values: values)
        default: throw SyntaxError(description: "expected an operator after \(field)")
        }
    }

    static func value(_ t: inout ArraySlice<Token>) throws -> Value {
        switch t.popFirst() {
        case .string(let s)?: return .text(s)
        case .word(let w)?:
            if w == "true" || w == "false" { return .bool(w == "true") }
            if w == "null" { return .null }
            if let d = Double(w) { return .number(d) }
            throw SyntaxError(description: "\(w) is not a value (strings go in double quotes)")
        default: throw SyntaxError(description: "expected a value")
        }
    }

    func matches(_ object: [String: Any]) -> Bool { Self.eval(root, object) }

    static func eval(_ node: Node, _ object: [String: Any]) -> Bool {
        switch node {
        case .and(let a, let b): return eval(a, object) && eval(b, object)
        case .or(let a, let b): return eval(a, object) || eval(b, object)
        case .member(let field, let values): return values.contains { equal(lookup(field, object), $0) }
        case .compare(let field, let op, let value):
            let found = lookup(field, object)
            switch op {
            case "=": return equal(found, value)
            case "!=": return !equal(found, value)
            case "like":
                guard case .text(let pattern) = value, let s = found as? String else { return false }
                let regex = "^" + NSRegularExpression.escapedPattern(for: pattern).replacingOccurrences(of: "%", with: ".*") + "$"
                return s.range(of: regex, options: [.regularExpression, .caseInsensitive]) != nil
            default:
                guard case .number(let n) = value, let f = (found as? NSNumber)?.doubleValue else { return false }
                return op == "<" ? f < n : f > n
            }
        }
    }

    static func lookup(_ path: [String], _ object: [String: Any]) -> Any? {
        var current: Any? = object
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }

    /// ConnectWise compares text without case; a missing boolean is false.
    static func equal(_ found: Any?, _ value: Value) -> Bool {
        switch value {
        case .text(let s): return (found as? String).map { $0.caseInsensitiveCompare(s) == .orderedSame } ?? false
        case .number(let n): return (found as? NSNumber).map { $0.doubleValue == n } ?? false
        case .bool(let b): return found == nil || found is NSNull ? !b : (found as? NSNumber).map { $0.boolValue == b } ?? false
        case .null: return found == nil || found is NSNull
        }
    }
}
