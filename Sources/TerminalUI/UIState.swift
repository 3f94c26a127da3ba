import Foundation

/// What the front keeps besides the view models: which pane has focus in the narrow
/// layout, whether the search prompt is open, scroll offsets, the spinner frame, the
/// terminal's size and the clock. Only `App.update` changes it.
public struct UIState: Sendable, Equatable {
    public enum Pane: Sendable, Equatable, CaseIterable { case list, detail, key }

    public var focus = Pane.list
    public var searching = false
    /// The first row of the list on screen.
    public var listScroll = 0
    /// The first line on screen of the open view of lines (the bill, the changes, the
    /// PSA view or its drill), and which view that is: another starts at its top.
    public var linesScroll = 0
    var linesView: String?
    public var spinnerFrame = 0
    /// How far the help screen is scrolled.
    public var helpScroll = 0
    /// The terminal size the next frame is laid out for.
    public var width = 0
    public var height = 0
    /// The wall clock every pane reads ("synced 3 min ago", the token's countdown).
    public var now: Date

    public init(now: Date = Date()) { self.now = now }

    static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    var spinnerGlyph: String { Self.spinner[spinnerFrame % Self.spinner.count] }

    var layout: Layout { Layout(width: width, height: height, focus: focus) }
}
