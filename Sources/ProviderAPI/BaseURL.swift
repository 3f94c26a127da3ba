import Foundation

/// The API's base URL, checked: https, or plain http only to a loopback host (the
/// simulator), so that a secret never crosses a network in the clear. `secret` names
/// what every request carries, `example` a URL the user could mean (the Provider API's
/// by default; a PSA's site passes its own).
public enum BaseURL {
    public static func validate(_ text: String, secret: String = "the token",
                                example: String = "https://api.nordpass.com") throws -> URL {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty, let url = components.url else {
            throw ProviderError.invalidBaseURL(text, reason: "not a URL; expected e.g. \(example)")
        }
        guard components.query == nil, components.fragment == nil else {
            throw ProviderError.invalidBaseURL(text, reason: "must not carry a query or fragment")
        }
        switch scheme {
        case "https": return url
        case "http" where isLoopback(host): return url
        case "http":
            throw ProviderError.invalidBaseURL(text, reason: "plain http is refused for \(host), since \(secret) would travel unencrypted; use https (http is allowed for loopback only)")
        default:
            throw ProviderError.invalidBaseURL(text, reason: "scheme \(scheme) is not supported; use https")
        }
    }

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
