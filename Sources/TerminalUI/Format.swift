import Explorer
import Foundation
import ProviderAPI

/// Number and label formatting shared by the panes.
enum Format {
    /// 1234567 -> "1,234,567".
    static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + String(out.reversed())
    }

    /// +12, -3, 0; "new" for an organization not in the period before, and "–" when
    /// the period before is not cached, so there is nothing to compare with.
    static func change(_ n: Int?, previousCached: Bool = true) -> String {
        guard let n else { return previousCached ? "new" : "–" }
        return n > 0 ? "+" + count(n) : count(n)
    }

    /// An amount in minor units for a person: 1855103 → "18,551.03".
    static func money(_ minor: Int64, minorDigits: Int) -> String {
        // The sign apart: -0.05 has a whole part of 0, which has no sign of its own.
        let text = MoneyText.amount(minor.magnitude > Int64.max.magnitude ? Int64.max : abs(minor), minorDigits: minorDigits)
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = Int(parts[0]) ?? 0
        return (minor < 0 ? "-" : "") + count(whole) + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// "1 organization", "2 organizations": a count with its noun.
    static func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(count(n)) \(n == 1 ? one : many ?? one + "s")"
    }

    static func tierShort(_ tier: Tier) -> String {
        switch tier {
        case .business: return "business"
        case .enterprise: return "enterprise"
        default: return tier.rawValue
        }
    }

    /// Eight-level bars for a sparkline; nil values are a gap.
    static func sparkline(_ values: [Int?]) -> String {
        let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let present = values.compactMap { $0 }
        guard let lo = present.min(), let hi = present.max() else { return String(repeating: " ", count: values.count) }
        return String(values.map { v -> Character in
            guard let v else { return "·" }
            if hi == lo { return bars[3] }
            return bars[min(7, (v - lo) * 8 / (hi - lo + 1))]
        })
    }

    /// Made once: the key pane shows a time on every frame.
    @MainActor private static let minutes: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }()

    @MainActor static func time(_ date: Date) -> String {
        minutes.string(from: date) + " UTC"
    }
}
