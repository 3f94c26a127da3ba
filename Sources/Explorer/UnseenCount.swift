import Foundation
import ProviderAPI
import UsageStore

/// The title bar's count of unseen changes, made off the main actor.
enum UnseenCount {
    /// Compares the two reports from the cache: how many changes; nil when one is not cached.
    static func count(_ pair: ComparedPeriods, store: UsageStore) -> Int? {
        var finder = ChangeFinder(lastDay: pair.to.lastDay, rules: pair.rules, countOnly: true)
        let compared = ChangesModel.compare(from: pair.from, to: pair.to, store: store, into: &finder)
        return (try? compared.get()).map { finder.count }
    }
}

/// The periods and rules a count of unseen changes was made with.
struct ComparedPeriods: Equatable, Sendable {
    let from: Period
    let to: Period
    let rules: ChangeRules
}
