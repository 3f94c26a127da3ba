import Explorer
import Foundation

extension Context {
    public static let psa = Context("psa", title: "PSA (ConnectWise)")
    /// The PSA view's question before an apply (y/N on the status line).
    public static let psaConfirm = Context("psa confirm", title: "Before an apply")
}

extension Intent {
    /// Opens the PSA view.
    public static let psa = Intent("psa")
    public static let apply = Intent("apply"), confirm = Intent("confirm"), refuse = Intent("refuse")
    public static let acceptSuggestion = Intent("accept the suggestion")
}

/// The PSA view (`p`): the month's seats against ConnectWise, a line's organizations,
/// an apply after a question; its keys are the table's lines on `.psa` and `.psaConfirm`.
enum PSAView: ScreenView {
    typealias Pane = PSAPane
    static var screen: ExplorerModel.Screen { .psa }
    static var context: Context { .psa }
    static var contexts: [Context] { [.psa, .psaConfirm] }

    @MainActor static func context(_ model: ExplorerModel) -> Context { model.psa.confirming ? .psaConfirm : .psa }

    @MainActor static func open(_ app: App) -> [Effect] { app.run(app.model.openPSA()) }

    @MainActor static func lines(_ model: ExplorerModel) -> String { "psa" + (model.psa.drilled == nil ? "" : " drill") }

    @MainActor static func perform(_ intent: Intent, in context: Context, app: App) -> [Effect]? {
        let model = app.model
        switch (context, intent) {
        case (.psa, .up), (.psa, .down), (.psa, .pageUp), (.psa, .pageDown), (.psa, .first), (.psa, .last):
            app.move(model.psa, intent)
        case (.psa, .previous): return app.run(model.stepPSA(by: -1))
        case (.psa, .next): return app.run(model.stepPSA(by: 1))
        case (.psa, .open): model.drillIntoPSALine()
        case (.psa, .apply): model.askToApplyPSA()
        case (.psa, .acceptSuggestion): return app.run(model.acceptPSASuggestion())
        case (.psa, .refresh): return app.run(model.replanPSA())
        case (.psa, .back): model.leavePSA()
        case (.psaConfirm, .confirm): return app.run(model.answerPSA(true))
        case (.psaConfirm, .refuse): _ = model.answerPSA(false)
        default: return nil
        }
        return []
    }

    @MainActor static func prompt(_ model: ExplorerModel) -> String? { model.psa.confirming ? model.psa.question : nil }

    @MainActor static func progress(_ model: ExplorerModel) -> String? {
        model.psa.applying.map { "applying to ConnectWise: \($0.done) of \($0.total) landed… (the keys still work)" }
    }

    @MainActor static func props(_ model: ExplorerModel, _ ui: UIState) -> PSAPane.Props {
        let m = model.psa
        return PSAPane.Props(month: m.month?.description ?? "", company: m.connection?.company ?? "", demo: m.connection?.isDemo ?? false,
                             lines: m.lines, sameCount: m.sameCount, selected: m.selected, reading: m.reading, problem: m.problem,
                             drilled: m.drilled, organizations: m.drilledOrganizations, drillSelected: m.drillSelected,
                             backKey: Bindings.name(of: .back, in: .psa), top: ui.linesScroll)
    }
}
