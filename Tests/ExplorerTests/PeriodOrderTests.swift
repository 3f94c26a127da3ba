import Foundation
import Testing
import ProviderAPI
@testable import Explorer

/// Issue 29: periods compare as dates, not as strings.
struct PeriodOrderTests {
    @Test func periodsCompareByTheirDates() {
        let d = { (s: String) in Period.day(Day(s)!) }, m = { (s: String) in Period.month(Month(s)!) }
        #expect(d("2026-12-31") < d("2027-01-01") && !(d("2027-01-01") < d("2026-12-31")))
        #expect(m("2026-09") < m("2026-10") && m("2026-12") < m("2027-01"))
        #expect([d("2026-11-09"), d("2026-11-28"), d("2026-11-10")].max() == d("2026-11-28"))
        #expect([m("2026-02"), m("2025-12"), m("2026-10")].max() == m("2026-10"))
        // A month before its own days, after the days before it.
        #expect(m("2026-11") < d("2026-11-01") && d("2026-10-31") < m("2026-11"))
        #expect(!(d("2026-11-01") < m("2026-11")))
    }
}
