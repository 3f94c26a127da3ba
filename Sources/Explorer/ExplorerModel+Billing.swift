import Foundation
import ProviderAPI
import Sync

/// The billing view's calls: the month's bill read behind the screen, its monthly
/// report fetched when it is not cached, months stepped, a line opened.
extension ExplorerModel {
    /// `b`: the bill of the month on screen in monthly mode, else of the newest month
    /// with a cached monthly report (else the newest the schedule allows).
    public func openBilling() -> Fetch? {
        let month: Month
        if case .month(let m) = period { month = m }
        else if let m = billing.month { month = m }
        else {
            month = ((try? store.cachedPeriods(.monthly)) ?? []).first.flatMap { Month($0) } ?? ReportSchedule.newestMonth(at: now())
        }
        open(.billing)
        return showBill(month)
    }

    /// `[` `]` in the billing view.
    public func stepBill(by n: Int) -> Fetch? {
        guard let m = billing.month?.adding(months: n) else { return nil }
        if m > ReportSchedule.newestMonth(at: now()) {
            setStatus("\(m) has no monthly report yet: it is generated on the 1st of the next month at 00:01:02 UTC", error: false); return nil
        }
        if let refusal = beforeHistory(.month(m)) { setStatus(refusal, error: false); return nil }
        return showBill(m)
    }

    /// Loads the bill of `month` from the cache; when its monthly report is not cached
    /// and we are online, returns the fetch that brings it.
    func showBill(_ month: Month) -> Fetch? {
        askRead(billing.request(month, store: store, listed: list.allRows, historyStart: historyStart.day))
        guard !store.has(.monthly(month)), let source, source.client != nil else { return nil }
        loading += 1
        return Fetch(period: .month(month), purpose: .bill, source: source)
    }

    /// Enter in the billing view: the organization's detail, in monthly mode on the
    /// bill's month, over the bill (Esc comes back to it, on the same line).
    public func drillIntoBillLine() -> Fetch? {
        guard let line = billing.selectedLine, let month = billing.month else { return nil }
        let fetch = show(.month(month))
        list.clearFilters()
        list.select(id: line.organizationId)
        open(.detail)
        return fetch
    }
}
