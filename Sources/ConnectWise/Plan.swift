import Foundation
import ProviderAPI

/// The catalog items the two tiers bill as (`business_product`, `enterprise_product`).
public struct ProductMapping: Sendable, Equatable {
    public var business: String
    public var enterprise: String
    public init(business: String, enterprise: String) { self.business = business; self.enterprise = enterprise }

    public func product(for tier: Tier) -> String? {
        switch tier {
        case .business: return business
        case .enterprise: return enterprise
        default: return nil
        }
    }
}

/// What the month's bill asks of the PSA: each customer's seats by tier (every customer
/// of the customers file, at 0 when it has none), and the billed organizations that
/// have no customer.
public struct SeatDemand: Sendable, Equatable {
    public struct Seats: Sendable, Equatable {
        public var seats = 0
        public var organizations: [String] = []
        public init(seats: Int = 0, organizations: [String] = []) { self.seats = seats; self.organizations = organizations }
    }
    public struct Unmapped: Sendable, Equatable {
        public var organizationId: String
        public var organizationName: String
        public var tier: Tier
        public var seats: Int
        public init(organizationId: String, organizationName: String, tier: Tier, seats: Int) {
            self.organizationId = organizationId; self.organizationName = organizationName; self.tier = tier; self.seats = seats
        }
    }
    public var month: Month
    public var customers: [String: [Tier: Seats]] = [:]
    public var unmapped: [Unmapped] = []
    public init(month: Month, customers: [String: [Tier: Seats]] = [:], unmapped: [Unmapped] = []) {
        self.month = month; self.customers = customers; self.unmapped = unmapped
    }
}

/// What ConnectWise holds for the customers: companies by identifier, their agreements
/// that bill, and those agreements' additions.
public struct ConnectWiseSnapshot: Sendable, Equatable {
    public var companies: [String: CWCompany] = [:]
    /// Live agreements (of the configured type), by company id.
    public var agreements: [Int: [CWAgreement]] = [:]
    /// Every addition of those agreements, cancelled ones included, by agreement id.
    public var additions: [Int: [CWAddition]] = [:]
    public init(companies: [String: CWCompany] = [:], agreements: [Int: [CWAgreement]] = [:], additions: [Int: [CWAddition]] = [:]) {
        self.companies = companies; self.agreements = agreements; self.additions = additions
    }

    /// The company a customer id names: its identifier exactly, else the one that
    /// differs only in case (ConnectWise compares identifiers without case).
    public func company(_ customerId: String) -> CWCompany? {
        if let c = companies[customerId] { return c }
        let matches = companies.values.filter { $0.identifier.caseInsensitiveCompare(customerId) == .orderedSame }
        return matches.count == 1 ? matches[0] : nil
    }
}

/// One line of a plan.
public struct PSAChange: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        case update, create, ambiguous
        case noAgreement = "no-agreement"
        case unknownCustomer = "unknown-customer"
        case unmapped, same

        /// Writes first, then what needs a person, `same` last.
        public static func < (a: Kind, b: Kind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
        /// Whether apply writes it.
        public var writes: Bool { self == .update || self == .create }
    }

    public var kind: Kind
    public var customerId: String?
    public var companyId: Int?
    public var agreementId: Int?
    public var additionId: Int?
    public var product: String?
    public var tier: Tier?
    /// ConnectWise's quantity now (nil when there is no addition).
    public var before: Decimal?
    /// The bill's seats.
    public var after: Decimal?
    public var organizations: [String]
    /// Why nothing is changed, for the kinds that need a person.
    public var reason: String?
    /// The organizations' names, for the table (not in JSON or CSV).
    public var organizationNames: [String] = []

    public init(kind: Kind, customerId: String? = nil, companyId: Int? = nil, agreementId: Int? = nil, additionId: Int? = nil,
                product: String? = nil, tier: Tier? = nil, before: Decimal? = nil, after: Decimal? = nil,
                organizations: [String] = [], reason: String? = nil, organizationNames: [String] = []) {
        self.kind = kind; self.customerId = customerId; self.companyId = companyId; self.agreementId = agreementId
        self.additionId = additionId; self.product = product; self.tier = tier; self.before = before; self.after = after
        self.organizations = organizations; self.reason = reason; self.organizationNames = organizationNames
    }

    /// "ACME business" / "organization org_1 enterprise": how results name a change.
    public var label: String {
        let who = customerId.map { Printable.line($0, limit: 40) } ?? "organization " + (organizations.first ?? "?")
        return who + (tier.map { " " + $0.rawValue } ?? "")
    }
}

/// A plan: what apply would write to ConnectWise for a month, and what it leaves to a person.
public struct PSAPlan: Sendable, Equatable {
    public var month: Month
    public var psa = "connectwise"
    /// The ConnectWise company id (the login's), so a plan is not applied elsewhere.
    public var company: String
    public var changes: [PSAChange]

    public init(month: Month, company: String, changes: [PSAChange]) {
        self.month = month; self.company = company; self.changes = changes
    }

    public var writes: [PSAChange] { changes.filter { $0.kind.writes } }

