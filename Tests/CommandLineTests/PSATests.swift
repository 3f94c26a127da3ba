import ConnectWise
import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator

/// Issue 27: `psa plan` and `psa apply` against the ConnectWise simulator (in this
/// process) and a Provider API simulator with a key of its own (`--demo` would run the
/// demo's ConnectWise too), as an MSP runs them.
@Suite(.serialized)
struct PSATests {
    let dir: TempDir
    static let today = Day("2026-11-29")!
    static let month = Month("2026-10")!
    let data = DataSet(organizationCount: 240, seed: 1, today: PSATests.today)
    /// The NordPass side, and the credentials file that opens it.
    let nordpass: SimulatorFixture
    let credentials: String

    init() throws {
        let dir = TempDir()
        self.dir = dir
        nordpass = try SimulatorFixture(organizations: 240, today: PSATests.today)
        credentials = dir.file("nordpass.json")
        try nordpass.writeCredentials(to: credentials)
    }

    /// The demo's ConnectWise, on a free port; `pageSize` caps its pages.
    func simulator(pageSize: Int = 1000, latency: Double = 0) throws -> (ConnectWiseSimulator, [(organizationId: String, customerId: String)], URL) {
        let demo = ConnectWiseSimulator.demo(data)
        let sim = ConnectWiseSimulator(store: demo.store, latency: latency, maxPageSize: pageSize)
        return (sim, demo.customers, try sim.start())
    }

    /// config.toml with the customers file and [connectwise] pointing at `url`.
    @discardableResult
    func configure(_ url: URL, customers: [(organizationId: String, customerId: String)], privateKey: String = ConnectWiseSimulator.demoCredentials.privateKey,
                   keyMode: Int = 0o600, site: String? = nil, extra: String = "") throws -> String {
        try FileManager.default.createDirectory(atPath: dir.file("config/provider-explorer"), withIntermediateDirectories: true)
        let file = dir.write("customers.csv", "organizationId,customerId\n" + customers.map { "\($0.organizationId),\($0.customerId)\n" }.joined())
        let key = dir.write("cw-key", privateKey + "\n", mode: keyMode)
        let c = ConnectWiseSimulator.demoCredentials
        _ = dir.write("config/provider-explorer/config.toml", """
            customers = "\(file)"
            [connectwise]
            site = "\(site ?? url.absoluteString)"
            company = "\(c.company)"
            public_key = "\(c.publicKey)"
            private_key_file = "\(key)"
            client_id = "\(c.clientId)"
            business_product = "NP-BUS"
            enterprise_product = "NP-ENT"
            \(extra)
            """)
        return key
    }

    /// The NordPass side's flags.
    var nordpassFlags: [String] { ["--base-url", nordpass.url.absoluteString, "--credentials", credentials] }

    func cli(_ args: [String], env: [String: String] = [:]) async throws -> ProcessResult {
        try await runCLI(args + nordpassFlags, in: dir, env: ["PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"].merging(env) { $1 })
    }

