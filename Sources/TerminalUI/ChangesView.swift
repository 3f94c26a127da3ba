import Explorer
import Foundation

extension Context {
    public static let changes = Context("changes", title: "Changes")
}

extension Intent {
    /// Opens the changes.
    public static let changes = Intent("changes")
}

/// The changes (`c`): what moved since the period last seen; its keys are the table's
/// lines on `.changes`.
enum ChangesView: ScreenView {
    typealias Pane = ChangesPane
    static var screen: ExplorerModel.Screen { .changes }
    static var context: Context { .changes }
    static var joins: Set<Bindings.Shared> { [.copyId, .backToList] }

    @MainActor static func open(_ app: App) -> [Effect] { app.run(app.model.openChanges()) }


    @MainActor static func perform(_ intent: Intent, in context: Context, app: App) -> [Effect]? {
        let model = app.model
        switch intent {
        case .up, .down, .pageUp, .pageDown, .first, .last: app.move(model.changes, intent)
        case .open:
            model.drillIntoChange()
            if !app.layout.isWide { app.ui.focus = .detail }
        case .copyId: return app.copy(model.changes.selectedChange?.organizationId, what: "organization id")
        case .back: model.back()
        default: return nil
        }
        return []
    }

    @MainActor static func props(_ model: ExplorerModel, _ ui: UIState) -> ChangesPane.Props {
        let m = model.changes
        return ChangesPane.Props(from: m.from?.description ?? "", to: m.to?.description ?? "", changes: m.changes,
                                 selected: m.selected, problem: m.problem, reading: m.isReading,
                                 sameNames: SameNames(names: model.list.sharedNames), top: ui.linesScroll)
    }
}
