import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator

/// The real binary, as a user runs it: exit codes, stdout, one-line errors.
@Suite(.serialized)
struct CommandLineTests {
    let dir = TempDir()

    /// Runs provider-explorer with a clean configuration and state.
    func cli(_ args: [String], env: [String: String] = [:]) async throws -> ProcessResult { try await runCLI(args, in: dir, env: env) }

    /// Ends a simulator started by `startSimulator`, reaped on a thread of its own (a
    /// `defer` cannot await, and the pool's threads must not wait).
    func stop(_ process: Process) {
        process.terminate()
        Thread { process.waitUntilExit() }.start()
    }

    /// `simulate` as a child process on a port the system picks (`--port 0`): the
    /// port is read back from what it says once it listens.
    func startSimulator(_ extra: [String]) async throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: productBinary)
        process.arguments = ["simulate", "--port", "0", "--today", "2026-11-29"] + extra
        // This process's environment and two more: what travels in it (libfaketime
        // under scripts/any-day.sh) must reach the simulator as it reaches the client.
        process.environment = ProcessInfo.processInfo.environment
            .merging(["XDG_STATE_HOME": dir.file("state"), "XDG_CONFIG_HOME": dir.file("config")]) { $1 }
        let errPath = dir.file("simulator-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
        // Generous: under the whole suite's load on two cores a start can take seconds.
        let deadline = Date().addingTimeInterval(60)
        let said = try Regex(#"simulator on http://127\.0\.0\.1:([0-9]+)"#)
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: said), let port = Int(match.output[1].substring ?? "") { return (process, port) }
            await pause(seconds: 0.02)
        }
        if process.isRunning { process.terminate() }
        let text = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        throw ProviderError.unavailable(detail: "the simulator did not say its port in 60 s: \(text)", attempts: 1)
    }

    @Test func exportDailyMatchesTheSimulatorsTotals() async throws {
        let (sim, port) = try await startSimulator(["--credentials-out", dir.file("c.json"), "--orgs", "500", "--seed", "7"])
        defer { stop(sim) }
        let mode = try FileManager.default.attributesOfItem(atPath: dir.file("c.json"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let result = try await cli(["export", "daily", "--base-url", "http://127.0.0.1:\(port)", "--credentials", dir.file("c.json"), "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\r\n")
        #expect(lines.first == "date,organizationId,organizationName,tier,licenseType,trial,nfr,activeSeats,pendingSeats,consumedLicenses")
        #expect(lines.count == 501)
        // The same seed and clock in process give what the simulator holds.
        let data = DataSet(organizationCount: 500, seed: 7, today: Day("2026-11-29")!)
        let expected = data.dailyRows(data.newestDay).map(\.consumedLicenses).reduce(0, +)
        let total = lines.dropFirst().compactMap { line -> Int? in
            let fields = line.split(separator: ",")
            return Int(fields[fields.count - 1])
        }.reduce(0, +)
        #expect(total == expected)

        let json = try await cli(["export", "monthly", "--month", "2026-10", "--base-url", "http://127.0.0.1:\(port)",
                            "--credentials", dir.file("c.json"), "--format", "json", "--tier", "enterprise"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0["tier"] as? String == "enterprise" && $0["month"] as? String == "2026-10" })
        #expect(Set(rows[0].keys) == Set(["month"] + UsageRow.fieldNames))

        let key = try await cli(["key", "--check", "--base-url", "http://127.0.0.1:\(port)", "--credentials", dir.file("c.json")])
        #expect(key.status == 0)
        #expect(key.stdout.contains("ES256") && key.stdout.contains("SHA256:") && key.stdout.contains("OK"))
        #expect(key.stdout.contains("0600 (owner only)"))
    }

    @Test func revokedKeyExits77WithTheAdvice() async throws {
        let (sim, port) = try await startSimulator(["--credentials-out", dir.file("c.json"), "--revoked"])
        defer { stop(sim) }
        let result = try await cli(["export", "daily", "--base-url", "http://127.0.0.1:\(port)", "--credentials", dir.file("c.json")])
        #expect(result.status == 77)
        #expect(result.stderr.contains("key revoked") && result.stderr.contains("MSP Admin Panel > Integrations > Provider API"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty)
        let check = try await cli(["key", "--check", "--base-url", "http://127.0.0.1:\(port)", "--credentials", dir.file("c.json")])
        #expect(check.status == 77 && check.stdout.contains("REJECTED"))
    }

    @Test func demoExportNeedsNoSetUp() async throws {
        let result = try await cli(["export", "organizations", "--demo", "--format", "table"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 241)
        #expect(lines[0].hasPrefix("ID") && lines[0].contains("NAME") && lines[0].contains("TRIALENDSAT"))
        #expect(result.stdout.contains("Rocket 🚀 Labs"))
        #expect(result.stdout.contains("nfr"))
    }

    @Test func exitCodesAndOneLineErrors() async throws {
        let noCredentials = try await cli(["export", "daily"])
        #expect(noCredentials.status == 64)
        #expect(noCredentials.stderr.contains("--credentials") && noCredentials.stderr.contains("--demo"))
        let badOption = try await cli(["export", "weekly"])
        #expect(badOption.status == 64)
        let badDate = try await cli(["export", "daily", "--date", "2026-02-30", "--demo"])
        #expect(badDate.status == 64)
        let open = dir.write("open.json", "{}", mode: 0o644)
        let tooOpen = try await cli(["export", "daily", "--credentials", open])
        #expect(tooOpen.status == 65 && tooOpen.stderr.contains("chmod 600"))
        let garbage = dir.write("garbage.json", "not json")
        let bad = try await cli(["key", "--credentials", garbage])
        #expect(bad.status == 65 && bad.stderr.hasPrefix("provider-explorer: \(garbage): "))
        let http = try await cli(["export", "daily", "--base-url", "http://example.com", "--credentials", garbage])
        #expect(http.status == 64 && http.stderr.contains("plain http is refused"))
        let unreachable = try await cli(["export", "organizations", "--base-url", "http://127.0.0.1:1", "--credentials",
                                   try demoCredentials(), "--timeout", "1"])
        #expect(unreachable.status == 69 && unreachable.stderr.contains("unavailable after 4 tries"))
        for r in [noCredentials, tooOpen, bad, http, unreachable] {
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
    }

    func demoCredentials() throws -> String {
        let path = dir.file("demo-creds.json")
        if !FileManager.default.fileExists(atPath: path) {
            try CredentialsLoader.write(providerId: "prv_DEMO00", keyId: "key_X", key: PrivateKey.generate(.edDSA)!,
                                        createdAt: Date(), to: path)
        }
        return path
    }

    @Test func flagsBeatEnvironmentBeatConfigFile() async throws {
        let creds = try demoCredentials()
        try FileManager.default.createDirectory(atPath: dir.file("config/provider-explorer"), withIntermediateDirectories: true)
        _ = dir.write("config/provider-explorer/config.toml", """
            # written by a test
            base_url = "http://from-file.example"
            credentials = '\(creds)'
            log_level = "debug"
            """)
        let fromFile = try await cli(["export", "daily"])
        #expect(fromFile.stderr.contains("from-file.example"), "\(fromFile.stderr)")
        let fromEnv = try await cli(["export", "daily"], env: ["NORDPASS_PROVIDER_BASE_URL": "http://from-env.example"])
        #expect(fromEnv.stderr.contains("from-env.example"))
        let fromFlag = try await cli(["export", "daily", "--base-url", "http://from-flag.example"],
                               env: ["NORDPASS_PROVIDER_BASE_URL": "http://from-env.example"])
        #expect(fromFlag.stderr.contains("from-flag.example"))
        _ = dir.write("config/provider-explorer/config.toml", "base_url = \"x\"\ncolour = \"red\"\n")
        let badConfig = try await cli(["export", "daily"])
        #expect(badConfig.status == 64 && badConfig.stderr.contains("config.toml:2") && badConfig.stderr.contains("colour"))
    }

    /// Sync and export with the most verbose logging, then search every log, cache and
    /// output file for the private key's base64 and for any token: zero hits.
    @Test func secretsReachNoLogCacheOrOutput() async throws {
        let creds = try demoCredentials()
        let (sim, port) = try await startSimulator(["--public-key", try publicKeyFile(of: creds), "--key-id", "key_X"])
        defer { stop(sim) }
        let base = ["--base-url", "http://127.0.0.1:\(port)", "--credentials", creds, "--log-level", "trace"]
        let sync = try await cli(["sync"] + base)
        #expect(sync.status == 0, "\(sync.stderr)")
        var outputs = [sync.stdout, sync.stderr]
        for what in ["organizations", "daily", "monthly"] {
            let result = try await cli(["export", what, "--format", "json"] + base)
            #expect(result.status == 0, "\(result.stderr)")
            outputs += [result.stdout, result.stderr]
        }
        let key = try await cli(["key", "--check"] + base)
        outputs += [key.stdout, key.stderr]
        let log = try String(contentsOfFile: dir.file("state/provider-explorer/provider-explorer.log"), encoding: .utf8)
        #expect(log.contains("GET /provider/v1/organizations"), "trace logging was on")

        let pem = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: creds))) as? [String: String])["privateKey"]!
        let keyBase64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        // Every 24-character piece of the key's base64, and the start of any JWT.
        let needles = stride(from: 0, to: keyBase64.count - 24, by: 12).map {
            String(keyBase64.dropFirst($0).prefix(24))
        } + ["eyJ", "Bearer "]
        var files = [dir.file("state/provider-explorer/provider-explorer.log")]
        let cacheFiles = try FileManager.default.subpathsOfDirectory(atPath: dir.file("cache"))
        files += cacheFiles.map { dir.file("cache/" + $0) }
        #expect(cacheFiles.contains { $0.hasSuffix(".sqlite3") })
        var hits = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for needle in needles where text.contains(needle) { hits += 1; Issue.record("\(needle) in \(file)") }
        }
        for output in outputs { for needle in needles where output.contains(needle) { hits += 1 } }
        #expect(hits == 0)
    }

    func publicKeyFile(of credentials: String) throws -> String {
        let c = try CredentialsLoader.load(credentialsFile: credentials)
        return dir.write("pub.pem", c.key.publicKey.pem())
    }
}

