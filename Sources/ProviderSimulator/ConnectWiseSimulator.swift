import ConnectWise
import Foundation
import ProviderAPI

/// A ConnectWise PSA (REST v3.0) on 127.0.0.1, for `psa simulate`, the tests and the
/// benchmark: companies, agreements, additions and the product catalog, with Basic
/// auth and the clientId header checked, `conditions=` read, lists paged with `Link`
/// headers, JSON Patch and POST of additions, and faults on request (a write refused,
/// latency, throttling).
public final class ConnectWiseSimulator: @unchecked Sendable {
    public struct Credentials: Sendable, Equatable {
        public var company: String
        public var publicKey: String
        public var privateKey: String
        public var clientId: String
        public init(company: String, publicKey: String, privateKey: String, clientId: String) {
            self.company = company; self.publicKey = publicKey; self.privateKey = privateKey; self.clientId = clientId
        }
    }

    /// The demo's keys. The private key is a demo's, and only ever opens this simulator.
    public static let demoCredentials = Credentials(company: "demo", publicKey: "demo-public-key",
                                                    privateKey: "demo-private-key-not-a-secret",
                                                    clientId: "6f1c0de4-5a1e-4a4b-9d3e-2c7f00d3e1a0")
    public static let businessProduct = "NP-BUS"
    public static let enterpriseProduct = "NP-ENT"
    public static let otherProduct = "M365-BACKUP"
    public static let agreementType = "Managed Services"

    /// What the simulated PSA holds.
    public struct Store: Sendable, Codable {
        public var companies: [CWCompany] = []
        public var agreements: [CWAgreement] = []
        public var additions: [Int: [CWAddition]] = [:]
        public var catalog: [CWCatalogItem] = []
        public var nextId = 900_000
        /// Bumped on every change, so that a list read in pages is filtered once.
        public var version = 0
        public init() {}
    }

    public let credentials: Credentials
    /// What it holds; made on the first request when given as a maker (the explorer's
    /// demo starts at once, and makes its ConnectWise only if the PSA view is opened).
    private let store: Locked<Store?>
    private let makeStore: (@Sendable () -> Store)?
    private let faults = Locked(Faults())
    /// The JSON of the objects a list's conditions kept, by path, conditions and the store's version.
    private let filtered = Locked([String: [Data]]())
    private let counts = Locked([String: Int]())
    private var server: HTTPServer?
    private var base = ""
    /// Seconds added to every answer.
    public let latency: Double
    /// The most objects a page holds, whatever pageSize asks (at most 1000).
    public let maxPageSize: Int

    struct Faults {
        /// Writes to these additions (PATCH) or agreements (POST) answer this status.
        var refuse: [String: (status: Int, message: String)] = [:]
        /// The next n requests answer 429 with Retry-After 0.
        var throttle = 0
    }

    /// The Authorization header the credentials make.
    private let authorization: String

    public convenience init(store: Store, credentials: Credentials = ConnectWiseSimulator.demoCredentials, latency: Double = 0, maxPageSize: Int = 1000) {
        self.init(credentials: credentials, latency: latency, maxPageSize: maxPageSize, store: store, make: nil)
    }

    /// A simulator whose store is made by `make` when it is first needed.
    public convenience init(making make: @escaping @Sendable () -> Store, credentials: Credentials = ConnectWiseSimulator.demoCredentials) {
        self.init(credentials: credentials, latency: 0, maxPageSize: 1000, store: nil, make: make)
    }

    private init(credentials: Credentials, latency: Double, maxPageSize: Int, store: Store?, make: (@Sendable () -> Store)?) {
        self.store = Locked(store)
        self.makeStore = make
        self.credentials = credentials
        authorization = "Basic " + Data("\(credentials.company)+\(credentials.publicKey):\(credentials.privateKey)".utf8).base64EncodedString()
        self.latency = latency
        self.maxPageSize = min(1000, max(1, maxPageSize))
    }

    public func start(port: UInt16 = 0) throws -> URL {
        let server = try HTTPServer(port: port) { [self] request in handle(request) }
        self.server = server
        base = "http://127.0.0.1:\(server.port)"
        server.start()
        return URL(string: base)!
    }

    public func stop() { server?.stop() }
    deinit { server?.stop() }

    /// Runs `body` on the store, made first if it is not yet.
    private func withStore<R>(_ body: (inout Store) -> R) -> R {
        store.withLock { s in
            if s == nil { s = makeStore?() ?? Store() }
            return body(&s!)
        }
    }

    // MARK: - For tests

    /// A copy of what the PSA holds now.
    public var snapshot: Store { withStore { $0 } }

