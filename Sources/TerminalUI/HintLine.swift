import Explorer

/// The bottom line: the keys of the screen on top (from `Bindings.table`), as many as
/// fit, always ending with the last two (help and quit).
enum HintLine {
    struct Props {
        let pairs: [(keys: String, text: String)]
    }

    static func draw(_ p: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        func width(_ pair: (keys: String, text: String)) -> Int { DisplayWidth.of(pair.keys) + DisplayWidth.of(pair.text) + 3 }
        let tail = Array(p.pairs.suffix(2))
        var budget = r.width - tail.map(width).reduce(0, +)
        var shown: [(keys: String, text: String)] = []
        for pair in p.pairs.dropLast(2) {
            guard width(pair) <= budget else { break }
            shown.append(pair)
            budget -= width(pair)
        }
        var x = r.x
        for (keys, text) in shown + tail {
            x += c.put(keys, x: x, y: r.y, style: theme.hintKey)
            x += c.put(" " + text + "  ", x: x, y: r.y, style: theme.hint, maxWidth: max(0, r.maxX - x))
        }
    }
}
