import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the MSP saved from MSP Admin Panel > Integrations > Provider API: who signs
/// (provider id), which key (key id), and the private key itself.
public struct Credentials: Sendable {
    public let providerId: String
    public let keyId: String
    public let key: PrivateKey
    /// When the key was generated, if the credentials file says.
    public let createdAt: Date?
    /// Where the key came from: a file's path, or "command <first word>".
    public let source: String
    /// The file's permission bits, as found; nil when the key came from a command.
    public let fileMode: Int?

    public init(providerId: String, keyId: String, key: PrivateKey, createdAt: Date?, source: String, fileMode: Int?) {
        self.providerId = providerId; self.keyId = keyId; self.key = key
        self.createdAt = createdAt; self.source = source; self.fileMode = fileMode
    }

    public var fingerprint: String { key.fingerprint }

    /// "0600 (only you can read it)" and the like, for `key` and the key pane.
    public var permissionVerdict: String {
        guard let fileMode else { return "no file (from a command)" }
        let octal = "0" + String(fileMode & 0o777, radix: 8)
        return fileMode & 0o077 == 0 ? "\(octal) (owner only)" : "\(octal) too open"
    }

    public func minter(clock: @escaping @Sendable () -> Date = { Date() }) -> TokenMinter {
        TokenMinter(providerId: providerId, keyId: keyId, key: key, clock: clock)
    }
}

/// Loads credentials the two ways the contract allows, refusing each bad case with a
/// one-line reason that names the file.
public enum CredentialsLoader {
    /// The JSON credentials file: `providerId`, `keyId`, `privateKey` (PEM), `createdAt`.
    public static func load(credentialsFile path: String) throws -> Credentials {
        var (bytes, mode) = try readSecretFile(path)
        defer { OpenSSL.wipe(&bytes) }
        return try parse(credentialsJSON: bytes, source: path, fileMode: mode)
    }

    /// The credentials JSON already read from `source`.
    public static func parse(credentialsJSON bytes: [UInt8], source path: String, fileMode mode: Int?) throws -> Credentials {
        let text = String(decoding: bytes.prefix(64), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("-----BEGIN") {
            throw ProviderError.credentials(file: path, reason: "this is a PEM key, not a credentials file; pass it as --key \(path) --provider-id ID --key-id ID")
        }
        // The parser reads the caller's bytes in place (no Data copy left to wipe).
        var copy = bytes
        defer { OpenSSL.wipe(&copy) }
        let parsed = copy.withUnsafeMutableBytes { raw in
            try? JSONSerialization.jsonObject(with: Data(bytesNoCopy: raw.baseAddress!, count: raw.count, deallocator: .none))
        }
        guard !bytes.isEmpty, let object = parsed as? [String: Any] else {
            throw ProviderError.credentials(file: path, reason: "not a JSON credentials file; expected {\"providerId\", \"keyId\", \"privateKey\", \"createdAt\"} as saved from MSP Admin Panel > Integrations > Provider API")
        }
        func field(_ name: String) throws -> String {
            guard let value = object[name] as? String, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ProviderError.credentials(file: path, reason: "the field \"\(name)\" is missing or not a string")
            }
            return value
        }
        let providerId = try field("providerId")
        let keyId = try field("keyId")
        var pem = Array(try field("privateKey").utf8)
        defer { OpenSSL.wipe(&pem) }
        let key = try PrivateKey.parse(pem: pem, source: path, inCredentialsJSON: true)
        var createdAt: Date?
        if let created = object["createdAt"] as? String {
            createdAt = ISO8601DateFormatter().date(from: created)
            if createdAt == nil {
                throw ProviderError.credentials(file: path, reason: "\"createdAt\" is not an ISO 8601 time: \(created)")
            }
        }
        return Credentials(providerId: providerId, keyId: keyId, key: key, createdAt: createdAt, source: path, fileMode: mode)
    }

    /// A bare PEM file given with `--key FILE --provider-id ID --key-id ID`.
    public static func load(keyFile path: String, providerId: String, keyId: String) throws -> Credentials {
        guard !providerId.isEmpty, !keyId.isEmpty else {
            throw ProviderError.credentials(file: path, reason: "--key needs --provider-id and --key-id as well")
        }
        var (bytes, mode) = try readSecretFile(path)
        defer { OpenSSL.wipe(&bytes) }
        let key = try PrivateKey.parse(pem: bytes, source: path)
        let created = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
        return Credentials(providerId: providerId, keyId: keyId, key: key, createdAt: created, source: path, fileMode: mode)
    }

    /// Reads a file that holds a private key, refusing it (as OpenSSH does) when group
    /// or others have any access, and saying what fixes it.
    public static func readSecretFile(_ path: String) throws -> ([UInt8], Int) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "no such file; check the path given to --credentials or --key"
                : "cannot be read: \(String(cString: strerror(errno)))"
            throw ProviderError.credentials(file: path, reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ProviderError.credentials(file: path, reason: "not a regular file")
        }
        let mode = Int(info.st_mode & 0o7777)
        if mode & 0o077 != 0 {
            throw ProviderError.insecurePermissions(file: path, mode: mode & 0o777)
        }
        guard info.st_size <= 1 << 20 else {
            throw ProviderError.credentials(file: path, reason: "too large (\(info.st_size) bytes) to be a key or credentials file")
        }
        // Read with read(2) into the one buffer the caller wipes: no Foundation copy.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ProviderError.credentials(file: path, reason: "cannot be read: \(SystemError.describe(errno))")
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else {
                OpenSSL.wipe(&bytes)
                throw ProviderError.credentials(file: path, reason: "cannot be read: \(SystemError.describe(errno))")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= 1 << 20 else {
            OpenSSL.wipe(&bytes)
            throw ProviderError.credentials(file: path, reason: "too large to be a key or credentials file")
        }
        // Shrunk in place: the part dropped was never written.
        bytes.removeLast(bytes.count - count)
        return (bytes, mode)
    }

    /// Writes a credentials file with mode 0600 (for `simulate --credentials-out`).
    public static func write(providerId: String, keyId: String, key: PrivateKey, createdAt: Date, to path: String) throws {
        let object: [String: String] = [
            "providerId": providerId, "keyId": keyId, "privateKey": key.pkcs8PEM(),
            "createdAt": ISO8601DateFormatter().string(from: createdAt),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            throw ProviderError.credentials(file: path, reason: "cannot be written: \(SystemError.describe(errno))")
        }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else {
            throw ProviderError.credentials(file: path, reason: "could not be written in full")
        }
    }
}
