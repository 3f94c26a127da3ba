import Foundation
import ProviderAPI

/// The embedded Provider API: serves the seeded data set on 127.0.0.1, checks every
/// token as the contract's server does, pages with opaque cursors, and misbehaves on
/// request (revoked key, faults, latency).
public final class ProviderSimulator: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var organizationCount = 240
        public var seed: UInt64 = 1
        /// The simulator's "today"; reports exist up to the day before.
        public var today = Day(containing: Date())
        public var providerId = "prv_DEMO00"
        /// Every request answered 401 "key revoked".
        public var revoked = false
        /// The share of requests answered 429, 500, 503 or a stall.
        public var faultRate = 0.0
        /// Added to every answer.
        public var latency: Double = 0
        /// The Retry-After of a simulated 429.
        public var retryAfter = 1
        /// How long a simulated stall holds the connection before dropping it.
        public var stallSeconds: Double = 30
        /// A `Cache-Control` header on every successful answer (as a real API behind a
        /// CDN may send), to check that the client keeps no copy of its own.
        public var cacheControl: String?
        /// Organization names (in the list and both reports) and problem details made
        /// of escape sequences, line breaks and spreadsheet formulas.
        public var hostileNames = false
        /// Seconds the simulator's clock runs ahead (or, negative, behind) this machine's:
        /// its `Date` header and its token checks use that clock.
        public var clockOffset: Double = 0
        /// Every organization and report row gains a field the contract does not name
        /// (`region`) and a license type it does not know (`standard-annual` for standard):
        /// what a newer API would send.
        public var futureFields = false
        public init() {}
    }

    public enum Fault: Sendable, Equatable {
        case status(Int, retryAfter: Int?)
        case stall
        case cutMidBody
        case invalidJSON
        case wrongShape
        case repeatCursor
        case emptyPageWithCursor
        /// A 401 or 403 problem with this detail.
        case rejected(status: Int, detail: String)
        /// Every organization in one page, whatever the limit asked.
        case hugePage
    }

    public let configuration: Configuration
    public let data: DataSet
    /// What requests change, shared by the server's connection threads.
    private struct State {
        var verifier: TokenVerifier
        var scripted: [Fault] = []
        var rng: SplitMix64
        var counts: [String: Int] = [:]
        var log: [String] = []
        var server: HTTPServer?
    }
    private let state: Locked<State>
    private let gate = Gate()
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        data = DataSet(organizationCount: configuration.organizationCount, seed: configuration.seed, today: configuration.today,
                       hostileNames: configuration.hostileNames)
        state = Locked(State(verifier: TokenVerifier(providerId: configuration.providerId, keys: [:]),
                             rng: SplitMix64(seed: configuration.seed ^ 0xFA17)))
    }

    /// Accepts tokens signed by `key` under `keyId`.
    public func register(keyId: String, key: PublicKey) {
        state.withLock { $0.verifier.keys[keyId] = key }
    }

    /// Revokes a key: its tokens are answered 401 "key revoked" from now on.
    public func revoke(keyId: String) {
        _ = state.withLock { $0.verifier.revokedKeyIds.insert(keyId) }
    }

    /// Faults served, in order, to the next requests (before any random fault).
    public func script(_ faults: [Fault]) {
        state.withLock { $0.scripted.append(contentsOf: faults) }
    }

    /// Requests whose `path?query` `matches` wait, on the server's connection thread,
    /// until `release()`: a test holds a sync at a known point this way.
    public func hold(_ matches: @escaping @Sendable (String) -> Bool) { gate.close(matches) }
    public func release() { gate.open() }

    /// Requests answered so far by path (retries included), and their total.
    public func requestCounts() -> [String: Int] { state.withLock { $0.counts } }
    public var requestCount: Int { state.withLock { $0.counts.values.reduce(0, +) } }
    public func resetCounts() { state.withLock { $0.counts = [:]; $0.log = [] } }
    /// Every request as `path?query` (sorted), oldest first.
    public func requestLog() -> [String] { state.withLock { $0.log } }

    /// Starts serving on 127.0.0.1:`port` (0 picks a free port), over https when given
    /// a certificate; returns the base URL.
    @discardableResult
    public func start(port: UInt16 = 0, tls: TLSIdentity? = nil) throws -> URL {
        let server = try HTTPServer(port: port, tls: tls) { [self] request in handle(request) }
        server.start()
        state.withLock { $0.server = server }
        return URL(string: "\(tls == nil ? "http" : "https")://127.0.0.1:\(server.port)")!
    }

    /// TCP connections accepted, and TLS handshakes that failed.
    public var connectionCounts: (accepted: Int, failedHandshakes: Int) { state.withLock { $0.server }?.connectionCounts ?? (0, 0) }

    public func stop() {
        state.withLock { $0.server }?.stop()
    }

    public var port: UInt16? { state.withLock { $0.server?.port } }

    // MARK: - Handling

    /// Every answer carries the simulator's time in a `Date` header, as a real server's does.
    func dated(_ reply: HTTPReply) -> HTTPReply {
        var r = reply
        r.headers["Date"] = HTTPDate.format(Date().addingTimeInterval(configuration.clockOffset))
        return r
    }

    func handle(_ request: HTTPRequest) -> HTTPReply {
        let line = request.path + "?" + request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        let configuration = self.configuration
        let (fault, verifier) = state.withLock { state -> (Fault?, TokenVerifier) in
            state.counts[request.path, default: 0] += 1
            if state.log.count < 200_000 {
                state.log.append(line)
            }
            if !state.scripted.isEmpty { return (state.scripted.removeFirst(), state.verifier) }
            if configuration.faultRate > 0, SplitMix64.unit(state.rng.next()) < configuration.faultRate {
                let kinds: [Fault] = [.status(429, retryAfter: configuration.retryAfter), .status(500, retryAfter: nil),
                                      .status(503, retryAfter: nil), .stall]
                return (kinds[Int(state.rng.next() % UInt64(kinds.count))], state.verifier)
            }
            return (nil, state.verifier)
        }
        gate.pass(line)
        if configuration.latency > 0 { Thread.sleep(forTimeInterval: configuration.latency) }
        if let fault, let reply = infrastructureFault(fault) { return dated(reply) }
        guard request.method == "GET" else { return dated(problem(405, "Method Not Allowed", "only GET is served")) }
        if configuration.revoked { return dated(problem(401, "Unauthorized", "key revoked")) }
        if case .failure(let rejection) = verifier.verify(authorization: request.headers["authorization"], now: Date().addingTimeInterval(configuration.clockOffset)) {
            return dated(problem(401, "Unauthorized", rejection.description))
        }
        var reply = route(request)
        if let fault { reply = contentFault(fault, reply) }
        if let cacheControl = configuration.cacheControl, reply.status == 200 { reply.headers["Cache-Control"] = cacheControl }
        return dated(reply)
    }

    private func infrastructureFault(_ fault: Fault) -> HTTPReply? {
        switch fault {
        case .status(let status, let retryAfter):
            var reply = problem(status, HTTPServer.reason(status), "simulated fault")
            if let retryAfter { reply.headers["Retry-After"] = String(retryAfter) }
            return reply
        case .stall:
            return HTTPReply(status: 200, body: Data(), delivery: .stall(seconds: configuration.stallSeconds))
        case .rejected(let status, let detail):
            return problem(status, HTTPServer.reason(status), detail)
        default:
            return nil
        }
    }

    private func contentFault(_ fault: Fault, _ reply: HTTPReply) -> HTTPReply {
        var r = reply
        if fault != .cutMidBody { r.status = 200 }
        switch fault {
        case .cutMidBody: r.delivery = .cutMidBody
        case .invalidJSON: r.body = Data("{\"data\": [{\"id\": \"org_1\", \"na".utf8)
        case .wrongShape: r.body = Data("{\"items\": [], \"next\": null}".utf8)
        case .hugePage:
            r.body = (try? encoder.encode(Page(data: data.organizations.map(data.organization), nextCursor: nil))) ?? Data()
        case .repeatCursor, .emptyPageWithCursor:
            // A page that points at itself: the listing would never end.
            r.body = Data("{\"period\":{\"type\":\"daily\",\"date\":\"\(data.newestDay)\"},\"generatedAt\":\"x\",\"data\":[],\"nextCursor\":\"loop\"}".utf8)
            if fault == .emptyPageWithCursor {
                r.body = Data("{\"data\":[],\"nextCursor\":\"\(UUID().uuidString)\"}".utf8)
            }
        default: break
        }
        return r
    }

    func route(_ request: HTTPRequest) -> HTTPReply {
        let limitText = request.query[Endpoints.Query.limit]
        let limit = limitText.map { Int($0) } ?? Endpoints.defaultPageSize
        guard let limit, (Endpoints.minPageSize...Endpoints.maxPageSize).contains(limit) else {
            return problem(400, "Bad Request", "limit must be an integer from \(Endpoints.minPageSize) to \(Endpoints.maxPageSize)")
        }
        switch request.path {
        case Endpoints.organizations:
            return page(listing: "orgs", cursor: request.query[Endpoints.Query.cursor], limit: limit) { [data] range in
                Page(data: data.organizations[range].map(data.organization).map(future), nextCursor: nil)
            } count: { data.organizations.count }
        case Endpoints.dailyUsage, Endpoints.monthlyUsage:
            let daily = request.path == Endpoints.dailyUsage
            let period: ReportPeriod
            if let text = request.query[daily ? Endpoints.Query.date : Endpoints.Query.month] {
                guard let asked = daily ? Day(text).map(ReportPeriod.daily) : Month(text).map(ReportPeriod.monthly) else {
                    return problem(400, "Bad Request", daily ? "date must be YYYY-MM-DD" : "month must be YYYY-MM")
                }
                period = asked
            } else {
                period = daily ? .daily(data.newestDay) : .monthly(data.newestMonth)
            }
            switch data.availability(of: period) {
            case .notReady(let detail): return notReady(detail)
            case .beforeHistory(let detail): return problem(404, "Not Found", detail)
            case .ready: return usage(period, request: request, limit: limit) { data.rows(of: period) }
            }
        default:
            return problem(404, "Not Found", "no such endpoint: \(request.path)")
        }
    }

    private func usage(_ period: ReportPeriod, request: HTTPRequest, limit: Int, rows: () -> [UsageRow]) -> HTTPReply {
        let all = reportCache.rows(for: period, make: rows)
        return page(listing: period.description, cursor: request.query[Endpoints.Query.cursor], limit: limit) { range in
            UsagePage(period: period, generatedAt: DataSet.generatedAt(period), data: all[range].map(future), nextCursor: nil)
        } count: { all.count }
    }

    private let reportCache = ReportCache(capacity: 24)

    /// With `futureFields`: a field the contract does not name, and a license type it
    /// does not know in place of `standard`.
    func future<Item: FutureShaped>(_ item: Item) -> Item {
        guard configuration.futureFields else { return item }
        var item = item
        item.extra["region"] = .string("eu-west")
        if item.licenseType == .standard { item.licenseType = LicenseType(rawValue: "standard-annual") }
        return item
    }

    /// Pages a listing: the cursor names the listing and the offset, so a cursor of
    /// another listing, or a made-up one, is a 400.
    private func page<P: Encodable & CursorPage>(listing: String, cursor: String?, limit: Int,
                                                 make: (Range<Int>) -> P, count: () -> Int) -> HTTPReply {
        var offset = 0
        if let cursor {
            guard let decoded = Base64URL.decode(Substring(cursor)).map({ String(decoding: $0, as: UTF8.self) }),
                  let bar = decoded.lastIndex(of: "|"), decoded[..<bar] == "\(configuration.seed):\(listing)",
                  let o = Int(decoded[decoded.index(after: bar)...]), o > 0 else {
                return problem(400, "Bad Request", "unknown cursor")
            }
            offset = o
        }
        let total = count()
        let end = min(total, offset + limit)
        var page = make(min(offset, total)..<end)
        page.nextCursor = end < total ? Base64URL.encode(Array("\(configuration.seed):\(listing)|\(end)".utf8)) : nil
        return json(200, page)
    }

    private func json<T: Encodable>(_ status: Int, _ value: T) -> HTTPReply {
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return HTTPReply(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    private func notReady(_ detail: String) -> HTTPReply {
        problem(404, "Report Not Ready", detail, type: "https://api.nordpass.com/problems" + Endpoints.reportNotReadySuffix)
    }

    func problem(_ status: Int, _ title: String, _ detail: String, type: String? = nil) -> HTTPReply {
        let detail = configuration.hostileNames ? detail + " " + Names.hostile[0] : detail
        let p = Problem(type: type ?? "https://api.nordpass.com/problems/\(status)", title: title, status: status, detail: detail)
        var reply = json(status, p)
        reply.headers["Content-Type"] = Endpoints.problemContentType
        return reply
    }
}

/// A page type whose cursor the simulator sets.
protocol CursorPage { var nextCursor: String? { get set } }
extension Page: CursorPage {}
extension UsagePage: CursorPage {}

/// The rows of the reports asked for most recently, so that paging through one report
/// computes it once, not once a page.
final class ReportCache: Sendable {
    private let entries = Locked<[(ReportPeriod, [UsageRow])]>([])
    private let capacity: Int
    init(capacity: Int) { self.capacity = capacity }

    func rows(for period: ReportPeriod, make: () -> [UsageRow]) -> [UsageRow] {
        if let hit = entries.withLock({ $0.first { $0.0 == period }?.1 }) { return hit }
        let rows = make()
        entries.withLock { entries in
            entries.removeAll { $0.0 == period }
            entries.append((period, rows))
            if entries.count > capacity { entries.removeFirst() }
        }
        return rows
    }
}

/// What `futureFields` changes: organizations and report rows alike.
protocol FutureShaped {
    var extra: [String: JSONValue] { get set }
    var licenseType: LicenseType { get set }
}

extension Organization: FutureShaped {}
extension UsageRow: FutureShaped {}

/// Holds the requests that match until opened.
private final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var matches: (@Sendable (String) -> Bool)?

    func close(_ matches: @escaping @Sendable (String) -> Bool) {
        condition.withLock { self.matches = matches }
    }

    func open() {
        condition.withLock { matches = nil; condition.broadcast() }
    }

    func pass(_ request: String) {
        condition.withLock { while let m = matches, m(request) { condition.wait() } }
    }
}
