import ProviderAPI

/// The styles of each role on screen. `monochrome` (NO_COLOR, or a terminal without
/// colours) keeps every distinction with bold, dim, underline and reverse alone.
public struct Theme: Sendable {
    public var colors: Bool

    public init(colors: Bool) { self.colors = colors }

    private func c(_ color: Color, bold: Bool = false, dim: Bool = false, underline: Bool = false) -> Style {
        colors ? Style(fg: color, bold: bold, dim: dim, underline: underline) : Style(bold: bold, dim: dim, underline: underline)
    }

    public var titleBar: Style { colors ? Style(fg: .black, bg: .cyan, bold: true) : Style(bold: true, reverse: true) }
    public var demoBadge: Style { colors ? Style(fg: .black, bg: .yellow, bold: true) : Style(bold: true, underline: true) }
    public var offlineBadge: Style { colors ? Style(fg: .white, bg: .red, bold: true) : Style(bold: true, underline: true) }
    public var border: Style { c(.gray) }
    public var focusedBorder: Style { c(.cyan, bold: true) }
    public var header: Style { c(.default, bold: true, underline: true) }
    public var label: Style { c(.gray, dim: !colors) }
    public var selected: Style { colors ? Style(fg: .black, bg: .cyan) : Style(reverse: true) }
    public var error: Style { c(.red, bold: true) }
    public var warning: Style { c(.yellow, bold: true) }
    public var ok: Style { c(.green) }
    public var hint: Style { c(.gray) }
    public var hintKey: Style { c(.cyan, bold: true) }
    public var positive: Style { c(.green) }
    public var negative: Style { c(.red) }
    public var trialBadge: Style { c(.yellow, bold: true) }
    public var nfrBadge: Style { c(.green, bold: true) }
    public var suspendedBadge: Style { c(.red, bold: true) }
    public var spark: Style { c(.cyan) }

    /// A bar drawn as coloured blanks (reverse video without colour): one byte a cell
    /// on the wire, where a block glyph costs three.
    public func bar(_ tier: Tier?) -> Style {
        guard colors else { return Style(reverse: true) }
        switch tier {
        case .some(.enterprise): return Style(bg: .magenta)
        case .some(.business): return Style(bg: .cyan)
        default: return Style(bg: .yellow)
        }
    }

    public func tier(_ tier: Tier) -> Style {
        switch tier {
        case .enterprise: return c(.magenta, bold: true)
        case .business: return c(.cyan)
        default: return c(.yellow, underline: true)
        }
    }
}
