import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator

/// Issue 15: `doctor`, and proxies, against the simulator in its healthy and faulty modes.
@Suite(.serialized)
struct DoctorTests {
    let dir = TempDir()

    func fixture(_ configure: (inout ProviderSimulator.Configuration) -> Void = { _ in }) throws -> (SimulatorFixture, String) {
        let fixture = try SimulatorFixture(organizations: 40, configure: configure)
        let creds = dir.file("creds-\(UUID().uuidString.prefix(6)).json")
        try fixture.writeCredentials(to: creds)
        return (fixture, creds)
    }

    /// The checks as (name → (result, detail)), from `--format json`.
    func doctor(_ args: [String], env: [String: String] = [:]) async throws -> (status: Int32, checks: [String: (String, String)], names: [String]) {
        let r = try await runCLI(["doctor", "--format", "json"] + args, in: dir, env: env)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: String]], "\(r.stdout) \(r.stderr)")
        var checks: [String: (String, String)] = [:]
        for item in array { checks[item["check"]!] = (item["result"]!, item["detail"]!) }
        return (r.status, checks, array.map { $0["check"]! })
    }

    @Test func healthyIsAllOk() async throws {
        let (server, creds) = try fixture()
        // A terminal type and a UTF-8 locale, as a user's shell has them.
        let d = try await doctor(["--base-url", server.url.absoluteString, "--credentials", creds],
                           env: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "", "LC_CTYPE": ""])
        #expect(d.status == 0)
        #expect(d.names == ["config", "credentials", "base-url", "clock", "auth", "organizations", "daily", "monthly", "cache", "terminal"])
        for name in d.names { #expect(d.checks[name]?.0 == "ok", "\(name): \(d.checks[name]!)") }
        #expect(d.checks["credentials"]!.1.contains("flag: \(creds), ES256") && d.checks["credentials"]!.1.contains("SHA256:"))
        #expect(d.checks["daily"]!.1.contains("every field as the contract says"))
        // The same in words: one line each.
        let text = try await runCLI(["doctor", "--base-url", server.url.absoluteString, "--credentials", creds], in: dir)
        #expect(text.stdout.split(separator: "\n").count == 10 && text.stdout.hasPrefix("ok   config"))
    }

    @Test func revokedIsAnAuthFailure77() async throws {
        let (server, creds) = try fixture { $0.revoked = true }
        let d = try await doctor(["--base-url", server.url.absoluteString, "--credentials", creds])
        #expect(d.status == 77 && d.checks["auth"]?.0 == "fail" && d.checks["auth"]!.1.contains("revoked"))
        #expect(d.checks["base-url"]?.0 == "ok", "the host answers: only the key is refused")
    }

    @Test func unreachableIsABaseURLFailure69() async throws {
        let (_, creds) = try fixture()
        let d = try await doctor(["--base-url", "http://127.0.0.1:1", "--credentials", creds, "--timeout", "2"])
        #expect(d.status == 69 && d.checks["base-url"]?.0 == "fail", "\(d.checks)")
        #expect(d.checks["cache"] != nil && d.checks["terminal"] != nil, "the local checks still run")
    }

    @Test func anOpenKeyFileIsACredentialsFailure65() async throws {
        let (server, creds) = try fixture()
        chmod(creds, 0o644)
        let d = try await doctor(["--base-url", server.url.absoluteString, "--credentials", creds])
        #expect(d.status == 65 && d.checks["credentials"]?.0 == "fail" && d.checks["credentials"]!.1.contains("chmod 600"))
    }

    @Test(arguments: [300.0, -300.0])
    func aClockFiveMinutesOffIsNamedAndExportStillWorks(_ offset: Double) async throws {
        let (server, creds) = try fixture { $0.clockOffset = offset }
        let d = try await doctor(["--base-url", server.url.absoluteString, "--credentials", creds])
        let clock = try #require(d.checks["clock"])
        #expect(clock.0 == "warn" || clock.0 == "fail", "\(clock)")
        #expect(clock.1.contains("\(Int(offset)) s off") || clock.1.contains("\(Int(offset) + (offset > 0 ? -1 : 1)) s off") || clock.1.contains("\(Int(offset) + (offset > 0 ? 1 : -1)) s off"), "\(clock)")
        #expect(d.checks["auth"]?.0 == "ok", "the client corrects for the clock")
        let export = try await runCLI(["export", "daily", "--format", "csv", "--base-url", server.url.absoluteString, "--credentials", creds], in: dir)
        #expect(export.status == 0, "\(export.stderr)")
    }

    @Test func unknownFieldsAndValuesAreWarningsNamed() async throws {
        let (server, creds) = try fixture { $0.futureFields = true }
        let d = try await doctor(["--base-url", server.url.absoluteString, "--credentials", creds])
        #expect(d.status == 0, "warnings do not fail")
        for name in ["organizations", "daily", "monthly"] {
            let check = try #require(d.checks[name])
            #expect(check.0 == "warn" && check.1.contains("unknown fields: region") && check.1.contains("licenseType standard-annual"), "\(name): \(check)")
        }
    }

    @Test func aBadConfigLineIsAConfigFailure() async throws {
        try FileManager.default.createDirectory(atPath: dir.file("config/provider-explorer"), withIntermediateDirectories: true)
        _ = dir.write("config/provider-explorer/config.toml", "log_level = \"info\"\ncolour = true\n")
        let d = try await doctor(["--demo"])
        #expect(d.status == 64 && d.checks["config"]?.0 == "fail" && d.checks["config"]!.1.contains("config.toml:2: unknown key colour"))
    }

    /// Proxies from the environment: plain http through one, https as a CONNECT tunnel,
    /// and doctor names the proxy.
    @Test func proxiesFromTheEnvironmentAreUsed() async throws {
        let proxy = try TestProxy()
        let (server, creds) = try fixture()
        let env = ["http_proxy": proxy.url, "https_proxy": proxy.url, "no_proxy": ""]
        let sync = try await runCLI(["sync", "--base-url", server.url.absoluteString, "--credentials", creds], in: dir, env: env)
        #expect(sync.status == 0, "\(sync.stderr)")
        let through = proxy.requests.filter { $0.hasPrefix("GET \(server.url.absoluteString)/provider/v1/") }
        #expect(through.count == server.simulator.requestCount, "every request of the sync went through the proxy")
        let d = try await doctor(["--base-url", server.url.absoluteString, "--credentials", creds], env: env)
        #expect(d.checks["base-url"]!.1.contains("through the proxy \(proxy.url)"), "\(d.checks["base-url"]!)")
        await #expect(try doctor(["--base-url", server.url.absoluteString, "--credentials", creds], env: ["http_proxy": proxy.url, "no_proxy": "127.0.0.1"])
            .checks["base-url"]!.1.contains("no proxy"))
        // https: a CONNECT tunnel to the server (the test CA is trusted nowhere, so the
        // answer is the certificate's refusal, from the far end of the tunnel).
        let certs = try await TestCertificates()
        let pair = try await certs.server("behind-proxy")
        let tls = try SimulatorFixture(organizations: 5, tls: try TLSIdentity(certificateFile: pair.certificate, keyFile: pair.key))
        let https = try await runCLI(["export", "organizations", "--base-url", tls.url.absoluteString, "--credentials", creds], in: dir, env: env)
        #expect(https.status == 78 && https.stderr.contains("is not trusted"), "\(https.stderr)")
        #expect(proxy.requests.contains("CONNECT 127.0.0.1:\(tls.url.port!) HTTP/1.1"), "\(proxy.requests.suffix(3))")
        #expect(tls.simulator.connectionCounts.accepted == 1)
    }
}

