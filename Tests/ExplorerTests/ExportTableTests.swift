import Foundation
import Testing
@testable import Explorer
import ProviderAPI

struct ExportTableTests {
    let report = UsageReport(period: .daily(Day("2026-11-28")!), generatedAt: "2026-11-29T00:00:02Z", rows: [
        UsageRow(organizationId: "org_1", organizationName: "Contoso, \"Ltd\"", tier: .enterprise, licenseType: .trial,
                 trial: true, nfr: false, activeSeats: 40, pendingSeats: 2, consumedLicenses: 42),
        UsageRow(organizationId: "org_2", organizationName: "東京データ株式会社", tier: .business, licenseType: .nfr,
                 trial: false, nfr: true, activeSeats: 7, pendingSeats: 0, consumedLicenses: 7,
                 extra: ["region": .string("eu")]),
    ])

    @Test func csvQuotesAndKeepsContractNames() {
        let csv = ExportTable(report: report).csv()
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "date,organizationId,organizationName,tier,licenseType,trial,nfr,activeSeats,pendingSeats,consumedLicenses,region")
        #expect(lines[1] == "2026-11-28,org_1,\"Contoso, \"\"Ltd\"\"\",enterprise,trial,true,false,40,2,42,")
        #expect(lines[2] == "2026-11-28,org_2,東京データ株式会社,business,nfr,false,true,7,0,7,eu")
    }

    @Test func jsonIsAnArrayOfObjectsThatParses() throws {
        let json = ExportTable(report: report).json()
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows[0]["organizationName"] as? String == "Contoso, \"Ltd\"")
        #expect(rows[0]["consumedLicenses"] as? Int == 42)
        #expect(rows[0]["trial"] as? Bool == true)
        #expect(rows[1]["region"] as? String == "eu")
        #expect(rows[0]["region"] is NSNull)
        #expect(ExportTable(organizations: []).json() == "[]\n")
    }

    @Test func tableAlignsWideCharactersAndNumbers() {
        let plain = report.rows.map { row -> UsageRow in var r = row; r.extra = [:]; return r }
        let lines = ExportTable(report: report, rows: plain).table().split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        // The last column is numeric and right-aligned, so with wide names measured
        // right every line ends at the same display column.
        let widths = lines.map { DisplayWidth.of($0) }
        #expect(Set(widths).count == 1, "\(widths)")
        #expect(lines[2].hasSuffix("  7") && lines[1].hasSuffix(" 42"))
    }

    @Test func displayWidthOfScripts() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("東京") == 4)
        #expect(DisplayWidth.of("Rocket 🚀 Labs") == 14)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("서울") == 4)
        #expect(DisplayWidth.truncate("東京データ株式会社", to: 7) == "東京デ…")
        #expect(DisplayWidth.of(DisplayWidth.truncate("東京データ株式会社", to: 8)) <= 8)
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        #expect(DisplayWidth.pad("7", to: 3, alignRight: true) == "  7")
    }

    @Test func filtersCombine() {
        let trialOnly = RowFilter(trialOnly: true)
        #expect(report.rows.filter(trialOnly.accepts).map(\.organizationId) == ["org_1"])
        #expect(report.rows.filter(RowFilter(nfrOnly: true).accepts).map(\.organizationId) == ["org_2"])
        #expect(report.rows.filter(RowFilter(trialOnly: true, tier: .business).accepts).isEmpty)
        #expect(report.rows.filter(RowFilter(tier: .enterprise).accepts).count == 1)
    }
}
