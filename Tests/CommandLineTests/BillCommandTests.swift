import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator
import UsageStore

/// Issue 12: `provider-explorer bill` against the demo simulator, as a user runs it.
@Suite(.serialized)
struct BillCommandTests {
    let dir = TempDir()
    static let today = Day("2026-11-29")!
    let data = DataSet(organizationCount: 240, seed: 1, today: BillCommandTests.today)

    func cli(_ args: [String], env: [String: String] = [:]) async throws -> ProcessResult {
        try await runCLI(args, in: dir, env: ["PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"].merging(env) { $1 })
    }

    func prices(_ text: String = "currency = \"EUR\"\nbusiness = 3.99\nenterprise = 5.99\n") throws {
        try FileManager.default.createDirectory(atPath: dir.file("config/provider-explorer"), withIntermediateDirectories: true)
        _ = dir.write("config/provider-explorer/config.toml", "# prices for the bill\n[prices]\n" + text)
    }

    /// The bill as CSV records keyed by organization id.
    func lines(_ csv: String) throws -> [String: [String: String]] {
        let records = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(records.first)
        #expect(header == ["month", "organizationId", "organizationName", "customerId", "tier", "licenseType", "seats",
                           "unitPrice", "amount", "currency", "note"])
        var out: [String: [String: String]] = [:]
        for r in records.dropFirst() where r.count == header.count { out[r[1]] = Dictionary(uniqueKeysWithValues: zip(header, r)) }
        return out
    }

    @Test func theMonthIsBilledByTheRule() async throws {
        try prices()
        let sync = try await cli(["sync", "--demo"])
        #expect(sync.status == 0, "\(sync.stderr)")
        let r = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let bill = try lines(r.stdout)
        let month = Month("2026-10")!
        let specs = Dictionary(uniqueKeysWithValues: data.organizations.map { ($0.id, $0) })
        let monthly = Dictionary(uniqueKeysWithValues: data.monthlyRows(month).map { ($0.organizationId, $0) })
        // An organization that moved up in October is billed at Enterprise, and the line says so.
        let upgraded = try #require(data.organizations.first { spec in
            guard let change = spec.tierChange, change.tier == .enterprise, change.day.month == month, change.day > month.firstDay else { return false }
            return spec.licenseType == .standard && spec.createdOn < month.firstDay
        })
        let line = try #require(bill[upgraded.id])
        #expect(line["tier"] == "enterprise" && line["note"]!.contains("tier changed mid-month (business → enterprise)"), "\(line)")
        #expect(line["unitPrice"] == "5.99" && line["currency"] == "EUR")
        // Trial and NFR are not billed; suspended ones are.
        for (id, spec) in specs where monthly[id] != nil {
            switch spec.licenseType {
            case .trial, .nfr: #expect(bill[id] == nil, "\(spec.name) is free")
            default: #expect(bill[id] != nil, "\(spec.name) is billed")
            }
        }
        let suspended = try #require(specs.values.first { $0.status == .suspended && $0.licenseType == .standard && monthly[$0.id] != nil })
        #expect(bill[suspended.id]?["amount"]?.isEmpty == false, "a suspended organization is billed like an active one")
        // Seats are the monthly report's consumed licenses; amount = seats × price.
        let any = try #require(bill.values.first { $0["tier"] == "business" })
        let seats = try #require(Int(any["seats"]!))
        #expect(seats == monthly[any["organizationId"]!]!.consumedLicenses)
        #expect(any["amount"] == String(format: "%d.%02d", seats * 399 / 100, seats * 399 % 100))
        // Ordered by organization name (the list's collation: folded, digits as numbers), then id.
        let order = r.stdout.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { (String($0[2]), String($0[1])) }
        #expect(order.count > 100 && inNameOrder(order))
        // --all lists the free ones, amount 0 and why.
        let all = try lines(try await cli(["bill", "--demo", "--month", "2026-10", "--format", "csv", "--all"]).stdout)
        let nfr = try #require(specs.values.first { $0.licenseType == .nfr })
        #expect(all[nfr.id]?["amount"] == "0.00" && all[nfr.id]?["note"] == "free: Not For Resale")
        // JSON: totals per tier and overall, money as decimal strings.
        let json = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["month"] as? String == "2026-10" && object["currency"] as? String == "EUR")
        let totals = try #require(object["totals"] as? [String: [String: Any]])
        #expect(Set(totals.keys) == ["business", "enterprise", "all"])
        #expect(totals["all"]?["amount"] is String && (totals["all"]?["organizations"] as? Int) == bill.count)
    }

    @Test func aDailyPeakAboveTheMonthIsFlagged() async throws {
        try prices()
        #expect(try await cli(["sync", "--demo"]).status == 0)
        // The monthly report of October, one organization lowered below its days.
        let path = dir.file("cache/provider-explorer/" + UsageStore.fileName(providerId: "prv_DEMO00", baseURL: "demo-simulator"))
        let store = try UsageStore.open(path: path)
        var report = try #require(try store.report(.monthly(Month("2026-10")!)))
        let i = try #require(report.rows.firstIndex { $0.licenseType == .standard && $0.consumedLicenses > 10 })
        report.rows[i].activeSeats -= 5
        report.rows[i].consumedLicenses -= 5
        try store.write(report, fetchedAt: Date())
        let r = try await cli(["bill", "--demo", "--offline", "--month", "2026-10", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let note = try lines(r.stdout)[report.rows[i].organizationId]?["note"]
        #expect(note?.hasPrefix("check: monthly below daily peak \(report.rows[i].consumedLicenses + 5)") == true, "\(String(describing: note))")
        #expect(r.stderr.contains("offline"))
        // Not cached, offline: says so (exit 1).
        let missing = try await cli(["bill", "--demo", "--offline", "--month", "2024-01"])
        #expect(missing.status == 1 && missing.stderr.contains("not in the cache"))
    }

    @Test func customersGiveIdsAndContractPrices() async throws {
        try prices()
        #expect(try await cli(["sync", "--demo"]).status == 0)
        let target = try #require(data.monthlyRows(Month("2026-10")!).first { $0.licenseType == .standard && $0.tier == .business })
        let customers = dir.write("customers.csv", "organizationId,customerId,business,enterprise\r\n\(target.organizationId),ACME-001,1.00,\r\norg_nobody\u{1B}]52;c;aGk=\u{07},X-9,,\r\n")
        let r = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "csv", "--customers", customers])
        #expect(r.status == 0, "\(r.stderr)")
        let line = try #require(try lines(r.stdout)[target.organizationId])
        #expect(line["customerId"] == "ACME-001" && line["unitPrice"] == "1.00" && line["note"] == "contract price")
        #expect(line["amount"] == "\(target.consumedLicenses).00")
        #expect(r.stderr.contains("org_nobody") && r.stderr.split(separator: "\n").count == 1, "an unknown id is a warning: \(r.stderr)")
        #expect(!r.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "the file's escape sequence is not replayed")
        let bad = dir.write("bad.csv", "organizationId,customerId,business\r\norg_1,C,3.99999\r\n")
        let refused = try await cli(["bill", "--demo", "--month", "2026-10", "--customers", bad])
        #expect(refused.status == 64 && refused.stderr.contains("bad.csv:2: business: 3.99999 has more than four decimals"), "\(refused.stderr)")
    }

    @Test func badPriceFilesAreRefusedWithTheLine() async throws {
        let cases = [("currency = \"EUR\"\nbusiness = 3.12345\n", ":3: business: 3.12345 has more than four decimals"),
                     ("currency = \"EUR\"\nenterprise = -1\n", ":3: enterprise: -1 is negative"),
                     ("currency = \"EUR\"\nteam = 2\n", ":3: unknown key team in [prices]"),
                     ("business = 2\n", ":2: prices need a currency"),
                     ("currency = \"euro\"\n", ":2: currency must be an ISO 4217 code")]
        for (text, expected) in cases {
            let file = dir.write("prices.toml", "[prices]\n" + text)
            let r = try await cli(["bill", "--demo", "--prices", file])
            #expect(r.status == 64 && r.stderr.contains("prices.toml" + expected), "\(text): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
        let elsewhere = dir.write("other.toml", "base_url = \"https://x\"\n")
        #expect(try await cli(["bill", "--demo", "--prices", elsewhere]).stderr.contains("other.toml:1: unknown key base_url"))
    }

    /// `--output` writes the bill whole or not at all: a run killed at any moment leaves
    /// the old file or the new one, never a part. (A kill in the last instant, between
    /// naming the finished file and renaming it over the old, can leave `.NAME.tmp-PID`:
    /// the next run removes it.)
    @Test func outputIsWholeOrNothingEvenWhenKilled() async throws {
        try prices()
        #expect(try await cli(["sync", "--demo"]).status == 0)
        let out = dir.write("bill.csv", "the bill before\n")
        for delay in [0.01, 0.02, 0.04, 0.06, 0.08, 0.12, 0.2] {
            let pid = try spawnCLI(["bill", "--demo", "--offline", "--month", "2026-10", "--format", "csv", "--output", out])
            await pause(seconds: delay)
            kill(pid, SIGKILL)
            _ = try await offPool { var status: Int32 = 0; return waitpid(pid, &status, 0) }
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text == "the bill before\n" || (text.hasPrefix("month,") && text.hasSuffix("\r\n") && text.contains("2026-10,")), "killed at \(delay) s")
        }
        let r = try await cli(["bill", "--demo", "--offline", "--month", "2026-10", "--format", "csv", "--output", out])
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(r.status == 0 && mode == 0o600)
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("month,organizationId,"))
        let stray = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(stray.isEmpty, "after a run that finished, no temporary is left: \(stray)")
        // A temporary a killed run left is removed by the next run.
        let orphan = dir.write(".bill.csv.tmp-999999", "half a bill")
        #expect(try await cli(["bill", "--demo", "--offline", "--month", "2026-10", "--format", "csv", "--output", out]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: orphan))
    }

    /// The binary started in the background, for a test that stops it itself.
    func spawnCLI(_ args: [String]) throws -> pid_t {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in ["XDG_CONFIG_HOME": dir.file("config"), "XDG_STATE_HOME": dir.file("state"), "XDG_CACHE_HOME": dir.file("cache"),
                       "NORDPASS_PROVIDER_CREDENTIALS": "", "PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"] { env[k] = v }
        let argv = ([productBinary] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = Spawn.withAttributes { posix_spawn(&pid, productBinary, nil, &$0, argv, envp) }
        guard rc == 0 else { throw TmuxError.failed("cannot start: \(rc)") }
        return pid
    }
}
