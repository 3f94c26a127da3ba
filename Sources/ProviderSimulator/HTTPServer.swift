import CLibssl
import Foundation
import ProviderAPI
#if canImport(Glibc)
import Glibc
#endif

/// A certificate and key for serving https (libssl), as `simulate --tls CERT KEY` gives.
public final class TLSIdentity: @unchecked Sendable {
    let context: OpaquePointer

    public init(certificateFile: String, keyFile: String) throws {
        // A client that drops the connection must not kill the server through SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        guard let ctx = SSL_CTX_new(TLS_server_method()) else { throw SimulatorError.socket("libssl: cannot make a TLS context") }
        guard SSL_CTX_use_certificate_chain_file(ctx, certificateFile) == 1 else {
            SSL_CTX_free(ctx)
            throw SimulatorError.socket("\(certificateFile): not a PEM certificate")
        }
        guard SSL_CTX_use_PrivateKey_file(ctx, keyFile, SSL_FILETYPE_PEM) == 1, SSL_CTX_check_private_key(ctx) == 1 else {
            SSL_CTX_free(ctx)
            throw SimulatorError.socket("\(keyFile): not the PEM private key of \(certificateFile)")
        }
        context = ctx
    }

    deinit { SSL_CTX_free(context) }
}

/// One accepted connection: plain TCP, or TLS over it.
struct Connection {
    let fd: Int32
    let ssl: OpaquePointer?

    func receive(_ buffer: inout [UInt8]) -> Int {
        buffer.withUnsafeMutableBytes { raw in
            if let ssl { return Int(SSL_read(ssl, raw.baseAddress, Int32(raw.count))) }
            return recv(fd, raw.baseAddress, raw.count, 0)
        }
    }

    func send(_ raw: UnsafeRawBufferPointer) -> Int {
        if let ssl { return Int(SSL_write(ssl, raw.baseAddress, Int32(raw.count))) }
        return Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
    }
}

/// A request as the simulator sees it: method, path, query, headers and the body
/// (the ConnectWise simulator takes PATCH and POST).
public struct HTTPRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    /// Header names lower-cased.
    public var headers: [String: String]
    /// The body, as long as its Content-Length said.
    public var body = Data()
}

/// What to answer, and how: normally, after a stall (no answer before the client gives
/// up), or cut off in the middle of the body.
public struct HTTPReply: Sendable {
    public enum Delivery: Sendable { case normal, stall(seconds: Double), cutMidBody }
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    public var delivery: Delivery = .normal

    public init(status: Int, headers: [String: String] = [:], body: Data, delivery: Delivery = .normal) {
        self.status = status; self.headers = headers; self.body = body; self.delivery = delivery
    }
}

/// A small HTTP/1.1 server on POSIX sockets: a thread a connection, keep-alive, bodies
/// by Content-Length (no chunked uploads).
/// Chosen over FlyingFox because the simulator must misbehave on purpose (stall, cut a
/// body short), which is simplest with the socket in hand, and it costs no build time.
public final class HTTPServer: @unchecked Sendable {
    public let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (HTTPRequest) -> HTTPReply
    /// The open connections, whether it stopped, and its counts.
    private struct State { var clients: Set<Int32> = []; var stopped = false; var accepted = 0; var handshakesFailed = 0 }
    private let state = Locked(State())
    private let tls: TLSIdentity?

    /// TCP connections accepted so far, and of those the TLS handshakes that failed.
    public var connectionCounts: (accepted: Int, failedHandshakes: Int) {
        state.withLock { ($0.accepted, $0.handshakesFailed) }
    }

    public init(host: String = "127.0.0.1", port: UInt16, tls: TLSIdentity? = nil,
                handler: @escaping @Sendable (HTTPRequest) -> HTTPReply) throws {
        self.tls = tls
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SimulatorError.socket("socket() failed: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            close(fd); throw SimulatorError.socket("\(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 256) == 0 else {
            let e = errno
            close(fd)
            throw SimulatorError.socket(e == EADDRINUSE ? "port \(port) is already in use; pick another with --port" : "cannot listen on \(host):\(port): errno \(e)")
        }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.listener = fd
        self.port = UInt16(bigEndian: actual.sin_port)
        self.handler = handler
    }

    /// Starts accepting on a thread of its own.
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "simulator-accept"
        thread.start()
    }