/// Issue 15: a whole sync over https through a CONNECT proxy. The client trusts only the
/// system's certificate store, so the run gets a store of its own holding the test CA:
/// a private mount namespace (`unshare --mount`, which needs root) with the test store
/// bound over /etc/ssl/certs, seen by that process alone; the machine's store is untouched.
@Suite(.serialized)
struct ProxyTunnelTests {
    let dir = TempDir()

    @Test(.enabled(if: getuid() == 0, "a private mount namespace needs root"))
    func aSyncOverHTTPSThroughACONNECTProxy() async throws {
        let certs = try await TestCertificates()
        let pair = try await certs.server("api")
        let fixture = try SimulatorFixture(organizations: 60, tls: try TLSIdentity(certificateFile: pair.certificate, keyFile: pair.key))
        let creds = dir.file("creds.json")
        try fixture.writeCredentials(to: creds)
        let store = dir.file("store")
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: certs.caCertificate, toPath: store + "/ca-certificates.crt")
        let proxy = try TestProxy()
        let script = #"mount --bind "$STORE" /etc/ssl/certs && exec "$PE" sync --base-url "$URL" --credentials "$CREDS""#
        let r = try await run("unshare", ["--mount", "sh", "-c", script], environment: [
            "STORE": store, "PE": productBinary, "URL": fixture.url.absoluteString, "CREDS": creds,
            "https_proxy": proxy.url, "no_proxy": "", "XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"),
            "XDG_CONFIG_HOME": dir.file("config"), "NORDPASS_PROVIDER_CREDENTIALS": "",
        ])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("synced 60 organizations"), "\(r.stdout)")
        #expect(proxy.requests.contains("CONNECT 127.0.0.1:\(fixture.url.port!) HTTP/1.1"), "\(proxy.requests.prefix(3))")
        #expect(proxy.requests.allSatisfy { $0.hasPrefix("CONNECT ") }, "https goes through the tunnel only")
        #expect(fixture.simulator.requestCount > 60, "the whole sync: \(fixture.simulator.requestCount) requests")
        // Outside that namespace, the machine's store is as it was: the test CA is not in it.
        let outside = try await runCLI(["export", "organizations", "--base-url", fixture.url.absoluteString, "--credentials", creds], in: dir)
        #expect(outside.status == 78)
    }
}
