import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator
import UsageStore

/// Issue 13: `provider-explorer changes`, on reports made to hold every kind of change.
@Suite(.serialized)
struct ChangesCommandTests {
    let dir = TempDir()

    func cli(_ args: [String]) async throws -> ProcessResult { try await runCLI(args, in: dir, env: ["PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"]) }

    func row(_ id: String, tier: Tier = .business, license: LicenseType = .standard, seats: Int) -> UsageRow {
        UsageRow(organizationId: id, organizationName: "Org \(id)", tier: tier, licenseType: license, trial: license == .trial,
                 nfr: license == .nfr, activeSeats: seats, pendingSeats: 0, consumedLicenses: seats)
    }

    func organization(_ id: String, status: OrganizationStatus = .active, trialEnds: String? = nil) -> Organization {
        Organization(id: id, name: "Org \(id)", status: status, tier: .business, licenseType: trialEnds == nil ? .standard : .trial,
                     trialEndsAt: trialEnds.map { $0 + "T00:00:00Z" }, createdAt: "2026-01-01T00:00:00Z")
    }

    /// The demo's cache, filled with two days and two months that hold one of each change.
    func fillCache() throws {
        let path = dir.file("cache/provider-explorer/" + UsageStore.fileName(providerId: "prv_DEMO00", baseURL: "demo-simulator"))
        try FileManager.default.createDirectory(atPath: dir.file("cache/provider-explorer"), withIntermediateDirectories: true)
        let store = try UsageStore.open(path: path)
        let before = [row("stays", seats: 10), row("leaves", seats: 7), row("upgrades", seats: 20),
                      row("converts", license: .trial, seats: 30), row("jumps", seats: 100), row("almost", seats: 100),
                      row("suspended", seats: 4), row("trial-in", license: .trial, seats: 2), row("trial-out", license: .trial, seats: 2)]
        let after = [row("stays", seats: 10), row("new-trial", license: .trial, seats: 3), row("upgrades", tier: .enterprise, seats: 20),
                     row("converts", seats: 30), row("jumps", seats: 105), row("almost", seats: 104),
                     row("suspended", seats: 4), row("trial-in", license: .trial, seats: 2), row("trial-out", license: .trial, seats: 2)]
        try store.replaceOrganizations([organization("stays"), organization("new-trial", trialEnds: "2026-12-20"), organization("upgrades"),
                                        organization("converts"), organization("jumps"), organization("almost"),
                                        organization("suspended", status: .suspended),
                                        organization("trial-in", trialEnds: "2026-12-01"), organization("trial-out", trialEnds: "2026-12-02")],
                                       fetchedAt: Date())
        for (period, rows) in [(ReportPeriod.daily(Day("2026-11-27")!), before), (.daily(Day("2026-11-28")!), after),
                               (.monthly(Month("2026-09")!), before), (.monthly(Month("2026-10")!), after),
                               (.daily(Day("2026-11-20")!), before), (.monthly(Month("2026-07")!), before)] {
            try store.write(UsageReport(period: period, generatedAt: "g", rows: rows), fetchedAt: Date())
        }
    }

