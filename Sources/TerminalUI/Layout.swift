/// Where each pane goes for a terminal size; `Metrics` below names the panes' column
/// widths and the widths at which a pane changes its columns. What a pane counts for
/// itself (a header row, a footer, the margin inside its border, the least room it
/// draws in) stays in the pane, with the rows its lines take (`window(_:in:)` for the
/// views of lines).
public struct Layout: Equatable, Sendable {
    public static let minWidth = 60
    public static let minHeight = 15
    /// At this width and over, list and detail stand side by side.
    public static let wideWidth = 100
    /// The list's share of a wide screen (in twentieths), and its least width.
    static let listShare = 11, listMinWidth = 56
    /// The key pane's most rows in the wide layout.
    static let keyMaxHeight = 10

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
            let listWidth = max(Self.listMinWidth, width * Self.listShare / 20)
            list = Rect(x: 0, y: 1, width: listWidth, height: main.height)
            let keyHeight = min(Self.keyMaxHeight, main.height / 3 + 1)
            detail = Rect(x: listWidth, y: 1, width: width - listWidth, height: main.height - keyHeight)
            key = Rect(x: listWidth, y: 1 + main.height - keyHeight, width: width - listWidth, height: keyHeight)
        } else {
            list = focus == .list ? main : nil
            detail = focus == .detail ? main : nil
            key = focus == .key ? main : nil
        }
    }

    /// The list's rows inside its box: under the header, above the totals.
    public var listRows: Rect? {
        list.map { Rect(x: $0.x + 1, y: $0.y + 2, width: $0.width - 2, height: max(0, $0.height - 4)) }
    }

    /// The row of the list at screen line `y` (with the list scrolled to `scroll`), if
    /// a click there lands on one.
    func listRow(atX x: Int, y: Int, scroll: Int) -> Int? {
        guard let rows = listRows, rows.contains(x: x, y: y) else { return nil }
        return scroll + (y - rows.y)
    }

    /// Rows a page moves in the view on screen.
    var pageSize: Int { max(1, (listRows?.height ?? main.height - 4)) }
}

/// Column widths of the panes (a view's own are in its pane file, in an extension).
enum Metrics {
    // The list: change and seats at the right, the tier (full or three letters), the name.
    static let listChange = 7, listSeats = 8, listTier = 10, listTierShort = 4, listNameMin = 8, listNameComfort = 24
    // The key pane: the labels' column.
    static let keyLabel = 12
    // Help: the box's most width, the keys' column.
    static let helpMaxWidth = 76, helpKeys = 16
    // The tier matrix: the widest a cell gets.
    static let matrixCellMax = 22
    // The detail: room the monthly bars leave for the month, the number and the tier.
    static let historyLabels = 31
}
