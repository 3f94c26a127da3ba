import Foundation

/// Every failure the data path can meet, as a value with a one-line message a user can
/// act on and the exit code the command line returns for it. No message ever holds
/// the private key or a token.
public enum ProviderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No credentials were found anywhere; says how to provide them.
    case noCredentials
    /// A credentials or key file that cannot be used (missing, unreadable, wrong format, weak key).
    case credentials(file: String, reason: String)
    /// A key or credentials file that group or others can read.
    case insecurePermissions(file: String, mode: Int)
    /// A base URL that is malformed, or plain http to a host that is not loopback.
    case invalidBaseURL(String, reason: String)
    /// 401 or 403: the server refused the key or the token.
    case keyRejected(status: Int, detail: String)
    /// 400: the server says the request is malformed.
    case badRequest(detail: String)
    /// 404 report-not-ready: the day or month is not generated yet.
    case reportNotReady(period: String, detail: String)
    /// 404 for one day's or month's report that is not "not ready": the API has no
    /// report for that period (before the start of its history).
    case noReport(period: String, detail: String)
    /// Any other 404.
    case notFound(path: String, detail: String)
    /// The server's TLS certificate is not trusted: permanent, never retried.
    case untrustedCertificate(host: String, reason: String)
    /// 429, 5xx, timeouts or a failed connection, still failing after the retries.
    case unavailable(detail: String, attempts: Int)
    /// A response that is not what the contract says (not JSON, wrong shape, repeated cursor).
    case badResponse(detail: String)
    /// An answer of a status the contract does not describe.
    case unexpectedStatus(Int, detail: String)
    /// The work was cancelled.
    case cancelled

    /// sysexits-style exit codes: 78 configuration (a certificate this machine does not
    /// trust), 64 usage, 65 bad data (an unusable key, or a server
    /// that breaks the contract: a 400 to a request built by the contract, a status it
    /// does not describe, an answer of the wrong shape), 69 unavailable, 77 key
    /// rejected, 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .noCredentials, .invalidBaseURL: return 64
        case .credentials, .insecurePermissions, .badResponse, .badRequest, .unexpectedStatus: return 65
        case .unavailable: return 69
        case .untrustedCertificate: return 78
        case .keyRejected: return 77
        case .reportNotReady, .noReport, .notFound, .cancelled: return 1
        }
    }

    /// One line, whatever the server or a file put in it.
    public var description: String { Printable.line(text, limit: 600) }

    private var text: String {
        switch self {
        case .noCredentials:
            return "no credentials: pass --credentials FILE (the JSON saved from MSP Admin Panel > Integrations > Provider API), set NORDPASS_PROVIDER_CREDENTIALS, or add --demo to use the built-in simulator"
        case let .credentials(file, reason):
            return "\(file): \(reason)"
        case let .insecurePermissions(file, mode):
            return "\(file): permissions 0\(String(mode, radix: 8)) are too open: group or others can read this private key; run: chmod 600 \(file)"
        case let .invalidBaseURL(url, reason):
            return "base URL \(url): \(reason)"
        case let .keyRejected(status, detail):
            let what = status == 403 ? "the key is valid but lacks access (403)" : "the server rejected the key (401)"
            let said = detail.isEmpty ? "" : ": \(detail)"
            if detail.lowercased().contains("revoked") || detail.lowercased().contains("unknown key") {
                return "\(what)\(said); generate a new key in MSP Admin Panel > Integrations > Provider API and save its credentials file"
            }
            if status == 403 {
                return "\(what)\(said); ask the MSP account owner to grant this key Provider API access"
            }
            if detail.lowercased().contains("expired") || detail.lowercased().contains("future") {
                return "\(what)\(said); check that this machine's clock is right (NTP)"
            }
            return "\(what)\(said); check --credentials, or generate a new key in MSP Admin Panel > Integrations > Provider API"
        case let .badRequest(detail):
            return "the server refused the request (400): \(detail)"
        case let .reportNotReady(period, detail):
            let extra = detail.isEmpty ? "" : " (\(detail))"
            return "the report for \(period) is not generated yet\(extra); a day is ready at 00:00:02 UTC the next day, a month at 00:01:02 UTC on the 1st of the next"
        case let .noReport(period, detail):
            return "the API has no report for \(period)\(detail.isEmpty ? "" : " (\(detail))"): it is before the start of the API's history"
        case let .notFound(path, detail):
            return "not found (404) at \(path)\(detail.isEmpty ? "" : ": \(detail)"); check --base-url"
        case let .untrustedCertificate(host, reason):
            return "the TLS certificate of \(host) is not trusted (\(reason)); not retried. Behind a corporate proxy that inspects TLS, install its CA certificate into the system store: sudo cp ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates"
        case let .unavailable(detail, attempts):
            return "the Provider API is unavailable after \(attempts) \(attempts == 1 ? "try" : "tries"): \(detail); try again later, or use --offline to read the cache"
        case let .badResponse(detail):
            return "the server's answer does not follow the Provider API contract: \(detail)"
        case let .unexpectedStatus(status, detail):
            return "unexpected HTTP \(status) from the Provider API\(detail.isEmpty ? "" : ": \(detail)")"
        case .cancelled:
            return "cancelled"
        }
    }
}

/// An error the program reports to a person: one line they can act on, and the
/// sysexits-style code the command line ends with. Every layer's errors take this
/// shape (the API's, the cache's, a file the program writes), so the command line,
/// the status line and the sync all say the same thing for the same failure.
public protocol ReportableError: Error, CustomStringConvertible {
    var exitCode: Int32 { get }
}

extension ProviderError: ReportableError {
    /// An https base URL whose server answered in plain HTTP: a wrong URL, not an outage.
    public static func plainHTTP(_ url: String) -> ProviderError {
        .invalidBaseURL(url, reason: "the server answered in plain HTTP, not TLS; not retried. Check the port, or use http:// (loopback only)")
    }
}

/// The one mapping from any error to what the user is told: a reportable error as it
/// says, cancellation as `cancelled`, anything else as an internal error (exit 70),
/// never dressed up as an HTTP status.
public struct Failure: Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let exitCode: Int32
    public let isCancellation: Bool

    public init(message: String, exitCode: Int32, isCancellation: Bool = false) {
        self.message = message
        self.exitCode = exitCode
        self.isCancellation = isCancellation
    }

    public init(_ error: Error) {
        switch error {
        case ProviderError.cancelled, is CancellationError:
            self.init(message: "cancelled", exitCode: 1, isCancellation: true)
        case let e as ReportableError:
            self.init(message: Printable.line(e.description), exitCode: e.exitCode)
        default:
            self.init(message: "internal error: " + Printable.line(String(describing: error)), exitCode: 70)
        }
    }

    public var description: String { message }
}
