import Foundation

/// A calendar day in UTC, the unit of the daily report (`YYYY-MM-DD`).
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Days since 1970-01-01.
    public let ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    /// A day of the years 0001–9999 (what `YYYY-MM-DD` can say); nil for any other.
    public init?(year: Int, month: Int, day: Int) {
        guard let m = Month(year: year, month: month), day >= 1, day <= m.dayCount else { return nil }
        ordinal = Day.daysFromCivil(year, month, day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              let y = Day.digits(u[0..<4]), let m = Day.digits(u[5..<7]), let d = Day.digits(u[8..<10]),
              let day = Day(year: y, month: m, day: d) else { return nil }
        self = day
    }

    /// The UTC day that contains `date`.
    public init(containing date: Date) {
        ordinal = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    public var components: (year: Int, month: Int, day: Int) { Day.civilFromDays(ordinal) }
    /// The month of this day; a day outside 0001–9999 (only reachable by arithmetic on
    /// the ends of the range) gives the nearest month of the range, never a crash.
    public var month: Month { let c = components; return Month(clamping: c.year, c.month) }
    public var dayOfMonth: Int { components.day }
    /// Midnight UTC at the start of this day.
    public var start: Date { Date(timeIntervalSince1970: Double(ordinal) * 86_400) }

    public func adding(days n: Int) -> Day { Day(ordinal: ordinal + n) }
    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }
    public static func - (a: Day, b: Day) -> Int { a.ordinal - b.ordinal }

    public var description: String {
        let c = components
        return "\(Day.pad(c.year, 4))-\(Day.pad(c.month, 2))-\(Day.pad(c.day, 2))"
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = Day(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(s)"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var n = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            n = n * 10 + Int(b - 48)
        }
        return n
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // Howard Hinnant's days-from-civil and its inverse.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A calendar month, the unit of the monthly report (`YYYY-MM`).
public struct Month: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    init(clamping year: Int, _ month: Int) {
        if year < 1 { self.year = 1; self.month = 1 } else if year > 9999 { self.year = 9999; self.month = 12 }
        else { self.year = year; self.month = month }
    }

    /// Parses exactly `YYYY-MM`.
    public init?(_ text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 7, u[4] == UInt8(ascii: "-"),
              let y = Day.digits(u[0..<4]), let m = Day.digits(u[5..<7]) else { return nil }
        self.init(year: y, month: m)
    }

    public var firstDay: Day { Day(year: year, month: month, day: 1)! }
    public var lastDay: Day { Day(year: year, month: month, day: dayCount)! }
    public var days: [Day] { (0..<dayCount).map { firstDay.adding(days: $0) } }

    public var dayCount: Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public func adding(months n: Int) -> Month {
        let index = year * 12 + (month - 1) + n
        return Month(year: index / 12, month: index % 12 + 1) ?? self
    }

    public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public var description: String { "\(Day.pad(year, 4))-\(Day.pad(month, 2))" }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let m = Month(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM month: \(s)"))
        }
        self = m
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension Day {
    /// When the daily report for this day is generated (D+1 00:00:02 UTC).
    public var reportReadyAt: Date {
        adding(days: 1).start.addingTimeInterval(Double(Endpoints.Schedule.dailyReadySecondsAfterMidnight))
    }
}

extension Month {
    /// When the monthly report for this month is generated (the 1st of M+1, 00:01:02 UTC).
    public var reportReadyAt: Date {
        adding(months: 1).firstDay.start.addingTimeInterval(Double(Endpoints.Schedule.monthlyReadySecondsAfterMidnight))
    }
}

/// What the report schedule lets exist at a moment: never ask for a report before it is generated.
public enum ReportSchedule {
    /// The newest day whose daily report is generated by `now`.
    public static func newestDay(at now: Date) -> Day {
        let today = Day(containing: now)
        return today.adding(days: -1).reportReadyAt <= now ? today.adding(days: -1) : today.adding(days: -2)
    }

    /// The newest month whose monthly report is generated by `now`.
    public static func newestMonth(at now: Date) -> Month {
        let previous = Day(containing: now).month.adding(months: -1)
        return previous.reportReadyAt <= now ? previous : previous.adding(months: -1)
    }
}
