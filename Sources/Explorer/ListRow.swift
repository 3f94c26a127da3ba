import Foundation
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
    /// The rows' positions in a table by their ids' hashes (open addressing: a probe
    /// starts at the slot the hash picks and goes on to the next until an empty one,
    /// -1), each beside its id's hash, so that bytes are compared only where the
    /// hashes agree. One or two slots a probe: a sorted block of hashes took a binary
    /// search of 16 steps, each a cache miss, for each of a bill's 88,000 rows.
    private let slotHashes: [UInt64]
    private let slotPositions: [Int32]
    private let size: Int
    private let hash: @Sendable (UnsafeBufferPointer<UInt8>) -> UInt64

    /// `hash`: `ByteHash.of`; a test gives one that collides.
    init(_ rows: [ListRow], hash: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> UInt64 = ByteHash.of) {
        self.rows = rows
        self.hash = hash
        // Three quarters full (12 bytes a slot: 0.8 MB for 50,000 rows), and always an
        // empty slot to end a probe.
        size = rows.count + rows.count / 3 + 1
        var hashes = [UInt64](repeating: 0, count: size), positions = [Int32](repeating: -1, count: size)
        for (i, row) in rows.enumerated() {
            let h = ByteHash.withBytes(row.id, hash)
            var slot = Self.slot(h, size)
            while positions[slot] >= 0 { slot = slot + 1 == size ? 0 : slot + 1 }
            hashes[slot] = h
            positions[slot] = Int32(i)
        }
        slotHashes = hashes
        slotPositions = positions
    }

    /// Whether no row is held (nothing to share).
    var isEmpty: Bool { rows.isEmpty }

    /// Whether two strings have the same bytes (String's == compares canonically).
    static func sameBytes(_ a: String, _ b: some Collection<UInt8>) -> Bool {
        let found: Bool?? = a.utf8.withContiguousStorageIfAvailable { a in
            b.withContiguousStorageIfAvailable { b in
                a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
            }
        }
        return (found ?? nil) ?? a.utf8.elementsEqual(b)
    }

    /// `row` with the held id and name of its organization, where they are the same.
    func sharing(_ row: UsageRow) -> UsageRow {
        let at = ByteHash.withBytes(row.organizationId, find)
        guard at >= 0 else { return row }
        var shared = sharingName(row, of: at)
        shared.organizationId = rows[Int(at)].id
        return shared
    }

    /// Where the organization of the id of these bytes is held (-1: it is not).
    func find(_ id: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard !rows.isEmpty else { return -1 }
        let h = hash(id)
        var slot = Self.slot(h, size)
        while slotPositions[slot] >= 0 {
            let held = Int(slotPositions[slot])
            if slotHashes[slot] == h, Self.sameBytes(rows[held].id, id) { return Int32(held) }
            slot = slot + 1 == size ? 0 : slot + 1
        }
        return -1
    }

    /// The slot a hash starts at: its place in 0..<size, by the high bits of a product.
    private static func slot(_ hash: UInt64, _ size: Int) -> Int { Int(hash.multipliedFullWidth(by: UInt64(size)).high) }

    /// The held id of the bytes given (for `MonthRead.rows`), and where it is held told
    /// to `found` (-1: it is not); nil when nothing is held.
    func ids(found: @escaping (Int32) -> Void = { _ in }) -> ((UnsafeBufferPointer<UInt8>) -> String?)? {
        isEmpty ? nil : { bytes in
            let at = find(bytes)
            found(at)
            return at >= 0 ? rows[Int(at)].id : nil
        }
    }

    /// `row` with the name of the row held at `at` (-1: none) where the bytes are the same.
    func sharingName(_ row: UsageRow, of at: Int32) -> UsageRow {
        guard !row.organizationName.isEmpty, let name = ByteHash.withBytes(row.organizationName, { heldName($0, of: at) }) else { return row }
        var shared = row
        shared.organizationName = name
        return shared
    }

    /// The held row's name (`at`, from `find`) when it has these bytes.
    func heldName(_ bytes: UnsafeBufferPointer<UInt8>, of at: Int32) -> String? {
        at >= 0 && Self.sameBytes(rows[Int(at)].name, bytes) ? rows[Int(at)].name : nil
    }
}