extension CommandLineTests {
    @Test func offlineExportPrintsWhatOnlinePrinted() async throws {
        let (sim, port) = try await startSimulator(["--credentials-out", dir.file("c.json"), "--orgs", "120"])
        let base = ["--base-url", "http://127.0.0.1:\(port)", "--credentials", dir.file("c.json"), "--cache-dir", dir.file("cache")]
        let sync = try await cli(["sync"] + base)
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("synced 120 organizations"))
        let online = try await cli(["export", "daily", "--format", "csv"] + base)
        sim.terminate()
        try await offPool { sim.waitUntilExit() }
        let offline = try await cli(["export", "daily", "--format", "csv", "--offline"] + base)
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(offline.stdout.split(separator: "\r\n").sorted() == online.stdout.split(separator: "\r\n").sorted())
        #expect(offline.stderr.contains("offline: from the cache"))
        let monthly = try await cli(["export", "monthly", "--month", "2026-10", "--offline"] + base)
        #expect(monthly.status == 0 && monthly.stdout.hasPrefix("month,organizationId"))
        #expect(monthly.stdout.split(separator: "\r\n").count > 100)
        let missing = try await cli(["export", "daily", "--date", "2025-01-01", "--offline"] + base)
        #expect(missing.status == 1 && missing.stderr.contains("not in the cache"))
        // With the simulator gone, a cached report is still served online, without a request.
        let cachedOnline = try await cli(["export", "daily", "--date", "2026-11-20", "--timeout", "1"] + base)
        #expect(cachedOnline.status == 0)
    }
}
