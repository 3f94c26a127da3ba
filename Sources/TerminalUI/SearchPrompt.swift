/// The search prompt on the status line: `/`, what is typed, a cursor, and the keys
/// that keep or clear it.
enum SearchPrompt {
    static func draw(query: String, keep: String, clear: String, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        let x = r.x + c.put("/", x: r.x, y: r.y, style: theme.hintKey)
        let w = c.put(query + "▏", x: x, y: r.y, style: .plain, maxWidth: r.maxX - x)
        c.put("  \(keep) keeps, \(clear) clears", x: x + w, y: r.y, style: theme.hint, maxWidth: r.maxX - x - w)
    }
}
