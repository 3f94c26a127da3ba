import Observation
import ProviderAPI

/// The organization list of the chosen period: filters that combine, an incremental
/// name search, sorting, a selection kept by organization id, and the totals of what
/// is visible.
@MainActor @Observable
public final class OrganizationListModel {
    public enum SortKey: String, CaseIterable, Sendable {
        case name, seats, change, trialEnd
        public var label: String {
            switch self {
            case .name: return "name"
            case .seats: return "seats"
            case .change: return "change"
            case .trialEnd: return "trial end"
            }
        }
    }

    /// Every row of the period, kept sorted by the current sort.
    public private(set) var allRows: [ListRow] = []
    /// The rows that pass the filters and the search, in sort order.
    public private(set) var visible: [ListRow] = []
    public private(set) var totals = Totals()

    public var trialOnly = false { didSet { if trialOnly != oldValue { refilter() } } }
    public var nfrOnly = false { didSet { if nfrOnly != oldValue { refilter() } } }
    public var tier: Tier? { didSet { if tier != oldValue { refilter() } } }
    public var status: OrganizationStatus? { didSet { if status != oldValue { refilter() } } }
    /// A tier-matrix cell the list is narrowed to.
    public var cell: (tier: Tier, licenseType: LicenseType)? {
        didSet { if cell?.tier != oldValue?.tier || cell?.licenseType != oldValue?.licenseType { refilter() } }
    }
    /// The name search; typing extends it, and only the rows that matched before are searched again.
    public var search = "" { didSet { if search != oldValue { refilter(narrowing: search.hasPrefix(oldValue)) } } }

    public private(set) var sortKey = SortKey.name
    public private(set) var ascending = true

    /// The organization the cursor is on, by id; kept across refreshes and filters.
    public private(set) var selectedID: String?

    public init() {}

    // MARK: - Data

    /// New rows for the period (a load or a refresh); filters, sort and selection stay.
    public func setRows(_ rows: [ListRow]) {
        allRows = sorted(rows)
        refilter()
    }

    // MARK: - Sorting

    /// Sorts by `key`; choosing the current key again reverses the order.
    public func sort(by key: SortKey) {
        if key == sortKey { ascending.toggle() } else { sortKey = key; ascending = key == .name || key == .trialEnd }
        allRows = sorted(allRows)
        refilter()
    }

    /// The next sort key in turn (`s`), and reverse (`S`).
    public func cycleSort() {
        let keys = SortKey.allCases
        sortKey = keys[(keys.firstIndex(of: sortKey)! + 1) % keys.count]
        ascending = sortKey == .name || sortKey == .trialEnd
        allRows = sorted(allRows)
        refilter()
    }

    public func reverseSort() { sort(by: sortKey) }

    private func sorted(_ rows: [ListRow]) -> [ListRow] {
        let key = sortKey, up = ascending
        return rows.sorted { a, b in
            let order: Int
            switch key {
            case .name: order = a.searchKey.lexicographicallyPrecedes(b.searchKey) ? -1 : (b.searchKey.lexicographicallyPrecedes(a.searchKey) ? 1 : 0)
            case .seats: order = a.consumedLicenses == b.consumedLicenses ? 0 : (a.consumedLicenses < b.consumedLicenses ? -1 : 1)
            case .change:
                let x = a.change ?? Int.min, y = b.change ?? Int.min
                order = x == y ? 0 : (x < y ? -1 : 1)
            case .trialEnd:
                let x = a.trialEndsAt?.ordinal ?? Int.max, y = b.trialEndsAt?.ordinal ?? Int.max
                order = x == y ? 0 : (x < y ? -1 : 1)
            }
            if order == 0 { return a.id < b.id }
            return up ? order < 0 : order > 0
        }
    }

    // MARK: - Filtering

    /// Whether any filter or search is on.
    public var isFiltered: Bool {
        trialOnly || nfrOnly || tier != nil || status != nil || cell != nil || !search.isEmpty
    }

    /// The active filters in words, for the list's title ("trial, enterprise, /acme").
    public var filterSummary: String {
        var parts: [String] = []
        if trialOnly { parts.append("trial") }
        if nfrOnly { parts.append("NFR") }
        if let tier { parts.append(tier.rawValue) }
        if let status { parts.append(status.rawValue) }
        if let cell { parts.append("\(cell.tier.rawValue)×\(cell.licenseType.rawValue)") }
        if !search.isEmpty { parts.append("/" + search) }
        return parts.joined(separator: ", ")
    }

    public func clearFilters() {
        trialOnly = false; nfrOnly = false; tier = nil; status = nil; cell = nil; search = ""
    }

    /// `T`: all tiers -> business -> enterprise -> all.
    public func cycleTier() {
        tier = tier == nil ? .business : tier == .business ? .enterprise : nil
    }

    private func refilter(narrowing: Bool = false) {
        let base = narrowing ? visible : allRows
        let needle = TextSearch.fold(search)
        let trial = trialOnly, nfr = nfrOnly, tier = tier, status = status, cell = cell
        var out: [ListRow] = []
        out.reserveCapacity(base.count)
        var t = Totals()
        for row in base {
            if trial && !row.isTrial { continue }
            if nfr && !row.isNFR { continue }
            if let tier, row.tier != tier { continue }
            if let status, row.status != status { continue }
            if let cell, row.tier != cell.tier || row.licenseType != cell.licenseType { continue }
            if !needle.isEmpty && !TextSearch.contains(row.searchKey, needle) { continue }
            out.append(row)
            t.organizations += 1
            t.activeSeats += row.activeSeats
            t.pendingSeats += row.pendingSeats
            t.consumedLicenses += row.consumedLicenses
        }
        visible = out
        totals = t
        indexCache = nil
    }

    // MARK: - Selection

    @ObservationIgnored private var indexCache: [String: Int]?

    /// The index of the selected row among the visible ones: the remembered
    /// organization if visible, else the first row; nil when nothing is visible.
    public var selectedIndex: Int? {
        guard !visible.isEmpty else { return nil }
        guard let selectedID else { return 0 }
        if indexCache == nil {
            var map = [String: Int](minimumCapacity: visible.count)
            for (i, r) in visible.enumerated() { map[r.id] = i }
            indexCache = map
        }
        return indexCache?[selectedID] ?? 0
    }

    public var selectedRow: ListRow? { selectedIndex.map { visible[$0] } }

    public func select(id: String) { selectedID = id }

    /// Moves the cursor by `delta` rows (negative is up), stopping at the ends.
    public func moveSelection(by delta: Int) {
        guard !visible.isEmpty else { return }
        let target = min(max(0, (selectedIndex ?? 0) + delta), visible.count - 1)
        selectedID = visible[target].id
    }

    public func selectFirst() { if let first = visible.first { selectedID = first.id } }
    public func selectLast() { if let last = visible.last { selectedID = last.id } }
}
