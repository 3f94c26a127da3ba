import Foundation
import Testing
import TestSupport
import ProviderAPI

/// Regressions of issue 10's high items, through the real binary as a user runs it.
@Suite(.serialized)
struct TrustCommandLineTests {
    let dir = TempDir()

    func cli(_ args: [String], env: [String: String] = [:]) async throws -> ProcessResult { try await runCLI(args, in: dir, env: env) }

    /// Runs the binary through `sh -c` so a test can close or redirect its streams.
    func shell(_ script: String) async throws -> ProcessResult {
        try await run("/bin/sh", ["-c", script], environment: ["PE": productBinary, "XDG_CONFIG_HOME": dir.file("config"),
                                                         "XDG_STATE_HOME": dir.file("state"), "XDG_CACHE_HOME": dir.file("cache"),
                                                         "NORDPASS_PROVIDER_CREDENTIALS": "", "NORDPASS_PROVIDER_BASE_URL": ""])
    }

    func expectOneLine(_ r: ProcessResult, _ needle: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(needle), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"), sourceLocation: sourceLocation)
    }

    /// Item 2: a full disk on stdout is one line and exit 74, not a crash.
    @Test func exportToAFullDeviceIsOneLineAndExit74() async throws {
        let r = try await shell(#""$PE" export daily --demo --format csv > /dev/full"#)
        #expect(r.status == 74)
        expectOneLine(r, "cannot write the output: no space left on device")
    }

    /// Item 2: with stdout closed, the CSV goes nowhere else (not into the cache
    /// that took its descriptor): one line and exit 74.
    @Test func exportWithStdoutClosedIsOneLineAndExit74() async throws {
        let r = try await shell(#""$PE" export daily --demo --format csv >&-"#)
        #expect(r.status == 74)
        expectOneLine(r, "cannot write the output: the output is closed")
    }

    /// Item 2: `--output` writes the file whole with mode 0600; a write that fails
    /// part-way (a file-size limit standing in for a full disk) leaves no file and no
    /// temporary behind, and a file already there untouched.
    @Test func exportOutputIsWholeOrNothing() async throws {
        let out = dir.file("daily.csv")
        let ok = try await cli(["export", "daily", "--demo", "--format", "csv", "--output", out])
        #expect(ok.status == 0, "\(ok.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasPrefix("date,organizationId,") && text.split(separator: "\r\n").count == 241)
        #expect((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) == 0o600)

        // The report is cached now; offline, the next run writes nothing but the output.
        if getuid() == 0 {
            // A disk that fills up mid-write: a 32 KB tmpfs, in a mount namespace of the
            // run's own, for the 60 KB JSON. What is left is read inside that namespace.
            let full = dir.file("full")
            try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
            let r = try await shell(#"unshare --mount sh -c 'mount -t tmpfs -o size=32k tmpfs "$0" && printf "the file that was there\n" > "$0/kept.json" && "$PE" export daily --demo --offline --format json --output "$0/kept.json"; echo "EXIT=$?"; cat "$0/kept.json"; ls -A "$0"' "# + full)
            #expect(r.stdout.contains("EXIT=74"), "\(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains("cannot write \(full)/kept.json: no space left on device"), "\(r.stderr)")
            #expect(r.stdout.contains("the file that was there\nkept.json\n") && !r.stdout.contains(".tmp-"), "\(r.stdout)")
        } else {
            // Without root, a file-size limit stands in for the full disk: 100 blocks let
            // SQLite map its index (32 KB) and stop the 60 KB JSON mid-way.
            let previous = dir.write("kept.json", "the file that was there\n")
            let r = try await shell(#"ulimit -f 100; exec "$PE" export daily --demo --offline --format json --output "# + previous)
            #expect(r.status == 74)
            #expect(r.stderr.contains("cannot write \(previous): the file is too large"), "\(r.stderr)")
            #expect(try String(contentsOfFile: previous, encoding: .utf8) == "the file that was there\n")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }

        let missing = try await cli(["export", "daily", "--demo", "--output", dir.file("no/such/dir/x.csv")])
        #expect(missing.status == 74)
        expectOneLine(missing, "the directory does not exist")
    }

    /// Item 3: a server that cannot be reached gave no verdict: UNREACHABLE, exit 69.
    @Test func keyCheckOfAnUnreachableServerIsNotRejected() async throws {
        let creds = dir.file("c.json")
        try CredentialsLoader.write(providerId: "prv_DEMO00", keyId: "key_X", key: PrivateKey.generate(.edDSA)!,
                                    createdAt: Date(), to: creds)
        let r = try await cli(["key", "--check", "--credentials", creds, "--base-url", "http://127.0.0.1:1", "--timeout", "2"])
        #expect(r.status == 69, "\(r.stderr)")
        #expect(r.stdout.contains("UNREACHABLE") && !r.stdout.contains("REJECTED"), "\(r.stdout)")
        expectOneLine(r, "unavailable")
    }

    /// Item 3: `--offline` with `--check` makes no request and says so (exit 64).
    @Test func keyCheckOfflineMakesNoRequest() async throws {
        let r = try await cli(["key", "--check", "--demo", "--offline"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--offline makes no request") && !r.stdout.contains("REJECTED"))
    }

    /// Item 4: year 0 from a flag is a usage error, not a trap.
    @Test func yearZeroFlagsAreUsageErrors() async throws {
        for args in [["export", "daily", "--demo", "--date", "0000-01-01"], ["export", "monthly", "--demo", "--month", "0000-01"],
                     ["simulate", "--today", "0000-01-01", "--credentials-out", dir.file("y.json")]] {
            let r = try await cli(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"))
        }
    }

    /// Item 18: `simulate --credentials-out` never overwrites a file without --force,
    /// and writes nothing when the server cannot listen.
    @Test func simulateNeverOverwritesCredentialsSilently() async throws {
        let existing = dir.write("existing.json", "mine\n")
        let refused = try await cli(["simulate", "--credentials-out", existing, "--port", "0"])
        #expect(refused.status == 64 && refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "mine\n")
        // A port that is taken: the server cannot listen, so no credentials file appears.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(holder, 1)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(holder, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let fresh = dir.file("fresh.json")
        let taken = try await cli(["simulate", "--credentials-out", fresh, "--port", String(port)])
        #expect(taken.status == 69, "\(taken.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    /// Item 24: `export` orders rows by organization name, then id: the same order
    /// when the report is fetched and when it comes from the cache.
    @Test func exportOrderIsTheSameFetchedAndCached() async throws {
        let fetched = try await cli(["export", "daily", "--demo", "--format", "csv"])
        let cached = try await cli(["export", "daily", "--demo", "--format", "csv"])
        #expect(fetched.status == 0 && cached.status == 0)
        #expect(fetched.stdout == cached.stdout)
        let rows = fetched.stdout.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let keys = rows.map { (String($0[2]), String($0[1])) }
        #expect(keys.count == 240)
        #expect(inNameOrder(keys), "by name (the collation), then id")
        let orgs = try await cli(["export", "organizations", "--demo", "--format", "csv"])
        let names = orgs.stdout.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { (String($0[1]), String($0[0])) }
        #expect(names.count == 240 && inNameOrder(names))
    }

    /// Item 25: flags that --demo would ignore are refused.
    @Test func demoRefusesFlagsItWouldIgnore() async throws {
        let url = try await cli(["export", "daily", "--demo", "--base-url", "https://api.example.com"])
        #expect(url.status == 64 && url.stderr.contains("drop --base-url"))
        let creds = try await cli(["sync", "--demo", "--credentials", dir.file("c.json")])
        #expect(creds.status == 64 && creds.stderr.contains("drop --credentials"))
    }

    /// Item 26: bad values and unusable directories in plain words.
    @Test func badValuesAndDirectoriesInPlainWords() async throws {
        let timeout = try await cli(["export", "daily", "--demo", "--timeout", "-1"])
        #expect(timeout.status == 64 && timeout.stderr.contains("--timeout must be a positive number"), "\(timeout.stderr)")
        #expect(!timeout.stderr.contains("Missing value"))
        let file = dir.write("somefile", "x")
        let cache = try await cli(["export", "daily", "--demo", "--cache-dir", file + "/sub"])
        #expect(cache.status == 74)
        expectOneLine(cache, "a file is in the way")
        let out = try await cli(["simulate", "--credentials-out", "/nonexistent/x.json", "--port", "0"])
        #expect(out.status == 65)
        expectOneLine(out, "cannot be written: the directory does not exist")
        for r in [cache, out] { #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains("errno")) }
    }

    /// Item 27: --version, and help text without orphan lines.
    @Test func versionAndHelpWithoutOrphanLines() async throws {
        let version = try await cli(["--version"])
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        for command in ["sync", "explore", "export", "key", "simulate"] {
            let help = try await cli([command, "--help"])
            let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let orphans = lines.filter { line in
                let words = line.split(separator: " ")
                return words.count == 1 && !line.hasPrefix(" ") && !line.hasSuffix(":") && words[0].allSatisfy(\.isLetter)
            }
            #expect(orphans.isEmpty, "\(command) --help: \(orphans)")
        }
    }

    /// Item 29: a cache directory the user gave keeps its mode (with a warning when
    /// others can read it); directories the program creates are 0700.
    @Test func theCacheDirectoryModeIsTheUsers() async throws {
        let mine = dir.file("mine")
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        chmod(mine, 0o755)
        let r = try await cli(["export", "organizations", "--demo", "--cache-dir", mine])
        #expect(r.status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: mine)[.posixPermissions] as? Int) == 0o755)
        #expect(r.stderr.contains("can be read by others") && r.stderr.contains("chmod 700"), "\(r.stderr)")
        let created = dir.file("new/deeper/cache")
        let c = try await cli(["export", "organizations", "--demo", "--cache-dir", created])
        #expect(c.status == 0 && !c.stderr.contains("read by others"))
        for path in [dir.file("new"), dir.file("new/deeper"), created] {
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o700, "\(path)")
        }
    }
}
