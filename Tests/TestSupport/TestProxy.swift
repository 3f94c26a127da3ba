import Foundation
import ProviderAPI
#if canImport(Glibc)
import Glibc
#endif

/// A small forward proxy on 127.0.0.1 for tests: `CONNECT host:port` tunnels (what a
/// client does for https through a corporate proxy) and absolute-form `GET http://…`
/// (plain http through a proxy). It records each request line.
public final class TestProxy: @unchecked Sendable {
    public let port: UInt16
    private let listener: Int32
    private let seen = Locked<[String]>([])

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { close(fd); throw TmuxError.failed("proxy: cannot listen") }
        listener = fd
        port = UInt16(bigEndian: addr.sin_port)
        let thread = Thread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { if errno == EINTR { continue }; return }
                Thread { [self] in serve(client) }.start()
            }
        }
        thread.start()
    }

    deinit { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

    public var url: String { "http://127.0.0.1:\(port)" }
    /// The request lines seen: `CONNECT 127.0.0.1:8443 HTTP/1.1`, `GET http://… HTTP/1.1`.
    public var requests: [String] { seen.withLock { $0 } }

    private func serve(_ client: Int32) {
        var head = [UInt8]()
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            guard recv(client, &byte, 1, 0) == 1, head.count < 16_384 else { close(client); return }
            head.append(byte)
        }
        let text = String(decoding: head, as: UTF8.self)
        // Split on the string: "\r\n" is one Character in Swift.
        let first = text.components(separatedBy: "\r\n")[0]
        seen.withLock { $0.append(first) }
        let parts = first.split(separator: " ")
        guard parts.count == 3 else { close(client); return }
        var forward = Data()
        let target: String
        if parts[0] == "CONNECT" {
            target = String(parts[1])
        } else {
            guard let url = URLComponents(string: String(parts[1])), let host = url.host else { close(client); return }
            target = "\(host):\(url.port ?? 80)"
            let path = url.percentEncodedPath + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
            // One request a connection: the server is asked to close after its answer,
            // which ends the tunnel, and the client opens a new connection for the next.
            var lines = text.components(separatedBy: "\r\n").filter { !$0.lowercased().hasPrefix("connection:") && !$0.lowercased().hasPrefix("proxy-connection:") }
            lines[0] = "\(parts[0]) \(path.isEmpty ? "/" : path) \(parts[2])"
            lines.insert("Connection: close", at: 1)
            forward = Data(lines.joined(separator: "\r\n").utf8)
        }
        let pieces = target.split(separator: ":")
        guard pieces.count == 2, let port = UInt16(pieces[1]) else { close(client); return }
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, String(pieces[0]) == "localhost" ? "127.0.0.1" : String(pieces[0]), &addr.sin_addr)
        let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
        guard connected else {
            _ = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            close(client); close(upstream); return
        }
        if parts[0] == "CONNECT" {
            _ = "HTTP/1.1 200 Connection established\r\n\r\n".withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        } else {
            _ = forward.withUnsafeBytes { send(upstream, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        let done = DispatchSemaphore(value: 0)  // the proxy's own connection thread, not the pool
        Thread { Self.pipe(from: client, to: upstream); done.signal() }.start()
        Self.pipe(from: upstream, to: client)
        done.wait()  // on the proxy's connection thread (a Thread of its own), never the pool
        close(client); close(upstream)
    }

    static func pipe(from a: Int32, to b: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(a, &buffer, buffer.count, 0)
            if n <= 0 { break }
            if send(b, buffer, n, Int32(MSG_NOSIGNAL)) <= 0 { break }
        }
        shutdown(b, Int32(SHUT_WR))
    }
}
