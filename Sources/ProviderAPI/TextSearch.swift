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

    /// A name's place in the one name order of every list, bill, export and change
    /// (the collation): folded as `fold` does, then each run of digits written as a
    /// number, so that memcmp orders "ab 2" before "ab 10" and "007" beside "7". The
    /// cache keeps this key (`name_refs.fold`) and SQLite orders its blobs by it;
    /// `naturalCompare` gives the same order from `fold`'s bytes without making it.
    public static func sortKey(_ text: String) -> [UInt8] { numbered(fold(text)) }

    /// `folded` with each run of ASCII digits as '0', the count of its digits after
    /// leading zeros (one at least, at most 255) as a byte, and those digits.
    public static func numbered(_ folded: [UInt8]) -> [UInt8] {
        guard folded.contains(where: isDigit) else { return folded }
        var out = [UInt8]()
        out.reserveCapacity(folded.count + 8)
        eachKeyByte(folded) { out.append($0); return true }
        return out
    }

    /// The first sixteen bytes of `numbered(folded)`, as two big-endian numbers (zero
    /// past the end), made without making the key.
    public static func numberedPrefix(_ folded: [UInt8]) -> (UInt64, UInt64) {
        var out = (UInt64(0), UInt64(0)), n = 0
        eachKeyByte(folded) { b in
            if n < 8 { out.0 |= UInt64(b) << (8 * (7 - n)) } else { out.1 |= UInt64(b) << (8 * (15 - n)) }
            n += 1
            return n < 16
        }
        return out
    }

    /// Hands over the bytes of `numbered(folded)` in order, while `body` says go on: a
    /// run of digits as '0', the count of its digits after leading zeros (one at least,
    /// at most 255), and those digits.
    @inline(__always)
    static func eachKeyByte(_ folded: [UInt8], _ body: (UInt8) -> Bool) {
        var i = 0
        while i < folded.count {
            guard isDigit(folded[i]) else {
                guard body(folded[i]) else { return }
                i += 1
                continue
            }
            let (start, end) = digitRun(folded, from: i)
            guard body(0x30), body(UInt8(min(255, end - start))) else { return }
            for k in start..<end { guard body(folded[k]) else { return } }
            i = end
        }
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// The significant digits of the run of digits at `from`: their start and end
    /// (a run of zeros keeps its last zero).
    @inline(__always) static func digitRun(_ bytes: [UInt8], from: Int) -> (Int, Int) {
        var end = from
        while end < bytes.count, isDigit(bytes[end]) { end += 1 }
        var start = from
        while start < end - 1, bytes[start] == 0x30 { start += 1 }
        return (start, end)
    }

    /// Three-way order of two folded names (`fold`) with their digits as numbers:
    /// the order memcmp gives their `numbered` keys.
    public static func naturalCompare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0, j = 0
        while i < a.count, j < b.count {
            let x = a[i], y = b[j]
            if isDigit(x), isDigit(y) {
                let (sa, ea) = digitRun(a, from: i), (sb, eb) = digitRun(b, from: j)
                let la = min(255, ea - sa), lb = min(255, eb - sb)
                if la != lb { return la < lb ? -1 : 1 }
                var k = 0
                while sa + k < ea, sb + k < eb {
                    if a[sa + k] != b[sb + k] { return a[sa + k] < b[sb + k] ? -1 : 1 }
                    k += 1
                }
                if ea - sa != eb - sb { return ea - sa < eb - sb ? -1 : 1 }
                i = ea; j = eb
                continue
            }
            // A digit against another byte: the key has '0' there.
            let kx = isDigit(x) ? 0x30 : x, ky = isDigit(y) ? 0x30 : y
            if kx != ky { return kx < ky ? -1 : 1 }
            i += 1; j += 1
        }
        if i < a.count { return 1 }
        if j < b.count { return -1 }
        return 0
    }

    /// Items in the one name order: names as `sortKey` orders them, then ids (bytes).
    public static func collated<T>(_ items: [T], name: (T) -> String, id: (T) -> String) -> [T] {
        let keys = items.map { sortKey(name($0)) }
        let order = items.indices.sorted { a, b in
            let c = compare(keys[a], keys[b])
            return c != 0 ? c < 0 : id(items[a]).utf8.lexicographicallyPrecedes(id(items[b]).utf8)
        }
        return order.map { items[$0] }
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
