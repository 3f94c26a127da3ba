import ConnectWise
import Foundation
import Testing
import TestSupport
@testable import TerminalUI
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import UsageStore

/// Issue 28: the PSA view, driven through the action flow against the ConnectWise
/// simulator (the demo's companies, in this process), as a billing person uses it.
@MainActor @Suite(.serialized)
struct PSAScreenTests {
    let dir = TempDir()
    static let data = DataSet(organizationCount: 240, seed: 1, today: Day("2026-11-29")!)

    /// The app on the seeded data set and the demo's ConnectWise; the clock fixed.
    func app(colors: Bool = false) throws -> (App, ConnectWiseSimulator) {
        let store = try UsageStore.open(path: dir.file("p-\(UUID().uuidString).sqlite3"))
        try fill(store, from: Self.data)
        try store.setLastSync(GoldenScreenTests.now.addingTimeInterval(-600))
        let (connection, simulator) = try Self.connection(Self.data, journal: dir.file("state/psa-journal.jsonl"))
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "key_DEMO", algorithm: "ES256 (EC P-256)",
                           fingerprint: "SHA256:jgqR9TW04pIQqHfNVAW4ZAPv84MPckSjLx0FU/Qj8js",
                           createdAt: GoldenScreenTests.now.addingTimeInterval(-86_400 * 10), permission: "0600 (owner only)", source: "demo key (in memory)")
        let prices = PriceList(currency: "EUR", prices: [.business: try UnitPrice.parse("3.99"), .enterprise: try UnitPrice.parse("5.99")])
        let model = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .demo,
                                  views: [PSAModel(connection: connection, prices: prices)], now: { GoldenScreenTests.now })
        #expect(model.start().isEmpty, "a report this small is read whole: nothing behind")
        return (App(model: model, theme: Theme(colors: colors)) { _, _ in "/tmp/exports/x.csv" }, simulator)
    }

    /// The demo's ConnectWise for `data`, running in this process, and a connection to it.
    nonisolated static func connection(_ data: DataSet, journal: String) throws -> (PSAConnection, ConnectWiseSimulator) {
        let demo = ConnectWiseSimulator.demo(data)
        let simulator = ConnectWiseSimulator(store: demo.store)
        let url = try simulator.start()
        let c = simulator.credentials
        let account = try ConnectWiseAccount(site: url.absoluteString, company: c.company, publicKey: c.publicKey, privateKey: c.privateKey, clientId: c.clientId)
        var customers: [String: Customer] = [:]
        for (org, customer) in demo.customers { customers[org] = Customer(customerId: customer) }
        let connection = PSAConnection(client: ConnectWiseClient(account: account, transport: URLSessionTransport(timeout: 10, maxConnections: 6)),
                                       products: ProductMapping(business: "NP-BUS", enterprise: "NP-ENT"), agreementType: "Managed Services",
                                       customers: customers, isDemo: true, journalPath: journal, keepMapping: { _, _ in })
        return (connection, simulator)
    }

    /// The lines, their order, the folded `same`, Enter and Esc, months, and apply with
    /// `n` (nothing written) then `y` (everything, and the view then has nothing left).
    @Test func theViewThroughTheActionFlow() async throws {
        let (a, sim) = try app()
        defer { sim.stop(); dir.remove() }
        _ = a.frame(width: 120, height: 40)
        await a.press(.char("p"))
        let psa = a.model.psa
        let plan = try #require(psa.plan)
        #expect(psa.month == Month("2026-10")! && a.model.screen == .psa)
        // Writes first, by the size of their difference in money (prices known); then what
        // needs a person; `same` folded into one line with its count.
        let writes = psa.lines.prefix { $0.change.kind.writes }
        #expect(writes.count == plan.writes.count && writes.count == psa.writes)
        let price: [Tier: Decimal] = [.business: Decimal(string: "3.99")!, .enterprise: Decimal(string: "5.99")!]
        let sizes = writes.map { abs($0.difference) * price[$0.change.tier!]! }
        #expect(sizes == sizes.sorted(by: >))
        #expect(psa.lines.dropFirst(writes.count).allSatisfy { !$0.change.kind.writes && $0.change.kind != .same })
        #expect(psa.sameCount == plan.count(.same) && psa.count == psa.lines.count + 1)
        var text = a.frame(width: 120, height: 40).text
        #expect(text.contains("PSA · ConnectWise demo · 2026-10 · DEMO: NordPass and ConnectWise simulated"), "\(text)")
        #expect(text.contains("\(plan.count(.update)) to update · \(plan.count(.create)) to create"))
        await a.press(.end)
        #expect(a.frame(width: 120, height: 40).text.contains("✓ \(plan.count(.same)) additions already hold the bill's seats"))
        // What needs a person says what to do.
        let unknown = try #require(psa.lines.first { $0.change.kind == .unknownCustomer })
        #expect(unknown.note.contains("fix the customers file"))
        // Enter: the line's organizations; Esc: back on the same line.
        await a.press(.home, .down, .down)
        let line = try #require(psa.selectedLine)
        await a.press(.enter)
        #expect(psa.drilled == line && psa.drilledOrganizations.map(\.organizationId) == line.change.organizations)
        text = a.frame(width: 120, height: 40).text
        #expect(text.contains("ORGANIZATION") && text.contains(psa.drilledOrganizations[0].organizationId))
        await a.press(.escape)
        #expect(psa.drilled == nil && psa.selectedLine == line && a.model.screen == .psa)
        // Months: the one after has no report yet; the one before is planned.
        await a.press(.char("]"))
        #expect(a.model.status?.text.contains("2026-11 has no monthly report yet") == true && psa.month == Month("2026-10")!)
        await a.press(.char("["))
        #expect(psa.month == Month("2026-09")! && psa.plan?.month == Month("2026-09")!)
        await a.press(.char("]"))
        #expect(psa.plan?.month == Month("2026-10")!)
        // a, then n: asked on the status line, nothing written.
        await a.press(.char("a"))
        #expect(a.context == .psaConfirm)
        #expect(a.frame(width: 120, height: 40).lines[38].contains("Apply \(plan.writes.count) changes to ConnectWise (company demo)? y/N"))
        await a.press(.char("n"))
        #expect(a.context == .psa && sim.writeCount == 0 && a.model.status?.text == "not applied; nothing was written to ConnectWise")
        // a, then y: every write made, the journal holds them, the plan is read again.
        await a.press(.char("a"), .char("y"))
        #expect(sim.writeCount == plan.writes.count)
        #expect(a.model.status?.text.hasPrefix("\(plan.writes.count) of \(plan.writes.count) changes made in ConnectWise (company demo)") == true)
        #expect(psa.writes == 0 && psa.plan?.writes.isEmpty == true)
        let journal = try String(contentsOfFile: dir.file("state/psa-journal.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(journal.count == plan.writes.count && journal.allSatisfy { $0.contains("\"result\": \"ok\"") })
        // Nothing left: a says so.
        await a.press(.char("a"))
        #expect(a.context == .psa && a.model.status?.text.hasPrefix("nothing to apply") == true)
        // Esc: back where it came from.
        await a.press(.escape)
        #expect(a.model.screen == .list)
    }

    /// A write ConnectWise refuses: its line says so, the others land; and keys work
    /// while the plan is read and while the apply runs.
    @Test func aRefusedWriteAndKeysMeanwhile() async throws {
        let (a, sim) = try app()
        defer { sim.stop(); dir.remove() }
        _ = a.frame(width: 120, height: 40)
        // p: the read runs behind; the view says so, and keys work before it lands.
        let reading = a.update(.key(.char("p")))
        #expect(reading.count == 1 && a.model.psa.reading)
        #expect(a.frame(width: 120, height: 40).text.contains("reading ConnectWise…"))
        _ = a.update(.key(.char("a")))
        #expect(a.model.status?.text.contains("still reading ConnectWise") == true && a.context == .psa)
        _ = a.update(.key(.down))
        await a.run(reading)
        let psa = a.model.psa
        let plan = try #require(psa.plan)
        let victim = try #require(psa.lines.first { $0.change.kind == .update })
        sim.refuseWrites(toAddition: victim.change.additionId!, status: 400, message: "Agreement is closed for editing")
        // a, y: the apply runs behind; a key moves the cursor meanwhile.
        _ = a.update(.key(.char("a")))
        let applying = a.update(.key(.char("y")))
        #expect(psa.applying?.total == plan.writes.count)
        #expect(a.frame(width: 120, height: 40).lines[38].contains("applying to ConnectWise: 0 of \(plan.writes.count) landed"))
        let before = psa.selected
        _ = a.update(.key(.down))
        #expect(psa.selected == before + 1)
        let sent = Sent()
        for effect in applying { if case .run(_, let work) = effect { await work { sent.append($0) } } }
        // Results land one by one (the count on the status line goes up by one each),
        // then the end (and the read after it).
        #expect(sent.all.count == plan.writes.count + 1)
        var landed: [Int] = []
        for action in sent.all {
            await a.send(action)
            if let done = psa.applying?.done { landed.append(done) }
        }
        #expect(landed == Array(1...plan.writes.count) && psa.applying == nil)
        // Every write was attempted (the refused one too); the journal says which landed.
        #expect(sim.writeCount == plan.writes.count)
        let journal = try String(contentsOfFile: dir.file("state/psa-journal.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(journal.filter { $0.contains("\"result\": \"ok\"") }.count == plan.writes.count - 1)
        #expect(journal.filter { $0.contains("\"result\": \"failed\"") && $0.contains("closed for editing") }.count == 1)
        #expect(a.model.status?.isError == true && a.model.status?.text.contains("\(plan.writes.count - 1) of \(plan.writes.count) changes made") == true)
        let failed = try #require(psa.lines.first { $0.change.additionId == victim.change.additionId })
        #expect(failed.note.contains("✗") && failed.note.contains("Agreement is closed for editing"), "\(failed.note)")
        #expect(psa.writes == 1)
    }

    /// The golden screens: the view, a drill, the question, a partial failure; at 80x24,
    /// 120x40 and 200x60, in colour and NO_COLOR.
    @Test func theGoldenScreens() async throws {
        let golden = GoldenScreenTests()
        for colors in [true, false] {
            for (w, h) in GoldenScreenTests.sizes {
                let (a, sim) = try app(colors: colors)
                defer { sim.stop() }
                let suffix = "\(w)x\(h)\(colors ? "" : "-nocolor")"
                _ = a.frame(width: w, height: h)
                await a.press(.char("p"), .down)
                try golden.check("psa-\(suffix)", a.frame(width: w, height: h))
                await a.press(.enter)
                try golden.check("psa-drill-\(suffix)", a.frame(width: w, height: h))
                await a.press(.escape, .char("a"))
                try golden.check("psa-confirm-\(suffix)", a.frame(width: w, height: h))
                await a.press(.char("n"))
                let victim = try #require(a.model.psa.lines.first { $0.change.kind == .update })
                sim.refuseWrites(toAddition: victim.change.additionId!, status: 400, message: "Agreement is closed for editing")
                await a.press(.char("a"), .char("y"))
                try golden.check("psa-partial-failure-\(suffix)", a.frame(width: w, height: h))
            }
        }
        dir.remove()
    }
}

