import Testing
@testable import Explorer
import ProviderAPI
@testable import UsageStore

/// A list row is small (a list holds 50,000) and says what the report says: every
/// field back as it went in, optional numbers included, and no trap on absurd seats.
struct ListRowTests {
    let today = Day("2026-11-29")!

    func joined(consumed: Int, previous: Int?, license: LicenseType = .trial, tier: Tier = .business, status: String? = "suspended",
                trialEndsAt: String? = "2026-12-02") -> PeriodRow {
        PeriodRow(row: UsageRow(organizationId: "org_0123456789abcdef", organizationName: "Ærø Fiskeri", tier: tier, licenseType: license,
                                trial: license == .trial, nfr: false, activeSeats: 3, pendingSeats: 4, consumedLicenses: consumed),
                  status: status, trialEndsAt: trialEndsAt, previousConsumed: previous)
    }

    @Test func aRowIsSmall() {
        #expect(MemoryLayout<ListRow>.stride <= 88, "\(MemoryLayout<ListRow>.stride) bytes a row")
    }

    @Test func aRowKeepsEveryField() {
        let r = ListRow.make(joined(consumed: 7, previous: 10), today: today)
        #expect(r.id == "org_0123456789abcdef" && r.name == "Ærø Fiskeri" && r.tier == .business && r.licenseType == .trial)
        #expect(r.status == .suspended && r.activeSeats == 3 && r.pendingSeats == 4 && r.consumedLicenses == 7)
        #expect(r.change == -3 && r.trialEndsAt == Day("2026-12-02") && r.trialDaysLeft == 3 && r.searchKey == Array("aero fiskeri".utf8))
        let plain = ListRow.make(joined(consumed: 7, previous: nil, license: .standard, tier: Tier(rawValue: "ultimate"), status: nil),
                                 today: today)
        #expect(plain.change == nil && plain.trialEndsAt == nil && plain.trialDaysLeft == nil)
        #expect(plain.tier.rawValue == "ultimate" && plain.licenseType == .standard && plain.status == .active)
        let zero = ListRow.make(joined(consumed: 7, previous: 7), today: today)
        #expect(zero.change == 0)
    }

    @Test func absurdSeatsGiveNoChangeRatherThanATrap() {
        #expect(ListRow.make(joined(consumed: .max, previous: -1), today: today).change == nil)
        #expect(ListRow.make(joined(consumed: -1, previous: .max), today: today).change == nil)
        #expect(ListRow.make(joined(consumed: .max, previous: 1), today: today).change == .max - 1)
    }

    /// Rows of the same tier, license and status share one object; a server sending a
    /// new tier on every row does not grow the shared table past its bound.
    @Test func labelsAreSharedAndBounded() {
        let a = ListRow.make(joined(consumed: 1, previous: nil), today: today)
        let b = ListRow.make(joined(consumed: 2, previous: nil), today: today)
        #expect(a.tier == b.tier)
        for i in 0..<(RowLabels.bound * 2) {
            let r = ListRow.make(joined(consumed: 1, previous: nil, tier: Tier(rawValue: "tier-\(i)")), today: today)
            #expect(r.tier.rawValue == "tier-\(i)")
        }
        #expect(RowLabels.count <= RowLabels.bound)
    }
}
