import ProviderAPI
import Sync

/// The period the explorer shows: a day of the daily reports or a month of the monthly.
public enum Period: Hashable, Sendable, CustomStringConvertible, Comparable {
    case day(Day)
    case month(Month)

    public var reportPeriod: ReportPeriod {
        switch self {
        case .day(let d): return .daily(d)
        case .month(let m): return .monthly(m)
        }
    }

    /// The period of a report.
    public init(_ period: ReportPeriod) {
        switch period {
        case .daily(let d): self = .day(d)
        case .monthly(let m): self = .month(m)
        }
    }

    /// The last day the period covers: the day itself, or the month's last day.
    public var lastDay: Day {
        switch self {
        case .day(let d): return d
        case .month(let m): return m.lastDay
        }
    }

    public var isDaily: Bool { if case .day = self { return true }; return false }

    /// The month the period lies in.
    public var month: Month {
        switch self {
        case .day(let d): return d.month
        case .month(let m): return m
        }
    }

    /// One step back or forward: a day in daily mode, a month in monthly mode.
    public func stepped(by n: Int) -> Period {
        switch self {
        case .day(let d): return .day(d.adding(days: n))
        case .month(let m): return .month(m.adding(months: n))
        }
    }

    /// The period just before, for the change column.
    public var previous: Period { stepped(by: -1) }

    public var description: String {
        switch self {
        case .day(let d): return d.description
        case .month(let m): return m.description
        }
    }
}

extension Period {
    /// Days by date, months by month; a month and a day by the month's first day, the
    /// month first (the two kinds are compared only by mistake, never as strings).
    public static func < (a: Period, b: Period) -> Bool {
        switch (a, b) {
        case (.day(let x), .day(let y)): return x < y
        case (.month(let x), .month(let y)): return x < y
        case (.month(let m), .day(let d)): return m.firstDay <= d
        case (.day(let d), .month(let m)): return d < m.firstDay
        }
    }
}

extension ReportSource {
    /// The report of `period`: from the cache, or fetched and cached.
    public func report(_ period: Period) async throws -> UsageReport {
        switch period {
        case .day(let d): return try await daily(d)
        case .month(let m): return try await monthly(m)
        }
    }
}

/// Where the API's history starts, as far as its answers have said (a "no report" for
/// the period before): the first day and the first month it has. Kept in the cache.
public struct HistoryStart: Sendable, Equatable {
    public var day: Day?
    public var month: Month?

    public init(day: Day? = nil, month: Month? = nil) { self.day = day; self.month = month }

    /// Whether `period` is before the start: the API has no report for it, and no
    /// request is made for it.
    public func excludes(_ period: Period) -> Bool {
        switch period {
        case .day(let d): return day.map { d < $0 } ?? false
        case .month(let m): return month.map { m < $0 } ?? false
        }
    }
}
