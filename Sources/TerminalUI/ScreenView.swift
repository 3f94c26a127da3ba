import Explorer
import Foundation

/// A view over the list (the bill, the changes, the PSA view), whole in its own file:
/// its screen and where its keys go, what it draws, where its lines are, what its
/// intents do. The front knows a view by the line of the binding table whose key opens
/// it (`Bindings.openers`); its other keys are lines of the table too (keys are named
/// there only), using the contexts and intents it declares.
protocol ScreenView: SendableMetatype {
    /// The pane it draws on the main area.
    associatedtype Pane: LinesPane

    /// Its screen on the explorer's stack.
    static var screen: ExplorerModel.Screen { get }
    /// Its context in the binding table.
    static var context: Context { get }
    /// Every context it brings (its own, and any it asks in, as the PSA view's
    /// question before an apply); in help's order.
    static var contexts: [Context] { get }
    /// Whether it is a view of lines: the shared moves (a line, a page, the first, the
    /// last) apply.
    static var isLines: Bool { get }
    /// The shared bindings it takes part in, beside the list's.
    static var joins: Set<Bindings.Shared> { get }

    /// Where keys go while it is on top (its context, unless it asks a question).
    @MainActor static func context(_ model: ExplorerModel) -> Context
    /// The key that opens it was pressed (on the list or the detail).
    @MainActor static func open(_ app: App) -> [Effect]
    /// Its pane's props, read from the models now.
    @MainActor static func props(_ model: ExplorerModel, _ ui: UIState) -> Pane.Props
    /// Which list of lines it shows (the scroll starts again at the top when another
    /// opens: the bill by customer is another list than by organization).
    @MainActor static func lines(_ model: ExplorerModel) -> String
    /// What `intent` does in `context` (one of its own); nil when the app's defaults
    /// apply (help, quit, repaint).
    @MainActor static func perform(_ intent: Intent, in context: Context, app: App) -> [Effect]?
    /// A question on the status line, before any message.
    @MainActor static func prompt(_ model: ExplorerModel) -> String?
    /// What it is doing, on the status line when there is no message.
    @MainActor static func progress(_ model: ExplorerModel) -> String?
}

/// A view of lines' cursor in its pane: the selected line, how many, the rows they take.
typealias LineWindow = (selected: Int, count: Int, height: Int)

/// A view's pane: a pure function of its props into a Canvas, and where its cursor is.
protocol LinesPane {
    associatedtype Props
    static func draw(_ props: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme)
    /// The cursor's window in the pane's rows; nil when it shows no lines.
    static func window(_ props: Props, in r: Rect) -> LineWindow?
}

extension ScreenView {
    static var contexts: [Context] { [context] }
    static var isLines: Bool { true }
    static var joins: Set<Bindings.Shared> { [] }
    @MainActor static func context(_ model: ExplorerModel) -> Context { context }
    @MainActor static func lines(_ model: ExplorerModel) -> String { screen.name }

    /// What it draws on the main area, its props read now.
    @MainActor static func pane(_ model: ExplorerModel, _ ui: UIState) -> (inout Canvas, Rect, Theme) -> Void {
        let props = props(model, ui)
        return { Pane.draw(props, &$0, $1, $2) }
    }

    /// Its cursor's window in its pane's rows, and which list of lines it is.
    @MainActor static func window(_ model: ExplorerModel, _ ui: UIState, in main: Rect) -> (view: String, window: LineWindow)? {
        Pane.window(props(model, ui), in: main).map { (lines(model), $0) }
    }
    @MainActor static func prompt(_ model: ExplorerModel) -> String? { nil }
    @MainActor static func progress(_ model: ExplorerModel) -> String? { nil }
}

/// The views the binding table opens.
enum Views {
    static let all: [any ScreenView.Type] = Bindings.openers.compactMap(\.opens)

    /// The view of `screen`, if it is one.
    static func of(_ screen: ExplorerModel.Screen) -> (any ScreenView.Type)? { all.first { $0.screen == screen } }
    /// The view whose keys `context` is.
    static func of(_ context: Context) -> (any ScreenView.Type)? { all.first { $0.contexts.contains(context) } }
    /// The view `intent` opens.
    static func opened(by intent: Intent) -> (any ScreenView.Type)? {
        Bindings.openers.first { $0.intent == intent && $0.opens != nil }?.opens
    }
}
