@testable import Explorer
@testable import TerminalUI
import Foundation
import ProviderAPI
import Sync
import UsageStore

/// The model's work run as the front runs it, through the one driver (`Driver`): each
/// work an effect run to its end, what it sends applied by `App.update` through a real
/// inbox, and the work a landing asks for run too, until none is left. (The sync,
/// which needs the screen beside it, is driven by `Runtime` in TerminalUITests'
/// SyncRuntimeTests.)
extension ExplorerModel {
    func complete(_ works: [Work]) async {
        let app = App(model: self, theme: Theme(colors: false)) { _, _ in "" }
        await Driver(app: app).run(app.run(works))
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
