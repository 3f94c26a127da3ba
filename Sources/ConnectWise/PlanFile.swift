import Foundation
import ProviderAPI

/// A plan as JSON (`psa plan --format json`), and read back for `psa apply --plan FILE`.
extension PSAPlan {
    /// `{"month", "psa", "company", "changes": [...], "summary": {kind: count}}`: every
    /// field of a change present, null when it does not apply; every kind in the summary.
    public func json() -> String {
        let q = JSONField.text, n = JSONField.number, d = JSONField.decimal
        var out = "{\n  \"month\": \(q(month.description)),\n  \"psa\": \(q(psa)),\n  \"company\": \(q(company)),\n  \"changes\": ["
        for (i, c) in changes.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += "    {\"kind\": \(q(c.kind.rawValue)), \"customerId\": \(q(c.customerId)), \"companyId\": \(n(c.companyId)), "
            out += "\"agreementId\": \(n(c.agreementId)), \"additionId\": \(n(c.additionId)), \"product\": \(q(c.product)), "
            out += "\"tier\": \(q(c.tier?.rawValue)), \"before\": \(d(c.before)), \"after\": \(d(c.after)), "
            out += "\"organizations\": [\(c.organizations.map(JSONText.quote).joined(separator: ", "))], \"reason\": \(q(c.reason))}"
        }
        out += changes.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"summary\": {" + PSAChange.Kind.allCases.map { "\(q($0.rawValue)): \(count($0))" }.joined(separator: ", ") + "}\n}\n"
        return out
    }

    /// A saved plan; anything that is not one is refused with what is wrong.
    public init(json data: Data) throws {
        struct Wire: Decodable {
            struct Change: Decodable {
                var kind: String
                var customerId: String?
                var companyId: Int?
                var agreementId: Int?
                var additionId: Int?
                var product: String?
                var tier: String?
                var before: Decimal?
                var after: Decimal?
                var organizations: [String]?
                var reason: String?
            }
            var month: String
            var psa: String
            var company: String?
            var changes: [Change]
        }
        let wire: Wire
        do { wire = try JSONDecoder().decode(Wire.self, from: data) } catch {
            throw PlanFileError("not a plan saved by psa plan --format json (\(ConnectWiseClient.describe(decoding: error)))")
        }
        guard wire.psa == "connectwise" else { throw PlanFileError("a plan for \(Printable.line(wire.psa, limit: 20)), not connectwise") }
        guard let month = Month(wire.month) else { throw PlanFileError("month \(Printable.line(wire.month, limit: 20)) is not YYYY-MM") }
        guard let company = wire.company else { throw PlanFileError("no company: save the plan again with psa plan --format json") }
        var changes: [PSAChange] = []
        for (i, c) in wire.changes.enumerated() {
            guard let kind = PSAChange.Kind(rawValue: c.kind) else { throw PlanFileError("change \(i + 1): unknown kind \(Printable.line(c.kind, limit: 30))") }
            let change = PSAChange(kind: kind, customerId: c.customerId, companyId: c.companyId, agreementId: c.agreementId,
                                   additionId: c.additionId, product: c.product, tier: c.tier.map(Tier.init(rawValue:)),
                                   before: c.before, after: c.after, organizations: c.organizations ?? [], reason: c.reason)
            if kind == .update, change.agreementId == nil || change.additionId == nil || change.before == nil || change.after == nil {
                throw PlanFileError("change \(i + 1): an update needs agreementId, additionId, before and after")
            }
            if kind == .create, change.agreementId == nil || change.product == nil || change.after == nil {
                throw PlanFileError("change \(i + 1): a create needs agreementId, product and after")
            }
            if let after = change.after, after < 0 { throw PlanFileError("change \(i + 1): a negative quantity") }
            changes.append(change)
        }
        self.init(month: month, company: company, changes: changes)
    }
}

/// JSON values of a plan's and a journal's fields: `null` where a field does not apply.
enum JSONField {
    static func text(_ s: String?) -> String { s.map(JSONText.quote) ?? "null" }
    static func number(_ i: Int?) -> String { i.map(String.init) ?? "null" }
    /// A quantity as ConnectWise writes it: `42`, `42.5`.
    static func decimal(_ x: Decimal?) -> String { x.map { "\($0)" } ?? "null" }
}

/// A `--plan FILE` that cannot be applied (64).
public struct PlanFileError: ReportableError {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var exitCode: Int32 { 64 }
    public var description: String { "the plan file: \(reason)" }
}
