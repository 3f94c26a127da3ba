import Foundation
import Testing
import TestSupport
import ProviderAPI

/// Regressions of issue 10's high items, through the real binary as a user runs it.
@Suite(.serialized)
struct TrustCommandLineTests {
    let dir = TempDir()

    func cli(_ args: [String], env: [String: String] = [:]) throws -> ProcessResult {
        var environment = ["XDG_CONFIG_HOME": dir.file("config"), "XDG_STATE_HOME": dir.file("state"),
                           "XDG_CACHE_HOME": dir.file("cache"), "NORDPASS_PROVIDER_CREDENTIALS": "",
                           "NORDPASS_PROVIDER_BASE_URL": ""]
        for (k, v) in env { environment[k] = v }
        return try run(productBinary, args, environment: environment)
    }

    /// Runs the binary through `sh -c` so a test can close or redirect its streams.
    func shell(_ script: String) throws -> ProcessResult {
        try run("/bin/sh", ["-c", script], environment: ["PE": productBinary, "XDG_CONFIG_HOME": dir.file("config"),
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
    @Test func exportToAFullDeviceIsOneLineAndExit74() throws {
        let r = try shell(#""$PE" export daily --demo --format csv > /dev/full"#)
        #expect(r.status == 74)
        expectOneLine(r, "cannot write the output: no space left on device")
    }

    /// Item 2: with stdout closed, the CSV goes nowhere else (not into the cache
    /// that took its descriptor): one line and exit 74.
    @Test func exportWithStdoutClosedIsOneLineAndExit74() throws {
        let r = try shell(#""$PE" export daily --demo --format csv >&-"#)
        #expect(r.status == 74)
        expectOneLine(r, "cannot write the output: the output is closed")
    }

    /// Item 2: `--output` writes the file whole with mode 0600; a write that fails
    /// part-way (a file-size limit standing in for a full disk) leaves no file and no
    /// temporary behind, and a file already there untouched.
    @Test func exportOutputIsWholeOrNothing() throws {
        let out = dir.file("daily.csv")
        let ok = try cli(["export", "daily", "--demo", "--format", "csv", "--output", out])
        #expect(ok.status == 0, "\(ok.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasPrefix("date,organizationId,") && text.split(separator: "\r\n").count == 241)
        #expect((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) == 0o600)

        // The report is cached now; offline, the next run writes nothing but the output.
        // 100 blocks let SQLite map its index (32 KB), and stop the 60 KB JSON mid-way.
        let previous = dir.write("kept.json", "the file that was there\n")
        let r = try shell(#"ulimit -f 100; exec "$PE" export daily --demo --offline --format json --output "# + previous)
        #expect(r.status == 74)
        #expect(r.stderr.contains("cannot write \(previous): the file is too large"), "\(r.stderr)")
        #expect(try String(contentsOfFile: previous, encoding: .utf8) == "the file that was there\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        let missing = try cli(["export", "daily", "--demo", "--output", dir.file("no/such/dir/x.csv")])
        #expect(missing.status == 74)
        expectOneLine(missing, "the directory does not exist")
    }

    /// Item 3: a server that cannot be reached gave no verdict: UNREACHABLE, exit 69.
    @Test func keyCheckOfAnUnreachableServerIsNotRejected() throws {
        let creds = dir.file("c.json")
        try CredentialsLoader.write(providerId: "prv_DEMO00", keyId: "key_X", key: PrivateKey.generate(.edDSA)!,
                                    createdAt: Date(), to: creds)
        let r = try cli(["key", "--check", "--credentials", creds, "--base-url", "http://127.0.0.1:1", "--timeout", "2"])
        #expect(r.status == 69, "\(r.stderr)")
        #expect(r.stdout.contains("UNREACHABLE") && !r.stdout.contains("REJECTED"), "\(r.stdout)")
        expectOneLine(r, "unavailable")
    }

    /// Item 3: `--offline` with `--check` makes no request and says so (exit 64).
    @Test func keyCheckOfflineMakesNoRequest() throws {
        let r = try cli(["key", "--check", "--demo", "--offline"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--offline makes no request") && !r.stdout.contains("REJECTED"))
    }

    /// Item 4: year 0 from a flag is a usage error, not a trap.
    @Test func yearZeroFlagsAreUsageErrors() throws {
        for args in [["export", "daily", "--demo", "--date", "0000-01-01"], ["export", "monthly", "--demo", "--month", "0000-01"],
                     ["simulate", "--today", "0000-01-01", "--credentials-out", dir.file("y.json")]] {
            let r = try cli(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"))
        }
    }
}