    func records(_ csv: String) -> [[String]] {
        csv.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test(arguments: [("2026-11-27", "2026-11-28", "2026-11-28"), ("2026-09", "2026-10", "2026-10-31")])
    func everyKindInOrder(_ from: String, _ to: String, _ lastDay: String) async throws {
        try fillCache()
        // With --trial-days 3 after the `to` day: 2026-12-01 is inside, 2026-12-02 outside for
        // 2026-11-28; for the month (last day 2026-10-31) both are outside, so the window grows.
        let days = to.count == 7 ? "32" : "3"
        let r = try await cli(["changes", "--demo", "--offline", "--from", from, "--to", to, "--format", "csv", "--trial-days", days])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("kind,organizationId,organizationName,before,after,delta\r\n"))
        let rows = records(r.stdout).map { [$0[0], $0[1], $0[3], $0[4], $0[5]] }
        var expected: [[String]] = [
            ["added", "new-trial", "", "3", ""],
            ["removed", "leaves", "7", "", ""],
            ["tier", "upgrades", "business", "enterprise", ""],
            ["license", "converts", "trial", "standard", ""],
            ["seats", "jumps", "100", "105", "5"],
            ["suspended", "suspended", "", "4", ""],
            ["trial-ending", "trial-in", "", "2026-12-01", ""],
        ]
        if to.count == 7 { expected.append(["trial-ending", "trial-out", "", "2026-12-02", ""]) }
        #expect(rows == expected, "\(rows)")
        #expect(!rows.contains { $0[1] == "almost" }, "4 seats is below the threshold of 5")
        _ = lastDay
        // The threshold moves with --min-seats; --min-percent adds a share of the seats before.
        let four = records(try await cli(["changes", "--demo", "--offline", "--from", from, "--to", to, "--format", "csv", "--min-seats", "4"]).stdout)
        #expect(four.filter { $0[0] == "seats" }.map { $0[1] } == ["almost", "jumps"])
        let percent = records(try await cli(["changes", "--demo", "--offline", "--from", from, "--to", to, "--format", "csv", "--min-percent", "5"]).stdout)
        #expect(percent.filter { $0[0] == "seats" }.map { $0[1] } == ["jumps"])
        // JSON: the same objects.
        let json = try await cli(["changes", "--demo", "--offline", "--from", from, "--to", to, "--format", "json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.first?["kind"] as? String == "added" && objects.first { $0["kind"] as? String == "seats" }?["delta"] as? Int == 5)
    }

    @Test func fromDefaultsToTheLastSeenPeriodElseTheOneBefore() async throws {
        try fillCache()
        // No remembered state: the day before --to.
        let plain = try await cli(["changes", "--demo", "--offline", "--to", "2026-11-28", "--format", "csv"])
        #expect(plain.stderr.contains("changes from 2026-11-27 to 2026-11-28"), "\(plain.stderr)")
        // A remembered last-seen day: that one.
        try FileManager.default.createDirectory(atPath: dir.file("state/provider-explorer"), withIntermediateDirectories: true)
        let name = UsageStore.fileName(providerId: "prv_DEMO00", baseURL: "demo-simulator").replacingOccurrences(of: ".sqlite3", with: "")
        _ = dir.write("state/provider-explorer/view-\(name).json", #"{"lastSeenDay": "2026-11-20", "lastSeenMonth": "2026-07"}"#)
        // Issue 25, item 5: a run from cron compares with the report before --to, whatever
        // the explorer last saw (so two runs a day apart move); --since-last-seen asks for it.
        let cron = try await cli(["changes", "--demo", "--offline", "--format", "csv"])
        #expect(cron.status == 0 && cron.stderr.contains("changes from 2026-11-27 to 2026-11-28"), "\(cron.stderr)")
        let seen = try await cli(["changes", "--demo", "--offline", "--since-last-seen", "--format", "csv"])
        #expect(seen.status == 0 && seen.stderr.contains("changes from 2026-11-20 to 2026-11-28"), "\(seen.stderr)")
        let months = try await cli(["changes", "--demo", "--offline", "--since-last-seen", "--to", "2026-10", "--format", "csv"])
        #expect(months.stderr.contains("changes from 2026-07 to 2026-10"), "\(months.stderr)")
        // A damaged state file is ignored, not a failure.
        _ = dir.write("state/provider-explorer/view-\(name).json", "{not json")
        let damaged = try await cli(["changes", "--demo", "--offline", "--since-last-seen", "--to", "2026-11-28", "--format", "csv"])
        #expect(damaged.status == 0 && damaged.stderr.contains("changes from 2026-11-27"))
        // Both ends of one kind, the earlier first.
        #expect(try await cli(["changes", "--demo", "--from", "2026-09", "--to", "2026-11-28"]).status == 64)
        #expect(try await cli(["changes", "--demo", "--from", "2026-11-28", "--to", "2026-11-27"]).status == 64)
        // Against the simulator itself, read through the cache: exit 0 with or without changes.
        let live = try await cli(["changes", "--demo", "--format", "csv"])
        #expect(live.status == 0, "\(live.stderr)")
    }
}
