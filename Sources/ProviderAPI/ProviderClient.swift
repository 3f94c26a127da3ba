import Foundation
import Logging
import Synchronization

/// What the last request came to: for the key status pane and the sync state.
public struct RequestOutcome: Sendable, Equatable {
    public var time: Date
    public var path: String
    /// The HTTP status, or nil when no answer came.
    public var status: Int?
    /// The error, when the request failed for good.
    public var error: ProviderError?
    /// For a 429 that will be retried: the wait before the next try.
    public var retryIn: Double?

    public init(time: Date, path: String, status: Int?, error: ProviderError?, retryIn: Double? = nil) {
        self.time = time; self.path = path; self.status = status; self.error = error; self.retryIn = retryIn
    }
}

/// The async Provider API client: mints the token, follows cursors to the end, retries
/// what the contract says is transient and turns problem JSON into `ProviderError`.
public final class ProviderClient: Sendable {
    public let baseURL: URL
    public let minter: TokenMinter
    public let pageSize: Int
    public let policy: RetryPolicy
    /// How many requests may be in flight at once across `reports(...)`.
    public let concurrency: Int
    private let transport: HTTPTransport
    private let logger: Logger
    private let counter = Atomic<Int>(0)
    private let last = Locked<RequestOutcome?>(nil)
    /// Whether the clock correction has been logged (once a run).
    private let clockNoted = Locked(false)
    private let observer: (@Sendable (RequestOutcome) -> Void)?

    public init(baseURL: URL, minter: TokenMinter, transport: HTTPTransport, policy: RetryPolicy = RetryPolicy(),
                pageSize: Int = Endpoints.maxPageSize, concurrency: Int = 6,
                logger: Logger = Logger(label: "provider-api"),
                observer: (@Sendable (RequestOutcome) -> Void)? = nil) {
        self.baseURL = baseURL
        self.minter = minter
        self.transport = transport
        self.policy = policy
        self.pageSize = min(max(pageSize, Endpoints.minPageSize), Endpoints.maxPageSize)
        self.concurrency = max(1, concurrency)
        self.logger = logger
        self.observer = observer
    }

    /// HTTP requests sent so far, retries included.
    public var requestCount: Int { counter.load(ordering: .relaxed) }
    /// The outcome of the last request that finished.
    public var lastOutcome: RequestOutcome? { last.withLock { $0 } }

    // MARK: - Endpoints

    public func organizations() async throws -> [Organization] {
        var all: [Organization] = []
        try await paginate(path: Endpoints.organizations, query: [:]) { (page: Page<Organization>) in
            all.append(contentsOf: page.data)
            return page.nextCursor
        }
        return all
    }

    /// The daily report of `day`, or the newest one when nil.
    public func dailyReport(_ day: Day?) async throws -> UsageReport {
        try await usageReport(path: Endpoints.dailyUsage, periodKey: Endpoints.Query.date,
                              period: day?.description, expected: day.map { .daily($0) })
    }

    /// The monthly report of `month`, or the newest one when nil.
    public func monthlyReport(_ month: Month?) async throws -> UsageReport {
        try await usageReport(path: Endpoints.monthlyUsage, periodKey: Endpoints.Query.month,
                              period: month?.description, expected: month.map { .monthly($0) })
    }

    /// One report, daily or monthly.
    public func report(_ period: ReportPeriod) async throws -> UsageReport {
        switch period {
        case .daily(let d): return try await dailyReport(d)
        case .monthly(let m): return try await monthlyReport(m)
        }
    }

