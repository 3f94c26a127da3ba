@testable import Explorer
import Foundation
import ProviderAPI
import Sync
import UsageStore

/// The model's work run to its end, what it returns handed back to the model, and the
/// work that asks for next run too: the model's side of what `Driver` does for the app
/// (the sync, which needs the screen beside it, is driven by `Runtime` in
/// TerminalUITests' SyncRuntimeTests).
extension ExplorerModel {
    /// Runs `works` (what a model call returned) one after another, each to its end,
    /// lands what they return, and runs the work the landings ask for, until none is left.
    func complete(_ works: [Work]) async {
        var works = works
        while !works.isEmpty {
            let work = works.removeFirst()
            let results = Locked<[Work.Landing]>([])
            let end = await work.run(Work.Sink(step: { _ in }, land: { landing in results.withLock { $0.append(landing) } }))
            for landing in results.withLock({ $0 }) { works += land(Work.Result(work, landing, isEnd: false)) }
            works += land(Work.Result(work, end))
        }
    }
}

extension Work {
    /// Runs the work to its end as the front does (not at all when it was withdrawn):
    /// what comes back to the model.
    func ran() async -> Work.Result {
        Work.Result(self, await run(Work.Sink(step: { _ in }, land: { _ in })))
    }
}

extension Array where Element == Work {
    /// The work of `kind` among these.
    func of(_ kind: Work.Kind) -> Work? { first { $0.kind == kind } }
}

extension ChangesModel {
    /// The changes from `from` to `to` as the view finds them (compared as SQLite reads
    /// the two reports), whole.
    static func compute(from: Period, to: Period, store: UsageStore, rules: ChangeRules) -> Result<[Change], Missing> {
        var finder = ChangeFinder(lastDay: to.lastDay, rules: rules)
        return compare(from: from, to: to, store: store, into: &finder).map { finder.changes }
    }
}
