import Foundation

/// The HTTP `Date` header (RFC 9110: `Sun, 06 Nov 1994 08:49:37 GMT`).
public enum HTTPDate {
    /// DateFormatter is not thread-safe: one, used by one thread at a time.
    private static let formatter: Locked<DateFormatter> = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return Locked(f)
    }()

    public static func format(_ date: Date) -> String {
        formatter.withLock { $0.string(from: date) }
    }

    public static func parse(_ text: String) -> Date? {
        formatter.withLock { $0.date(from: text.trimmingCharacters(in: .whitespaces)) }
    }
}