    /// Several reports at once, at most `concurrency` in flight; the result keeps the
    /// order of `periods`. Each report is whole or its error.
    public func reports(_ periods: [ReportPeriod]) async -> [Result<UsageReport, ProviderError>] {
        var results = [Result<UsageReport, ProviderError>](repeating: .failure(.cancelled), count: periods.count)
        let position = Dictionary(periods.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        try? await reports(periods) { period, result in
            if let i = position[period] { results[i] = result }
        }
        return results
    }

    /// Fetches `periods` with at most `concurrency` in flight and hands each result to
    /// `each` as it lands, one at a time, in the caller's task. When `each` throws, the
    /// requests still in flight are cancelled and the error comes out here.
    public func reports(_ periods: [ReportPeriod],
                        each: (ReportPeriod, Result<UsageReport, ProviderError>) async throws -> Void) async throws {
        try await inSlidingWindow(periods, width: concurrency, { period in
            do { return Landed(period: period, result: .success(try await self.report(period))) }
            catch { return Landed(period: period, result: .failure(Self.providerError(error))) }
        }, each: { landed in try await each(landed.period, landed.result) })
    }

    /// One report's outcome as a child task hands it back.
    struct Landed: Sendable {
        let period: ReportPeriod
        let result: Result<UsageReport, ProviderError>
    }

    private func usageReport(path: String, periodKey: String, period: String?, expected: ReportPeriod?) async throws -> UsageReport {
        var query: [String: String] = [:]
        if let period { query[periodKey] = period }
        var report: UsageReport?
        try await paginate(path: path, query: query) { (page: UsagePage) in
            if let expected, page.period != expected {
                throw ProviderError.badResponse(detail: "asked for \(expected) but got the report of \(page.period)")
            }
            if var r = report {
                guard r.period == page.period else {
                    throw ProviderError.badResponse(detail: "a page of \(page.period) inside the report of \(r.period)")
                }
                r.rows.append(contentsOf: page.data)
                report = r
            } else {
                report = UsageReport(period: page.period, generatedAt: page.generatedAt, rows: page.data)
                // Pin the period for the following pages, so that "the newest" cannot move mid-listing.
                query[periodKey] = page.period.description
            }
            return page.nextCursor
        } nextQuery: { query }
        guard let report else { throw ProviderError.badResponse(detail: "empty answer at \(path)") }
        return report
    }

    // MARK: - Paging

    /// Fetches pages until `nextCursor` is null. A cursor seen twice is an error, not a loop.
    private func paginate<P: Decodable>(path: String, query: [String: String],
                                        _ consume: (P) throws -> String?,
                                        nextQuery: (() -> [String: String])? = nil) async throws {
        var seen: Set<String> = []
        var cursor: String?
        var currentQuery = query
        repeat {
            var q = currentQuery
            q[Endpoints.Query.limit] = String(pageSize)
            if let cursor { q[Endpoints.Query.cursor] = cursor }
            let page: P = try await get(path: path, query: q)
            let next = try consume(page)
            if let nextQuery { currentQuery = nextQuery() }
            if let next {
                guard seen.insert(next).inserted else {
                    throw ProviderError.badResponse(detail: "the cursor \(next.prefix(40)) came twice at \(path); the listing would never end")
                }
            }
            cursor = next
        } while cursor != nil
    }

    // MARK: - One request, with retries

    func get<T: Decodable>(path: String, query: [String: String]) async throws -> T {
        let response = try await send(path: path, query: query)
        if let fast = FastDecoder.decode(T.self, from: response.body) { return fast }
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            let outcome = RequestOutcome(time: Date(), path: path, status: response.status,
                                         error: .badResponse(detail: Self.describe(decoding: error, path: path)))
            record(outcome)
            throw outcome.error!
        }
    }

    private func url(path: String, query: [String: String]) -> URL {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        // '+' is legal in a query but a server may read it as a space: encode it.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.url!
    }

