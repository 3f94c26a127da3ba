import Foundation

/// base64url without padding (RFC 7515, section 2), as JWS requires everywhere.
public enum Base64URL {
    public static func encode(_ data: some Sequence<UInt8>) -> String {
        var s = Data(data).base64EncodedString()
        s = s.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while s.hasSuffix("=") { s.removeLast() }
        return s
    }

    /// Decodes unpadded base64url; nil for any character outside the alphabet or padding.
    public static func decode(_ text: Substring) -> [UInt8]? {
        guard !text.contains("=") else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        switch s.count % 4 {
        case 2: s += "=="
        case 3: s += "="
        case 1: return nil
        default: break
        }
        guard let data = Data(base64Encoded: s) else { return nil }
        return [UInt8](data)
    }
}
