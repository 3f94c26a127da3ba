/// The line above the hints: a message (an error in red until the next key), what
/// the sync is doing, the demo's note; or the search prompt while it is open.
enum StatusLine {
    enum Props {
        case search(query: String, keep: String, clear: String)
        case message(String, error: Bool)
        case hint(String)
        case none
    }

    static func draw(_ p: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        switch p {
        case .search(let query, let keep, let clear):
            SearchPrompt.draw(query: query, keep: keep, clear: clear, &c, r, theme)
        case .message(let text, let error):
            c.put((error ? "✗ " : "") + text, x: r.x, y: r.y, style: error ? theme.error : theme.warning, maxWidth: r.width)
        case .hint(let text):
            c.put(text, x: r.x, y: r.y, style: theme.hint, maxWidth: r.width)
        case .none:
            break
        }
    }
}
