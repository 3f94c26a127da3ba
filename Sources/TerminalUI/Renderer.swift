import Explorer

/// Draws a frame's props into a Canvas: the title, the panes of the screen, the
/// status line and the hints. A pure function of the props, so every screen is
/// testable as text.
struct Renderer {
    let theme: Theme

    func render(_ p: FrameProps) -> Canvas {
        var canvas = Canvas(width: p.width, height: p.height)
        if p.tooSmall {
            drawTooSmall(&canvas)
            return canvas
        }
        TitleBar.draw(p.title, &canvas, p.layout.title, theme)
        for pane in p.panes { pane.draw(&canvas, pane.rect, theme) }
        StatusLine.draw(p.status, &canvas, p.layout.status, theme)
        HintLine.draw(p.hints, &canvas, p.layout.hints, theme)
        return canvas
    }

    func drawTooSmall(_ c: inout Canvas) {
        let lines = ["Terminal too small (\(c.width)×\(c.height))", "provider-explorer needs at least \(Layout.minWidth)×\(Layout.minHeight)",
                     "enlarge the window, or press \(Bindings.name(of: .quit, in: .list)) to quit"]
        let top = max(0, c.height / 2 - 1)
        for (i, line) in lines.enumerated() where top + i < c.height {
            let w = min(c.width, DisplayWidth.of(line))
            c.put(line, x: max(0, (c.width - w) / 2), y: top + i, style: i == 0 ? theme.warning : .plain, maxWidth: c.width)
        }
    }
}
