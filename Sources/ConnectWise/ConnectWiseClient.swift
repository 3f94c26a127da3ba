import Foundation
import Logging
import ProviderAPI
import Synchronization

/// At most `limit` holders at once; the rest wait (suspended, not blocking a thread)
/// in order.
final class Limiter: Sendable {
    private struct State { var available: Int; var waiting: [CheckedContinuation<Void, Never>] = [] }
    private let state: Locked<State>
    init(_ limit: Int) { state = Locked(State(available: max(1, limit))) }

    func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.available > 0 { s.available -= 1; return true }
                s.waiting.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiting.isEmpty { s.available += 1; return nil }
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}

/// The async ConnectWise PSA client: Basic auth and the clientId header on every
/// request, lists followed page by page through their `Link` header, 429 and 5xx retried
/// (Retry-After honoured, else backoff), at most `concurrency` requests in flight, and
/// every other error named with ConnectWise's own message.
public final class ConnectWiseClient: Sendable {
    public let account: ConnectWiseAccount
    public let policy: RetryPolicy
    public let pageSize: Int
    private let transport: HTTPTransport
    private let limiter: Limiter
    private let logger: Logger
    private let counter = Atomic<Int>(0)
    private let inFlight = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)

    public init(account: ConnectWiseAccount, transport: HTTPTransport, policy: RetryPolicy = RetryPolicy(),
                concurrency: Int = 6, pageSize: Int = ConnectWiseContract.maxPageSize,
                logger: Logger = Logger(label: "connectwise")) {
        self.account = account
        self.transport = transport
        self.policy = policy
        self.limiter = Limiter(concurrency)
        self.pageSize = min(max(1, pageSize), ConnectWiseContract.maxPageSize)
        self.logger = logger
    }

    /// Requests sent so far, retries included.
    public var requestCount: Int { counter.load(ordering: .relaxed) }
    /// The most requests that were ever in flight at once.
    public var peakInFlight: Int { peak.load(ordering: .relaxed) }

    // MARK: - Reads

    /// Every company that is not deleted: id, identifier and name.
    public func companies() async throws -> [CWCompany] {
        let all: [CWCompany] = try await list(ConnectWiseContract.companies, conditions: "deletedFlag=false", fields: "id,identifier,name,deletedFlag")
        return all.filter { $0.deletedFlag != true }
    }

    /// The agreements that bill (Active, not cancelled), of `type` when given.
    public func liveAgreements(type: String?) async throws -> [CWAgreement] {
        var conditions = "agreementStatus=\(ConnectWiseContract.quoted(ConnectWiseContract.active)) and cancelledFlag=false"
        if let type { conditions += " and type/name=\(ConnectWiseContract.quoted(type))" }
        let all: [CWAgreement] = try await list(ConnectWiseContract.agreements, conditions: conditions,
                                                fields: "id,name,type,company,agreementStatus,cancelledFlag")
        // The conditions are ConnectWise's to honour; the rule is checked here again.
        return all.filter { $0.isLive && (type == nil || $0.type?.name == type) }
    }

    /// An agreement's additions, cancelled ones included.
    public func additions(of agreement: Int) async throws -> [CWAddition] {
        try await list(ConnectWiseContract.additions(of: agreement), conditions: nil, fields: nil)
    }

    /// The catalog item with `identifier`, or nil when the catalog has none.
    public func catalogItem(_ identifier: String) async throws -> CWCatalogItem? {
        let items: [CWCatalogItem] = try await list(ConnectWiseContract.catalog,
                                                    conditions: "identifier=\(ConnectWiseContract.quoted(identifier))",
                                                    fields: "id,identifier,description,inactiveFlag")
        return items.first { $0.identifier.caseInsensitiveCompare(identifier) == .orderedSame }
    }

    /// One request that proves the keys: the first company.
    public func checkAccess() async throws {
        let _: [CWCompany] = try await get(ConnectWiseContract.companies, query: [("fields", "id"), ("pageSize", "1")]).value
    }

    // MARK: - Writes

    /// JSON Patch `replace` of the addition's quantity.
    public func setQuantity(agreement: Int, addition: Int, to quantity: Decimal) async throws -> CWAddition {
        let body = try JSONEncoder().encode([CWPatch(path: "quantity", value: quantity)])
        let response = try await send("PATCH", url(ConnectWiseContract.addition(addition, of: agreement), query: []),
                                      path: ConnectWiseContract.addition(addition, of: agreement), body: body, idempotent: true)
        return try decode(response, path: ConnectWiseContract.addition(addition, of: agreement))
    }

    /// POSTs a new addition. Not retried after a 5xx or a lost answer (it may have been
    /// made): the caller looks before trying again.
    public func createAddition(agreement: Int, _ addition: CWNewAddition) async throws -> CWAddition {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let path = ConnectWiseContract.additions(of: agreement)
        let response = try await send("POST", url(path, query: []), path: path, body: try encoder.encode(addition), idempotent: false)
        return try decode(response, path: path)
    }

    // MARK: - Lists

    /// Every page of a list: `page=1&pageSize=1000`, then each `Link: <…>; rel="next"`
    /// until there is none. A next page on another host, or one seen twice, is an error.
    public func list<T: Decodable & Sendable>(_ path: String, conditions: String?, fields: String?) async throws -> [T] {
        var query: [(String, String)] = []
        if let conditions { query.append(("conditions", conditions)) }
        if let fields { query.append(("fields", fields)) }
        query += [("page", "1"), ("pageSize", String(pageSize))]
        var next: URL? = url(path, query: query)
        var seen: Set<String> = []
        var all: [T] = []
        while let target = next {
            guard seen.insert(target.absoluteString).inserted else {
                throw ConnectWiseError.badResponse(detail: "the next page of \(path) came twice; the listing would never end")
            }
            let page: (value: [T], next: URL?) = try await get(path, url: target)
            all.append(contentsOf: page.value)
            next = page.next
            if let n = next, n.host?.lowercased() != account.site.host?.lowercased() || n.scheme != account.site.scheme {
                throw ConnectWiseError.badResponse(detail: "the next page of \(path) is on another site (\(Printable.line(n.host ?? "?", limit: 60))); not followed with our keys")
            }
        }
        return all
    }

    private func get<T: Decodable>(_ path: String, query: [(String, String)]) async throws -> (value: T, next: URL?) {
        try await get(path, url: url(path, query: query))
    }

    private func get<T: Decodable>(_ path: String, url: URL) async throws -> (value: T, next: URL?) {
        let response = try await send("GET", url, path: path, body: nil, idempotent: true)
        return (try decode(response, path: path), Self.nextLink(response.headers["link"], relativeTo: url))
    }

    private func decode<T: Decodable>(_ response: HTTPResponse, path: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: response.body) } catch {
            throw ConnectWiseError.badResponse(detail: "\(path): \(Self.describe(decoding: error))")
        }
    }

    static func describe(decoding error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong type at \(c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined())"
        default: return "not the JSON the contract describes"
        }
    }

    /// The `rel="next"` URL of a Link header, if any.
    public static func nextLink(_ header: String?, relativeTo base: URL) -> URL? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = pieces.first, first.hasPrefix("<"), first.hasSuffix(">") else { continue }
            let isNext = pieces.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "").lowercased() == "rel=\"next\"" || $0.lowercased() == "rel=next" }
            if isNext { return URL(string: String(first.dropFirst().dropLast()), relativeTo: base)?.absoluteURL }
        }
        return nil
    }

    /// `{root}/{path}?query`, every value percent-encoded (a condition's `=`, `&`, quotes and spaces).
    func url(_ path: String, query: [(String, String)]) -> URL {
        var components = URLComponents(url: account.root.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~,/"))
        if !query.isEmpty {
            components.percentEncodedQuery = query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        }
        return components.url!
    }

    // MARK: - One request, with retries

    /// Sends one request under the in-flight limit. 429 is always retried (ConnectWise
    /// did nothing); 5xx and a lost answer only when `idempotent`.
    private func send(_ method: String, _ url: URL, path: String, body: Data?, idempotent: Bool) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let failure: ConnectWiseError
            let wait: Double
            do {
                let response = try await limited {
                    try await transport.send(method, url, headers: headers(body != nil), body: body)
                }
                logger.debug("\(method) \(path)", metadata: ["status": "\(response.status)", "attempt": "\(attempt)"])
                if (200..<300).contains(response.status) { return response }
                let message = Self.message(in: response)
                switch response.status {
                case 429:
                    failure = .unavailable(detail: "throttled (429)", attempts: attempt)
                    wait = policy.delay(retryAfter: response.headers["retry-after"], afterAttempt: attempt)
                case 500...599 where idempotent:
                    failure = .unavailable(detail: "server error \(response.status)\(ConnectWiseError.said(message))", attempts: attempt)
                    wait = policy.backoff(afterAttempt: attempt)
                case 500...599:
                    throw ConnectWiseError.unavailable(detail: "server error \(response.status)\(ConnectWiseError.said(message))", attempts: attempt)
                case 401: throw ConnectWiseError.keyRejected(detail: message)
                case 403: throw ConnectWiseError.forbidden(path: path, detail: message)
                default: throw ConnectWiseError.refused(status: response.status, path: path, detail: message)
                }
            } catch let error as TransportError {
                switch error {
                case .untrustedCertificate(let why): throw ConnectWiseError.untrustedCertificate(host: account.site.host ?? "", reason: why)
                case .plainHTTP: throw ConnectWiseError.plainHTTP(account.site.absoluteString)
                case .timedOut: failure = .unavailable(detail: "no answer in time", attempts: attempt)
                case .connectionFailed(let why): failure = .unavailable(detail: why, attempts: attempt)
                }
                guard idempotent else { throw failure }
                wait = policy.backoff(afterAttempt: attempt)
            } catch is CancellationError {
                throw ConnectWiseError.cancelled
            }
            guard attempt < policy.maxAttempts else { throw failure }
            logger.info("retrying \(method) \(path) in \(String(format: "%.2f", wait)) s after: \(failure)")
            try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
        }
    }

    private func limited<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        await limiter.acquire()
        let now = inFlight.add(1, ordering: .relaxed).newValue
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
        counter.add(1, ordering: .relaxed)
        defer {
            inFlight.subtract(1, ordering: .relaxed)
            limiter.release()
        }
        return try await body()
    }

    private func headers(_ hasBody: Bool) -> [String: String] {
        var h = ["Authorization": account.authorization, "clientId": account.clientId, "Accept": "application/json"]
        if hasBody { h["Content-Type"] = "application/json" }
        return h
    }

    /// ConnectWise's `message` (and the first field error), or a printable prefix of the body.
    public static func message(in response: HTTPResponse) -> String {
        if let body = try? JSONDecoder().decode(CWErrorBody.self, from: response.body), body.message != nil || body.errors != nil {
            var text = body.message ?? ""
            if let first = body.errors?.first, let m = first.message {
                text += (text.isEmpty ? "" : " (") + [first.field, m].compactMap { $0 }.joined(separator: ": ") + (text.isEmpty ? "" : ")")
            }
            return Printable.line(text, limit: 200)
        }
        return Printable.line(String(decoding: response.body.prefix(120), as: UTF8.self), limit: 120)
    }
}