extension PSAScreenTests {
    /// m on an unmapped organization with a suggestion: mapped to that company, kept,
    /// and the month planned again with it as a customer.
    @Test func mMapsAnUnmappedOrganizationToItsSuggestion() async throws {
        let (a, sim) = try app()
        defer { sim.stop(); dir.remove() }
        _ = a.frame(width: 120, height: 40)
        await a.press(.char("p"))
        let psa = a.model.psa
        let index = try #require(psa.lines.firstIndex { $0.change.kind == .unmapped && ($0.suggestion?.best?.score ?? 0) >= 0.9 })
        let line = psa.lines[index]
        let organization = try #require(line.change.organizations.first)
        let company = try #require(line.suggestion?.best?.company.identifier)
        await a.press(.home)
        a.model.psa.move(by: index)
        await a.press(.char("m"))
        #expect(a.model.status?.text.contains("to \(company)") == true, "\(a.model.status?.text ?? "")")
        #expect(psa.connection?.customerMap[organization]?.customerId == company)
        #expect(!psa.lines.contains { $0.change.kind == .unmapped && $0.change.organizations == [organization] })
        #expect(psa.plan?.changes.contains { $0.customerId == company && $0.organizations.contains(organization) } == true)
        // On a line that is not unmapped, m says what it is for.
        await a.press(.home)
        await a.press(.char("m"))
        #expect(a.model.status?.text.contains("only an unmapped organization") == true)
    }
}
