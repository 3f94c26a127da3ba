import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator

/// Issue 15 (in part): clock skew through the real binary, and the HTTP trace.
@Suite(.serialized)
struct RealAPIReadinessTests {
    let dir = TempDir()

    func fixture(_ configure: (inout ProviderSimulator.Configuration) -> Void = { _ in }) throws -> (SimulatorFixture, [String]) {
        let fixture = try SimulatorFixture(organizations: 40, configure: configure)
        let creds = dir.file("creds-\(UUID().uuidString.prefix(6)).json")
        try fixture.writeCredentials(to: creds)
        return (fixture, ["--base-url", fixture.url.absoluteString, "--credentials", creds])
    }

    @Test(arguments: [300.0, -300.0])
    func exportWorksWithTheClockFiveMinutesOff(_ offset: Double) async throws {
        let (server, access) = try fixture { $0.clockOffset = offset }
        let r = try await runCLI(["export", "organizations", "--format", "csv", "--log-level", "info"] + access, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\r\n").count == 41)
        let log = try String(contentsOfFile: dir.file("state/provider-explorer/provider-explorer.log"), encoding: .utf8)
        #expect(log.contains("s off the server's; tokens are signed on the server's time"), "said once in the log")
        withExtendedLifetime(server) {}
    }

    /// The trace after a sync: every request and its answer, one JSON line each, and
    /// nothing of the key or a token.
    @Test func theTraceHoldsEveryRequestAndNoSecret() async throws {
        let (server, access) = try fixture()
        let trace = dir.file("trace.jsonl")
        let r = try await runCLI(["sync", "--trace-http", trace] + access, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect((try FileManager.default.attributesOfItem(atPath: trace)[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        let lines = try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let requests = lines.filter { $0["direction"] as? String == "request" }
        let responses = lines.filter { $0["direction"] as? String == "response" }
        #expect(requests.count == server.simulator.requestCount && responses.count == requests.count)
        let logged = Set(requests.compactMap { ($0["url"] as? String).flatMap { URL(string: $0) }.map { $0.path + "?" + ($0.query ?? "") } })
        #expect(logged.count == Set(server.simulator.requestLog()).count, "every request the server saw")
        #expect(requests.allSatisfy { ($0["headers"] as? [String: String])?["Authorization"] == "Bearer <redacted>" })
        #expect(responses.allSatisfy { $0["status"] as? Int == 200 && ($0["body"] as? String)?.isEmpty == false })
        let pem = server.key.pkcs8PEM()
        let keyBase64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        for piece in stride(from: 0, to: keyBase64.count - 24, by: 12).map({ String(keyBase64.dropFirst($0).prefix(24)) }) + ["eyJ"] {
            #expect(!text.contains(piece), "\(piece)")
        }
        let bad = try await runCLI(["sync", "--trace-http", dir.file("no/such/dir/t.jsonl")] + access, in: dir)
        #expect(bad.status == 74 && bad.stderr.contains("cannot write the HTTP trace"))
    }
}
