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
