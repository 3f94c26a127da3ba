import Testing
@testable import TerminalUI

struct CanvasTests {
    @Test func wideCharactersTakeTwoCellsAndNeverSplit() {
        var c = Canvas(width: 10, height: 2)
        #expect(c.put("東京ab", x: 0, y: 0) == 6)
        #expect(c[0, 0].text == "東" && c[1, 0].isContinuation && c[2, 0].text == "京")
        #expect(c.lines[0] == "東京ab    ")
        // A wide character that would straddle the edge is not split: the cut is marked.
        #expect(c.put("abcdefghi東", x: 0, y: 1) == 10)
        #expect(c.lines[1] == "abcdefghi…")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var c = Canvas(width: 6, height: 1)
        c.put("東京", x: 0, y: 0)
        c.put("x", x: 1, y: 0)
        #expect(c.lines[0] == " x京  ")
        c.put("y", x: 2, y: 0)
        #expect(c.lines[0] == " xy   ")
    }

    @Test func clippingAndControlCharacters() {
        var c = Canvas(width: 8, height: 1)
        c.put("a\tb\u{1B}[31mc", x: 0, y: 0)
        #expect(!c.lines[0].contains("\u{1B}") && !c.lines[0].contains("\t"))
        #expect(c.lines[0] == "a�b�[31…", "each control character is a visible �")
        var e = Canvas(width: 6, height: 1)
        e.put("x\u{9B}y\u{7F}z", x: 0, y: 0)
        #expect(e.lines[0] == "x�y�z ", "C1 and DEL too")
        var d = Canvas(width: 8, height: 1)
        #expect(d.put("abcdef", x: 5, y: 0) == 3)
        #expect(d.put("zz", x: 0, y: 5) == 0)
        #expect(d.put("zz", x: -1, y: 0) == 1)
        #expect(d.lines[0] == "z    ab…", "a cut is never silent")
    }

    @Test func paddedTextIsExactlyItsWidthWithAnEllipsis() {
        var c = Canvas(width: 12, height: 2)
        c.put("Rocket 🚀 Labs International", x: 0, y: 0, width: 10)
        #expect(c.lines[0].hasPrefix("Rocket 🚀…"), "the ellipsis fits in the ten columns")
        c.put("42", x: 0, y: 1, width: 6, alignRight: true)
        #expect(c.lines[1].hasPrefix("    42"))
    }

    @Test func boxAndFind() {
        var c = Canvas(width: 12, height: 4)
        c.box(Rect(x: 0, y: 0, width: 12, height: 4), title: "Key")
        #expect(c.lines[0] == "┌ Key ─────┐")
        #expect(c.lines[3] == "└──────────┘")
        #expect(c.find("Key")?.x == 2)
        // Degenerate sizes draw nothing and do not crash.
        var z = Canvas(width: 0, height: 0)
        z.box(Rect(x: 0, y: 0, width: 5, height: 5), title: "x")
        z.put("x", x: 0, y: 0)
        #expect(z.lines.isEmpty)
    }
}
