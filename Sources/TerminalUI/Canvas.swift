import Explorer
import ProviderAPI

/// A terminal colour; `.default` is the terminal's own.
public enum Color: UInt8, Sendable, CaseIterable {
    case `default`, black, red, green, yellow, blue, magenta, cyan, white, gray
}

/// How a cell looks. Colours are dropped on a monochrome terminal or with NO_COLOR;
/// the attributes alone must still tell things apart.
public struct Style: Hashable, Sendable {
    public var fg: Color = .default
    public var bg: Color = .default
    public var bold = false
    public var dim = false
    public var reverse = false
    public var underline = false
    public init(fg: Color = .default, bg: Color = .default, bold: Bool = false, dim: Bool = false,
                reverse: Bool = false, underline: Bool = false) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.dim = dim; self.reverse = reverse; self.underline = underline
    }
    public static let plain = Style()
}

/// One terminal cell: a grapheme and its style. A wide grapheme fills its cell and
/// leaves the next one as a continuation (empty text).
public struct Cell: Equatable, Sendable {
    public var text: String
    public var style: Style
    public static let blank = Cell(text: " ", style: .plain)
    public var isContinuation: Bool { text.isEmpty }
}

public struct Rect: Equatable, Sendable {
    public var x, y, width, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
}

/// What panes draw into: a grid of cells the size of the terminal. Panes are
/// functions of (state, rect) -> cells here; only the ncurses backend copies a Canvas
/// to the screen, and tests read it as text.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns and to the canvas, never
    /// splitting a wide character. Text that does not fit ends in `…`, so a cut is
    /// never silent. Control characters (C0, DEL, C1: an escape sequence in a name)
    /// are drawn as `�` and never reach the terminal. Returns the columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        var col = x
        var lastStart = Int.min, lastWidth = 0
        var cut = false
        for ch in text {
            var s = String(ch)
            var w = DisplayWidth.of(s)
            if ch.unicodeScalars.contains(where: { Printable.isControl($0.value) }) { s = "\u{FFFD}"; w = 1 }
            if w == 0 { continue }
            if col + w > limit { cut = true; break }
            if col >= 0 {
                clearWide(at: col, y: y)
                self[col, y] = Cell(text: s, style: style)
                if w == 2 {
                    clearWide(at: col + 1, y: y)
                    self[col + 1, y] = Cell(text: "", style: style)
                }
            }
            lastStart = col
            lastWidth = w
            col += w
        }
        if cut {
            if col < limit, col >= 0 {
                // A wide character did not fit in the one column left: the mark goes there.
                self[col, y] = Cell(text: "…", style: style)
                col += 1
            } else if lastStart >= 0 {
                // Full: the last character drawn gives its place to the mark.
                self[lastStart, y] = Cell(text: "…", style: style)
                if lastWidth == 2 { self[lastStart + 1, y] = Cell(text: " ", style: style) }
            }
        }
        return max(0, col - max(x, 0))
    }

    /// Before overwriting a cell, blank the other half of a wide character it belongs to.
    private mutating func clearWide(at x: Int, y: Int) {
        let cell = self[x, y]
        if cell.isContinuation, x > 0 { self[x - 1, y] = Cell(text: " ", style: self[x - 1, y].style) }
        if !cell.isContinuation, DisplayWidth.of(cell.text) == 2, x + 1 < width { self[x + 1, y] = Cell(text: " ", style: cell.style) }
    }

    /// `text` word-wrapped into `width` columns from (x, y), on `maxLines` lines at most
    /// (the last one cut with `…` if words are left). Returns the lines used.
    @discardableResult
    public mutating func putWrapped(_ text: String, x: Int, y: Int, width: Int, maxLines: Int, style: Style = .plain) -> Int {
        guard width > 0, maxLines > 0 else { return 0 }
        var words = text.split(separator: " ").map(String.init)
        var line = 0
        while !words.isEmpty, line < maxLines {
            var current = ""
            while let w = words.first, DisplayWidth.of(current) + DisplayWidth.of(w) + (current.isEmpty ? 0 : 1) <= width {
                current += (current.isEmpty ? "" : " ") + w
                words.removeFirst()
            }
            if current.isEmpty { current = words.removeFirst() }
            if line == maxLines - 1, !words.isEmpty { current += " " + words.joined(separator: " ") }
            put(current, x: x, y: y + line, style: style, maxWidth: width)
            line += 1
        }
        return line
    }

    /// Text padded or cut (with "…") to exactly `width` columns.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, width w: Int, style: Style = .plain, alignRight: Bool = false) -> Int {
        put(DisplayWidth.pad(text, to: w, alignRight: alignRight), x: x, y: y, style: style, maxWidth: w)
    }

    public mutating func fill(_ rect: Rect, style: Style = .plain) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { self[x, y] = Cell(text: " ", style: style) }
        }
    }

    /// A single-line box with a title in its top edge.
    public mutating func box(_ rect: Rect, title: String = "", style: Style = .plain, titleStyle: Style? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let top = rect.y, bottom = rect.maxY - 1, left = rect.x, right = rect.maxX - 1
        for x in left...right {
            put(x == left ? "┌" : x == right ? "┐" : "─", x: x, y: top, style: style)
            put(x == left ? "└" : x == right ? "┘" : "─", x: x, y: bottom, style: style)
        }
        for y in (top + 1)..<bottom {
            put("│", x: left, y: y, style: style)
            put("│", x: right, y: y, style: style)
        }
        if !title.isEmpty, rect.width > 4 {
            put(" " + title + " ", x: left + 1, y: top, style: titleStyle ?? style, maxWidth: rect.width - 2)
        }
    }

    /// The rows as text (continuations skipped), for tests and screenshots of state.
    public var lines: [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width { s += self[x, y].text }
            return s
        }
    }

    /// The whole canvas as text, trailing spaces of each line removed.
    public var text: String {
        lines.map { line in
            var l = line
            while l.last == " " { l.removeLast() }
            return l
        }.joined(separator: "\n")
    }

    /// The first cell whose row contains `needle` at that position, for style checks.
    public func find(_ needle: String) -> (x: Int, y: Int)? {
        for y in 0..<height {
            var col = 0
            var text = ""
            var columns: [Int] = []
            for x in 0..<width where !self[x, y].isContinuation {
                text += self[x, y].text
                for _ in self[x, y].text { columns.append(x) }
                col += 1
            }
            if let r = text.range(of: needle) {
                return (columns[text.distance(from: text.startIndex, to: r.lowerBound)], y)
            }
        }
        return nil
    }
}
