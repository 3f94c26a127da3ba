/// What the front keeps besides the view models: which pane has focus in the narrow
/// layout, whether the search prompt is open, scroll offsets, the spinner frame.
public struct UIState: Sendable, Equatable {
    public enum Pane: Sendable, Equatable, CaseIterable { case list, detail, key }

    public var focus = Pane.list
    public var searching = false
    public var listScroll = 0
    public var spinnerFrame = 0
    /// How far the help screen is scrolled.
    public var helpScroll = 0
    /// The terminal size the last frame was laid out for.
    public var width = 0
    public var height = 0

    public init() {}

    static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    var spinnerGlyph: String { Self.spinner[spinnerFrame % Self.spinner.count] }
}

/// Where each pane goes for a terminal size.
public struct Layout: Equatable, Sendable {
    public static let minWidth = 60
    public static let minHeight = 15
    /// At this width and over, list and detail stand side by side.
    public static let wideWidth = 100

    public var title: Rect
    public var list: Rect?
    public var detail: Rect?
    public var key: Rect?
    /// The one pane shown in the narrow layout.
    public var main: Rect
    public var status: Rect
    public var hints: Rect
    public var isWide: Bool
    public var tooSmall: Bool

    public init(width: Int, height: Int, focus: UIState.Pane) {
        tooSmall = width < Self.minWidth || height < Self.minHeight
        isWide = width >= Self.wideWidth
        title = Rect(x: 0, y: 0, width: width, height: 1)
        status = Rect(x: 0, y: height - 2, width: width, height: 1)
        hints = Rect(x: 0, y: height - 1, width: width, height: 1)
        main = Rect(x: 0, y: 1, width: width, height: height - 3)
        if isWide {
            let listWidth = max(56, width * 11 / 20)
            list = Rect(x: 0, y: 1, width: listWidth, height: main.height)
            let keyHeight = min(10, main.height / 3 + 1)
            detail = Rect(x: listWidth, y: 1, width: width - listWidth, height: main.height - keyHeight)
            key = Rect(x: listWidth, y: 1 + main.height - keyHeight, width: width - listWidth, height: keyHeight)
        } else {
            list = focus == .list ? main : nil
            detail = focus == .detail ? main : nil
            key = focus == .key ? main : nil
        }
    }
}
