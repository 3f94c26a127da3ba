import ConnectWise
import Foundation
import ProviderAPI

extension Bill {
    /// What this bill asks of the PSA: each customer's billed seats by tier (every
    /// customer of `customers`, at 0 when it has none this month) and the billed
    /// organizations with no customer. Trial and NFR lines add nothing.
    public func seatDemand(customers: [String: Customer]) -> SeatDemand {
        var demand = SeatDemand(month: month)
        for customer in customers.values where !customer.customerId.isEmpty { demand.customers[customer.customerId] = [:] }
        for line in lines where !line.isFree && Tier.known.contains(line.tier) {
            if let customer = line.customerId, !customer.isEmpty {
                var seats = demand.customers[customer]?[line.tier] ?? SeatDemand.Seats()
                seats.seats += line.seats
                seats.organizations.append(line.organizationId)
                demand.customers[customer, default: [:]][line.tier] = seats
            } else if line.seats > 0 {
                demand.unmapped.append(SeatDemand.Unmapped(organizationId: line.organizationId, organizationName: line.organizationName,
                                                           tier: line.tier, seats: line.seats))
            }
        }
        return demand
    }
}

extension PSAPlan {
    public static let csvColumns = ["kind", "customerId", "companyId", "agreementId", "additionId", "product", "tier", "before", "after", "organizations"]

    /// One row a change, the CSV columns in order; organizations joined by `;`.
    public var exportTable: ExportTable {
        func n(_ i: Int?) -> JSONValue { i.map { .number(Double($0)) } ?? .null }
        func d(_ x: Decimal?) -> JSONValue { x.map { .string("\($0)") } ?? .null }
        return ExportTable(columns: Self.csvColumns, rows: changes.map { c in
            [.string(c.kind.rawValue), c.customerId.map(JSONValue.string) ?? .null, n(c.companyId), n(c.agreementId), n(c.additionId),
             c.product.map(JSONValue.string) ?? .null, c.tier.map { .string($0.rawValue) } ?? .null, d(c.before), d(c.after),
             .string(c.organizations.joined(separator: ";"))]
        })
    }

    public func csv(_ options: ExportTable.CSVOptions = .init()) -> String { exportTable.csv(options) }

    /// What a person reads: a summary line, then the changes grouped by kind, each group
    /// saying what it means or what to do; `same` last, folded to a count.
    public func text() -> String {
        let writes = count(.update) + count(.create)
        let attention = [PSAChange.Kind.ambiguous, .noAgreement, .unknownCustomer, .unmapped].reduce(0) { $0 + count($1) }
        var out = "ConnectWise plan for \(month) (company \(Printable.line(company, limit: 40))): "
        out += "\(count(.update)) to update, \(count(.create)) to create, \(attention) for you to resolve, \(count(.same)) already right\n"
        for kind in PSAChange.Kind.allCases where kind != .same {
            let group = changes.filter { $0.kind == kind }
            guard !group.isEmpty else { continue }
            out += "\n" + kind.rawValue.uppercased() + " (\(group.count)): " + Self.meaning(kind) + "\n"
            let table: ExportTable
            func d(_ x: Decimal?) -> JSONValue { x.map { .string("\($0)") } ?? .string("") }
            func n(_ i: Int?) -> JSONValue { i.map { .string(String($0)) } ?? .string("") }
            func orgs(_ c: PSAChange) -> JSONValue { .number(Double(c.organizations.count)) }
            switch kind {
            case .update:
                table = ExportTable(columns: ["customer", "product", "agreement", "addition", "now", "→", "new", "orgs"], rows: group.map {
                    [.string($0.customerId ?? ""), .string($0.product ?? ""), n($0.agreementId), n($0.additionId), d($0.before), .string("→"), d($0.after), orgs($0)]
                })
            case .create:
                table = ExportTable(columns: ["customer", "product", "agreement", "quantity", "orgs"], rows: group.map {
                    [.string($0.customerId ?? ""), .string($0.product ?? ""), n($0.agreementId), d($0.after), orgs($0)]
                })
            case .unmapped:
                table = ExportTable(columns: ["organization", "id", "tier", "seats"], rows: group.map {
                    [.string($0.organizationNames.first ?? ""), .string($0.organizations.first ?? ""), .string($0.tier?.rawValue ?? ""), d($0.after)]
                })
            default:
                table = ExportTable(columns: ["customer", "product", "seats", "why"], rows: group.map {
                    [.string($0.customerId ?? ""), .string($0.product ?? ""), d($0.after), .string($0.reason ?? "")]
                })
            }
            out += table.table(maxColumnWidth: 96).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        }
        if count(.same) > 0 {
            out += "\nSAME (\(count(.same))): additions that already hold the bill's seats (--format csv lists them)\n"
        }
        if writes == 0 { out += "\nNothing to write: ConnectWise holds every quantity it can.\n" }
        return out
    }

    static func meaning(_ kind: PSAChange.Kind) -> String {
        switch kind {
        case .update: return "additions whose quantity apply sets to the bill's seats"
        case .create: return "additions apply adds to the customer's one active agreement"
        case .ambiguous: return "left alone; more than one place it could go"
        case .noAgreement: return "left alone; the company has no active agreement"
        case .unknownCustomer: return "left alone; no ConnectWise company has this identifier"
        case .unmapped: return "billed organizations with no customer; add them to the customers file"
        case .same: return "already right"
        }
    }
}
