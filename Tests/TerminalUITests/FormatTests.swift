import Foundation
import Testing
@testable import TerminalUI
@testable import Explorer
import ProviderAPI

/// The number and label formats every pane uses, directly.
struct FormatTests {
    @Test func countsHaveThousandsSeparators() {
        #expect(Format.count(0) == "0" && Format.count(999) == "999" && Format.count(1_000) == "1,000")
        #expect(Format.count(1_234_567) == "1,234,567" && Format.count(-1_234) == "-1,234")
        #expect(Format.count(Int.min + 1).hasPrefix("-9,223,372"))
    }

    @Test func changesSayNewOrDashWhenThereIsNoComparison() {
        #expect(Format.change(12) == "+12" && Format.change(-3) == "-3" && Format.change(0) == "0" && Format.change(1_500) == "+1,500")
        #expect(Format.change(nil) == "new" && Format.change(nil, previousCached: false) == "–")
    }

    @Test func moneyInMinorUnits() {
        #expect(Format.money(1_855_103, minorDigits: 2) == "18,551.03")
        #expect(Format.money(5, minorDigits: 2) == "0.05" && Format.money(-1_234_500, minorDigits: 2) == "-12,345.00")
        #expect(Format.money(-5, minorDigits: 2) == "-0.05", "a credit under one unit keeps its sign")
        #expect(Format.money(Int64.min, minorDigits: 2).hasPrefix("-92,233,720,368,547,758.0"), "the smallest amount does not trap")
        #expect(Format.money(1_234, minorDigits: 0) == "1,234" && Format.money(1_234_567, minorDigits: 3) == "1,234.567")
    }

    @Test func pluralsAndTiers() {
        #expect(Format.plural(1, "seat") == "1 seat" && Format.plural(0, "seat") == "0 seats" && Format.plural(2, "box", "boxes") == "2 boxes")
        #expect(Format.tierShort(.business) == "business" && Format.tierShort(.enterprise) == "enterprise")
        #expect(Format.tierShort(Tier(rawValue: "platinum")) == "platinum")
    }

    @Test func sparklinesScaleAndShowGaps() {
        #expect(Format.sparkline([]) == "")
        #expect(Format.sparkline([nil, nil]) == "  ")
        #expect(Format.sparkline([5, 5, nil]) == "▄▄·")
        #expect(Format.sparkline([0, 7, 14]) == "▁▄█")
    }

    @MainActor @Test func timesAreUTCToTheMinute() {
        #expect(Format.time(Date(timeIntervalSince1970: 86_400 + 3_661)) == "1970-01-02 01:01 UTC")
    }
}

/// How old data is, in the words of the status line.
struct AgeTests {
    @Test func eachRangeHasItsWords() {
        #expect(Age.describe(-30) == "just now" && Age.describe(4.9) == "just now")
        #expect(Age.describe(5) == "5 s" && Age.describe(59) == "59 s")
        #expect(Age.describe(60) == "1 min" && Age.describe(3_599) == "59 min")
        #expect(Age.describe(3_600) == "1 h" && Age.describe(3_660) == "1 h 1 min" && Age.describe(86_399) == "23 h 59 min")
        #expect(Age.describe(86_400) == "1 day" && Age.describe(172_800) == "2 days")
        #expect(Age.ago(2) == "just now" && Age.ago(600) == "10 min ago")
    }
}
