import Observation
import ProviderAPI
import UsageStore

/// The usage of the selected organization: the period's figures, the daily series of
/// its month, 12 months of monthly history, the tier NordPass bills for the month and
/// whether the monthly report agrees with the daily ones.
@MainActor @Observable
public final class UsageDetailModel {
    public struct DayPoint: Sendable, Equatable {
        public let day: Day
        public let consumed: Int?
        public let active: Int?
        public let tier: Tier?
        /// Whether the day's report is cached (so a nil `consumed` means the organization
        /// is not in it, not yet or no longer, rather than that the day is missing).
        public let reportCached: Bool
    }

    public struct MonthPoint: Sendable, Equatable {
        public let month: Month
        public let consumed: Int?
        public let tier: Tier?
        /// Whether the month's report is cached (so a nil `consumed` means the
        /// organization is not in it, not that the report is missing).
        public let reportCached: Bool
    }

    /// How the monthly report compares with the daily reports of the same month.
    public enum Agreement: Sendable, Equatable {
        /// Not every day of the month is cached, or there is no monthly report yet.
        case unknown(String)
        case agrees
        /// Each difference in words ("monthly tier business, days reach enterprise").
        case differs([String])
    }

    public private(set) var organizationId: String?
    public private(set) var row: ListRow?
    public private(set) var month: Month?
    public private(set) var dailySeries: [DayPoint] = []
    public private(set) var monthlySeries: [MonthPoint] = []
    /// The monthly report's row for `month`, if cached.
    public private(set) var monthlyRow: UsageRow?

    public init() {}

    /// The highest tier on any day of the month: what NordPass bills.
    public var billedTier: Tier? {
        dailySeries.compactMap(\.tier).max { $0.rank < $1.rank }
    }

    /// True when the tier changed within the month.
    public var tierChanged: Bool { Set(dailySeries.compactMap(\.tier)).count > 1 }

    public var agreement: Agreement {
        guard let month else { return .unknown("no organization selected") }
        guard let monthlyRow else { return .unknown("no monthly report for \(month) yet") }
        // Days whose report is cached but lack the organization (it appeared mid-month,
        // or left) are not missing: the check runs over the days it was there.
        let missing = dailySeries.filter { !$0.reportCached }.count
        guard missing == 0, dailySeries.count == month.dayCount else {
            return .unknown("\(missing + month.dayCount - dailySeries.count) days of \(month) not cached")
        }
        var differences: [String] = []
        if let billed = billedTier, billed != monthlyRow.tier {
            differences.append("monthly tier \(monthlyRow.tier), daily reports reach \(billed)")
        }
        let peak = dailySeries.compactMap(\.active).max() ?? 0
        if peak != monthlyRow.activeSeats {
            differences.append("monthly active seats \(monthlyRow.activeSeats), daily peak \(peak)")
        }
        return differences.isEmpty ? .agrees : .differs(differences)
    }

    /// Loads the history of `row` for the month of `period` from the cache.
    public func load(row: ListRow?, period: Period, store: UsageStore) {
        organizationId = row?.id
        self.row = row
        guard let row else {
            month = nil; dailySeries = []; monthlySeries = []; monthlyRow = nil
            return
        }
        let m = period.month
        month = m
        let days = (try? store.history(.daily, organizationId: row.id, from: m.firstDay.description, to: m.lastDay.description)) ?? []
        let byDay = Dictionary(days.map { ($0.period, $0.row) }, uniquingKeysWith: { a, _ in a })
        // Which days are cached, asked only when the organization is missing from some
        // (the detail is read again on every cursor move).
        let cachedDays = byDay.count == m.dayCount ? [] : Set((try? store.cachedPeriods(.daily)) ?? [])
        dailySeries = m.days.map { d in
            let r = byDay[d.description]
            return DayPoint(day: d, consumed: r?.consumedLicenses, active: r?.activeSeats, tier: r?.tier,
                            reportCached: r != nil || cachedDays.contains(d.description))
        }
        let first = m.adding(months: -11)
        let months = (try? store.history(.monthly, organizationId: row.id, from: first.description, to: m.description)) ?? []
        let byMonth = Dictionary(months.map { ($0.period, $0.row) }, uniquingKeysWith: { a, _ in a })
        let cachedMonths = Set((try? store.cachedPeriods(.monthly)) ?? [])
        monthlySeries = (0..<12).map { i in
            let month = first.adding(months: i)
            let r = byMonth[month.description]
            return MonthPoint(month: month, consumed: r?.consumedLicenses, tier: r?.tier,
                              reportCached: cachedMonths.contains(month.description))
        }
        monthlyRow = byMonth[m.description]
    }
}
