import Foundation
import ProviderAPI

/// How the user left the explorer, per provider and API host: filters, sort, daily or
/// monthly mode, the selected organization, and the last period seen (what `changes`
/// compares against). Stored as JSON by the executable; this type does no I/O.
public struct ViewState: Codable, Sendable, Equatable {
    public var trialOnly = false
    public var nfrOnly = false
    public var tier: String?
    public var sort: String = OrganizationListModel.SortKey.name.rawValue
    public var ascending = true
    public var monthly = false
    public var selectedOrganization: String?
    /// The newest day and month the user looked at (`YYYY-MM-DD`, `YYYY-MM`).
    public var lastSeenDay: String?
    public var lastSeenMonth: String?

    public init() {}

    /// Every field may be missing (a file written by another version): it keeps its default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trialOnly = try c.decodeIfPresent(Bool.self, forKey: .trialOnly) ?? false
        nfrOnly = try c.decodeIfPresent(Bool.self, forKey: .nfrOnly) ?? false
        tier = try c.decodeIfPresent(String.self, forKey: .tier)
        sort = try c.decodeIfPresent(String.self, forKey: .sort) ?? OrganizationListModel.SortKey.name.rawValue
        ascending = try c.decodeIfPresent(Bool.self, forKey: .ascending) ?? true
        monthly = try c.decodeIfPresent(Bool.self, forKey: .monthly) ?? false
        selectedOrganization = try c.decodeIfPresent(String.self, forKey: .selectedOrganization)
        lastSeenDay = try c.decodeIfPresent(String.self, forKey: .lastSeenDay)
        lastSeenMonth = try c.decodeIfPresent(String.self, forKey: .lastSeenMonth)
    }

    /// The last period seen of the kind of `like` (a day for a day, a month for a month).
    public func lastSeen(like period: Period) -> Period? {
        switch period {
        case .day: return lastSeenDay.flatMap { Day($0) }.map { .day($0) }
        case .month: return lastSeenMonth.flatMap { Month($0) }.map { .month($0) }
        }
    }
}

extension ExplorerModel {
    /// The state to remember now.
    public var viewState: ViewState {
        var s = ViewState()
        s.trialOnly = list.trialOnly
        s.nfrOnly = list.nfrOnly
        s.tier = list.tier?.rawValue
        s.sort = list.sortKey.rawValue
        s.ascending = list.ascending
        s.monthly = !period.isDaily
        s.selectedOrganization = list.selectedRow?.id
        s.lastSeenDay = lastSeen(daily: true)?.description ?? remembered?.lastSeenDay
        s.lastSeenMonth = lastSeen(daily: false)?.description ?? remembered?.lastSeenMonth
        return s
    }

    /// Opens as the user left it: the filters, the sort, the mode (on its newest
    /// period), the selection. Set before the rows are read, so they are sorted once;
    /// returns the work that needs (the rest of a big report, the fetch of the
    /// remembered mode's period when it is not cached, the count of unseen changes).
    public func restore(_ state: ViewState) -> [Work] {
        list.trialOnly = state.trialOnly
        list.nfrOnly = state.nfrOnly
        list.tier = state.tier.map(Tier.init(rawValue:))
        if let key = OrganizationListModel.SortKey(rawValue: state.sort) { list.setSort(key, ascending: state.ascending) }
        if let id = state.selectedOrganization { list.select(id: id) }
        remembered = state
        // The read (the count of unseen changes with it, now that `remembered` is set).
        let works = state.monthly && period.isDaily ? toggleMode() : reload()
        if let id = state.selectedOrganization { list.select(id: id) }
        refreshDetail()
        return works
    }
}