    /// Changes what the PSA holds, as a person in ConnectWise would.
    public func edit(_ body: (inout Store) -> Void) { withStore { body(&$0); $0.version += 1 } }

    /// Writes to `additionId` (PATCH) answer `status` with `message` until `allow`.
    public func refuseWrites(toAddition id: Int, status: Int = 400, message: String = "The quantity cannot be changed on a closed agreement") {
        faults.withLock { $0.refuse["addition \(id)"] = (status, message) }
    }

    /// New additions on `agreementId` (POST) answer `status` until `allow`.
    public func refuseCreates(onAgreement id: Int, status: Int = 500, message: String = "An unexpected error occurred") {
        faults.withLock { $0.refuse["agreement \(id)"] = (status, message) }
    }

    public func allowAllWrites() { faults.withLock { $0.refuse = [:] } }

    /// The next `n` requests answer 429 (Retry-After: 0).
    public func throttle(next n: Int) { faults.withLock { $0.throttle = n } }

    /// Requests by "METHOD path-kind": `GET additions`, `PATCH addition`, `POST additions`, ...
    public func requestCounts() -> [String: Int] { counts.withLock { $0 } }
    public var writeCount: Int { counts.withLock { ($0["PATCH addition"] ?? 0) + ($0["POST additions"] ?? 0) } }
    public func resetCounts() { counts.withLock { $0 = [:] } }

    // MARK: - Serving

    static let root = "/" + ConnectWiseContract.apiPath + "/"

    /// The most requests it was ever answering at once.
    public var peakConcurrent: Int { concurrency.withLock { $0.peak } }
    private let concurrency = Locked((now: 0, peak: 0))

    func handle(_ request: HTTPRequest) -> HTTPReply {
        concurrency.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
        defer { concurrency.withLock { $0.now -= 1 } }
        if latency > 0 { Thread.sleep(forTimeInterval: latency) }
        let throttled = faults.withLock { f -> Bool in
            guard f.throttle > 0 else { return false }
            f.throttle -= 1
            return true
        }
        if throttled { return error(429, "ConnectWiseApi", "Too many requests", headers: ["Retry-After": "0"]) }
        guard request.headers["authorization"] == authorization else {
            return error(401, "Unauthorized", "Authentication failed: the API member's keys or company are not valid")
        }
        guard let client = request.headers["clientid"], !client.isEmpty else {
            return error(400, "InvalidObject", "A clientId header is required: register a developer client id")
        }
        guard request.path.hasPrefix(Self.root) else { return error(404, "NotFound", "No such resource") }
        let parts = request.path.dropFirst(Self.root.count).split(separator: "/").map(String.init)
        let kind = parts.count == 4 ? "additions" : parts.count == 5 ? "addition" : parts.last ?? ""
        counts.withLock { $0["\(request.method) \(kind)", default: 0] += 1 }
        let conditions: Condition?
        do { conditions = try request.query["conditions"].map(Condition.parse) } catch let failure {
            return error(400, "InvalidObject", "The conditions could not be read: \(failure)")
        }
        switch (request.method, parts.count) {
        case ("GET", 2) where parts == ["company", "companies"]:
            return page(request, withStore { ($0.companies, $0.version) }, conditions)
        case ("GET", 2) where parts == ["finance", "agreements"]:
            return page(request, withStore { ($0.agreements, $0.version) }, conditions)
        case ("GET", 2) where parts == ["procurement", "catalog"]:
            return page(request, withStore { ($0.catalog, $0.version) }, conditions)
        case ("GET", 4) where parts[0] == "finance" && parts[1] == "agreements" && parts[3] == "additions":
            guard let id = Int(parts[2]), let additions = agreementAdditions(id) else { return error(404, "NotFound", "Agreement \(parts[2]) was not found") }
            return page(request, (additions, -1), conditions)
        case ("PATCH", 5) where parts[0] == "finance" && parts[3] == "additions":
            guard let agreement = Int(parts[2]), let id = Int(parts[4]) else { return error(404, "NotFound", "No such addition") }
            return patch(agreement: agreement, addition: id, body: request.body)
        case ("POST", 4) where parts[0] == "finance" && parts[3] == "additions":
            guard let agreement = Int(parts[2]) else { return error(404, "NotFound", "No such agreement") }
            return create(agreement: agreement, body: request.body)
        default:
            return error(404, "NotFound", "No route for \(request.method) \(request.path)")
        }
    }

    private func agreementAdditions(_ id: Int) -> [CWAddition]? {
        withStore { s in s.agreements.contains { $0.id == id } ? s.additions[id] ?? [] : nil }
    }

