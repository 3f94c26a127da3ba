import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP answer: status, headers (names lower-cased) and body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status; self.headers = headers; self.body = body
    }
}

/// A failure below HTTP: no answer at all.
public enum TransportError: Error, Sendable, Equatable {
    case timedOut
    case connectionFailed(String)
    /// The server's certificate is not trusted (unknown issuer, self-signed, expired,
    /// not valid for the host): permanent, with the TLS stack's reason.
    case untrustedCertificate(String)
    /// An https request answered in plain HTTP (the server does not speak TLS on
    /// that port): permanent.
    case plainHTTP
}

/// What sends a request. URLSession in production; tests may put anything behind it.
/// The Provider API is read with GETs only; `send` carries the writes of a PSA sync
/// (PATCH, POST with a JSON body).
public protocol HTTPTransport: Sendable {
    func get(_ url: URL, headers: [String: String]) async throws -> HTTPResponse
    func send(_ method: String, _ url: URL, headers: [String: String], body: Data?) async throws -> HTTPResponse
}

extension HTTPTransport {
    /// A transport that only reads: GET goes to `get`; any other method is refused
    /// before anything is sent.
    public func send(_ method: String, _ url: URL, headers: [String: String], body: Data?) async throws -> HTTPResponse {
        guard method == "GET", body == nil else { throw TransportError.connectionFailed("this transport sends GET only, not \(method)") }
        return try await get(url, headers: headers)
    }
}

