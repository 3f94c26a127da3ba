import ConnectWise
import Foundation
import ProviderAPI

extension ConnectWiseSimulator {
    /// The demo's ConnectWise, matching the demo organizations of `data`, and the
    /// customers file that maps them (`organizationId,customerId`). Its quantities are
    /// the seats of `data`'s newest month, then made wrong on purpose so that every kind
    /// of a plan shows: some right, some off by a few, some additions missing, a company
    /// with two agreements, one with none, cancelled agreements and additions (left
    /// alone), another product's additions (never touched), a customer ConnectWise does
    /// not know, and organizations with no customer.
    public static func demo(_ data: DataSet) -> (store: Store, customers: [(organizationId: String, customerId: String)]) {
        var store = Store()
        store.catalog = [
            CWCatalogItem(id: 501, identifier: businessProduct, description: "NordPass Business seat"),
            CWCatalogItem(id: 502, identifier: enterpriseProduct, description: "NordPass Enterprise seat"),
            CWCatalogItem(id: 503, identifier: otherProduct, description: "Microsoft 365 backup seat"),
        ]
        let month = data.newestMonth
        let seats = Dictionary(data.monthlyRows(month).filter { $0.licenseType == .standard }.map { ($0.organizationId, $0) },
                               uniquingKeysWith: { a, _ in a })
        var customers: [(String, String)] = []
        var used: Set<String> = []
        var companyOrder: [String] = []
        var previous: String?
        for (i, spec) in data.organizations.enumerated() {
            // Only organizations of the month's report: the file is the MSP's as of then.
            if spec.createdOn > month.lastDay { continue }
            if i % 17 == 5 { continue }                              // unmapped
            if i == 11 { customers.append((spec.id, "RETIRED-CO")); continue }   // unknown to ConnectWise
            if i % 23 == 7, let previous { customers.append((spec.id, previous)); continue }   // two organizations, one customer
            let id = identifier(spec.name, index: i, used: &used)
            customers.append((spec.id, id))
            companyOrder.append(id)
            previous = id
        }
        var demand: [String: [Tier: Int]] = [:]
        for (org, customer) in customers {
            guard let row = seats[org] else { continue }
            demand[customer, default: [:]][row.tier, default: 0] += row.consumedLicenses
        }
        var nextAgreement = 7000, nextAddition = 40_000
        func addition(_ product: String, _ quantity: Int, agreement: Int, cancelled: Bool = false) -> CWAddition {
            nextAddition += 1
            let item = store.catalog.first { $0.identifier == product }!
            return CWAddition(id: nextAddition, product: CWReference(id: item.id, identifier: product, name: item.description),
                              quantity: Decimal(quantity), billCustomer: "Billable", effectiveDate: month.adding(months: -3).firstDay.description + "T00:00:00Z",
                              cancelledDate: cancelled ? month.adding(months: -1).firstDay.description + "T00:00:00Z" : nil,
                              agreementId: agreement, invoiceDescription: nil)
        }
        func agreement(_ company: CWCompany, name: String, live: Bool = true) -> Int {
            nextAgreement += 1
            store.agreements.append(CWAgreement(id: nextAgreement, name: name, type: CWReference(id: 3, name: agreementType),
                                                company: CWReference(id: company.id, identifier: company.identifier, name: company.name),
                                                agreementStatus: live ? "Active" : "Cancelled", cancelledFlag: !live))
            return nextAgreement
        }
        let names = Dictionary(data.organizations.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let firstOrg = Dictionary(customers.map { ($0.1, $0.0) }, uniquingKeysWith: { a, _ in a })
        for (c, identifier) in companyOrder.enumerated() {
            let company = CWCompany(id: 19_000 + c, identifier: identifier, name: firstOrg[identifier].flatMap { names[$0] })
            store.companies.append(company)
            if c % 13 == 4 {
                let old = agreement(company, name: "NordPass (old contract)", live: false)
                store.additions[old] = [addition(businessProduct, 5, agreement: old)]
            }
            if c % 29 == 13 { continue }                             // no agreement
            let main = agreement(company, name: "Managed Services")
            var list = [addition(otherProduct, 50, agreement: main)]
            if c % 19 == 3 {                                         // two agreements, no NordPass addition
                let second = agreement(company, name: "Managed Services (second site)")
                store.additions[second] = [addition(otherProduct, 10, agreement: second)]
                store.additions[main] = list
                continue
            }
            if c % 7 != 2 {                                          // else: the additions are missing
                for (tier, product) in [(Tier.business, businessProduct), (.enterprise, enterpriseProduct)] {
                    guard let n = demand[identifier]?[tier], n > 0 else { continue }
                    list.append(addition(product, c % 5 == 1 ? n + 3 : n, agreement: main))
                    if c % 31 == 9 { list.append(addition(product, n, agreement: main)) }     // two live: ambiguous
                    if c % 11 == 6 { list.append(addition(product, 999, agreement: main, cancelled: true)) }
                }
            }
            store.additions[main] = list
        }
        // Organizations the MSP has not mapped yet, though ConnectWise has them: a
        // company named as the organization (every other one upper case, as some
        // PSAs hold names), for `psa map` to find.
        for (k, spec) in data.organizations.enumerated().filter({ $0.offset % 17 == 5 }).map(\.element).enumerated() where k % 3 != 2 {
            let name = k % 2 == 0 ? spec.name : spec.name.uppercased()
            store.companies.append(CWCompany(id: 17_000 + k, identifier: identifier(spec.name, index: 1000 + k, used: &used), name: name))
        }
        // Companies that are not NordPass customers.
        for (k, name) in ["Harbor Dental Group", "Northwind Logistics", "Blue Fern Bakery"].enumerated() {
            store.companies.append(CWCompany(id: 18_000 + k, identifier: identifier(name, index: k, used: &used), name: name))
        }
        return (store, customers)
    }

    /// A ConnectWise company identifier made from a name: its letters and digits
    /// (folded, upper case), at most 14, unique.
    static func identifier(_ name: String, index: Int, used: inout Set<String>) -> String {
        let folded = String(decoding: TextSearch.fold(name), as: UTF8.self).uppercased()
        var base = String(folded.unicodeScalars.filter { ($0.value >= 65 && $0.value <= 90) || ($0.value >= 48 && $0.value <= 57) }.prefix(14).map(Character.init))
        if base.unicodeScalars.filter({ $0.value >= 65 }).count < 3 { base = "ORG\(index)" }
        var id = base, n = 2
        while !used.insert(id).inserted { id = base.prefix(12) + String(n); n += 1 }
        return id
    }

    /// `count` companies, each with one live agreement and one business addition, and
    /// the demand that matches them (every tenth quantity off by one): for the benchmark.
    public static func synthetic(companies count: Int) -> (store: Store, demand: [String: Int]) {
        var store = Store()
        store.catalog = [CWCatalogItem(id: 501, identifier: businessProduct), CWCatalogItem(id: 502, identifier: enterpriseProduct)]
        var demand: [String: Int] = [:]
        for c in 0..<count {
            let identifier = "C\(c)"
            let company = CWCompany(id: 100_000 + c, identifier: identifier, name: "Company \(c)")
            store.companies.append(company)
            let agreement = 200_000 + c
            store.agreements.append(CWAgreement(id: agreement, name: "Managed Services", type: CWReference(id: 3, name: agreementType),
                                                company: CWReference(id: company.id, identifier: identifier), agreementStatus: "Active", cancelledFlag: false))
            store.additions[agreement] = [CWAddition(id: 300_000 + c, product: CWReference(id: 501, identifier: businessProduct),
                                                     quantity: Decimal(10 + c % 90), agreementId: agreement)]
            demand[identifier] = 10 + c % 90 + (c % 10 == 0 ? 1 : 0)
        }
        return (store, demand)
    }
}