    public func count(_ kind: PSAChange.Kind) -> Int { changes.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) } }

    /// The rule (see docs/connectwise.md): one live addition of the product on the
    /// company's live agreements is `same` or `update`; none and seats above 0 is
    /// `create` on the one live agreement, `no-agreement` or `ambiguous`; several
    /// additions are `ambiguous`. Nothing is guessed, and nothing else is touched.
    public static func make(_ demand: SeatDemand, snapshot: ConnectWiseSnapshot, products: ProductMapping, company: String) -> PSAPlan {
        var changes: [PSAChange] = []
        for (customerId, tiers) in demand.customers {
            let company = snapshot.company(customerId)
            for tier in [Tier.business, .enterprise] {
                guard let product = products.product(for: tier) else { continue }
                let want = tiers[tier] ?? SeatDemand.Seats()
                var change = PSAChange(kind: .same, customerId: customerId, companyId: company?.id, product: product, tier: tier,
                                       after: Decimal(want.seats), organizations: want.organizations)
                guard let company else {
                    if want.seats > 0 {
                        change.kind = .unknownCustomer
                        change.reason = "no company has this identifier: fix the customers file, or add the company"
                        changes.append(change)
                    }
                    continue
                }
                let agreements = (snapshot.agreements[company.id] ?? []).sorted { $0.id < $1.id }
                let additions = agreements.flatMap { a in
                    (snapshot.additions[a.id] ?? []).filter { $0.isLive && $0.bills(product) }.map { (agreement: a.id, addition: $0) }
                }
                switch additions.count {
                case 1:
                    let found = additions[0]
                    change.agreementId = found.agreement
                    change.additionId = found.addition.id
                    change.before = found.addition.quantity ?? 0
                    change.kind = change.before == change.after ? .same : .update
                case 0 where want.seats == 0:
                    continue
                case 0:
                    change.after = Decimal(want.seats)
                    switch agreements.count {
                    case 1:
                        change.kind = .create
                        change.agreementId = agreements[0].id
                    case 0:
                        change.kind = .noAgreement
                        change.reason = "no active agreement to add \(product) to: create one for \(Printable.line(customerId, limit: 40)) in ConnectWise"
                    default:
                        change.kind = .ambiguous
                        change.reason = "\(agreements.count) active agreements (\(agreements.map { String($0.id) }.joined(separator: ", "))) and none bills \(product): add the addition to one by hand"
                    }
                default:
                    change.kind = .ambiguous
                    change.reason = "\(additions.count) live \(product) additions (\(additions.map { "\($0.addition.id) on \($0.agreement)" }.joined(separator: ", "))): cancel all but one"
                }
                changes.append(change)
            }
        }
        for org in demand.unmapped where org.seats > 0 {
            guard let product = products.product(for: org.tier) else { continue }
            changes.append(PSAChange(kind: .unmapped, product: product, tier: org.tier, after: Decimal(org.seats),
                                     organizations: [org.organizationId],
                                     reason: "no customer: add \(org.organizationId) to the customers file",
                                     organizationNames: [org.organizationName]))
        }
        return PSAPlan(month: demand.month, company: company, changes: sorted(changes))
    }

    /// Kind, then customer (the one collation), then tier; unmapped by name then id.
    static func sorted(_ changes: [PSAChange]) -> [PSAChange] {
        let keyed = changes.map { c in (c, TextSearch.sortKey(c.customerId ?? c.organizationNames.first ?? ""), c.organizations.first ?? "") }
        return keyed.sorted { a, b in
            if a.0.kind != b.0.kind { return a.0.kind < b.0.kind }
            let n = TextSearch.compare(a.1, b.1)
            if n != 0 { return n < 0 }
            if (a.0.customerId ?? "") != (b.0.customerId ?? "") { return (a.0.customerId ?? "") < (b.0.customerId ?? "") }
            if a.0.tier?.rank != b.0.tier?.rank { return (a.0.tier?.rank ?? 0) < (b.0.tier?.rank ?? 0) }
            return a.2 < b.2
        }.map(\.0)
    }
}

extension ConnectWiseClient {
    /// Reads what the plan needs: the companies, the live agreements (of `agreementType`)
    /// of the customers' companies, and each of those agreements' additions, at most
    /// `concurrency` requests at a time.
    public func snapshot(customers: Set<String>, agreementType: String?) async throws -> ConnectWiseSnapshot {
        async let companyList = companies()
        async let agreementList = liveAgreements(type: agreementType)
        var snapshot = ConnectWiseSnapshot()
        for company in try await companyList { snapshot.companies[company.identifier] = company }
        let wanted = Set(customers.compactMap { snapshot.company($0)?.id })
        for agreement in try await agreementList {
            guard let company = agreement.company?.id, wanted.contains(company) else { continue }
            snapshot.agreements[company, default: []].append(agreement)
        }
        let ids = snapshot.agreements.values.flatMap { $0.map(\.id) }.sorted()
        // A few more than the client's limit, so that the next request is ready when one lands.
        try await inSlidingWindow(ids, width: 12, { id in (id, try await self.additions(of: id)) }, each: { landed in
            snapshot.additions[landed.0] = landed.1
        })
        return snapshot
    }

    /// Both catalog items, or a configuration error naming the one ConnectWise lacks.
    public func checkProducts(_ products: ProductMapping) async throws -> (business: CWCatalogItem, enterprise: CWCatalogItem) {
        async let business = catalogItem(products.business)
        async let enterprise = catalogItem(products.enterprise)
        let (b, e) = try await (business, enterprise)
        for (key, identifier, item) in [("business_product", products.business, b), ("enterprise_product", products.enterprise, e)] where item == nil {
            throw ConnectWiseError.configuration("[connectwise] \(key) = \(Printable.line(identifier, limit: 40)) is not in ConnectWise's product catalog: use a catalog item's identifier")
        }
        return (b!, e!)
    }
}
