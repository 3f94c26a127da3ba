import Foundation

/// Case- and accent-insensitive substring search over many names, fast enough to run
/// on every keystroke over 50,000 organizations: names are folded once to UTF-8 bytes,
/// and a query is folded the same way and searched as bytes.
public enum TextSearch {
    /// "Société Générale" -> "societe generale"; "ÅNGSTRÖM" -> "angstrom"; CJK unchanged.
    public static func fold(_ text: String) -> [UInt8] {
        // ASCII needs only lower-casing, and most names are ASCII: skip Foundation for them.
        var ascii = [UInt8]()
        ascii.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            guard b < 0x80 else {
                return Array(text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).utf8)
            }
            ascii.append(b >= 65 && b <= 90 ? b + 32 : b)
        }
        return ascii
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
