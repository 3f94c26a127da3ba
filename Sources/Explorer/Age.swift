import Foundation

/// "just now", "42 s", "5 min", "3 h 12 min", "4 days": how old data is, in the words
/// a status line uses.
public enum Age {
    public static func describe(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        switch s {
        case ..<5: return "just now"
        case ..<60: return "\(s) s"
        case ..<3600: return "\(s / 60) min"
        case ..<86_400:
            let m = s / 60 % 60
            return m == 0 ? "\(s / 3600) h" : "\(s / 3600) h \(m) min"
        default:
            let d = s / 86_400
            return d == 1 ? "1 day" : "\(d) days"
        }
    }

    /// "just now" or "5 min ago" (a time ahead of the clock counts as just now).
    public static func ago(_ seconds: TimeInterval) -> String {
        let text = describe(seconds)
        return text == "just now" ? text : text + " ago"
    }

    /// As `ago`, but a time ahead of the clock by more than a minute is "3 days in the
    /// future" (a key's createdAt: a wrong date, or a wrong clock), never a negative age.
    public static func agoOrAhead(_ seconds: TimeInterval) -> String {
        isAhead(seconds) ? describe(-seconds) + " in the future" : ago(seconds)
    }

    /// Whether an age of `seconds` is a time ahead of the clock by more than a minute.
    public static func isAhead(_ seconds: TimeInterval) -> Bool { seconds < -60 }
}
