import Foundation
import ProviderAPI

/// How periods are stored: their kind and ordinal.
/// Writes of fetched data, and the reads the views need.
extension UsageStore {
    public enum Kind: String, Sendable, CaseIterable {
        case daily, monthly
        var table: String { self == .daily ? "daily_usage" : "monthly_usage" }
    }

    static func kind(of period: ReportPeriod) -> Kind {
        if case .daily = period { return .daily }
        return .monthly
    }

    /// A period as the usage tables store it: the day's or the month's ordinal.
    static func ordinal(_ period: ReportPeriod) -> Int {
        switch period {
        case .daily(let d): return d.ordinal
        case .monthly(let m): return m.year * 12 + m.month - 1
        }
    }

    /// The text of a stored period ("2026-11-28", "2026-10").
    static func periodText(_ kind: Kind, _ ordinal: Int) -> String {
        switch kind {
        case .daily: return Day(ordinal: ordinal).description
        case .monthly: return Month(year: ordinal / 12, month: ordinal % 12 + 1)?.description ?? ""
        }
    }

    /// The ordinal of a period's text, for range queries (nil when it is not one).
    static func ordinal(_ kind: Kind, _ text: String) -> Int? {
        switch kind {
        case .daily: return Day(text)?.ordinal
        case .monthly: return Month(text).map { $0.year * 12 + $0.month - 1 }
        }
    }
}
