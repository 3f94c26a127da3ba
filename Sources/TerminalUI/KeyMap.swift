/// A key as the front reads it, whatever the backend.
public enum Key: Equatable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    case resize
    /// Ctrl-L: repaint the whole screen.
    case redraw
    case ctrlC
    /// A click (button 1) or the wheel at a cell.
    case mouse(x: Int, y: Int, kind: MouseKind)
    case unknown

    public enum MouseKind: Sendable, Equatable { case click, wheelUp, wheelDown }
}

/// Every key binding, as the help overlay lists it. `App.handle` is the one place
/// that acts on them.
public enum KeyMap {
    public static let help: [(String, String)] = [
        ("↑ ↓  j k", "move the cursor (in help: scroll)"),
        ("PgUp PgDn", "a page up or down"),
        ("g G Home End", "first or last organization"),
        ("/", "search names (Enter keeps, Esc clears)"),
        ("t", "trial organizations only"),
        ("n", "the NFR organization only"),
        ("T", "cycle the tier filter: all, business, enterprise"),
        ("s  S", "next sort (name, seats, change, trial end); reverse"),
        ("Enter", "drill in; in the tier matrix, narrow the list to a cell"),
        ("L", "the license-tier matrix"),
        ("← → h l", "in the tier matrix: the next cell across"),
        ("b", "the month's bill ([ ] months, Enter, x writes it)"),
        ("c", "what changed since you last looked"),
        ("y  Y", "copy the organization id, or its row as CSV (OSC 52)"),
        ("Esc", "back; clears the search, then the filters"),
        ("[  ]", "previous or next day (or month)"),
        ("m", "switch between daily and monthly reports"),
        ("r", "refresh from the API (Esc cancels)"),
        ("x", "write the visible rows to a CSV file"),
        ("Tab Shift-Tab", "next or previous pane (narrow terminals)"),
        ("Ctrl-L", "repaint the screen"),
        ("mouse", "click selects, the wheel scrolls"),
        ("?", "this help"),
        ("q  Ctrl-C", "quit"),
    ]
}