    private func send(path: String, query: [String: String]) async throws -> HTTPResponse {
        let target = url(path: path, query: query)
        var attempt = 0
        var clockRetried = false
        while true {
            attempt += 1
            try Task.checkCancellation()
            let token = try minter.token()
            counter.add(1, ordering: .relaxed)
            let started = Date(), sent = minter.localNow()
            let retryDelay: Double
            let failure: ProviderError
            do {
                let response = try await transport.get(target, headers: [
                    "Authorization": "Bearer " + token.compact,
                    "Accept": "application/json",
                ])
                logger.debug("GET \(path)", metadata: [
                    "query": "\(query)", "status": "\(response.status)", "attempt": "\(attempt)",
                    "ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
                ])
                noteServerClock(response, sent: sent, received: minter.localNow())
                if (200..<300).contains(response.status) {
                    record(RequestOutcome(time: Date(), path: path, status: response.status, error: nil))
                    return response
                }
                let problem = Self.problem(in: response)
                switch response.status {
                case 429:
                    failure = .unavailable(detail: "rate limited (429)", attempts: attempt)
                    retryDelay = policy.delay(retryAfter: response.headers["retry-after"], afterAttempt: attempt)
                    if attempt < policy.maxAttempts {
                        record(RequestOutcome(time: Date(), path: path, status: 429, error: nil, retryIn: retryDelay))
                    }
                case 500...599:
                    failure = .unavailable(detail: "server error \(response.status)\(problem.isEmpty ? "" : ": \(problem)")", attempts: attempt)
                    retryDelay = policy.backoff(afterAttempt: attempt)
                case 401 where !clockRetried && Self.isClockRejection(problem):
                    // The token was refused for its time: mint again on the server's time
                    // (just measured from this answer's Date header) and try once more.
                    clockRetried = true
                    attempt -= 1
                    logger.info("the server refused the token's time (\(problem)); minting again on the server's clock (offset \(Int(minter.clockOffset)) s)")
                    minter.invalidate()
                    continue
                default:
                    let error = Self.finalError(status: response.status, problem: problem, path: path, query: query,
                                                type: Self.problemType(in: response))
                    if response.status == 401 { minter.invalidate() }
                    record(RequestOutcome(time: Date(), path: path, status: response.status, error: error))
                    throw error
                }
            } catch let error as TransportError {
                logger.debug("GET \(path) failed", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                switch error {
                case .timedOut: failure = .unavailable(detail: "the request timed out", attempts: attempt)
                case .connectionFailed(let why): failure = .unavailable(detail: why, attempts: attempt)
                case .untrustedCertificate(let why):
                    // Waiting will not change a certificate: one try, and say what to do.
                    let error = ProviderError.untrustedCertificate(host: baseURL.host ?? baseURL.absoluteString, reason: why)
                    record(RequestOutcome(time: Date(), path: path, status: nil, error: error))
                    throw error
                case .plainHTTP:
                    // Nor will a server that does not speak TLS start to: one try.
                    let error = ProviderError.plainHTTP(baseURL.absoluteString)
                    record(RequestOutcome(time: Date(), path: path, status: nil, error: error))
                    throw error
                }
                retryDelay = policy.backoff(afterAttempt: attempt)
            }
            guard attempt < policy.maxAttempts else {
                logger.warning("giving up on \(path) after \(attempt) tries: \(failure)")
                record(RequestOutcome(time: Date(), path: path, status: nil, error: failure))
                throw failure
            }
            logger.info("retrying \(path) in \(String(format: "%.2f", retryDelay)) s after: \(failure)")
            try await Task.sleep(nanoseconds: UInt64(retryDelay * 1e9))
        }
    }

    /// Clock skew tolerance: this machine's clock is compared with the server's `Date`
    /// header on every answer; past `Self.clockTolerance` the minter signs on the
    /// server's time (said once in the log), within it on this machine's.
    ///
    /// The header has one-second resolution and was written somewhere between the
    /// request leaving and the answer arriving, so it bounds the offset to an interval
    /// rather than a point: a correction already in that interval stands; otherwise none
    /// is made when the interval reaches within the tolerance, and else the interval's
    /// middle is taken. A slow answer then never passes for a wrong clock.
    private func noteServerClock(_ response: HTTPResponse, sent: Date, received: Date) {
        guard let text = response.headers["date"], let server = HTTPDate.parse(text) else { return }
        let low = server.timeIntervalSince(received), high = server.addingTimeInterval(1).timeIntervalSince(sent)
        let current = minter.clockOffset
        if current >= low - 0.5, current <= high + 0.5 { return }
        let measured = (low + high) / 2
        let wanted = (low <= Self.clockTolerance && high >= -Self.clockTolerance) ? 0 : measured
        if minter.setClockOffset(wanted), wanted != 0 {
            let told = clockNoted.withLock { done -> Bool in defer { done = true }; return done }
            if !told {
                logger.info("this machine's clock is \(Int(measured.rounded())) s off the server's; tokens are signed on the server's time")
            }
        }
    }

    /// Seconds of difference between the clocks that need no correction.
    public static let clockTolerance = 10.0

    /// A 401 that is about the token's time (expired, or issued in the future).
    static func isClockRejection(_ detail: String) -> Bool {
        let d = detail.lowercased()
        return d.contains("expired") || d.contains("future") || d.contains("not yet valid") || d.contains("not valid yet")
    }

    private func record(_ outcome: RequestOutcome) {
        last.withLock { $0 = outcome }
        observer?(outcome)
    }

    // MARK: - Error mapping

    static func finalError(status: Int, problem: String, path: String, query: [String: String], type: String?) -> ProviderError {
        switch status {
        case 400: return .badRequest(detail: problem.isEmpty ? "malformed query" : problem)
        case 401, 403: return .keyRejected(status: status, detail: problem)
        case 404:
            if let type, type.hasSuffix(Endpoints.reportNotReadySuffix) {
                let period = query[Endpoints.Query.date] ?? query[Endpoints.Query.month] ?? "the newest period"
                return .reportNotReady(period: period, detail: problem)
            }
            if let period = query[Endpoints.Query.date] ?? query[Endpoints.Query.month] {
                return .noReport(period: period, detail: problem)
            }
            return .notFound(path: path, detail: problem)
        default: return .unexpectedStatus(status, detail: problem)
        }
    }

    /// The problem's `detail` (or `title`), or a short printable prefix of a non-JSON body.
    public static func problem(in response: HTTPResponse) -> String {
        if let p = try? JSONDecoder().decode(Problem.self, from: response.body) {
            return oneLine(p.detail ?? p.title ?? "")
        }
        return oneLine(String(decoding: response.body.prefix(120), as: UTF8.self))
    }

    static func problemType(in response: HTTPResponse) -> String? {
        (try? JSONDecoder().decode(Problem.self, from: response.body))?.type
    }

    static func oneLine(_ s: String) -> String { Printable.line(s, limit: 200) }

    static func describe(decoding error: Error, path: String) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c):
            return c.codingPath.isEmpty ? "not valid JSON at \(path)" : "bad value at \(fieldPath(c.codingPath)) in \(path): \(c.debugDescription)"
        case DecodingError.keyNotFound(let key, let c):
            return "missing field \(fieldPath(c.codingPath + [key])) in \(path)"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong type at \(fieldPath(c.codingPath)) in \(path)"
        default:
            return "unreadable answer at \(path)"
        }
    }

    static func fieldPath(_ path: [CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    /// Any error as a `ProviderError` (cancellation included).
    /// A transport or decoding error as the API's error; store and other program
    /// errors are not the API's and pass through `Failure` instead.
    public static func providerError(_ error: Error) -> ProviderError {
        if let e = error as? ProviderError { return e }
        if error is CancellationError { return .cancelled }
        return .badResponse(detail: Printable.line(String(describing: error), limit: 200))
    }
}

extension ProviderClient {
    /// One authenticated request (the first organization): the server's verdict on the key.
    public func checkAccess() async throws -> Int {
        let page: Page<Organization> = try await get(path: Endpoints.organizations, query: [Endpoints.Query.limit: "1"])
        return page.data.count
    }
}
