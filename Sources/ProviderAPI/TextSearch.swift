import Foundation

/// Case- and accent-insensitive substring search over many names, fast enough to run
/// on every keystroke over 50,000 organizations: names are folded once to UTF-8 bytes,
/// and a query is folded the same way and searched as bytes. (Here, below the cache,
/// because the cache keeps each name's folded bytes for its name order.)
public enum TextSearch {
    /// "Société Générale" -> "societe generale"; "ÅNGSTRÖM" -> "angstrom"; "Łódź" ->
    /// "lodz", "Ærø" -> "aero", "Straße" -> "strasse"; CJK unchanged. The list's name
    /// sort orders by the same folded bytes.
    public static func fold(_ text: String) -> [UInt8] {
        // ASCII needs only lower-casing, and most names are ASCII: skip Foundation for them.
        var ascii = [UInt8]()
        ascii.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            guard b < 0x80 else {
                let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
                return foldLetters(folded)
            }
            ascii.append(b >= 65 && b <= 90 ? b + 32 : b)
        }
        return ascii
    }

    /// Letters that Unicode does not decompose into a base letter and a mark, so that
    /// diacritic folding leaves them alone: each is written as the Latin letters a
    /// reader would type for it.
    static let letters: [Unicode.Scalar: String] = [
        "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ẞ": "ss", "đ": "d", "ð": "d", "ħ": "h",
        "ı": "i", "þ": "th", "ŀ": "l", "ŧ": "t", "ĳ": "ij", "ŋ": "n", "ſ": "s", "ƒ": "f", "ĸ": "k",
        "Ł": "l", "Ø": "o", "Æ": "ae", "Œ": "oe", "Đ": "d", "Ð": "d", "Ħ": "h", "Þ": "th", "Ŀ": "l",
        "Ŧ": "t", "Ĳ": "ij", "Ŋ": "n",
    ]

    static func foldLetters(_ text: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            if s.value < 0x80 { out.append(UInt8(s.value)); continue }
            if let plain = letters[s] { out.append(contentsOf: plain.utf8) } else { out.append(contentsOf: String(s).utf8) }
        }
        return out
    }

    /// Three-way byte order of two folded names (memcmp, then the shorter first): the
    /// list's name order, and SQLite's order of the same bytes as blobs.
    public static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = min(a.count, b.count)
        let c = a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n) } }
        if c != 0 { return c < 0 ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Whether `needle` occurs in `haystack` (both folded).
    @inline(__always)
    public static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        let n = needle.count, h = haystack.count
        if n == 0 { return true }
        if n > h { return false }
        return haystack.withUnsafeBufferPointer { hb in
            needle.withUnsafeBufferPointer { nb in
                let first = nb[0]
                var i = 0
                let last = h - n
                while i <= last {
                    if hb[i] == first {
                        var j = 1
                        while j < n && hb[i + j] == nb[j] { j += 1 }
                        if j == n { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
}
