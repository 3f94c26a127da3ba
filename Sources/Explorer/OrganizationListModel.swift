import Foundation
import Observation
import ProviderAPI

/// The organization list of the chosen period: filters that combine, an incremental
/// name search, sorting, a selection kept by organization id, and the totals of what
/// is visible.
@MainActor @Observable
public final class OrganizationListModel: LineList {
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
    public private(set) var allRows: [ListRow] = [] { didSet { rebuildCodes() } }
    /// The rows that pass the filters and the search, in sort order: indices into
    /// `allRows`, so a keystroke over 50,000 organizations copies integers, not rows.
    public private(set) var visible = RowView(rows: [], indices: [])
    public private(set) var totals = Totals()

    /// Trial only and NFR only exclude each other (a license is one or the other), so
    /// turning one on turns the other off rather than showing an empty list.
    public var trialOnly = false {
        didSet { if trialOnly != oldValue { if trialOnly { nfrOnly = false }; searchResults = [:]; refilter() } }
    }
    public var nfrOnly = false {
        didSet { if nfrOnly != oldValue { if nfrOnly { trialOnly = false }; searchResults = [:]; refilter() } }
    }
    public var tier: Tier? { didSet { if tier != oldValue { searchResults = [:]; refilter() } } }
    public var status: OrganizationStatus? { didSet { if status != oldValue { searchResults = [:]; refilter() } } }
    /// A tier-matrix cell the list is narrowed to.
    public var cell: (tier: Tier, licenseType: LicenseType)? {
        didSet { if cell?.tier != oldValue?.tier || cell?.licenseType != oldValue?.licenseType { searchResults = [:]; refilter() } }
    }
    /// The rows each recent search text matched under the current filters, rows and
    /// sort: a backspace finds its answer here instead of searching 50,000 names again.
    @ObservationIgnored private var searchResults: [String: [Int32]] = [:]
    /// The name search; typing extends it, and only the rows that matched before are searched again.
    public var search = "" { didSet { if search != oldValue { refilter(narrowing: search.hasPrefix(oldValue)) } } }

    /// Names that more than one organization of the period carries: the screen adds a
    /// piece of the id to tell them apart.
    public private(set) var sharedNames: Set<String> = []

    public private(set) var sortKey = SortKey.name
    public private(set) var ascending = true

    /// The organization the cursor is on, by id; kept across refreshes and filters.
    public private(set) var selectedID: String?

    public init() {}

    // MARK: - Data

    /// While the period's rows load behind: how many there are (the first screenful is
    /// shown meanwhile); nil once they are all here.
    public private(set) var loadingTotal: Int?

    /// New rows for the period (a load or a refresh); filters, sort and selection stay.
    /// `sortedAs`: the sort the rows already have (sorted behind), so they are not
    /// sorted again when it is still the list's.
    public func setRows(_ rows: [ListRow], sortedAs: (key: SortKey, ascending: Bool)? = nil) {
        var seen = Set<String>(minimumCapacity: rows.count), twice = Set<String>()
        for row in rows where !seen.insert(row.name).inserted { twice.insert(row.name) }
        sharedNames = twice
        if sortedAs.map({ $0.key == sortKey && $0.ascending == ascending }) == true {
            allRows = rows
        } else {
            var rows = rows
            Self.sort(&rows, by: sortKey, ascending: ascending)
            allRows = rows
        }
        loadingTotal = nil
        searchResults = [:]
        refilter()
    }

    /// The first screenful of a period whose `total` rows load behind: already in the
    /// list's order and through its filters.
    public func showPreview(_ rows: [ListRow], total: Int) {
        var seen = Set<String>(minimumCapacity: rows.count), twice = Set<String>()
        for row in rows where !seen.insert(row.name).inserted { twice.insert(row.name) }
        sharedNames = twice
        allRows = rows
        loadingTotal = total
        searchResults = [:]
        refilter()
    }

    // MARK: - Sorting

    /// Sorts by `key`; choosing the current key again reverses the order.
    public func sort(by key: SortKey) {
        if key == sortKey { ascending.toggle() } else { sortKey = key; ascending = key == .name || key == .trialEnd }
        resort()
        searchResults = [:]
        refilter()
    }

    /// The next sort key in turn (`s`), and reverse (`S`).
    public func cycleSort() {
        let keys = SortKey.allCases
        sortKey = keys[(keys.firstIndex(of: sortKey)! + 1) % keys.count]
        ascending = sortKey == .name || sortKey == .trialEnd
        resort()
        searchResults = [:]
        refilter()
    }

    public func reverseSort() { sort(by: sortKey) }

    /// Sets the sort outright (a remembered view): the rows are sorted once, and not at
    /// all when nothing changes.
    public func setSort(_ key: SortKey, ascending up: Bool) {
        guard key != sortKey || up != ascending else { return }
        sortKey = key
        ascending = up
        resort()
        searchResults = [:]
        refilter()
    }

