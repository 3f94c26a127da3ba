import ProviderAPI
import UsageStore

/// One organization as the list shows it for the chosen period. Small (88 bytes; a
/// list holds 50,000): the tier, license type and status are one shared object, and
/// the optional numbers are stored without their optional's padding.
public struct ListRow: Sendable, Equatable, Identifiable {
    public let id: String
    public let name: String
    private let labels: RowLabels
    public let activeSeats: Int
    public let pendingSeats: Int
    public let consumedLicenses: Int
    /// `change`, with Int.min for none.
    private let changeValue: Int
    /// `trialEndsAt`'s ordinal and `trialDaysLeft`, with Int32.min for none (a day of
    /// the years 1-9999 and a count of days between two fit in 32 bits).
    private let trialEnd: Int32, daysLeft: Int32
    /// The name folded for search.
    let searchKey: [UInt8]

    public var tier: Tier { labels.tier }
    public var licenseType: LicenseType { labels.licenseType }
    public var status: OrganizationStatus { labels.status }
    /// Consumed seats against the period before; nil when the organization was not in it.
    public var change: Int? { changeValue == .min ? nil : changeValue }
    public var trialEndsAt: Day? { trialEnd == .min ? nil : Day(ordinal: Int(trialEnd)) }
    /// Days until the trial ends (0 on its last day); nil when not on trial.
    public var trialDaysLeft: Int? { daysLeft == .min ? nil : Int(daysLeft) }

    public var isTrial: Bool { licenseType == .trial }
    public var isNFR: Bool { licenseType == .nfr }
    public var isSuspended: Bool { status == .suspended }

    init(id: String, name: String, tier: Tier, licenseType: LicenseType, status: OrganizationStatus, activeSeats: Int,
         pendingSeats: Int, consumedLicenses: Int, change: Int?, trialEndsAt: Day?, trialDaysLeft: Int?, searchKey: [UInt8]) {
        self.id = id; self.name = name
        labels = RowLabels.shared(tier, licenseType, status)
        self.activeSeats = activeSeats; self.pendingSeats = pendingSeats; self.consumedLicenses = consumedLicenses
        changeValue = change ?? .min
        trialEnd = trialEndsAt.flatMap { Int32(exactly: $0.ordinal) } ?? .min
        daysLeft = trialDaysLeft.map { Int32(clamping: $0) } ?? .min
        self.searchKey = searchKey
    }

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
        // Seats beyond any plausible count can differ by more than an Int holds: no change then.
        let change = joined.previousConsumed.flatMap { previous -> Int? in
            let (d, overflow) = row.consumedLicenses.subtractingReportingOverflow(previous)
            return overflow || d == .min ? nil : d
        }
        return ListRow(id: row.organizationId, name: row.organizationName, tier: row.tier, licenseType: row.licenseType,
                       status: joined.status.map(OrganizationStatus.init(rawValue:)) ?? .active, activeSeats: row.activeSeats,
                       pendingSeats: row.pendingSeats, consumedLicenses: row.consumedLicenses, change: change,
                       trialEndsAt: isTrial ? trialEnd : nil,
                       trialDaysLeft: isTrial ? trialEnd.map { max(0, $0 - today) } : nil,
                       searchKey: TextSearch.fold(row.organizationName))
    }
}

/// A row's tier, license type and status: one object for each combination the rows
/// have (a handful), shared by the rows, in place of three strings a row.
final class RowLabels: Sendable {
    let tier: Tier
    let licenseType: LicenseType
    let status: OrganizationStatus

    private init(_ tier: Tier, _ licenseType: LicenseType, _ status: OrganizationStatus) {
        self.tier = tier; self.licenseType = licenseType; self.status = status
    }

    private struct Key: Hashable {
        let tier: Tier, licenseType: LicenseType, status: OrganizationStatus
    }

    /// The combinations met so far. Bounded: values the contract does not name come
    /// from the server, and a server sending a new one on every row must not make this
    /// grow without end (past the bound, a row gets an object of its own).
    private static let known = Locked<[Key: RowLabels]>([:])
    static let bound = 256
    static var count: Int { known.withLock { $0.count } }

    static func shared(_ tier: Tier, _ licenseType: LicenseType, _ status: OrganizationStatus) -> RowLabels {
        let key = Key(tier: tier, licenseType: licenseType, status: status)
        return known.withLock { known in
            if let labels = known[key] { return labels }
            let labels = RowLabels(tier, licenseType, status)
            if known.count < bound { known[key] = labels }
            return labels
        }
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

/// The ids and names of rows already held, found by id: a row read again for the same
/// organization takes them instead of its own copies.
struct SharedStrings: Sendable {
    private let rows: [ListRow]
    /// The rows' ids hashed (FNV-1a over their bytes), in order, beside the row each is
    /// of: a probe is a binary search over one block of 8-byte keys, then a comparison
    /// of bytes with the row found (ids of the same hash are looked at in turn). A search
    /// over the ids themselves went to a different string's memory at each step.
    private let hashes: [UInt64]
    private let positions: [Int32]
    private let hash: @Sendable (String) -> UInt64

    /// `hash`: FNV-1a; a test gives one that collides.
    init(_ rows: [ListRow], hash: @escaping @Sendable (String) -> UInt64 = SharedStrings.hash) {
        self.rows = rows
        self.hash = hash
        var keyed = rows.indices.map { (hash: hash(rows[$0].id), position: Int32($0)) }
        keyed.sort { $0.hash < $1.hash }
        hashes = keyed.map(\.hash)
        positions = keyed.map(\.position)
    }

    /// FNV-1a, 64 bits, of the UTF-8 bytes.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// `row` with the held id and name of its organization, where they are the same.
    func sharing(_ row: UsageRow) -> UsageRow {
        guard !hashes.isEmpty else { return row }
        let h = hash(row.organizationId)
        var at = hashes.withUnsafeBufferPointer { hashes in
            var low = 0, high = hashes.count
            while low < high {
                let mid = (low + high) / 2
                if hashes[mid] < h { low = mid + 1 } else { high = mid }
            }
            return low
        }
        while at < hashes.count, hashes[at] == h {
            let held = Int(positions[at])
            let id = rows[held].id
            if id.utf8.elementsEqual(row.organizationId.utf8) {
                var shared = row
                shared.organizationId = id
                let name = rows[held].name
                if name.utf8.elementsEqual(row.organizationName.utf8) { shared.organizationName = name }
                return shared
            }
            at += 1
        }
        return row
    }
}
