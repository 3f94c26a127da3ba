import Foundation
import ProviderAPI

/// What went wrong talking to ConnectWise, in one line that names ConnectWise (never
/// NordPass) and says what to do; each with the program's exit code.
public enum ConnectWiseError: ReportableError, Equatable {
    /// 401: the API member's keys (or company) are wrong or revoked.
    case keyRejected(detail: String)
    /// 403: the member's security role lacks what the request needs.
    case forbidden(path: String, detail: String)
    /// 429 or 5xx after every retry, or no answer at all.
    case unavailable(detail: String, attempts: Int)
    /// An answer we cannot read as the contract says.
    case badResponse(detail: String)
    /// Any other 4xx: ConnectWise's own message.
    case refused(status: Int, path: String, detail: String)
    case untrustedCertificate(host: String, reason: String)
    case plainHTTP(String)
    /// A `[connectwise]` setting that cannot be used.
    case configuration(String)
    case cancelled

    public var exitCode: Int32 {
        switch self {
        case .keyRejected, .forbidden: return 77
        case .unavailable: return 69
        case .badResponse, .refused: return 65
        case .untrustedCertificate: return 78
        case .plainHTTP, .configuration: return 64
        case .cancelled: return 1
        }
    }

    public var description: String {
        switch self {
        case .keyRejected(let detail):
            return "ConnectWise rejected the API member's keys (401)\(Self.said(detail)); check company, public_key and the private key in [connectwise], and that the member is not inactive"
        case .forbidden(let path, let detail):
            return "ConnectWise refused \(path) (403)\(Self.said(detail)); the API member's security role needs Company Maintenance, Table Setup and Product Catalog inquire, and Agreements inquire, add and edit"
        case .unavailable(let detail, let attempts):
            return "ConnectWise is unavailable: \(detail) (after \(attempts) \(attempts == 1 ? "try" : "tries")); try again later"
        case .badResponse(let detail):
            return "ConnectWise sent an answer that cannot be read: \(detail)"
        case .refused(let status, let path, let detail):
            return "ConnectWise refused \(path) (\(status))\(Self.said(detail))"
        case .untrustedCertificate(let host, let reason):
            return "ConnectWise's certificate at \(host) is not trusted: \(reason); install the site's CA certificate in the system store"
        case .plainHTTP(let url):
            return "ConnectWise at \(url) answered in plain HTTP, not TLS; check the site in [connectwise]"
        case .configuration(let why):
            return why
        case .cancelled:
            return "cancelled"
        }
    }

    static func said(_ detail: String) -> String { detail.isEmpty ? "" : ": " + detail }

    /// Why a write was not made, short enough for its line: ConnectWise's own words
    /// first (the journal's other fields say which addition it was).
    public var reason: String {
        switch self {
        case .refused(let status, _, let detail): return "ConnectWise refused it (\(status))\(Self.said(detail))"
        case .unavailable(let detail, let attempts): return "no answer from ConnectWise: \(detail) (\(attempts) \(attempts == 1 ? "try" : "tries")); a rerun makes it"
        case .forbidden(_, let detail): return "ConnectWise forbids it (403)\(Self.said(detail)); the API member needs Agreements add and edit"
        default: return description
        }
    }

    /// Whether a write that failed this way may simply be tried again on a rerun.
    public var isTransient: Bool {
        if case .unavailable = self { return true }
        return false
    }
}
