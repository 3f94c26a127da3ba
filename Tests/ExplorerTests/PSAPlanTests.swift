import ConnectWise
import Foundation
import Testing
import ProviderAPI

/// Issue 27: the rule that turns a month's seats and what ConnectWise holds into a plan.
struct PSAPlanTests {
    static let products = ProductMapping(business: "NP-BUS", enterprise: "NP-ENT")
    static let month = Month("2026-11")!

    static func agreement(_ id: Int, company: Int, status: String = "Active", cancelled: Bool = false, type: String = "Managed Services") -> CWAgreement {
        CWAgreement(id: id, name: "A\(id)", type: CWReference(name: type), company: CWReference(id: company), agreementStatus: status, cancelledFlag: cancelled)
    }

    static func addition(_ id: Int, _ product: String, _ quantity: Decimal, cancelled: Bool = false) -> CWAddition {
        CWAddition(id: id, product: CWReference(identifier: product), quantity: quantity, cancelledDate: cancelled ? "2026-10-01T00:00:00Z" : nil)
    }

    static func demand(_ customers: [String: [Tier: Int]], unmapped: [SeatDemand.Unmapped] = []) -> SeatDemand {
        SeatDemand(month: month, customers: customers.mapValues { $0.mapValues { SeatDemand.Seats(seats: $0, organizations: ["org_\($0)"]) } }, unmapped: unmapped)
    }

