import ConnectWise
import Foundation
import ProviderAPI

extension ExplorerModel.Screen {
    public static let psa = ExplorerModel.Screen("psa")
}

extension Work.Kind {
    /// The PSA view's plan: the bill on the read thread, then ConnectWise.
    public static let psaPlan = Work.Kind("psa plan", replaces: true)
    /// An apply's writes, one apply at a time.
    public static let psaApply = Work.Kind("psa apply", exclusive: true)
}

extension PSAModel: ViewModel {
    public nonisolated static var screen: ExplorerModel.Screen { .psa }
    public nonisolated static var reads: [Work.Kind] { [.psaPlan] }
    public convenience init() { self.init(connection: nil) }
}

/// The PSA view's calls: each returns the work it needs (a read of the plan, an apply),
/// or says on the status line why there is none.
extension ExplorerModel {
    /// The PSA view's model: NordPass against ConnectWise.
    public var psa: PSAModel { view(PSAModel.self) }

    /// `p`: the PSA view of the month on screen in monthly mode, else of the month last
    /// shown there, else of the newest cached monthly report; nil (and the status line
    /// says how to set it up) without ConnectWise.
    public func openPSA() -> [Work] {
        guard psa.connection != nil else {
            setStatus(psa.unavailable ?? "ConnectWise is not set up: add [connectwise] to config.toml (README: Sync to ConnectWise PSA)", error: true)
            return []
        }
        let month: Month
        if case .month(let m) = period { month = m }
        else if let m = psa.month { month = m }
        else { month = ((try? store.cachedPeriods(.monthly)) ?? []).first.flatMap { Month($0) } ?? ReportSchedule.newestMonth(at: now()) }
        open(.psa)
        return plan(month)
    }

    /// `[` `]` in the PSA view (not while an apply runs: its results are of this month).
    public func stepPSA(by n: Int) -> [Work] {
        guard let m = psa.month?.adding(months: n) else { return [] }
        if psa.applying != nil { setStatus("an apply is running: the month changes once it ends", error: false); return [] }
        if m > ReportSchedule.newestMonth(at: now()) {
            setStatus("\(m) has no monthly report yet: it is generated on the 1st of the next month at 00:01:02 UTC", error: false); return []
        }
        if let refusal = beforeHistory(.month(m)) { setStatus(refusal, error: false); return [] }
        return plan(m)
    }

    /// The month's plan read again (after an apply, a mapping, or on request).
    public func replanPSA() -> [Work] {
        guard screens.contains(.psa), let m = psa.month else { return [] }
        return plan(m)
    }

    /// The plan of `month`: the bill on the read thread, then ConnectWise; only the
    /// newest lands.
    private func plan(_ month: Month) -> [Work] {
        guard let read = psa.request(month, store: store, historyStart: historyStart.day) else { return [] }
        return [work(.psaPlan) { _ in
            let bill = await ReadThread.shared.run { read.readBill() }
            let planned = await read.finish(bill)
            return { model in model.psa.landed(planned); return [] }
        }]
    }

    /// `a` in the PSA view: asks on the status line (or says why not).
    public func askToApplyPSA() {
        if let why = psa.askToApply() { setStatus(why, error: false) } else { clearStatus() }
    }

    /// The answer to the question: the apply to run (each change lands as it is made,
    /// then its end and the plan read again), or nothing written.
    public func answerPSA(_ yes: Bool) -> [Work] {
        let apply = psa.answer(yes)
        if !yes { setStatus("not applied; nothing was written to ConnectWise", error: false) }
        guard let apply else { return [] }
        return [work(.psaApply) { sink in
            let stopped = await apply.run { result in sink.land { model in model.psa.applied(result); return [] } }
            return { model in model.psaApplyEnded(stopped) }
        }]
    }

    /// Enter in the PSA view: the line's organizations.
    public func drillIntoPSALine() {
        if !psa.drill() { setStatus("no organizations behind this line", error: false) }
    }

    /// Esc in the PSA view: out of a drill, else back to where it came from.
    public func leavePSA() {
        if !psa.leaveDrill() { back() }
    }

    /// The suggested company of an unmapped organization, accepted: kept, then the
    /// month planned again.
    public func acceptPSASuggestion() -> [Work] {
        do {
            guard let said = try psa.acceptSuggestion() else {
                setStatus("only an unmapped organization with a suggested company can be mapped here", error: false)
                return []
            }
            setStatus(said, error: false)
            return replanPSA()
        } catch {
            setStatus("could not keep the mapping: \(Failure(error).message)", error: true)
            return []
        }
    }

    /// The apply ended: the status line says what it came to; the plan is read again.
    func psaApplyEnded(_ error: String?) -> [Work] {
        let said = psa.applyEnded(error)
        setStatus(said.text, error: said.isError)
        return replanPSA()
    }
}
