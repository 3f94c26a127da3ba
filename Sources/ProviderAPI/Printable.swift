import Foundation

/// Text from outside the program (the API, a file, an error of the system) made safe
/// to show: no C0 or C1 control character and no DEL ever reaches a terminal, so an
/// organization name cannot move the cursor, change colours, clear the screen or write
/// the clipboard (OSC 52). Each one is shown as `�`, the Unicode replacement character.
public enum Printable {
    public static let replacement: Character = "\u{FFFD}"

    /// True for C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F).
    @inline(__always)
    public static func isControl(_ v: UInt32) -> Bool { v < 0x20 || (v >= 0x7F && v < 0xA0) }

    /// True when `text` has nothing to replace (the common case, checked on bytes).
    public static func isClean(_ text: String) -> Bool {
        var it = text.utf8.makeIterator()
        var previous: UInt8 = 0
        while let b = it.next() {
            if b < 0x20 || b == 0x7F { return false }
            // C1 controls are U+0080–U+009F: UTF-8 C2 80 … C2 9F.
            if previous == 0xC2, b >= 0x80, b <= 0x9F { return false }
            previous = b
        }
        return true
    }

    /// `text` for a screen cell or a table: every control character becomes `�`.
    public static func text(_ text: String) -> String {
        if isClean(text) { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if isControl(s.value) { out.append("\u{FFFD}") } else { out.append(s) }
        }
        return String(out)
    }

    /// `text` for a one-line message: line breaks and tabs become spaces, other
    /// control characters `�`, the ends trimmed, and at most `limit` characters kept.
    public static func line(_ text: String, limit: Int = 300) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0x09, 0x0A, 0x0D: out.append(" ")
            case let v where isControl(v): out.append("\u{FFFD}")
            default: out.append(s)
            }
        }
        let trimmed = String(out).trimmingCharacters(in: .whitespaces)
        return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    }
}

/// An errno in plain words, for one-line messages: "no space left on device", "a
/// file is in the way", never "(errno 2)" or a Cocoa error domain.
public enum SystemError {
    public static func describe(_ code: Int32) -> String {
        switch code {
        case ENOSPC: return "no space left on device"
        case EPIPE: return "the reader of the output has gone (broken pipe)"
        case EBADF: return "the output is closed"
        case ENOENT: return "the directory does not exist"
        case ENOTDIR: return "a file is in the way of the directory"
        case EEXIST: return "a file is in the way"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "it is a directory"
        case EROFS: return "the file system is read-only"
        case EDQUOT: return "over the disk quota"
        case EFBIG: return "the file is too large for the file system or the process's limit"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