    /// The plan's JSON object and its changes.
    func plan(_ args: [String] = []) async throws -> (object: [String: Any], changes: [[String: Any]]) {
        let r = try await cli(["psa", "plan", "--format", "json"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return (object, try #require(object["changes"] as? [[String: Any]]))
    }

    /// The bill's seats by customer and tier, worked out here from the data set: the
    /// month's standard organizations' consumed licenses, at the month's tier.
    func expectedSeats(_ customers: [(organizationId: String, customerId: String)]) -> [String: [String: Int]] {
        let rows = Dictionary(data.monthlyRows(Self.month).map { ($0.organizationId, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String: [String: Int]] = [:]
        for (org, customer) in customers {
            out[customer, default: [:]]["business"] = out[customer]?["business"] ?? 0
            out[customer, default: [:]]["enterprise"] = out[customer]?["enterprise"] ?? 0
            guard let row = rows[org], row.licenseType == .standard else { continue }
            out[customer]![row.tier.rawValue, default: 0] += row.consumedLicenses
        }
        return out
    }

    static func number(_ any: Any?) -> Int? { (any as? NSNumber)?.intValue }

    /// Every kind, each line's seats the bill's, each `before` what ConnectWise holds;
    /// the JSON and CSV shapes the issue names.
    @Test func thePlanHasEveryKindAndTheBillsSeats() async throws {
        let (sim, customers, url) = try simulator()
        defer { sim.stop(); dir.remove() }
        try configure(url, customers: customers)
        let (object, changes) = try await plan()
        #expect(object["month"] as? String == "2026-10" && object["psa"] as? String == "connectwise")
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(Set(summary.keys) == Set(PSAChange.Kind.allCases.map(\.rawValue)))
        for kind in PSAChange.Kind.allCases {
            #expect((summary[kind.rawValue] ?? 0) > 0, "no \(kind.rawValue) in the demo plan")
            #expect(changes.filter { $0["kind"] as? String == kind.rawValue }.count == summary[kind.rawValue])
        }
        let fields = ["kind", "customerId", "companyId", "agreementId", "additionId", "product", "tier", "before", "after", "organizations"]
        #expect(changes.allSatisfy { c in fields.allSatisfy { c.keys.contains($0) } })
        let seats = expectedSeats(customers)
        let store = sim.snapshot
        for c in changes {
            let kind = c["kind"] as? String ?? ""
            guard ["update", "create", "same"].contains(kind) else { continue }
            let customer = try #require(c["customerId"] as? String), tier = try #require(c["tier"] as? String)
            #expect(Self.number(c["after"]) == seats[customer]?[tier], "\(customer) \(tier)")
            #expect(c["product"] as? String == (tier == "business" ? "NP-BUS" : "NP-ENT"))
            if kind == "create" {
                #expect(c["additionId"] is NSNull && c["before"] is NSNull && Self.number(c["agreementId"]) != nil)
            } else {
                let agreement = try #require(Self.number(c["agreementId"])), addition = try #require(Self.number(c["additionId"]))
                let held = try #require(store.additions[agreement]?.first { $0.id == addition })
                #expect(held.quantity.map { NSDecimalNumber(decimal: $0).intValue } == Self.number(c["before"]))
                #expect((kind == "same") == (Self.number(c["before"]) == Self.number(c["after"])))
            }
        }
        // Unmapped: billed organizations missing from the customers file, each once a tier.
        let mapped = Set(customers.map(\.organizationId))
        let billed = data.monthlyRows(Self.month).filter { $0.licenseType == .standard && $0.consumedLicenses > 0 && !mapped.contains($0.organizationId) }
        let unmapped = changes.filter { $0["kind"] as? String == "unmapped" }
        #expect(Set(unmapped.compactMap { ($0["organizations"] as? [String])?.first }) == Set(billed.map(\.organizationId)))
        #expect(unmapped.allSatisfy { $0["customerId"] is NSNull && $0["companyId"] is NSNull })
        // The unknown customer, with no company id.
        #expect(changes.contains { $0["kind"] as? String == "unknown-customer" && $0["customerId"] as? String == "RETIRED-CO" && $0["companyId"] is NSNull })
        // CSV: the columns in order, organizations joined by ';'.
        let csv = try await cli(["psa", "plan", "--format", "csv"])
        let lines = csv.stdout.split(separator: "\r\n")
        #expect(lines.first == "kind,customerId,companyId,agreementId,additionId,product,tier,before,after,organizations")
        #expect(lines.count == changes.count + 1)
        #expect(lines.contains { $0.hasPrefix("update,") && $0.split(separator: ",", omittingEmptySubsequences: false).count == 10 })
        // The table: grouped by kind, same last and folded to a count.
        let table = try await cli(["psa", "plan", "--format", "table"])
        let sameLine = try #require(table.stdout.split(separator: "\n").last { $0.hasPrefix("SAME") })
        #expect(sameLine.hasPrefix("SAME (\(summary["same"]!))"))
        #expect(table.stdout.range(of: "UPDATE (")!.lowerBound < table.stdout.range(of: "CREATE (")!.lowerBound)
        #expect(table.stdout.range(of: "UNMAPPED (")!.lowerBound < table.stdout.range(of: "SAME (")!.lowerBound)
        // Reading is all it did.
        #expect(sim.writeCount == 0)
    }

    /// Pages of 40: the companies, agreements and additions are followed through their
    /// Link headers, and the plan is the one read in pages of 1,000.
    @Test func listsAreFollowedPastTheFirstPage() async throws {
        let (whole, customers, url) = try simulator()
        try configure(url, customers: customers)
        let one = try await cli(["psa", "plan", "--format", "json"])
        whole.stop()
        let (paged, _, pagedURL) = try simulator(pageSize: 40)
        defer { paged.stop(); dir.remove() }
        try configure(pagedURL, customers: customers)
        let many = try await cli(["psa", "plan", "--format", "json"])
        #expect(one.status == 0 && many.status == 0, "\(many.stderr)")
        #expect(one.stdout == many.stdout)
        let counts = paged.requestCounts()
        let companies = paged.snapshot.companies.count
        #expect(counts["GET companies"] == (companies + 39) / 40, "\(counts)")
        #expect((counts["GET agreements"] ?? 0) > 1)
    }

    /// Apply makes exactly the plan's writes; what it must not touch (other products,
    /// cancelled additions and agreements, ambiguous and agreement-less companies) is
    /// byte for byte as it was; a second apply writes nothing; the journal holds each write.
    @Test func applyWritesThePlanAndNothingElseAndIsIdempotent() async throws {
        let (sim, customers, url) = try simulator()
        defer { sim.stop(); dir.remove() }
        try configure(url, customers: customers)
        let (_, changes) = try await plan()
        let writes = changes.filter { ["update", "create"].contains($0["kind"] as? String ?? "") }
        let before = sim.snapshot
        let applied = try await cli(["psa", "apply", "--yes"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(sim.writeCount == writes.count)
        #expect(applied.stdout.contains("\(writes.count) of \(writes.count) changes made in ConnectWise (company demo) for 2026-10"))
        let after = sim.snapshot
        #expect(after.companies == before.companies && after.agreements == before.agreements)
        let seats = expectedSeats(customers)
        // Every addition that is not a live NordPass one on a planned agreement is unchanged.
        let planned = Set(writes.compactMap { Self.number($0["agreementId"]) })
        for (agreement, list) in before.additions {
            let now = after.additions[agreement] ?? []
            for old in list where !(old.isLive && (old.bills("NP-BUS") || old.bills("NP-ENT")) && planned.contains(agreement)) {
                #expect(now.contains(old), "addition \(old.id) on \(agreement) was touched")
            }
        }
        // Each planned write now holds the bill's seats, in one live addition.
        for w in writes {
            let agreement = try #require(Self.number(w["agreementId"]))
            let product = try #require(w["product"] as? String)
            let live = (after.additions[agreement] ?? []).filter { $0.isLive && $0.bills(product) }
            #expect(live.count == 1)
            #expect(live.first?.quantity.map { NSDecimalNumber(decimal: $0).intValue } == seats[w["customerId"] as! String]?[w["tier"] as! String])
            if w["kind"] as? String == "create" {
                #expect(live.first?.billCustomer == "Billable" && live.first?.effectiveDate == "2026-10-01T00:00:00Z")
                #expect(live.first?.invoiceDescription?.contains("2026-10") == true)
            }
        }
        // The journal: a line a write, owner-only.
        let journal = dir.file("state/provider-explorer/psa-journal.jsonl")
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == writes.count)
        let entries = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(entries.allSatisfy { $0["result"] as? String == "ok" && $0["month"] as? String == "2026-10" && $0["time"] is String })
        #expect(entries.allSatisfy { e in ["kind", "customerId", "companyId", "agreementId", "additionId", "product", "before", "after", "reason"].allSatisfy { e.keys.contains($0) } })
        #expect(entries.filter { $0["kind"] as? String == "create" }.allSatisfy { Self.number($0["additionId"]) != nil })
        var info = stat()
        #expect(stat(journal, &info) == 0 && info.st_mode & 0o777 == 0o600)
        // Again: nothing to write, and nothing written.
        sim.resetCounts()
        let again = try await cli(["psa", "apply", "--yes"])
        #expect(again.status == 0 && again.stdout.hasPrefix("Nothing to apply"), "\(again.stdout)")
        #expect(sim.writeCount == 0)
        let (_, replanned) = try await plan()
        #expect(!replanned.contains { ["update", "create"].contains($0["kind"] as? String ?? "") })
    }

    /// A saved plan applied after someone edited ConnectWise: the edited addition is
    /// skipped and named with its value now (75), the rest are made; an addition that
    /// appeared where the plan creates one is not doubled.
    @Test func aSavedPlanSkipsWhatChangedSince() async throws {
        let (sim, customers, url) = try simulator()
        defer { sim.stop(); dir.remove() }
        try configure(url, customers: customers)
        let saved = dir.file("plan.json")
        let r = try await cli(["psa", "plan", "--format", "json", "--output", saved])
        #expect(r.status == 0, "\(r.stderr)")
        let plan = try PSAPlan(json: try Data(contentsOf: URL(fileURLWithPath: saved)))
        let update = try #require(plan.changes.first { $0.kind == .update })
        let create = try #require(plan.changes.first { $0.kind == .create })
        sim.edit { store in
            let i = store.additions[update.agreementId!]!.firstIndex { $0.id == update.additionId }!
            store.additions[update.agreementId!]![i].quantity = 77
            store.additions[create.agreementId!, default: []].append(CWAddition(id: 1, product: CWReference(id: 501, identifier: create.product), quantity: 5, agreementId: create.agreementId))
        }
        let applied = try await cli(["psa", "apply", "--plan", saved, "--yes"])
        #expect(applied.status == 75, "\(applied.stderr)")
        #expect(applied.stdout.contains("· skipped \(update.label)") && applied.stdout.contains("ConnectWise now has 77 where the plan read \(update.before!)"), "\(applied.stdout)")
        #expect(applied.stdout.contains("· skipped \(create.label)") && applied.stdout.contains("appeared"))
        #expect(sim.writeCount == plan.writes.count - 2)
        #expect(applied.stderr.contains("\(plan.writes.count - 2) of \(plan.writes.count) changes made") && applied.stderr.contains("2 not made"))
        let held = sim.snapshot.additions[update.agreementId!]!.first { $0.id == update.additionId }
        #expect(held?.quantity == 77)
        let journal = try String(contentsOfFile: dir.file("state/provider-explorer/psa-journal.jsonl"), encoding: .utf8)
        #expect(journal.split(separator: "\n").filter { $0.contains("\"result\": \"skipped\"") }.count == 2)
        // A plan for another ConnectWise company is not applied.
        let other = dir.write("other.json", try String(contentsOfFile: saved, encoding: .utf8).replacingOccurrences(of: "\"company\": \"demo\"", with: "\"company\": \"acme\""))
        let refused = try await cli(["psa", "apply", "--plan", other, "--yes"])
        #expect(refused.status == 64 && refused.stderr.contains("company acme"), "\(refused.stderr)")
    }

    /// A write ConnectWise keeps refusing: 75, its message on the line, the others made;
    /// once it is accepted, a rerun makes only it.
    @Test func aWriteThatKeepsFailingIsTheOnlyOneARerunMakes() async throws {
        let (sim, customers, url) = try simulator()
        defer { sim.stop(); dir.remove() }
        try configure(url, customers: customers)
        let (_, changes) = try await plan()
        let writes = changes.filter { ["update", "create"].contains($0["kind"] as? String ?? "") }
        let victim = try #require(writes.first { $0["kind"] as? String == "update" })
        let victimAddition = try #require(Self.number(victim["additionId"]))
        let creates = writes.filter { $0["kind"] as? String == "create" }
        let createVictim = try #require(Self.number(creates.first?["agreementId"]))
        sim.refuseWrites(toAddition: victimAddition, status: 400, message: "Agreement is closed for editing")
        sim.refuseCreates(onAgreement: createVictim, status: 500)
        let first = try await cli(["psa", "apply", "--yes"])
        #expect(first.status == 75, "\(first.stderr)")
        #expect(first.stdout.contains("✗ failed") && first.stdout.contains("Agreement is closed for editing"), "\(first.stdout)")
        #expect(first.stderr.split(separator: "\n").count == 1 && first.stderr.contains("2 not made"))
        let journal = try String(contentsOfFile: dir.file("state/provider-explorer/psa-journal.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(journal.count == writes.count)
        #expect(journal.filter { $0.contains("\"result\": \"failed\"") }.count == 2)
        #expect(journal.contains { $0.contains("\"additionId\": \(victimAddition)") && $0.contains("\"result\": \"failed\"") && $0.contains("closed for editing") })
        sim.allowAllWrites()
        sim.resetCounts()
        let rerun = try await cli(["psa", "apply", "--yes"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(sim.writeCount == 2)
        #expect(sim.requestCounts()["PATCH addition"] == 1 && sim.requestCounts()["POST additions"] == 1)
    }

    /// Without a terminal and without --yes nothing is read or written (64); a rejected
    /// key is 77 and names ConnectWise; http:// to a host that is not loopback is refused.
    @Test func refusalsAreOneLineAndWriteNothing() async throws {
        let (sim, customers, url) = try simulator()
        defer { sim.stop(); dir.remove() }
        try configure(url, customers: customers)
        let noTerminal = try await cli(["psa", "apply"])
        #expect(noTerminal.status == 64 && noTerminal.stderr.contains("--yes") && noTerminal.stderr.split(separator: "\n").count == 1)
        #expect(sim.requestCounts().isEmpty)
        try configure(url, customers: customers, privateKey: "not-the-key")
        let rejected = try await cli(["psa", "plan"])
        #expect(rejected.status == 77, "\(rejected.stderr)")
        #expect(rejected.stderr.split(separator: "\n").count == 1 && rejected.stderr.contains("ConnectWise rejected the API member's keys (401)"))
        #expect(!rejected.stderr.contains("NordPass") && !rejected.stderr.contains("not-the-key"))
        try configure(url, customers: customers, site: "http://psa.example.com")
        let http = try await cli(["psa", "plan"])
        #expect(http.status == 64 && http.stderr.split(separator: "\n").count == 1)
        #expect(http.stderr.contains("[connectwise]") && http.stderr.contains("https") && http.stderr.contains("config.toml:3"), "\(http.stderr)")
        try configure(url, customers: customers, keyMode: 0o644)
        let open = try await cli(["psa", "plan"])
        #expect(open.status == 64 && open.stderr.contains("chmod 600"), "\(open.stderr)")
        #expect(sim.writeCount == 0)
    }

    /// Reads and writes go six at a time, never more: with 30 ms an answer, the
    /// simulator sees several at once, and never a seventh.
    @Test func atMostSixRequestsAreInFlight() async throws {
        let (sim, customers, url) = try simulator(latency: 0.03)
        defer { sim.stop(); dir.remove() }
        try configure(url, customers: customers)
        let planned = try await cli(["psa", "plan", "--format", "json"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let reading = sim.peakConcurrent
        let applied = try await cli(["psa", "apply", "--yes"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(reading > 2 && reading <= 6 && sim.peakConcurrent <= 6, "peak \(reading), then \(sim.peakConcurrent)")
    }

    /// A journal that cannot be written: nothing is written to ConnectWise (74, one line).
    @Test func noJournalNoWrite() async throws {
        let (sim, customers, url) = try simulator()
        defer { sim.stop(); dir.remove() }
        try configure(url, customers: customers)
        // A folder where the journal file would be.
        try FileManager.default.createDirectory(atPath: dir.file("state/provider-explorer/psa-journal.jsonl"), withIntermediateDirectories: true)
        let r = try await cli(["psa", "apply", "--yes"])
        #expect(r.status == 74 && r.stderr.contains("cannot write the PSA journal") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(sim.writeCount == 0 && sim.requestCounts().isEmpty)
    }

    /// Throttled (429 with Retry-After) answers are waited out and retried.
    @Test func throttlingIsRetried() async throws {
        let (sim, customers, url) = try simulator()
        defer { sim.stop(); dir.remove() }
        try configure(url, customers: customers)
        sim.throttle(next: 3)
        let r = try await cli(["psa", "plan", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(sim.requestCounts().values.reduce(0, +) > 3)
    }

    /// The private key, and the Authorization header made of it, appear in no output
    /// and no file: stdout, stderr, the trace, the log at trace level, the journal, the cache.
    @Test func thePrivateKeyIsNowhere() async throws {
        let (sim, customers, url) = try simulator()
        defer { sim.stop(); dir.remove() }
        let secret = ConnectWiseSimulator.demoCredentials.privateKey
        let key = try configure(url, customers: customers)
        let c = ConnectWiseSimulator.demoCredentials
        let basic = Data("\(c.company)+\(c.publicKey):\(secret)".utf8).base64EncodedString()
        let trace = dir.file("trace.jsonl")
        sim.refuseWrites(toAddition: try #require(sim.snapshot.additions.values.flatMap { $0 }.first { $0.bills("NP-BUS") }?.id), status: 400, message: "refused")
        var outputs: [String] = []
        for args in [["psa", "plan", "--format", "json"], ["psa", "plan", "--format", "csv"], ["psa", "plan", "--format", "table"], ["psa", "apply", "--yes"]] {
            let r = try await cli(args + ["--trace-http", trace, "--log-level", "trace"])
            outputs += [r.stdout, r.stderr]
        }
        let traced = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(traced.contains("Basic <redacted>") && traced.contains("\"method\": \"PATCH\""))
        var files: [String] = []
        let walker = FileManager.default.enumerator(atPath: dir.path)!
        while let name = walker.nextObject() as? String {
            let path = dir.file(name)
            guard path != key, let data = FileManager.default.contents(atPath: path) else { continue }
            files.append(path)
            outputs.append(String(decoding: data, as: UTF8.self))
        }
        #expect(files.contains { $0.hasSuffix("psa-journal.jsonl") } && files.contains { $0.hasSuffix(".log") })
        for text in outputs {
            #expect(!text.contains(secret) && !text.contains(basic))
        }
    }

    /// private_key_command: the key from a command's first line.
    @Test func thePrivateKeyComesFromACommand() async throws {
        let (sim, customers, url) = try simulator()
        defer { sim.stop(); dir.remove() }
        try configure(url, customers: customers)
        let config = dir.file("config/provider-explorer/config.toml")
        let text = try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "private_key_file = \"\(dir.file("cw-key"))\"", with: "private_key_command = \"cat \(dir.file("cw-key"))\"")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let r = try await cli(["psa", "plan", "--format", "json"])
        #expect(r.status == 0 && r.stdout.contains("\"psa\": \"connectwise\""), "\(r.stderr)")
        let both = text.replacingOccurrences(of: "[connectwise]", with: "[connectwise]\nprivate_key_file = \"\(dir.file("cw-key"))\"")
        try both.write(toFile: config, atomically: true, encoding: .utf8)
        let refused = try await cli(["psa", "plan"])
        #expect(refused.status == 64 && refused.stderr.contains("not both"), "\(refused.stderr)")
    }
}

/// `psa apply` on a terminal, and `doctor` with `[connectwise]`.
@Suite(.serialized)
struct PSATerminalTests {
    let fixture: PSATests
    init() throws { fixture = try PSATests() }

    /// On a terminal the plan is shown and confirmed: `n` writes nothing, `y` applies.
    @Test func applyOnATerminalShowsThePlanAndAsks() async throws {
        let (sim, customers, url) = try fixture.simulator()
        let tmux = Tmux()
        defer { tmux.kill(); sim.stop(); fixture.dir.remove() }
        try fixture.configure(url, customers: customers)
        let (_, changes) = try await fixture.plan()
        let writes = changes.filter { ["update", "create"].contains($0["kind"] as? String ?? "") }.count
        let dir = fixture.dir
        let environment = ["XDG_CONFIG_HOME": dir.file("config"), "XDG_STATE_HOME": dir.file("state"), "XDG_CACHE_HOME": dir.file("cache"),
                           "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z", "NORDPASS_PROVIDER_CREDENTIALS": "", "NORDPASS_PROVIDER_BASE_URL": ""]
        let command = "\(productBinary) psa apply " + fixture.nordpassFlags.joined(separator: " ") + "; echo EXIT=$?; sleep 30"
        let question = "Apply \(writes) changes to ConnectWise (company demo)? [y/N]"
        try await tmux.start(command, width: 160, height: 50, environment: environment)
        _ = try await tmux.wait(for: question)
        try await tmux.send("n", "Enter")
        let refused = try await tmux.wait(for: "EXIT=0")
        #expect(refused.contains("Not applied; nothing was written."))
        #expect(sim.writeCount == 0)
        tmux.kill()
        let again = Tmux()
        defer { again.kill() }
        try await again.start(command, width: 160, height: 50, environment: environment)
        let shown = try await again.wait(for: question)
        #expect(shown.contains("SAME (") && shown.contains("AMBIGUOUS ("))
        try await again.send("y", "Enter")
        let done = try await again.wait(for: "EXIT=0")
        #expect(done.contains("\(writes) of \(writes) changes made in ConnectWise (company demo) for 2026-10"))
        #expect(sim.writeCount == writes)
    }

    /// doctor: the keys, the two catalog items and the customers found; a wrong key fails 77.
    @Test func doctorChecksConnectWise() async throws {
        let (sim, customers, url) = try fixture.simulator()
        defer { sim.stop(); fixture.dir.remove() }
        try fixture.configure(url, customers: customers)
        let ok = try await fixture.cli(["doctor", "--format", "json"])
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [[String: String]])
        func check(_ name: String, in list: [[String: String]]) -> [String: String]? { list.first { $0["check"] == name } }
        #expect(check("connectwise", in: checks)?["result"] == "ok")
        #expect(check("psa-products", in: checks)?["detail"]?.contains("NP-BUS (catalog id 501)") == true)
        let known = Set(sim.snapshot.companies.map(\.identifier))
        let ids = Set(customers.map(\.customerId))
        let found = ids.filter(known.contains).count
        #expect(check("psa-customers", in: checks)?["detail"]?.hasPrefix("\(found) of \(ids.count) customers") == true)
        #expect(check("psa-customers", in: checks)?["detail"]?.contains("RETIRED-CO") == true)
        try fixture.configure(url, customers: customers, privateKey: "wrong")
        let bad = try await fixture.cli(["doctor", "--format", "json"])
        #expect(bad.status == 77)
        let badChecks = try #require(try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as? [[String: String]])
        #expect(check("connectwise", in: badChecks)?["result"] == "fail")
        let offline = try await fixture.cli(["doctor", "--offline", "--format", "json"])
        let offlineChecks = try #require(try JSONSerialization.jsonObject(with: Data(offline.stdout.utf8)) as? [[String: String]])
        #expect(["connectwise", "psa-products", "psa-customers"].allSatisfy { check($0, in: offlineChecks)?["result"] == "skip" })
    }
}

/// Issue 28: `--demo` on the psa subcommands (both sides simulated, nothing to set
/// up), and `psa map` on the demo.
@Suite(.serialized)
struct PSADemoCommandTests {
    let dir = TempDir()
    let data = DataSet(organizationCount: 240, seed: 1, today: PSATests.today)

    func cli(_ args: [String]) async throws -> ProcessResult {
        try await runCLI(args + ["--demo"], in: dir, env: ["PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"])
    }

    /// plan and apply on the demo with no configuration; what apply wrote is there for
    /// the next run (the demo's ConnectWise is kept in the state folder).
    @Test func planAndApplyOnTheDemo() async throws {
        defer { dir.remove() }
        let plan = try await cli(["psa", "plan", "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let parsed = try PSAPlan(json: Data(plan.stdout.utf8))
        #expect(!parsed.writes.isEmpty && parsed.company == "demo")
        let applied = try await cli(["psa", "apply", "--yes"])
        #expect(applied.status == 0 && applied.stdout.contains("\(parsed.writes.count) of \(parsed.writes.count) changes made"), "\(applied.stderr)")
        let again = try PSAPlan(json: Data(try await cli(["psa", "plan", "--format", "json"]).stdout.utf8))
        #expect(again.writes.isEmpty && again.count(.same) == parsed.count(.same) + parsed.writes.count)
    }

    /// Every organization with no customer whose name equals a company's once folded is
    /// suggested at 1.0; --write adds the clear ones and leaves the rows there alone.
    @Test func mapOnTheDemo() async throws {
        defer { dir.remove() }
        let csv = try await cli(["psa", "map", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "organizationId,organizationName,customerId,companyName,score")
        let demo = ConnectWiseSimulator.demo(data)
        let mapped = Set(demo.customers.map(\.organizationId))
        let names = Dictionary(data.organizations.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let folded = Set(demo.store.companies.compactMap { $0.name.map { TextSearch.fold($0) } })
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.allSatisfy { !mapped.contains($0[0]) })
        let equal = rows.filter { folded.contains(TextSearch.fold(names[$0[0]] ?? "")) }
        #expect(equal.count >= 5, "the demo has organizations ConnectWise knows by their name")
        #expect(equal.allSatisfy { $0.last == "1" || $0.last == "1.0" }, "\(equal)")
        // --write: a customers file with a row of its own; that row is kept as it was.
        let file = dir.write("customers.csv", "organizationId,customerId\r\norg_mine,MINE\r\n")
        let wrote = try await cli(["psa", "map", "--write", file])
        #expect(wrote.status == 0 && wrote.stdout.hasPrefix("Added "), "\(wrote.stdout) \(wrote.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("organizationId,customerId\r\norg_mine,MINE\r\n"))
        let added = text.split(separator: "\r\n").dropFirst(2)
        #expect(!added.isEmpty && added.allSatisfy { $0.split(separator: ",").count == 2 })
        #expect(Set(added.map { String($0.split(separator: ",")[0]) }).isSubset(of: Set(rows.map { $0[0] })))
    }
}