    private func patch(agreement: Int, addition id: Int, body: Data) -> HTTPReply {
        if let refused = faults.withLock({ $0.refuse["addition \(id)"] }) { return error(refused.status, "InvalidObject", refused.message) }
        guard let ops = try? JSONDecoder().decode([CWPatch].self, from: body), !ops.isEmpty else {
            return error(400, "InvalidObject", "The body must be a JSON Patch array")
        }
        for op in ops where op.op != "replace" || !["quantity", "/quantity"].contains(op.path) {
            return error(400, "InvalidObject", "Only replace of quantity is supported here, not \(op.op) \(op.path)")
        }
        return withStore { s -> HTTPReply in
            guard var list = s.additions[agreement], let i = list.firstIndex(where: { $0.id == id }) else {
                return error(404, "NotFound", "Addition \(id) was not found on agreement \(agreement)")
            }
            for op in ops { list[i].quantity = op.value }
            s.additions[agreement] = list
            s.version += 1
            return json(200, list[i])
        }
    }

    private func create(agreement: Int, body: Data) -> HTTPReply {
        if let refused = faults.withLock({ $0.refuse["agreement \(agreement)"] }) { return error(refused.status, "ConnectWiseApi", refused.message) }
        guard let new = try? JSONDecoder().decode(CWNewAddition.self, from: body) else {
            return error(400, "InvalidObject", "Addition object is invalid", field: "product")
        }
        return withStore { s -> HTTPReply in
            guard s.agreements.contains(where: { $0.id == agreement }) else { return error(404, "NotFound", "Agreement \(agreement) was not found") }
            guard let item = s.catalog.first(where: { $0.identifier.caseInsensitiveCompare(new.product.identifier ?? "") == .orderedSame || $0.id == new.product.id }) else {
                return error(400, "InvalidObject", "Addition object is invalid", field: "product")
            }
            s.nextId += 1
            let made = CWAddition(id: s.nextId, product: CWReference(id: item.id, identifier: item.identifier, name: item.description),
                                  quantity: new.quantity, billCustomer: new.billCustomer, effectiveDate: new.effectiveDate,
                                  agreementId: agreement, invoiceDescription: new.invoiceDescription)
            s.additions[agreement, default: []].append(made)
            s.version += 1
            return json(201, made)
        }
    }

    /// One page of `items` that meet the conditions, with a `Link` to the next and last.
    private func page<T: Encodable>(_ request: HTTPRequest, _ listed: (items: [T], version: Int), _ conditions: Condition?) -> HTTPReply {
        // Each object as JSON, the ones the conditions keep: made once for all the pages
        // of a list (while the store does not change), then a page is their bytes joined.
        let key = "\(request.path)?\(request.query["conditions"] ?? "")#\(listed.version)"
        let kept: [Data]
        if listed.version >= 0, let cached = filtered.withLock({ $0[key] }) {
            kept = cached
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            kept = listed.items.compactMap { item -> Data? in
                guard let data = try? encoder.encode(item) else { return nil }
                guard let conditions else { return data }
                guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
                return conditions.matches(object) ? data : nil
            }
            if listed.version >= 0 { filtered.withLock { $0 = [key: kept].merging($0.count > 16 ? [:] : $0) { a, _ in a } } }
        }
        let size = min(maxPageSize, max(1, Int(request.query["pageSize"] ?? "") ?? 25))
        let number = max(1, Int(request.query["page"] ?? "") ?? 1)
        let slice = kept.dropFirst((number - 1) * size).prefix(size)
        let pages = max(1, (kept.count + size - 1) / size)
        var headers = ["Content-Type": "application/json"]
        func link(_ page: Int) -> String {
            var query = request.query
            query["page"] = String(page)
            query["pageSize"] = String(size)
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            let text = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
            return "<\(base)\(request.path)?\(text)>"
        }
        if number < pages { headers["Link"] = "\(link(number + 1)); rel=\"next\", \(link(pages)); rel=\"last\"" }
        var body = Data("[".utf8)
        for (i, object) in slice.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body.append(object)
        }
        body.append(UInt8(ascii: "]"))
        return HTTPReply(status: 200, headers: headers, body: body)
    }

    private func json<T: Encodable>(_ status: Int, _ value: T) -> HTTPReply {
        HTTPReply(status: status, headers: ["Content-Type": "application/json"], body: (try? JSONEncoder().encode(value)) ?? Data())
    }

    private func error(_ status: Int, _ code: String, _ message: String, field: String? = nil, headers: [String: String] = [:]) -> HTTPReply {
        let body = CWErrorBody(code: code, message: message, errors: field.map { [CWErrorBody.Item(code: "Required", field: $0, message: "\($0) is invalid")] })
        return HTTPReply(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
                         body: (try? JSONEncoder().encode(body)) ?? Data())
    }
}
