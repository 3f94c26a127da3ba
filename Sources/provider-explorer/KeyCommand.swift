import ArgumentParser
import Explorer
import Foundation
import ProviderAPI

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Show the key in use: id, algorithm, fingerprint, age, file permissions; --check asks the server.",
        discussion: """
        Examples:
          provider-explorer key --credentials ~/.config/provider-explorer/credentials.json
          provider-explorer key --check
        """)

    @Flag(help: "Make one authenticated request and report the server's verdict.")
    var check = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if check, global.offline {
            throw ValidationError("key --check asks the server, and --offline makes no request: drop one of the two")
        }
    }

    func run() async throws {
        let session = try Session(options: global)
        let c = session.credentials
        var lines = [
            ("provider id", c.providerId),
            ("key id", c.keyId),
            ("algorithm", "\(c.key.algorithm.rawValue) (\(c.key.algorithm.keyDescription))"),
            ("fingerprint", c.fingerprint),
        ]
        if let created = c.createdAt {
            let age = session.now().timeIntervalSince(created)
            let f = ISO8601DateFormatter()
            let days = Int(age / 86_400)
            let when = Age.isAhead(age) ? Age.agoOrAhead(age) + ": the key's createdAt or this machine's clock is wrong"
                : "\(days) \(days == 1 ? "day" : "days") ago"
            lines.append(("created", "\(f.string(from: created)) (\(when))"))
        } else {
            lines.append(("created", "unknown"))
        }
        if c.fileMode == nil {
            lines.append(("key from", c.source))
        } else {
            lines.append(("file", "\(c.source), permissions \(c.permissionVerdict)"))
        }
        lines.append(("api", session.simulator != nil ? "\(session.client.baseURL) (demo simulator)" : session.client.baseURL.absoluteString))
        for (name, value) in lines { print(name.padding(toLength: 13, withPad: " ", startingAt: 0) + value) }
        guard check else { return }
        let started = Date()
        do {
            _ = try await session.client.checkAccess()
            let ms = Int(Date().timeIntervalSince(started) * 1000)
            print("server".padding(toLength: 13, withPad: " ", startingAt: 0) + "OK: the key is accepted (\(ms) ms)")
        } catch {
            // REJECTED is the server's verdict on the key (401/403) and nothing else: a
            // server that cannot be reached has given no verdict.
            let verdict: String
            switch ProviderClient.providerError(error) {
            case .keyRejected: verdict = "REJECTED"
            case .unavailable: verdict = "UNREACHABLE: no verdict on the key"
            case .untrustedCertificate: verdict = "CERTIFICATE NOT TRUSTED: no verdict on the key"
            default: verdict = "ERROR: no verdict on the key"
            }
            print("server".padding(toLength: 13, withPad: " ", startingAt: 0) + verdict)
            throw error
        }
    }
}