/// URLSession (libcurl underneath on Linux): no extra dependency to build, keep-alive
/// connections, and a per-request timeout. The session holds at most `maxConnections`
/// connections to the host, matching the client's concurrency.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// No copy of an API answer is kept outside the program's own cache. On Linux,
    /// Foundation makes a URLCache for every session configuration, and its default
    /// one creates `$XDG_CACHE_HOME/org.swift.foundation.URLCache/<program>/` (0755)
    /// and would store answers there that carry caching headers. The shared cache is
    /// replaced, once and before any configuration exists, by one that holds nothing
    /// (no memory, no disk, and a directory it cannot create), and each session is
    /// given no cache at all.
    ///
    /// Likewise every configuration reads `HTTPCookieStorage.shared`, which creates
    /// `$XDG_DATA_HOME/<program>/` (`~/.local/share/...`) for a cookie file. It is made
    /// once here with XDG_DATA_HOME pointing where no directory can be created, so it
    /// falls back to a path it only writes if a cookie is stored, and none is: sessions
    /// have no cookie storage and set no cookies. The program calls this first thing,
    /// before any thread could read the environment.
    public static let noFilesOutsideTheCache: Void = {
        URLCache.shared = URLCache(memoryCapacity: 0, diskCapacity: 0, diskPath: "/dev/null")
        let previous = getenv("XDG_DATA_HOME").map { String(cString: $0) }
        setenv("XDG_DATA_HOME", "/dev/null", 1)
        _ = HTTPCookieStorage.shared
        if let previous { setenv("XDG_DATA_HOME", previous, 1) } else { unsetenv("XDG_DATA_HOME") }
    }()

    public init(timeout: TimeInterval, maxConnections: Int) {
        // Seen here: swift-corelibs-foundation fires a sub-second request timeout at
        // once, so the timeout is at least one second.
        let timeout = max(1, timeout)
        Self.noFilesOutsideTheCache
        // Not `.ephemeral`: on Linux that makes a memory cache of its own, and creates
        // the default cache directory while doing it.
        let config = URLSessionConfiguration.default
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout * 4
        config.httpMaximumConnectionsPerHost = maxConnections
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        config.urlCredentialStorage = nil
        config.httpCookieStorage = nil
        config.httpShouldSetCookies = false
        session = URLSession(configuration: config)
    }

    deinit { session.invalidateAndCancel() }

    public func get(_ url: URL, headers: [String: String]) async throws -> HTTPResponse {
        try await send("GET", url, headers: headers, body: nil)
    }

    public func send(_ method: String, _ url: URL, headers: [String: String], body: Data?) async throws -> HTTPResponse {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        // The completion-handler API under our own continuation, not `data(for:)`: on
        // Linux its cancellation handler calls into the session's queue while holding the
        // task's status lock, and a request finishing at that moment deadlocks (seen when
        // a sync was cancelled mid-request). Here cancel() is handed to another thread.
        let box = TaskBox()
        let data: Data, response: URLResponse
        do {
            (data, response) = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let task = session.dataTask(with: request) { data, response, error in
                        if let error {
                            let ns = error as NSError
                            if let reason = Self.certificateProblem(ns) {
                                continuation.resume(throwing: TransportError.untrustedCertificate(reason))
                                return
                            }
                            if Self.isPlainHTTP(ns) {
                                continuation.resume(throwing: TransportError.plainHTTP)
                                return
                            }
                            continuation.resume(throwing: ns.domain == NSURLErrorDomain ? URLError(URLError.Code(rawValue: ns.code) ?? .unknown) : error)
                            return
                        }
                        guard let response else { continuation.resume(throwing: URLError(.badServerResponse)); return }
                        continuation.resume(returning: (data ?? Data(), response))
                    }
                    box.set(task)
                    task.resume()
                }
            } onCancel: {
                DispatchQueue.global().async { box.cancel() }
            }
        } catch let error as URLError {
            if error.code == .cancelled { throw CancellationError() }
            if error.code == .timedOut { throw TransportError.timedOut }
            throw TransportError.connectionFailed(Self.describe(error))
        }
        try Task.checkCancellation()
        guard let http = response as? HTTPURLResponse else {
            throw TransportError.connectionFailed("not an HTTP response")
        }
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields {
            if let k = k as? String, let v = v as? String { fields[k.lowercased()] = v }
        }
        return HTTPResponse(status: http.statusCode, headers: fields, body: data)
    }

    /// The reason, when a failure is the server's certificate. libcurl (under
    /// URLSession on Linux) reports these as NSURLErrorUnknown with its own words:
    /// "SSL certificate problem: unable to get local issuer certificate", "...: self-signed
    /// certificate", "...: certificate has expired", "SSL: no alternative certificate
    /// subject name matches target host name 'x'".
    static func certificateProblem(_ error: NSError) -> String? {
        let certificateCodes = [NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate,
                                NSURLErrorServerCertificateHasUnknownRoot, NSURLErrorServerCertificateNotYetValid]
        let text = (error.userInfo[NSLocalizedDescriptionKey] as? String) ?? ""
        let lower = text.lowercased()
        if lower.contains("ssl certificate problem") || lower.contains("certificate subject name")
            || lower.contains("ssl peer certificate") || lower.contains("certificate verify failed") {
            var reason = text
            for prefix in ["SSL certificate problem: ", "SSL: "] where reason.hasPrefix(prefix) { reason.removeFirst(prefix.count) }
            return Printable.line(reason, limit: 160)
        }
        if error.domain == NSURLErrorDomain, certificateCodes.contains(error.code) {
            return text.isEmpty ? "the certificate is not trusted" : Printable.line(text, limit: 160)
        }
        return nil
    }

    /// libcurl's words for a TLS handshake answered by a server that does not speak
    /// TLS: OpenSSL's "wrong version number" ("packet length too long" on some).
    static func isPlainHTTP(_ error: NSError) -> Bool {
        let text = ((error.userInfo[NSLocalizedDescriptionKey] as? String) ?? "").lowercased()
        return text.contains("wrong version number") || text.contains("packet length too long")
    }

    static func describe(_ error: URLError) -> String {
        switch error.code {
        case .cannotConnectToHost: return "cannot connect to the host"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .networkConnectionLost: return "connection lost"
        case .unknown: return "the connection failed before the whole answer arrived"
        case .notConnectedToInternet: return "no network"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate:
            return "TLS failed (certificate not trusted?)"
        default: return "network error \(error.code.rawValue)"
        }
    }
}

/// The URLSession task of one request, cancellable from any thread, even before it exists.
final class TaskBox: @unchecked Sendable {
    private let state = Locked<(task: URLSessionDataTask?, cancelled: Bool)>((nil, false))

    func set(_ t: URLSessionDataTask) {
        let cancelNow = state.withLock { s -> Bool in s.task = t; return s.cancelled }
        if cancelNow { t.cancel() }
    }

    func cancel() {
        let t = state.withLock { s -> URLSessionDataTask? in s.cancelled = true; return s.task }
        t?.cancel()
    }
}
