/// A 64-bit hash of bytes taken 8 at a time (an organization id is about 36 bytes): what
/// finds an id among many by its bytes, with no string made of them. Not for anything
/// an adversary chooses the keys of: every use compares the bytes where hashes agree.
public enum ByteHash {
    public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
        var i = 0
        while i + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while i < raw.count { tail |= UInt64(raw[i]) << shift; shift += 8; i += 1 }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    /// The hash of a string's UTF-8 bytes.
    public static func of(_ text: String) -> UInt64 { withBytes(text, of) }

    /// `body` over a string's UTF-8 bytes, in place where they are contiguous.
    public static func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        text.utf8.withContiguousStorageIfAvailable(body) ?? Array(text.utf8).withUnsafeBufferPointer(body)
    }
}