    /// Sorts the rows by the current key, either way, ties by id. The rows are let go
    /// by the list (and its view) first, so they move in place: no second copy of
    /// 50,000 rows exists at once.
    private func resort() {
        var rows = allRows
        allRows = []
        visible = RowView(rows: [], indices: [])
        Self.sort(&rows, by: sortKey, ascending: ascending)
        allRows = rows
    }

    /// The sort itself, on any thread (a load behind sorts before it hands the rows
    /// over). Rows are ordered through an index array and a 64-bit key a row (the first
    /// 8 bytes of a folded name, or the number), so 50,000 rows sort without moving the
    /// rows at each comparison; then they move in place, cycle by cycle.
    nonisolated public static func sort(_ rows: inout [ListRow], by sortKey: SortKey, ascending: Bool) {
        rows.permute(by: ordering(rows, by: sortKey, ascending: ascending))
    }

    /// The positions of `rows` in sorted order.
    nonisolated static func ordering(_ rows: [ListRow], by sortKey: SortKey, ascending: Bool) -> [Int] {
        let n = rows.count
        var primary = [UInt64](repeating: 0, count: n), secondary = [UInt64](repeating: 0, count: n)
        // Signed numbers to unsigned keys that keep their order.
        func key(_ v: Int) -> UInt64 { UInt64(bitPattern: Int64(v)) ^ (1 << 63) }
        for i in 0..<n {
            switch sortKey {
            case .name:
                // Sixteen bytes of the name's collation key (digits as numbers) in two
                // numbers: names that share a long start ("Adatum AB 2", "Adatum AB 3")
                // are told apart without touching the rows.
                (primary[i], secondary[i]) = TextSearch.numberedPrefix(rows[i].searchKey)
            case .seats: primary[i] = key(rows[i].consumedLicenses)
            case .change: primary[i] = key(rows[i].change ?? Int.min)
            case .trialEnd: primary[i] = key(rows[i].trialEndsAt?.ordinal ?? Int.max)
            }
        }
        let up = ascending, byName = sortKey == .name
        var order = Array(0..<n)
        primary.withUnsafeBufferPointer { p in secondary.withUnsafeBufferPointer { q in
            order.sort { a, b in
                if p[a] != p[b] { return up ? p[a] < p[b] : p[a] > p[b] }
                if q[a] != q[b] { return up ? q[a] < q[b] : q[a] > q[b] }
                if byName {
                    // Past the sixteen bytes (or a tie in them): the whole keys.
                    let c = TextSearch.naturalCompare(rows[a].searchKey, rows[b].searchKey)
                    if c != 0 { return up ? c < 0 : c > 0 }
                }
                return rows[a].id < rows[b].id
            }
        } }
        return order
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

    // What the filters test, by row, as small codes: read without touching the rows' strings.
    @ObservationIgnored private var tierCodes: [Int32] = []
    @ObservationIgnored private var licenseCodes: [Int32] = []
    @ObservationIgnored private var statusCodes: [Int32] = []
    @ObservationIgnored private var keys: [[UInt8]] = []
    /// One small number for each distinct value of a field (tiers, license types and
    /// statuses share the table; their values never collide in meaning).
    @ObservationIgnored private var codeOf: [String: Int32] = [:]

    private func code(_ s: String) -> Int32 {
        if let c = codeOf[s] { return c }
        let c = Int32(codeOf.count)
        codeOf[s] = c
        return c
    }

    private func rebuildCodes() {
        // One pass over the rows, read in place (a `map` over the rows copied each one).
        let n = allRows.count
        var tiers = [Int32](), licenses = [Int32](), statuses = [Int32](), names = [[UInt8]]()
        tiers.reserveCapacity(n); licenses.reserveCapacity(n); statuses.reserveCapacity(n); names.reserveCapacity(n)
        allRows.withUnsafeBufferPointer { rows in
            for i in 0..<n {
                tiers.append(code(rows[i].tier.rawValue))
                licenses.append(code(rows[i].licenseType.rawValue))
                statuses.append(code(rows[i].status.rawValue))
                names.append(rows[i].searchKey)
            }
        }
        tierCodes = tiers; licenseCodes = licenses; statusCodes = statuses; keys = names
    }

    private func refilter(narrowing: Bool = false) {
        let needle = TextSearch.fold(search)
        let trialCode = code(LicenseType.trial.rawValue), nfrCode = code(LicenseType.nfr.rawValue)
        let tierCode = tier.map { code($0.rawValue) }, statusCode = status.map { code($0.rawValue) }
        let cellCodes = cell.map { (code($0.tier.rawValue), code($0.licenseType.rawValue)) }
        let trial = trialOnly, nfr = nfrOnly
        var out: [Int32] = []
        var t = Totals()
        func consider(_ i: Int) {
            let license = licenseCodes[i]
            if trial && license != trialCode { return }
            if nfr && license != nfrCode { return }
            if let tierCode, tierCodes[i] != tierCode { return }
            if let statusCode, statusCodes[i] != statusCode { return }
            if let cellCodes, tierCodes[i] != cellCodes.0 || license != cellCodes.1 { return }
            if !needle.isEmpty && !TextSearch.contains(keys[i], needle) { return }
            out.append(Int32(i))
        }
        if let known = searchResults[search] {
            out = known
        } else if narrowing {
            out.reserveCapacity(visible.count)
            for i in visible.indices32 { consider(Int(i)) }
        } else {
            out.reserveCapacity(allRows.count)
            for i in 0..<allRows.count { consider(i) }
        }
        if searchResults.count > 64 { searchResults = [:] }
        searchResults[search] = out
        // Sums over small integer codes, not the rows' strings: this runs on every keystroke.
        let standard = code(LicenseType.standard.rawValue), suspended = code(OrganizationStatus.suspended.rawValue)
        allRows.withUnsafeBufferPointer { rows in
            licenseCodes.withUnsafeBufferPointer { licenses in
                statusCodes.withUnsafeBufferPointer { statuses in
                    for i in out {
                        let n = Int(i)
                        let consumed = rows[n].consumedLicenses
                        t.activeSeats += rows[n].activeSeats
                        t.pendingSeats += rows[n].pendingSeats
                        t.consumedLicenses += consumed
                        if licenses[n] == standard { t.billableSeats += consumed }
                        if licenses[n] == trialCode { t.trialOrganizations += 1 }
                        if statuses[n] == suspended { t.suspendedOrganizations += 1 }
                    }
                }
            }
        }
        t.organizations = out.count
        visible = RowView(rows: allRows, indices: out)
        totals = t
        filterings += 1
    }

    // MARK: - Selection

    /// Where the selected organization was last found among the visible rows (-1: not
    /// among them), and for which filtering of the rows (`filterings`): a move knows the
    /// row it lands on, so only a new filter or sort makes the list look for it again.
    @ObservationIgnored private var found: (id: String, filtering: Int, index: Int)?
    @ObservationIgnored private var filterings = 0

    /// The index of the selected row among the visible ones: the remembered
    /// organization if visible, else the first row; nil when nothing is visible.
    public var selectedIndex: Int? {
        guard !visible.isEmpty else { return nil }
        guard let selectedID else { return 0 }
        if let found, found.id == selectedID, found.filtering == filterings { return max(0, found.index) }
        let index = visible.firstIndex { $0.id == selectedID } ?? -1
        found = (selectedID, filterings, index)
        return max(0, index)
    }

    public var selectedRow: ListRow? { selectedIndex.map { visible[$0] } }

    public func select(id: String) { selectedID = id }

    /// Moves the cursor by `delta` rows (negative is up), stopping at the ends.
    public func moveSelection(by delta: Int) {
        guard !visible.isEmpty else { return }
        select(at: LineCursor.clamp((selectedIndex ?? 0) + delta, visible.count))
    }

    private func select(at index: Int) {
        selectedID = visible[index].id
        found = (visible[index].id, filterings, index)
    }

    /// The movement keys' name for `moveSelection(by:)` (the list is a `LineList`).
    public func move(by delta: Int) { moveSelection(by: delta) }
    public func selectFirst() { if !visible.isEmpty { select(at: 0) } }
    public func selectLast() { if !visible.isEmpty { select(at: visible.count - 1) } }
}

/// The visible rows: a view of the period's rows through the indices that pass.
public struct RowView: RandomAccessCollection, Sendable {
    let rows: [ListRow]
    let indices32: [Int32]

    init(rows: [ListRow], indices: [Int32]) {
        self.rows = rows
        self.indices32 = indices
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { indices32.count }
    public subscript(position: Int) -> ListRow { rows[Int(indices32[position])] }
}

extension Array {
    /// Reorders in place so that `self[i]` becomes the old `self[order[i]]`, cycle by
    /// cycle: no second array of the elements, and each element moved, not copied (a
    /// copy retained its strings and released the one it replaced: a fifth of a
    /// 44,000-line bill's ordering).
    mutating func permute(by order: [Int]) {
        precondition(order.count == count, "an order of every element")
        var placed = [Bool](repeating: false, count: count)
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for start in 0..<buffer.count where !placed[start] {
                var i = start
                let first = (base + start).move()
                while true {
                    placed[i] = true
                    let from = order[i]
                    if from == start { (base + i).initialize(to: first); break }
                    (base + i).moveInitialize(from: base + from, count: 1)
                    i = from
                }
            }
        }
    }
}
