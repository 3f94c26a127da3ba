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
        var finder = ChangeFinder(lastDay: lastDay, rules: rules)
        for row in to {
            let org = orgs[row.organizationId]
            finder.compare(before[row.organizationId], row, status: org?.status, trialEndsAt: org?.trialEndsAt)
        }
        for row in from where after[row.organizationId] == nil { finder.removed(row) }
        return finder.changes
    }

    /// The license as a word: the type, with the trial and NFR flags counted in.
    static func licence(_ row: UsageRow) -> String {
        row.nfr ? LicenseType.nfr.rawValue : row.trial ? LicenseType.trial.rawValue : row.licenseType.rawValue
    }

    public static let columns = ["kind", "organizationId", "organizationName", "before", "after", "delta"]

    public static func table(_ changes: [Change]) -> ExportTable {
        // Seats before and after are numbers (JSON numbers, right-aligned); a tier or a
        // license before and after stays text.
        func seats(_ text: String) -> JSONValue { Int(text).map { .number(Double($0)) } ?? .string(text) }
        return ExportTable(columns: columns, rows: changes.map { ch in
            [.string(ch.kind.rawValue), .string(ch.organizationId), .string(ch.organizationName),
             ch.kind == .seats ? seats(ch.before) : .string(ch.before), ch.kind == .seats ? seats(ch.after) : .string(ch.after),
             ch.delta.map { .number(Double($0)) } ?? .null]
        })
    }
}

/// The changes of two reports found one organization at a time, so that the two can be
/// compared as they are read (`UsageStore.compare`) as well as whole (`Changes.compute`).
public struct ChangeFinder {
    let lastDay: Day
    let rules: ChangeRules
    let countOnly: Bool
    private var found: [Change] = []
    /// How many changes were found.
    public private(set) var count = 0

    /// `countOnly`: count the changes without keeping them (the title bar's badge).
    public init(lastDay: Day, rules: ChangeRules, countOnly: Bool = false) {
        self.lastDay = lastDay; self.rules = rules; self.countOnly = countOnly
    }

    /// An organization of the later report, with its row in the earlier one (nil: it
    /// was added) and its status and trial end now.
    public mutating func compare(_ old: UsageRow?, _ row: UsageRow, status: OrganizationStatus?, trialEndsAt: String?) {
        if let old {
            if old.tier != row.tier { add(.tier, row, old.tier.rawValue, row.tier.rawValue) }
            let was = Changes.licence(old), now = Changes.licence(row)
            if was != now { add(.license, row, was, now) }
            let delta = row.consumedLicenses - old.consumedLicenses
            let percent = old.consumedLicenses == 0 ? Double.infinity : Double(abs(delta)) * 100 / Double(old.consumedLicenses)
            if abs(delta) >= max(1, rules.minSeats), percent >= rules.minPercent {
                add(.seats, row, String(old.consumedLicenses), String(row.consumedLicenses), delta)
            }
        } else {
            add(.added, row, "", String(row.consumedLicenses))
        }
        if status == .suspended, row.consumedLicenses > 0 { add(.suspended, row, "", String(row.consumedLicenses)) }
        if Changes.licence(row) == LicenseType.trial.rawValue, let text = trialEndsAt,
           let end = Day(String(text.prefix(10))), (0...rules.trialDays).contains(end - lastDay) {
            add(.trialEnding, row, "", end.description)
        }
    }

    /// An organization only the earlier report has.
    public mutating func removed(_ row: UsageRow) { add(.removed, row, String(row.consumedLicenses), "") }

    private mutating func add(_ kind: Change.Kind, _ row: UsageRow, _ before: String, _ after: String, _ delta: Int? = nil) {
        count += 1
        guard !countOnly else { return }
        found.append(Change(kind: kind, organizationId: row.organizationId, organizationName: row.organizationName,
                            before: before, after: after, delta: delta))
    }

    /// What was found, by kind (in the order of `Change.Kind`), then name (the
    /// list's collation), then id.
    public var changes: [Change] {
        let order = Dictionary(uniqueKeysWithValues: Change.Kind.allCases.enumerated().map { ($1, $0) })
        let byName = TextSearch.collated(found, name: \.organizationName, id: \.organizationId)
        return byName.indices.sorted { i, j in
            let a = order[byName[i].kind]!, b = order[byName[j].kind]!
            return a != b ? a < b : i < j
        }.map { byName[$0] }
    }
}
