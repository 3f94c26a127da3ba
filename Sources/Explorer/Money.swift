/// Money in exact decimal, never binary floating point: a unit price in ten-thousandths
/// of the currency (up to four decimals: `0.125` is a price), an amount in the
/// currency's minor unit (cents), and the rounding between them half-to-even.
public struct UnitPrice: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// Ten-thousandths of the currency unit.
    public let tenThousandths: Int64

    public init(tenThousandths: Int64) { self.tenThousandths = tenThousandths }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notANumber(String), negative(String), tooManyDecimals(String), tooLarge(String)
        public var description: String {
            switch self {
            case .notANumber(let t): return "\(t) is not a price (write it like 3.99)"
            case .negative(let t): return "\(t) is negative; a price is 0 or more"
            case .tooManyDecimals(let t): return "\(t) has more than four decimals"
            case .tooLarge(let t): return "\(t) is larger than 1,000,000"
            }
        }
    }

    /// Parses `3.99`, `5`, `0.125`, `0.1234`; refuses a fifth decimal, a sign, an
    /// exponent or anything else.
    public static func parse(_ text: String) throws -> UnitPrice {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("-") { throw ParseError.negative(t) }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              parts.count == 1 || !parts[1].isEmpty else { throw ParseError.notANumber(t) }
        let decimals = parts.count == 2 ? parts[1] : ""
        guard decimals.count <= 4 else { throw ParseError.tooManyDecimals(t) }
        guard parts[0].count <= 7, let whole = Int64(parts[0]), whole <= 1_000_000 else { throw ParseError.tooLarge(t) }
        let fraction = Int64(decimals + String(repeating: "0", count: 4 - decimals.count)) ?? 0
        let value = whole * 10_000 + fraction
        guard value <= 1_000_000 * 10_000 else { throw ParseError.tooLarge(t) }
        return UnitPrice(tenThousandths: value)
    }

    /// `seats × self`, in minor units of a currency with `minorDigits` decimals,
    /// rounded once, for the line: half-to-even (banker's rounding) unless told half-up.
    public func amount(seats: Int, minorDigits: Int, rounding: Rounding = .halfEven) -> Int64 {
        let exact = Int64(max(0, seats)) * tenThousandths          // ≤ 10^6 seats × 10^10: fits
        let divisor = Self.power10(4 - min(4, max(0, minorDigits)))
        let (q, r) = (exact / divisor, exact % divisor)
        if 2 * r > divisor { return q + 1 }
        if 2 * r == divisor { return rounding == .halfUp || q % 2 == 1 ? q + 1 : q }
        return q
    }

    /// At least the currency's decimals, at most four: 3.99, 0.125, 5.00.
    public func text(minorDigits: Int) -> String {
        var decimals = String(tenThousandths % 10_000)
        decimals = String(repeating: "0", count: 4 - decimals.count) + decimals
        while decimals.count > minorDigits, decimals.last == "0" { decimals.removeLast() }
        return String(tenThousandths / 10_000) + (decimals.isEmpty ? "" : "." + decimals)
    }

    public var description: String { text(minorDigits: 2) }
    public static func < (a: UnitPrice, b: UnitPrice) -> Bool { a.tenThousandths < b.tenThousandths }

    static func power10(_ n: Int) -> Int64 { (0..<n).reduce(1) { acc, _ in acc * 10 } }
}

/// How a line's exact amount becomes the currency's minor unit, as the MSP's invoicing
/// system does it (`rounding` in `[prices]`): a half to the even cent, or up.
public enum Rounding: String, Sendable, CaseIterable {
    case halfEven = "half-even", halfUp = "half-up"
}

/// An amount in a currency's minor unit, written with its decimals: 1234 → "12.34".
public enum MoneyText {
    public static func amount(_ minor: Int64, minorDigits: Int) -> String {
        guard minorDigits > 0 else { return String(minor) }
        let divisor = UnitPrice.power10(minorDigits)
        let sign = minor < 0 ? "-" : ""
        let m = abs(minor)
        var fraction = String(m % divisor)
        fraction = String(repeating: "0", count: minorDigits - fraction.count) + fraction
        return sign + String(m / divisor) + "." + fraction
    }
}

/// ISO 4217 minor units: two decimals unless the currency says otherwise.
public enum Currency {
    static let noDecimals: Set<String> = ["JPY", "KRW", "ISK", "CLP", "VND", "UGX", "XOF", "XAF", "PYG", "RWF", "KMF", "GNF", "VUV", "XPF", "BIF", "DJF"]
    static let threeDecimals: Set<String> = ["BHD", "KWD", "OMR", "JOD", "TND", "LYD", "IQD"]

    public static func minorDigits(_ code: String) -> Int {
        noDecimals.contains(code) ? 0 : threeDecimals.contains(code) ? 3 : 2
    }

    /// Three capital letters.
    public static func isCode(_ code: String) -> Bool { code.count == 3 && code.allSatisfy { $0.isASCII && $0.isUppercase } }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
