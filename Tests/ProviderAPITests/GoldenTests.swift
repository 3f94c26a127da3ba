import Foundation
import Testing
@testable import ProviderAPI

/// The contract's own examples decode, and values the contract does not know survive.
struct GoldenTests {
    func golden(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"))
        return try Data(contentsOf: url)
    }

    @Test func organizationsPage() throws {
        let page = try JSONDecoder().decode(Page<Organization>.self, from: golden("organizations"))
        #expect(page.nextCursor == "c2")
        let o = try #require(page.data.first)
        #expect(o.id == "org_3f9a" && o.name == "Contoso Ltd")
        #expect(o.status == .active && o.tier == .enterprise && o.licenseType == .trial)
        #expect(o.trialEndsAt == "2026-12-03" && o.createdAt == "2026-11-19T08:00:00Z")
        #expect(o.extra.isEmpty)
    }

    @Test func dailyReportPage() throws {
        let page = try JSONDecoder().decode(UsagePage.self, from: golden("daily"))
        #expect(page.period == .daily(Day("2026-11-28")!))
        #expect(page.generatedAt == "2026-11-29T00:00:02Z")
        #expect(page.nextCursor == nil)
        let r = try #require(page.data.first)
        #expect(r.organizationId == "org_3f9a" && r.tier == .enterprise && r.trial && !r.nfr)
        #expect(r.activeSeats == 40 && r.pendingSeats == 2 && r.consumedLicenses == 42)
    }

    @Test func monthlyReportPage() throws {
        let page = try JSONDecoder().decode(UsagePage.self, from: golden("monthly"))
        #expect(page.period == .monthly(Month("2026-10")!))
        #expect(page.data.count == 1)
    }

    @Test func problemJSON() throws {
        let p = try JSONDecoder().decode(Problem.self, from: golden("problem"))
        #expect(p.status == 403 && p.title == "Access Forbidden")
        #expect(p.detail == "the key lacks Provider API access")
    }

    @Test func unknownEnumValuesAndFieldsAreKept() throws {
        let page = try JSONDecoder().decode(Page<Organization>.self, from: golden("future-fields"))
        let o = try #require(page.data.first)
        #expect(o.tier.rawValue == "ultimate" && !o.tier.isKnown)
        #expect(o.status.rawValue == "archived" && o.licenseType.rawValue == "partner")
        #expect(o.name == "東京データ株式会社 🚀")
        #expect(o.extra["region"] == .string("eu-west"))
        #expect(o.extra["seatsCap"] == .number(500))
        #expect(o.extra["tags"] == .array([.string("a"), .string("b")]))
        // Round trip: what we re-encode still carries the unknown values.
        let again = try JSONDecoder().decode(Organization.self, from: JSONEncoder().encode(o))
        #expect(again == o)
    }

    @Test func wrongShapeIsAnErrorNotACrash() {
        let bad = Data(#"{"data": [{"id": 5}], "nextCursor": null}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Page<Organization>.self, from: bad) }
        let period = Data(#"{"period": {"type": "weekly"}, "generatedAt": "x", "data": []}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(UsagePage.self, from: period) }
    }
}

struct CalendarTests {
    @Test func dayParsingAndArithmetic() throws {
        let d = try #require(Day("2024-02-28"))
        #expect(d.adding(days: 1).description == "2024-02-29")
        #expect(d.adding(days: 2).description == "2024-03-01")
        #expect(Day("2023-02-29") == nil && Day("2026-13-01") == nil && Day("2026-1-01") == nil && Day("") == nil)
        #expect(Day("1970-01-01")!.ordinal == 0)
        #expect(Day(containing: Date(timeIntervalSince1970: 86_400 * 3 + 5)).description == "1970-01-04")
    }

    @Test func monthEdges() throws {
        let m = try #require(Month("2026-01"))
        #expect(m.adding(months: -1).description == "2025-12")
        #expect(m.adding(months: 12).description == "2027-01")
        #expect(Month("2024-02")!.dayCount == 29 && Month("2100-02")!.dayCount == 28)
        #expect(Month("2026-00") == nil && Month("2026-1") == nil)
    }

    @Test func reportSchedule() throws {
        let f = ISO8601DateFormatter()
        #expect(f.string(from: Day("2026-11-28")!.reportReadyAt) == "2026-11-29T00:00:02Z")
        #expect(f.string(from: Month("2026-12")!.reportReadyAt) == "2027-01-01T00:01:02Z")
    }
}
