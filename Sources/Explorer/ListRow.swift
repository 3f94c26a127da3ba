import ProviderAPI
import UsageStore

/// One organization as the list shows it for the chosen period.
public struct ListRow: Sendable, Equatable, Identifiable {
    public let id: String
    public let name: String
    public let tier: Tier
    public let licenseType: LicenseType
    public let status: OrganizationStatus
    public let activeSeats: Int
    public let pendingSeats: Int
    public let consumedLicenses: Int
    /// Consumed seats against the period before; nil when the organization was not in it.
    public let change: Int?
    public let trialEndsAt: Day?
    /// Days until the trial ends (0 on its last day); nil when not on trial.
    public let trialDaysLeft: Int?
    /// The name folded for search.
    let searchKey: [UInt8]

    public var isTrial: Bool { licenseType == .trial }
    public var isNFR: Bool { licenseType == .nfr }
    public var isSuspended: Bool { status == .suspended }

    public static func == (a: ListRow, b: ListRow) -> Bool {
        a.id == b.id && a.name == b.name && a.tier == b.tier && a.licenseType == b.licenseType && a.status == b.status
            && a.consumedLicenses == b.consumedLicenses && a.activeSeats == b.activeSeats
            && a.pendingSeats == b.pendingSeats && a.change == b.change && a.trialDaysLeft == b.trialDaysLeft
    }

    /// A report row with its organization's status and trial end and the previous period's seats.
    public static func make(_ joined: PeriodRow, today: Day) -> ListRow {
        let row = joined.row
        let trialEnd = joined.trialEndsAt.flatMap { Day($0) }
        let isTrial = row.trial || row.licenseType == .trial
        return ListRow(id: row.organizationId, name: row.organizationName, tier: row.tier, licenseType: row.licenseType,
                       status: joined.status.map(OrganizationStatus.init(rawValue:)) ?? .active, activeSeats: row.activeSeats,
                       pendingSeats: row.pendingSeats, consumedLicenses: row.consumedLicenses,
                       change: joined.previousConsumed.map { row.consumedLicenses - $0 },
                       trialEndsAt: isTrial ? trialEnd : nil,
                       trialDaysLeft: isTrial ? trialEnd.map { max(0, $0 - today) } : nil,
                       searchKey: TextSearch.fold(row.organizationName))
    }
}

/// Sum of the visible rows.
public struct Totals: Sendable, Equatable {
    public var organizations = 0
    public var activeSeats = 0
    public var pendingSeats = 0
    public var consumedLicenses = 0
    /// Consumed seats of standard licenses: what is billed (trial and NFR are free).
    public var billableSeats = 0
    public var trialOrganizations = 0
    public var suspendedOrganizations = 0
    public init() {}
}
