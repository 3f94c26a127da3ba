import Foundation
import ProviderAPI
import Sync

extension ExplorerModel.Screen {
    public static let billing = ExplorerModel.Screen("billing")
}

extension Work.Kind {
    /// A bill's read (then the month before's), behind the screen.
    public static let bill = Work.Kind("bill", replaces: true, spins: true)
}

extension BillingModel: ViewModel {
    public nonisolated static var screen: ExplorerModel.Screen { .billing }
    public nonisolated static var reads: [Work.Kind] { [.bill] }
    public convenience init() { self.init(prices: PriceList()) }
}

/// The billing view's calls: the month's bill read behind the screen, its monthly
/// report fetched when it is not cached, months stepped, a line opened.
extension ExplorerModel {
    /// The billing view's model.
    public var billing: BillingModel { view(BillingModel.self) }

    /// `b`: the bill of the month on screen in monthly mode, else of the newest month
    /// with a cached monthly report (else the newest the schedule allows).
    public func openBilling() -> [Work] {
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
    public func stepBill(by n: Int) -> [Work] {
        guard let m = billing.month?.adding(months: n) else { return [] }
        if m > ReportSchedule.newestMonth(at: now()) {
            setStatus("\(m) has no monthly report yet: it is generated on the 1st of the next month at 00:01:02 UTC", error: false); return []
        }
        if let refusal = beforeHistory(.month(m)) { setStatus(refusal, error: false); return [] }
        return showBill(m)
    }

    /// Reads the bill of `month` from the cache; when its monthly report is not cached
    /// and we are online, also fetches it (and reads the bill again then).
    func showBill(_ month: Month) -> [Work] {
        let read = readBill(month)
        guard !store.has(.monthly(month)), let source, source.client != nil else { return [read] }
        return [read, fetch(Fetch(period: .month(month), purpose: .bill, source: source))]
    }

    /// The read of `month`'s bill (then of the month before's, for the Δ), behind.
    func readBill(_ month: Month) -> Work {
        read(.bill, billing.request(month, store: store, listed: list.allRows, historyStart: historyStart.day))
    }

    /// Enter in the billing view: the organization's detail, in monthly mode on the
    /// bill's month, over the bill (Esc comes back to it, on the same line).
    public func drillIntoBillLine() -> [Work] {
        guard let line = billing.selectedLine, let month = billing.month else { return [] }
        let works = show(.month(month))
        list.clearFilters()
        list.select(id: line.organizationId)
        open(.detail)
        return works
    }
}
