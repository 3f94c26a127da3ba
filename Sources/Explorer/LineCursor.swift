/// A view that is a list of lines with a cursor (the list, the bill, the changes, the
/// PSA view): what the front's movement keys act on.
@MainActor public protocol LineList: AnyObject {
    func move(by delta: Int)
    func selectFirst()
    func selectLast()
}

/// The selected line of a view's lines, kept within them: one type for the bill, the
/// changes and the PSA view (and its drill). The list keeps its selection by
/// organization id (its lines are filtered and sorted under it) and moves by the same
/// rule; every one of them scrolls by `window`.
public struct LineCursor: Sendable, Equatable {
    public private(set) var selected = 0

    public init() {}

    /// Moves by `delta` within `count` lines; in none there is nothing to move.
    public mutating func move(by delta: Int, in count: Int) {
        guard count > 0 else { return }
        selected = Self.clamp(selected + delta, count)
    }

    public mutating func first() { selected = 0 }
    public mutating func last(in count: Int) { selected = max(0, count - 1) }

    /// New lines landed: the cursor on `found` (the line the user had, found again in
    /// them), else on the first line, or with `keepingPlace` at the same place.
    public mutating func land(on found: Int?, in count: Int, keepingPlace: Bool = false) {
        selected = found ?? (keepingPlace ? Self.clamp(selected, count) : 0)
    }

    /// The line at `index` of `count`, or nothing past either end.
    public static func clamp(_ index: Int, _ count: Int) -> Int { min(max(0, index), max(0, count - 1)) }

    /// The one scroll policy of the explorer's lists: the first line shown of `count`
    /// lines in `height` rows moves from `top` as little as keeps `selected` in view,
    /// and the window never goes past either end.
    public static func window(top: Int, selected: Int, count: Int, height: Int) -> Int {
        guard height > 0 else { return 0 }
        var top = top
        if selected < top { top = selected }
        if selected >= top + height { top = selected - height + 1 }
        return max(0, min(top, count - height))
    }
}
