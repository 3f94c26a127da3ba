import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--trace-http FILE`: every request and response as one JSON line each (time,
/// method, URL, status, headers, the body up to 64 KB), for a bug report about the
/// real API. The Authorization header is written with its scheme only (`Bearer
/// <redacted>`, `Basic <redacted>`), and its credential is cut out of anything else it
/// could appear in; the file is 0600.
public final class TracingTransport: HTTPTransport, Sendable {
    let inner: HTTPTransport
    let fd: Int32
    let lock = Locked(0)
    public static let bodyLimit = 64 * 1024

    public init(wrapping inner: HTTPTransport, path: String) throws {
        self.inner = inner
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError(path: path, reason: SystemError.describe(errno)) }
        fchmod(fd, 0o600)
        self.fd = fd
    }

    deinit { close(fd) }

    /// 74: the trace file cannot be written.
    public struct FileError: ReportableError {
        public let path: String, reason: String
        public var exitCode: Int32 { 74 }
        public var description: String { "cannot write the HTTP trace \(path): \(reason)" }
    }

    public func get(_ url: URL, headers: [String: String]) async throws -> HTTPResponse {
        try await send("GET", url, headers: headers, body: nil)
    }

    public func send(_ method: String, _ url: URL, headers: [String: String], body: Data?) async throws -> HTTPResponse {
        let id = lock.withLock { n -> Int in n += 1; return n }
        // "Bearer TOKEN", "Basic BASE64": the scheme is shown, the credential never.
        let authorization = headers.first { $0.key.lowercased() == "authorization" }?.value
        let scheme = authorization.map { String($0.prefix { $0 != " " }) } ?? ""
        let secret = authorization.map { String($0.dropFirst(scheme.count).drop { $0 == " " }) }
        func clean(_ text: String) -> String {
            guard let secret, !secret.isEmpty else { return text }
            return text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        var shown = headers
        for key in headers.keys where key.lowercased() == "authorization" { shown[key] = scheme + " <redacted>" }
        var request = ["id": "\(id)", "time": Self.now(), "direction": "\"request\"", "method": JSONText.quote(method),
                       "url": JSONText.quote(clean(url.absoluteString)), "headers": Self.object(shown.mapValues(clean))]
        if let body, let text = String(data: body.prefix(Self.bodyLimit), encoding: .utf8) { request["body"] = JSONText.quote(clean(text)) }
        write(request)
        let started = Date()
        do {
            let response = try await inner.send(method, url, headers: headers, body: body)
            let body = response.body.prefix(Self.bodyLimit)
            var fields = ["id": "\(id)", "time": Self.now(), "direction": "\"response\"", "status": "\(response.status)",
                          "ms": "\(Int(Date().timeIntervalSince(started) * 1000))", "headers": Self.object(response.headers.mapValues(clean)),
                          "bodyBytes": "\(response.body.count)"]
            if let text = String(data: body, encoding: .utf8) { fields["body"] = JSONText.quote(clean(text)) }
            else { fields["bodyBase64"] = JSONText.quote(body.base64EncodedString()) }
            write(fields)
            return response
        } catch {
            write(["id": "\(id)", "time": Self.now(), "direction": "\"error\"", "error": JSONText.quote(clean(Failure(error).message)),
                   "ms": "\(Int(Date().timeIntervalSince(started) * 1000))"])
            throw error
        }
    }

    /// One line: the fields (already JSON values) in a fixed order.
    private func write(_ fields: [String: String]) {
        let order = ["id", "time", "direction", "method", "url", "status", "ms", "headers", "bodyBytes", "body", "bodyBase64", "error"]
        let line = "{" + order.compactMap { k in fields[k].map { "\(JSONText.quote(k)): \($0)" } }.joined(separator: ", ") + "}\n"
        lock.withLock { _ in
            _ = line.withCString { Glibc.write(fd, $0, strlen($0)) }
        }
    }

    static func object(_ map: [String: String]) -> String {
        "{" + map.sorted { $0.key < $1.key }.map { "\(JSONText.quote($0.key)): \(JSONText.quote($0.value))" }.joined(separator: ", ") + "}"
    }

    static func now() -> String {
        JSONText.quote(ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!,
                                                   formatOptions: [.withInternetDateTime, .withFractionalSeconds]))
    }
}
