import Foundation
import ProviderAPI
import UsageStore

/// The title bar's count of unseen changes, made off the main actor.
public struct UnseenCount: Sendable {
    public struct Result: Sendable {
        let pair: ComparedPeriods
        let count: Int?
        /// Not made: withdrawn before it started.
        var withdrawn = false
    }

    let pair: ComparedPeriods
    let store: UsageStore
    /// Withdrawn when another count is asked before this one starts.
    let wanted = Wanted()

    /// Compares the two reports from the cache (nil when one is not cached), on the
    /// caller's thread (the front runs it on its thread for big reads); nothing when
    /// withdrawn (its result would be dropped).
    public func read() -> Result {
        guard wanted.still else { return Result(pair: pair, count: nil, withdrawn: true) }
        var finder = ChangeFinder(lastDay: pair.to.lastDay, rules: pair.rules, countOnly: true)
        let compared = ChangesModel.compare(from: pair.from, to: pair.to, store: store, into: &finder)
        return Result(pair: pair, count: (try? compared.get()).map { finder.count })
    }
}

/// The periods and rules a count of unseen changes was made with.
struct ComparedPeriods: Equatable, Sendable {
    let from: Period
    let to: Period
    let rules: ChangeRules
}
