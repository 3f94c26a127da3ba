import ConnectWise
import Foundation
import ProviderAPI

/// The PSA view's calls: each returns the work it needs (a read of the plan, an apply)
/// for the front to run, or says on the status line why there is none.
extension ExplorerModel {
    /// `p`: the PSA view of the month on screen in monthly mode, else of the month last
    /// shown there, else of the newest cached monthly report; nil (and the status line
    /// says how to set it up) without ConnectWise.
    public func openPSA() -> PSARead? {
        guard psa.connection != nil else {
            setStatus(psa.unavailable ?? "ConnectWise is not set up: add [connectwise] to config.toml (README: Sync to ConnectWise PSA)", error: true)
            return nil
        }
        let month: Month
        if case .month(let m) = period { month = m }
        else if let m = psa.month { month = m }
        else { month = ((try? store.cachedPeriods(.monthly)) ?? []).first.flatMap { Month($0) } ?? ReportSchedule.newestMonth(at: now()) }
        open(.psa)
        return psa.request(month, store: store, historyStart: historyStart.day)
    }

    /// `[` `]` in the PSA view (not while an apply runs: its results are of this month).
    public func stepPSA(by n: Int) -> PSARead? {
        guard let m = psa.month?.adding(months: n) else { return nil }
        if psa.applying != nil { setStatus("an apply is running: the month changes once it ends", error: false); return nil }
        if m > ReportSchedule.newestMonth(at: now()) {
            setStatus("\(m) has no monthly report yet: it is generated on the 1st of the next month at 00:01:02 UTC", error: false); return nil
        }
        if let refusal = beforeHistory(.month(m)) { setStatus(refusal, error: false); return nil }
        return psa.request(m, store: store, historyStart: historyStart.day)
    }

    /// The month's plan read again (after an apply, a mapping, or on request).
    public func replanPSA() -> PSARead? {
        guard screens.contains(.psa), let m = psa.month else { return nil }
        return psa.request(m, store: store, historyStart: historyStart.day)
    }

    /// `a` in the PSA view: asks on the status line (or says why not).
    public func askToApplyPSA() {
        if let why = psa.askToApply() { setStatus(why, error: false) } else { clearStatus() }
    }

    /// The answer to the question: the apply to run, or nothing written.
    public func answerPSA(_ yes: Bool) -> PSAApply? {
        let apply = psa.answer(yes)
        if !yes { setStatus("not applied; nothing was written to ConnectWise", error: false) }
        return apply
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
    public func acceptPSASuggestion() -> PSARead? {
        do {
            guard let said = try psa.acceptSuggestion() else {
                setStatus("only an unmapped organization with a suggested company can be mapped here", error: false)
                return nil
            }
            setStatus(said, error: false)
            return replanPSA()
        } catch {
            setStatus("could not keep the mapping: \(Failure(error).message)", error: true)
            return nil
        }
    }

    /// The apply ended: the status line says what it came to; the plan is read again.
    public func psaApplyEnded(_ error: String?) -> PSARead? {
        let said = psa.applyEnded(error)
        setStatus(said.text, error: said.isError)
        return replanPSA()
    }
}
