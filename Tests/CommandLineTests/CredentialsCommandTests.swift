import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator

/// Issue 19: credentials from a command (a password manager, the keyring), never a
/// file: every check a file gets, failures in one line that never show the output.
@Suite(.serialized)
struct CredentialsCommandTests {
    let dir = TempDir()

    func cli(_ args: [String], env: [String: String] = [:]) async throws -> ProcessResult { try await runCLI(args, in: dir, env: env) }

    /// A simulator and the credentials JSON of its key, kept where only a command reads it.
    func fixture() throws -> (SimulatorFixture, String) {
        let fixture = try SimulatorFixture(organizations: 30)
        let creds = dir.file("vault-\(UUID().uuidString.prefix(6)).json")
        try fixture.writeCredentials(to: creds)
        return (fixture, creds)
    }

    @Test func aCommandPrintingCredentialsJSON() async throws {
        let (fixture, creds) = try fixture()
        let base = ["--base-url", fixture.url.absoluteString]
        let r = try await cli(["export", "daily", "--format", "csv", "--credentials-command", "cat \(creds)"] + base)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\r\n").count == 31)
        let key = try await cli(["key", "--credentials-command", "cat \(creds)"] + base)
        #expect(key.stdout.contains("key from     command cat"), "\(key.stdout)")
        #expect(!key.stdout.contains(creds), "the command's arguments are never shown")
        // The same from the environment and from the config file.
        let env = try await cli(["export", "organizations"] + base, env: ["NORDPASS_PROVIDER_CREDENTIALS_COMMAND": "cat \(creds)"])
        #expect(env.status == 0, "\(env.stderr)")
        try FileManager.default.createDirectory(atPath: dir.file("config/provider-explorer"), withIntermediateDirectories: true)
        _ = dir.write("config/provider-explorer/config.toml", "credentials_command = \"cat \(creds)\"\n")
        let config = try await cli(["export", "organizations"] + base)
        #expect(config.status == 0, "\(config.stderr)")
        try FileManager.default.removeItem(atPath: dir.file("config/provider-explorer/config.toml"))
    }

    @Test func aCommandPrintingAPEMWithIdsFromFlags() async throws {
        let (fixture, _) = try fixture()
        let pem = dir.write("key.pem", fixture.key.pkcs8PEM())
        let base = ["--base-url", fixture.url.absoluteString, "--credentials-command", "cat \(pem)"]
        let withIds = try await cli(["export", "organizations", "--provider-id", "prv_DEMO00", "--key-id", fixture.keyId] + base)
        #expect(withIds.status == 0, "\(withIds.stderr)")
        let without = try await cli(["export", "organizations"] + base)
        #expect(without.status == 65 && without.stderr.contains("--provider-id and --key-id"), "\(without.stderr)")
    }

    @Test func failuresAreOneLineThatNeverShowTheOutput() async throws {
        let (fixture, _) = try fixture()
        let publicKey = dir.write("pub.pem", try await openssl(["pkey", "-pubout"], input: Data(fixture.key.pkcs8PEM().utf8)).stdout)
        let cases: [(String, [String], String)] = [
            ("echo SECRET-OUTPUT; echo helper-says-why >&2; exit 3", [], "exited with status 3"),
            ("true", [], "printed nothing"),
            ("echo SECRET-OUTPUT-not-json", [], "not a JSON credentials file"),
            ("cat \(publicKey)", ["--provider-id", "p", "--key-id", "k"], "public key"),
            ("kill -9 $$", [], "killed by signal 9"),
        ]
        for (command, extra, expected) in cases {
            let r = try await cli(["export", "organizations", "--base-url", fixture.url.absoluteString, "--credentials-command", command] + extra)
            #expect(r.status == 65, "\(command): \(r.stderr)")
            let ours = r.stderr.split(separator: "\n").filter { $0.hasPrefix("provider-explorer:") }
            #expect(ours.count == 1, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("credentials command ") && r.stderr.contains(expected), "\(command): \(r.stderr)")
            #expect(!r.stderr.contains("SECRET-OUTPUT"), "the command's output is never shown")
            #expect(fixture.simulator.requestCount == 0)
        }
        // Its standard error is the user's to read.
        let said = try await cli(["export", "organizations", "--base-url", fixture.url.absoluteString, "--credentials-command", "echo helper-says-why >&2; exit 3"])
        #expect(said.stderr.contains("helper-says-why"))
    }

    @Test func aCommandThatHangsIsStoppedAtTheTimeout() async throws {
        let started = Date()
        let r = try await cli(["export", "organizations", "--base-url", "http://127.0.0.1:1", "--credentials-command", "sleep 30",
                         "--credentials-command-timeout", "1"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("did not finish within 1 s"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 15, "stopped, not waited for")
    }

    @Test func oneWayAtATime() async throws {
        let r = try await cli(["export", "organizations", "--credentials", "a.json", "--credentials-command", "cat b.json"])
        #expect(r.status == 64 && r.stderr.contains("one of --credentials, --key or --credentials-command"))
        let env = try await cli(["export", "organizations"], env: ["NORDPASS_PROVIDER_CREDENTIALS": "a.json", "NORDPASS_PROVIDER_CREDENTIALS_COMMAND": "cat b"])
        #expect(env.status == 64 && env.stderr.contains("unset one"))
    }

    /// After a sync through a command at trace level, no piece of the key is in the
    /// log, the cache or any output.
    @Test func noPieceOfTheKeyIsKept() async throws {
        let (fixture, creds) = try fixture()
        let base = ["--base-url", fixture.url.absoluteString, "--credentials-command", "cat \(creds)", "--log-level", "trace"]
        let sync = try await cli(["sync"] + base)
        #expect(sync.status == 0, "\(sync.stderr)")
        let keyOut = try await cli(["key", "--check"] + base)
        let pem = fixture.key.pkcs8PEM()
        let keyBase64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let needles = stride(from: 0, to: keyBase64.count - 24, by: 12).map { String(keyBase64.dropFirst($0).prefix(24)) } + ["eyJ", "Bearer "]
        var texts = [sync.stdout, sync.stderr, keyOut.stdout, keyOut.stderr]
        let log = try String(contentsOfFile: dir.file("state/provider-explorer/provider-explorer.log"), encoding: .utf8)
        #expect(log.contains("command cat"), "the log names the source")
        texts.append(log)
        for file in try FileManager.default.subpathsOfDirectory(atPath: dir.file("cache")) {
            if let data = FileManager.default.contents(atPath: dir.file("cache/" + file)) { texts.append(String(decoding: data, as: UTF8.self)) }
        }
        for text in texts { for needle in needles { #expect(!text.contains(needle), "\(needle)") } }
    }
}