    /// Stops accepting and drops every open connection.
    public func stop() {
        let open = state.withLock { s -> Set<Int32>? in
            guard !s.stopped else { return nil }
            s.stopped = true
            return s.clients
        }
        guard let open else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let stopped = state.withLock { s -> Bool in
                if s.stopped { return true }
                s.clients.insert(fd)
                s.accepted += 1
                return false
            }
            if stopped { close(fd); return }
            let thread = Thread { [self] in
                if let tls {
                    let ssl = SSL_new(tls.context)
                    SSL_set_fd(ssl, fd)
                    if SSL_accept(ssl) == 1 {
                        serve(Connection(fd: fd, ssl: ssl))
                        SSL_shutdown(ssl)
                    } else {
                        state.withLock { $0.handshakesFailed += 1 }
                    }
                    SSL_free(ssl)
                } else {
                    serve(Connection(fd: fd, ssl: nil))
                }
                state.withLock { _ = $0.clients.remove(fd) }
                close(fd)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func serve(_ fd: Connection) {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            // Read until a whole request head is in.
            var headEnd = Self.findHeadEnd(buffer)
            while headEnd == nil {
                guard buffer.count < 64 * 1024 else { return }
                let n = fd.receive(&chunk)
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
                // Not a request line (a TLS handshake sent to plain http, say): answered
                // at once, as a real server does, rather than waiting for a head.
                if let first = buffer.first, !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) {
                    write(fd, HTTPReply(status: 400, body: Data("{\"status\":400,\"title\":\"Bad Request\"}".utf8)), keepAlive: false)
                    return
                }
                headEnd = Self.findHeadEnd(buffer)
            }
            guard let end = headEnd else { return }
            let head = String(decoding: buffer[0..<end], as: UTF8.self)
            buffer.removeFirst(end + 4)
            guard var request = Self.parse(head) else {
                write(fd, HTTPReply(status: 400, body: Data("{\"status\":400,\"title\":\"Bad Request\"}".utf8)), keepAlive: false)
                return
            }
            let length = request.headers["content-length"].flatMap(Int.init) ?? 0
            guard (0...(8 << 20)).contains(length) else { return }
            while buffer.count < length {
                let n = fd.receive(&chunk)
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
            }
            request.body = Data(buffer[0..<length])
            buffer.removeFirst(length)
            let keepAlive = request.headers["connection"]?.lowercased() != "close"
            let reply = handler(request)
            switch reply.delivery {
            case .stall(let seconds):
                Thread.sleep(forTimeInterval: seconds)
                return
            case .cutMidBody:
                write(fd, reply, keepAlive: false, cut: true)
                return
            case .normal:
                guard write(fd, reply, keepAlive: keepAlive), keepAlive else { return }
            }
        }
    }

    static func findHeadEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }

    static func parse(_ head: String) -> HTTPRequest? {
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let first = lines.first else { return nil }
        let parts = first.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers[line[..<colon].lowercased()] = String(value.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
        // The target by hand (URLComponents was most of a request's time here): the
        // path, and the query's name=value pairs percent-decoded.
        let target = parts[1]
        let pathEnd = target.firstIndex(of: "?") ?? target.endIndex
        guard let path = target[..<pathEnd].removingPercentEncoding, path.hasPrefix("/") else { return nil }
        var query: [String: String] = [:]
        if pathEnd < target.endIndex {
            for pair in target[target.index(after: pathEnd)...].split(separator: "&") {
                let eq = pair.firstIndex(of: "=") ?? pair.endIndex
                let name = String(pair[..<eq]).removingPercentEncoding ?? ""
                let value = eq < pair.endIndex ? String(pair[pair.index(after: eq)...]).removingPercentEncoding ?? "" : ""
                query[name] = value
            }
        }
        return HTTPRequest(method: String(parts[0]), path: path, query: query, headers: headers)
    }

    @discardableResult
    private func write(_ fd: Connection, _ reply: HTTPReply, keepAlive: Bool, cut: Bool = false) -> Bool {
        var head = "HTTP/1.1 \(reply.status) \(Self.reason(reply.status))\r\n"
        var headers = reply.headers
        headers["Content-Length"] = String(reply.body.count)
        headers["Connection"] = keepAlive ? "keep-alive" : "close"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        var bytes = Data(head.utf8)
        bytes.append(cut ? reply.body.prefix(reply.body.count / 2) : reply.body)
        return bytes.withUnsafeBytes { raw -> Bool in
            var sent = 0
            while sent < raw.count {
                let n = fd.send(UnsafeRawBufferPointer(rebasing: raw[sent...]))
                if n <= 0 { return false }
                sent += n
            }
            return true
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

public enum SimulatorError: Error, CustomStringConvertible {
    case socket(String)
    public var description: String {
        switch self { case .socket(let s): return "simulator: \(s)" }
    }
}
