import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Credentials from a command, as AWS's `credential_process` or git's credential
/// helpers do it: the key comes out of a password manager or the desktop keyring and
/// never has to sit in a file. The command runs through `/bin/sh -c`, in a session of
/// its own (no terminal to prompt on), with nothing on its standard input; its
/// standard error goes to the user; its standard output is read (1 MiB at most) as the
/// credentials JSON, or as a PEM key when the ids are given. The bytes are wiped once
/// parsed, and never logged, shown or kept.
public struct CredentialsCommand: Sendable, Equatable {
    public let command: String
    /// The ids, when the command prints a bare PEM key.
    public let providerId: String?
    public let keyId: String?
    public let timeout: Double

    public static let defaultTimeout = 15.0

    public init(command: String, providerId: String? = nil, keyId: String? = nil, timeout: Double = CredentialsCommand.defaultTimeout) {
        self.command = command; self.providerId = providerId; self.keyId = keyId; self.timeout = timeout
    }

    /// The command's first word: what messages, the key pane and `key` show of it (its
    /// arguments may name a vault item, or hold a secret).
    public var name: String {
        String(command.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { ($0 as Substring).split(separator: "/").last ?? $0 } ?? "")
    }

    /// How it appears as the source of the credentials: "command pass".
    public var sourceName: String { "command \(Printable.line(name, limit: 40))" }

    func failure(_ reason: String) -> ProviderError { .credentials(file: "credentials command \(Printable.line(name, limit: 40))", reason: reason) }

    /// Runs the command and parses what it printed.
    public func load() throws -> Credentials {
        var output = try run()
        defer { OpenSSL.wipe(&output) }
        guard output.contains(where: { !$0.isASCIIWhitespace }) else {
            throw failure("printed nothing on its standard output; it must print the credentials JSON (or a PEM key with --provider-id and --key-id)")
        }
        let startsWithPEM = output.drop { $0.isASCIIWhitespace }.starts(with: Array("-----BEGIN".utf8))
        do {
            if startsWithPEM {
                guard let providerId, let keyId, !providerId.isEmpty, !keyId.isEmpty else {
                    throw failure("printed a PEM key; give its ids with --provider-id and --key-id (or provider_id and key_id in the config file)")
                }
                let key = try PrivateKey.parse(pem: output, source: sourceName)
                return Credentials(providerId: providerId, keyId: keyId, key: key, createdAt: nil, source: sourceName, fileMode: nil)
            }
            let parsed = try CredentialsLoader.parse(credentialsJSON: output, source: sourceName, fileMode: nil)
            return parsed
        } catch let error as ProviderError {
            // Every check a file gets; the words name the command, never what it printed.
            if case .credentials(_, let reason) = error { throw failure(reason) }
            throw error
        }
    }

    /// Runs `/bin/sh -c command`; its standard output, or an error that names the exit
    /// status or the timeout (never the output).
    public func run() throws -> [UInt8] {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw failure("cannot be run: \(SystemError.describe(errno))") }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        // A session of its own: no controlling terminal, so it cannot prompt on ours,
        // and its whole process group can be stopped at the timeout.
        let rc = Spawn.withAttributes(newSession: true) { posix_spawn(&pid, "/bin/sh", &actions, &$0, argv, environ) }
        close(writeEnd)
        guard rc == 0 else {
            close(readEnd)
            throw failure("cannot be run: \(SystemError.describe(rc))")
        }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        defer { OpenSSL.wipe(&chunk) }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false, tooLong = false
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { timedOut = true; break }
            var fds = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            output.append(contentsOf: chunk[0..<n])
            if output.count > 1 << 20 { tooLong = true; break }
        }
        close(readEnd)
        if timedOut || tooLong { kill(-pid, SIGKILL); kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if timedOut {
            OpenSSL.wipe(&output)
            throw failure("did not finish within \(Self.seconds(timeout)) (stopped); unlock the password manager first, or raise --credentials-command-timeout")
        }
        if tooLong {
            OpenSSL.wipe(&output)
            throw failure("printed more than 1 MiB; that is not a credentials file")
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift cannot import as macros.
        if status & 0x7f != 0 {
            OpenSSL.wipe(&output)
            throw failure("was killed by signal \(status & 0x7f)")
        }
        let code = (status >> 8) & 0xff
        if code != 0 {
            OpenSSL.wipe(&output)
            throw failure("exited with status \(code); run it by hand to see why (its output is not shown here)")
        }
        return output
    }

    static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s) }
}

/// Starting child processes with posix_spawn.
public enum Spawn {
    /// Runs `body` with spawn attributes for a child that starts as from a shell: no
    /// signal blocked or ignored (threads of this process block some, and a child
    /// would inherit that); in a session of its own when `newSession`.
    public static func withAttributes<T>(newSession: Bool = false, _ body: (inout posix_spawnattr_t) -> T) -> T {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        let setsid: Int32 = newSession ? 0x80 : 0   // POSIX_SPAWN_SETSID, which Swift cannot import
        posix_spawnattr_setflags(&attributes, Int16(Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | setsid))
        return body(&attributes)
    }
}

extension UInt8 {
    var isASCIIWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}