    static func shape(_ c: PSAChange?) -> String {
        guard let c else { return "none" }
        func text<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "nil" }
        return "\(c.kind.rawValue) customer=\(text(c.customerId)) agreement=\(text(c.agreementId)) before=\(text(c.before)) after=\(text(c.after))"
    }

    func plan(_ customers: [String: [Tier: Int]], _ snapshot: ConnectWiseSnapshot, unmapped: [SeatDemand.Unmapped] = []) -> [String: PSAChange] {
        let plan = PSAPlan.make(Self.demand(customers, unmapped: unmapped), snapshot: snapshot, products: Self.products, company: "demo")
        return Dictionary(plan.changes.map { ("\($0.customerId ?? $0.organizations[0]) \($0.tier!.rawValue)", $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func oneLiveAdditionIsSameOrUpdateEvenToZero() {
        let snapshot = ConnectWiseSnapshot(companies: ["ACME": CWCompany(id: 1, identifier: "ACME")],
                                           agreements: [1: [Self.agreement(10, company: 1)]],
                                           additions: [10: [Self.addition(100, "NP-BUS", 40), Self.addition(101, "np-ent", 7),
                                                            Self.addition(102, "NP-BUS", 999, cancelled: true), Self.addition(103, "M365", 40)]])
        let changes = plan(["ACME": [.business: 40]], snapshot)
        #expect(changes["ACME business"]?.kind == .same && changes["ACME business"]?.additionId == 100)
        // No enterprise seats this month: the live addition goes to 0 (product matched without case).
        let enterprise = changes["ACME enterprise"]
        #expect(enterprise?.kind == .update && enterprise?.before == 7 && enterprise?.after == 0 && enterprise?.additionId == 101)
        #expect(Self.shape(plan(["ACME": [.business: 43]], snapshot)["ACME business"]) == "update customer=ACME agreement=10 before=40 after=43")
    }

    @Test func noAdditionIsCreateOnTheOneAgreementElseLeftAlone() {
        let snapshot = ConnectWiseSnapshot(
            companies: ["ONE": CWCompany(id: 1, identifier: "ONE"), "TWO": CWCompany(id: 2, identifier: "TWO"), "NONE": CWCompany(id: 3, identifier: "NONE")],
            agreements: [1: [Self.agreement(10, company: 1)], 2: [Self.agreement(20, company: 2), Self.agreement(21, company: 2)]],
            additions: [10: [Self.addition(100, "M365", 5)], 20: [], 21: []])
        let changes = plan(["ONE": [.business: 12], "TWO": [.business: 3], "NONE": [.enterprise: 4]], snapshot)
        #expect(Self.shape(changes["ONE business"]) == "create customer=ONE agreement=10 before=nil after=12")
        #expect(changes["TWO business"]?.kind == .ambiguous && changes["TWO business"]?.agreementId == nil)
        #expect(changes["NONE enterprise"]?.kind == .noAgreement)
        // No seats and no addition: nothing to say.
        #expect(changes["ONE enterprise"] == nil && changes["NONE business"] == nil)
    }

    @Test func twoLiveAdditionsAreAmbiguousUnknownAndUnmappedAreNamed() {
        let snapshot = ConnectWiseSnapshot(companies: ["ACME": CWCompany(id: 1, identifier: "ACME")],
                                           agreements: [1: [Self.agreement(10, company: 1), Self.agreement(11, company: 1)]],
                                           additions: [10: [Self.addition(100, "NP-BUS", 4)], 11: [Self.addition(110, "NP-BUS", 4)]])
        let unmapped = SeatDemand.Unmapped(organizationId: "org_x", organizationName: "X Ltd", tier: .enterprise, seats: 9)
        let changes = plan(["acme": [.business: 4], "GHOST": [.business: 2]], snapshot, unmapped: [unmapped])
        // "acme" finds ACME (identifiers compare without case).
        #expect(changes["acme business"]?.kind == .ambiguous && changes["acme business"]?.companyId == 1)
        #expect(changes["GHOST business"]?.kind == .unknownCustomer && changes["GHOST business"]?.companyId == nil)
        #expect(Self.shape(changes["org_x enterprise"]) == "unmapped customer=nil agreement=nil before=nil after=9")
        #expect(changes["org_x enterprise"]?.product == "NP-ENT")
    }

    @Test func thePlanIsOrderedAndRoundTripsThroughJSON() throws {
        let snapshot = ConnectWiseSnapshot(companies: ["B2": CWCompany(id: 2, identifier: "B2"), "B10": CWCompany(id: 3, identifier: "B10")],
                                           agreements: [2: [Self.agreement(20, company: 2)], 3: [Self.agreement(30, company: 3)]],
                                           additions: [20: [Self.addition(200, "NP-BUS", 1)], 30: [Self.addition(300, "NP-BUS", 5)]])
        let plan = PSAPlan.make(Self.demand(["B10": [.business: 6], "B2": [.business: 2, .enterprise: 1]]), snapshot: snapshot, products: Self.products, company: "demo")
        #expect(plan.changes.map { "\($0.kind.rawValue) \($0.customerId!) \($0.tier!.rawValue)" } == ["update B2 business", "update B10 business", "create B2 enterprise"])
        let back = try PSAPlan(json: Data(plan.json().utf8))
        #expect(back == plan)
        let json = plan.json()
        #expect(json.contains("\"summary\": {\"update\": 2, \"create\": 1, \"ambiguous\": 0, \"no-agreement\": 0, \"unknown-customer\": 0, \"unmapped\": 0, \"same\": 0}"))
        #expect(json.contains("\"additionId\": null, \"product\": \"NP-BUS\"") == false && json.contains("\"before\": null"))
        // A hand-edited plan that lost what an update needs is refused, not half-applied.
        let broken = json.replacingOccurrences(of: "\"additionId\": 200", with: "\"additionId\": null")
        #expect(throws: PlanFileError.self) { try PSAPlan(json: Data(broken.utf8)) }
    }

    @Test func theNextPageIsTheLinkHeadersNext() {
        let base = URL(string: "https://cw.example/v4_6_release/apis/3.0/company/companies?page=1")!
        let header = "<https://cw.example/v4_6_release/apis/3.0/company/companies?page=2&pageSize=1000>; rel=\"next\", <https://cw.example/v4_6_release/apis/3.0/company/companies?page=9&pageSize=1000>; rel=\"last\""
        #expect(ConnectWiseClient.nextLink(header, relativeTo: base)?.absoluteString == "https://cw.example/v4_6_release/apis/3.0/company/companies?page=2&pageSize=1000")
        #expect(ConnectWiseClient.nextLink("<https://cw.example/x?page=9>; rel=\"last\"", relativeTo: base) == nil)
        #expect(ConnectWiseClient.nextLink(nil, relativeTo: base) == nil)
        #expect(ConnectWiseContract.quoted("Acme \"West\"") == "\"Acme \\\"West\\\"\"")
    }
}

/// Issue 28: `psa map`'s matching of organization names to ConnectWise companies.
struct CompanyMatcherTests {
    func company(_ id: Int, _ name: String) -> CWCompany { CWCompany(id: id, identifier: "C\(id)", name: name) }

    @Test func foldedNamesWithoutLegalFormsMatchAtOne() {
        let matcher = CompanyMatcher(companies: [company(1, "SOCIETE GENERALE D'ETUDES"), company(2, "Muller Sohne AG"), company(3, "台北設計"),
                                                 company(4, "Tailspin Toys"), company(5, "Lodz Logistyka Sp. z o.o.")])
        func best(_ name: String) -> (String?, Double) { let s = matcher.suggest(organizationId: "o", name: name); return (s.best?.company.identifier, s.best?.score ?? 0) }
        #expect(best("Société Générale d'Études S.A.") == ("C1", 1))
        #expect(best("Müller & Söhne GmbH") == ("C2", 1))
        #expect(best("台北設計有限公司") == ("C3", 1))
        #expect(best("Łódź Logistyka") == ("C5", 1))
        // Word order: the same words, below an exact match.
        #expect(best("Toys Tailspin Ltd") == ("C4", 0.95))
        // Near but not the same: below 0.9, and still the right company first.
        let near = matcher.suggest(organizationId: "o", name: "Tailspin Toy")
        #expect(near.best?.company.identifier == "C4" && (near.best?.score ?? 1) < 0.9 && (near.best?.score ?? 0) > 0.5)
    }

    @Test func theRunnerUpAndTies() {
        // A wrong runner-up: close, but below the exact match; the best is clear.
        let matcher = CompanyMatcher(companies: [company(1, "Contoso Pharma"), company(2, "Contoso")])
        let s = matcher.suggest(organizationId: "o", name: "Contoso Ltd")
        #expect(s.best?.company.identifier == "C2" && s.best?.score == 1 && s.runnerUp?.company.identifier == "C1" && (s.runnerUp?.score ?? 1) < 1)
        #expect(s.isClear)
        // Two companies equal once legal forms are set aside: a tie, not clear; the one
        // whose whole name matches wins, and is clear.
        let two = CompanyMatcher(companies: [company(1, "Contoso AB"), company(2, "Contoso Oy")])
        #expect(!two.suggest(organizationId: "o", name: "Contoso GmbH").isClear)
        let exact = two.suggest(organizationId: "o", name: "CONTOSO OY")
        #expect(exact.best?.company.identifier == "C2" && exact.isClear)
        // Nothing alike: no suggestion.
        #expect(CompanyMatcher(companies: [company(1, "Zzz")]).suggest(organizationId: "o", name: "Abc").best == nil)
    }

    /// The pairs are worked out once a name (ids, merged), and each score is still the
    /// Sørensen-Dice of the letter pairs, as the plain reckoning below makes it: pairs
    /// repeated in a name, a one-letter name, pairs no company has, CJK and accents.
    @Test func scoresAreTheLetterPairsDice() {
        func pairs(_ s: String) -> [String: Int] {
            let chars = Array(s)
            guard chars.count > 1 else { return chars.isEmpty ? [:] : [String(chars): 1] }
            var out: [String: Int] = [:]
            for i in 0..<(chars.count - 1) { out[String(chars[i...i + 1]), default: 0] += 1 }
            return out
        }
        func reckoned(_ a: String, _ b: String) -> Double {
            let x = CompanyMatcher.words(a), y = CompanyMatcher.words(b)
            guard !x.isEmpty, !y.isEmpty else { return 0 }
            if x == y { return 1 }
            if x.sorted() == y.sorted() { return 0.95 }
            let p = pairs(x.sorted().joined(separator: " ")), q = pairs(y.sorted().joined(separator: " "))
            let shared = p.reduce(0) { $0 + min($1.value, q[$1.key] ?? 0) }
            let total = p.values.reduce(0, +) + q.values.reduce(0, +)
            return total == 0 ? 0 : 0.9 * 2 * Double(shared) / Double(total)
        }
        let companies = ["Banana Bandana", "Anna Ananas Oy", "X", "Müller & Söhne", "東京データ株式会社", "Tokyo Data", "Wide World Importers",
                         "Worldwide Imports AB", "Contoso Pharma", "aaaa"]
        let names = ["Banana", "Ananas Anna", "x", "Y", "Muller Sohne Ltd", "東京データ", "Tokio Data", "Wide World Importer", "Worldwide",
                     "Contoso", "aa", "Zzzz Qqq"]
        for (i, c) in companies.enumerated() {
            let matcher = CompanyMatcher(companies: [company(i, c)])
            for name in names {
                let want = reckoned(name, c)
                let got = matcher.suggest(organizationId: "o", name: name).best?.score ?? 0
                #expect(abs(got - want) < 1e-12, "\(name) against \(c): \(got), reckoned \(want)")
            }
        }
        // Many companies at once: the pairs' ids are shared among them.
        let all = CompanyMatcher(companies: companies.enumerated().map { company($0, $1) })
        for name in names {
            let want = companies.map { reckoned(name, $0) }.max() ?? 0
            #expect(abs((all.suggest(organizationId: "o", name: name).best?.score ?? 0) - want) < 1e-12, "\(name)")
        }
    }
}
