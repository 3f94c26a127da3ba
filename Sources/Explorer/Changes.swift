import ProviderAPI

/// What moved between two reports of the same kind (two days or two months), by
/// organization id: the list an MSP reads every morning instead of all its clients.
public struct Change: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable {
        case added, removed, tier, license, seats, suspended, trialEnding = "trial-ending"
    }
    public var kind: Kind
    public var organizationId: String
    public var organizationName: String
    /// The tier, license type, consumed seats or trial end, as the kind says; empty
    /// where it does not apply.
    public var before: String
    public var after: String
    /// Consumed seats after minus before (seats changes only).
    public var delta: Int?
}

/// The thresholds of `changes`.
public struct ChangeRules: Sendable, Equatable {
    /// A seat change counts from this many seats…
    public var minSeats = 5
    /// …and this share of the seats before, in percent.
    public var minPercent = 0.0
    /// A trial that ends within this many days after the period counts as ending.
    public var trialDays = 3
    public init(minSeats: Int = 5, minPercent: Double = 0, trialDays: Int = 3) {
        self.minSeats = minSeats; self.minPercent = minPercent; self.trialDays = trialDays
    }
}

public enum Changes {
    /// The changes from `from` to `to`, in the order of `Change.Kind`, and within a kind
    /// by organization name, then id. `organizations` gives each one's current status
    /// and trial end; `lastDay` is the `to` day (or the `to` month's last day).
    public static func compute(from: [UsageRow], to: [UsageRow], organizations: [Organization], lastDay: Day,
                               rules: ChangeRules = ChangeRules()) -> [Change] {
        let before = Dictionary(from.map { ($0.organizationId, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(to.map { ($0.organizationId, $0) }, uniquingKeysWith: { a, _ in a })
        let orgs = Dictionary(organizations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [Change] = []
        func add(_ kind: Change.Kind, _ row: UsageRow, _ b: String, _ a: String, _ delta: Int? = nil) {
            out.append(Change(kind: kind, organizationId: row.organizationId, organizationName: row.organizationName,
                              before: b, after: a, delta: delta))
        }
        for row in to where before[row.organizationId] == nil { add(.added, row, "", String(row.consumedLicenses)) }
        for row in from where after[row.organizationId] == nil { add(.removed, row, String(row.consumedLicenses), "") }
        for row in to {
            guard let old = before[row.organizationId] else { continue }
            if old.tier != row.tier { add(.tier, row, old.tier.rawValue, row.tier.rawValue) }
            if licence(old) != licence(row) { add(.license, row, licence(old), licence(row)) }
            let delta = row.consumedLicenses - old.consumedLicenses
            let percent = old.consumedLicenses == 0 ? Double.infinity : Double(abs(delta)) * 100 / Double(old.consumedLicenses)
            if abs(delta) >= max(1, rules.minSeats), percent >= rules.minPercent {
                add(.seats, row, String(old.consumedLicenses), String(row.consumedLicenses), delta)
            }
        }
        for row in to {
            if orgs[row.organizationId]?.status == .suspended, row.consumedLicenses > 0 {
                add(.suspended, row, "", String(row.consumedLicenses))
            }
            if licence(row) == LicenseType.trial.rawValue, let text = orgs[row.organizationId]?.trialEndsAt,
               let end = Day(String(text.prefix(10))), (0...rules.trialDays).contains(end - lastDay) {
                add(.trialEnding, row, "", end.description)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: Change.Kind.allCases.enumerated().map { ($1, $0) })
        return out.sorted { a, b in
            (order[a.kind]!, a.organizationName, a.organizationId) < (order[b.kind]!, b.organizationName, b.organizationId)
        }
    }

    /// The license as a word: the type, with the trial and NFR flags counted in.
    static func licence(_ row: UsageRow) -> String {
        row.nfr ? LicenseType.nfr.rawValue : row.trial ? LicenseType.trial.rawValue : row.licenseType.rawValue
    }

    public static let columns = ["kind", "organizationId", "organizationName", "before", "after", "delta"]

    public static func table(_ changes: [Change]) -> ExportTable {
        ExportTable(columns: columns, rows: changes.map { c in
            [.string(c.kind.rawValue), .string(c.organizationId), .string(c.organizationName), .string(c.before), .string(c.after),
             c.delta.map { .number(Double($0)) } ?? .null]
        })
    }
}
