import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator
import Explorer
@testable import provider_explorer

/// Issue 25 (trust, round two), the command line's items, each through the real
/// binary as a user runs it. Each test failed on the code before the issue.
@Suite(.serialized)
struct TrustRoundTwoTests {
    let dir = TempDir()

    func cli(_ args: [String], env: [String: String] = [:]) async throws -> ProcessResult { try await runCLI(args, in: dir, env: env) }

    func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// Item 1: `--output` through a symbolic link replaces the link's target and keeps
    /// the link; a FIFO is written into (its reader gets the output) and stays a FIFO;
    /// a character device stays a device.
    @Test func outputWritesThroughLinksFIFOsAndDevices() async throws {
        let target = dir.write("target.csv", "old\n")
        let link = dir.file("link.csv")
        #expect(symlink("target.csv", link) == 0)
        let viaLink = try await cli(["export", "daily", "--demo", "--format", "csv", "--output", link])
        #expect(viaLink.status == 0, "\(viaLink.stderr)")
        var info = stat()
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK, "the link is kept")
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("date,organizationId,"), "its target is replaced")
        // A link to a file that does not exist yet: the file is made where it points.
        let dangling = dir.file("dangling.csv")
        #expect(symlink("made.csv", dangling) == 0)
        #expect(try await cli(["export", "daily", "--demo", "--offline", "--format", "csv", "--output", dangling]).status == 0)
        #expect(isRegularFile(dir.file("made.csv")) && lstat(dangling, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)

        let fifo = dir.file("pipe.csv")
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader holds the FIFO open before the writer comes (read and write, so that
        // neither side waits: the output, about 20 KB, fits in the pipe's buffer).
        let reader = open(fifo, O_RDWR | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let viaFIFO = try await cli(["export", "daily", "--demo", "--offline", "--format", "csv", "--output", fifo])
        #expect(viaFIFO.status == 0, "\(viaFIFO.stderr)")
        var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = Glibc.read(reader, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("date,organizationId,"), "the reader got the output")
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "and it is still a FIFO")

        // A device node of our own (/dev/null's numbers) where making one is allowed (root).
        let device = dir.file("null")
        if mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 {  // major 1, minor 3
            #expect(try await cli(["export", "daily", "--demo", "--offline", "--format", "csv", "--output", device]).status == 0)
            #expect(lstat(device, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "still a character device")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }.isEmpty)
    }

    /// Item 7: `doctor --offline` makes no request: the network checks say skipped.
    @Test func doctorOfflineMakesNoRequest() async throws {
        let fixture = try SimulatorFixture(organizations: 10)
        let creds = dir.file("c.json")
        try fixture.writeCredentials(to: creds)
        let r = try await cli(["doctor", "--offline", "--base-url", fixture.url.absoluteString, "--credentials", creds])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        for name in ["base-url", "clock", "auth", "organizations", "daily", "monthly"] {
            #expect(r.stdout.contains("skip \(name.padding(toLength: 14, withPad: " ", startingAt: 0))skipped (offline)"), "\(name): \(r.stdout)")
        }
        #expect(fixture.simulator.requestCount == 0 && fixture.simulator.connectionCounts.accepted == 0, "no request, no connection")
    }

    /// Item 8: doctor tries what the sync will do with the cache folder.
    @Test func doctorFailsWhereTheCacheCannotBeMade() async throws {
        let blocker = dir.write("a-file", "x")
        let r = try await cli(["doctor", "--demo", "--offline", "--cache-dir", blocker + "/cache"])
        #expect(r.status == 74 && r.stdout.contains("fail cache") && r.stdout.contains("cannot be created"), "\(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: blocker + "/cache"))
        // A folder that exists but is not writable, as a user who is not root (setpriv).
        guard geteuid() == 0 else { return }
        let locked = dir.file("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(dir.path, 0o755)
        chmod(locked, 0o555)
        func asNobody(_ args: [String]) async throws -> ProcessResult {
            try await run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", productBinary] + args + ["--cache-dir", locked + "/cache"],
                          environment: ["XDG_CONFIG_HOME": "/nonexistent", "XDG_STATE_HOME": "/tmp", "NORDPASS_PROVIDER_CREDENTIALS": ""])
        }
        let doctor = try await asNobody(["doctor", "--demo", "--offline"])
        #expect(doctor.status == 74 && doctor.stdout.contains("fail cache") && doctor.stdout.contains("permission denied"),
                "\(doctor.stdout)\(doctor.stderr)")
        let sync = try await asNobody(["sync", "--demo"])
        #expect(sync.status == 74, "the sync fails where doctor said it would: \(sync.stderr)")
    }

    /// Items 16 and 21: a usage error is one line (what is wrong, where the help is); a
    /// negative number is a value, refused as such; help names each default once.
    @Test func usageErrorsAreOneLine() async throws {
        let cases: [(args: [String], needle: String)] = [
                               (["changes", "--demo", "--min-seats", "-5"], "--min-seats must be 0 or more, not -5"),
                               (["changes", "--demo", "--trial-days", "-1"], "--trial-days must be 0 or more, not -1"),
                               (["export", "daily", "--demo", "--credentials-command-timeout", "-1"], "--credentials-command-timeout must be a positive number"),
                               (["changes", "--demo", "--min-seats", "x"], "'x' is invalid for '--min-seats"),
                               (["export"], "Missing expected argument"),
                               // Item 22: as in the explorer, trial and NFR exclude each other.
                               (["export", "daily", "--demo", "--trial", "--nfr"], "--trial and --nfr exclude each other")]
        for (args, needle) in cases {
            let r = try await cli(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(needle), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty && !r.stderr.contains("Usage:"))
        }
        #expect(try await cli(["changes", "--demo", "--min-seats", "x"]).stderr.contains("(see: provider-explorer changes --help)"))
        let help = try await cli(["changes", "--help"])
        #expect(!help.stdout.contains("(default 5)") && help.stdout.contains("(default: 5)"), "\(help.stdout)")
    }

    /// Items 16, 17 and 18: config.toml errors name the file and line; a path may
    /// start with ~; a key given twice is an error; a prices file without prices says so.
    @Test func configFileErrorsNameTheLineAndTildeIsHome() async throws {
        let config = dir.file("config/provider-explorer")
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        _ = dir.write("config/provider-explorer/config.toml", "# mine\nlog_level = \"loud\"\n")
        let level = try await cli(["export", "organizations", "--demo"])
        #expect(level.status == 64 && level.stderr.contains("config.toml:2: log level loud is not one of"), "\(level.stderr)")

        let key = try #require(PrivateKey.generate(.es256))
        try CredentialsLoader.write(providerId: "prv_TILDE", keyId: "key_T", key: key, createdAt: Date(), to: dir.file("x.json"))
        _ = dir.write("config/provider-explorer/config.toml", "credentials = \"~/x.json\"\n")
        let tilde = try await cli(["key"], env: ["HOME": dir.path])
        #expect(tilde.status == 0 && tilde.stdout.contains("prv_TILDE") && tilde.stdout.contains(dir.file("x.json")), "\(tilde.stdout)\(tilde.stderr)")
        _ = dir.write("config/provider-explorer/config.toml", "credentials = \"~/missing.json\"\n")
        let missing = try await cli(["key"], env: ["HOME": dir.path])
        #expect(missing.status != 0 && missing.stderr.contains(dir.file("missing.json")), "the expanded path: \(missing.stderr)")

        _ = dir.write("config/provider-explorer/config.toml", "[prices]\ncurrency = \"EUR\"\nbusiness = 2\nbusiness = 3\n")
        let twice = try await cli(["bill", "--demo"])
        #expect(twice.status == 64 && twice.stderr.contains("config.toml:4: business is given twice (first on line 3)"), "\(twice.stderr)")

        try FileManager.default.removeItem(atPath: dir.file("config/provider-explorer/config.toml"))
        let empty = dir.write("prices.toml", "# nothing yet\n")
        let none = try await cli(["bill", "--demo", "--prices", empty])
        #expect(none.status == 64 && none.stderr.contains("prices.toml") && none.stderr.contains("holds no prices"), "\(none.stderr)")
    }

    /// Item 19: the advice for an encrypted key in a credentials file works on that file.
    @Test func encryptedKeyAdviceWorksOnTheJSON() async throws {
        let pem = dir.file("enc.pem")
        let made = try await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:pw", "-out", pem])
        #expect(made.status == 0)
        let text = try String(contentsOfFile: pem, encoding: .utf8)
        let json = try JSONSerialization.data(withJSONObject: ["providerId": "prv_X", "keyId": "key_X", "privateKey": text])
        let file = dir.write("encrypted.json", String(decoding: json, as: UTF8.self))
        let r = try await cli(["key", "--credentials", file])
        #expect(r.status == 65 && r.stderr.contains("jq -r .privateKey \(file) | openssl pkey -out key-plain.pem"), "\(r.stderr)")
        #expect(!r.stderr.contains("openssl pkey -in \(file)"))
        // The advice works: jq's part by hand (python), then openssl with the passphrase.
        let plain = dir.file("key-plain.pem")
        let decrypted = try await openssl(["pkey", "-passin", "pass:pw", "-out", plain], input: Data(text.utf8))
        #expect(decrypted.status == 0)
        chmod(plain, 0o600)
        #expect(try await cli(["key", "--key", plain, "--provider-id", "prv_X", "--key-id", "key_X"]).status == 0)
    }

    /// Item 20: a createdAt in the future is said to be in the future, and doctor warns.
    @Test func aKeyCreatedInTheFutureIsFlagged() async throws {
        let key = try #require(PrivateKey.generate(.es256))
        let file = dir.file("future.json")
        try CredentialsLoader.write(providerId: "prv_F", keyId: "key_F", key: key, createdAt: Date().addingTimeInterval(86_400 * 1125), to: file)
        let r = try await cli(["key", "--credentials", file])
        #expect(r.status == 0 && r.stdout.contains("in the future") && !r.stdout.contains("(-"), "\(r.stdout)")
        let d = try await cli(["doctor", "--offline", "--credentials", file])
        #expect(d.stdout.contains("warn credentials") && d.stdout.contains("createdAt is in the future"), "\(d.stdout)")
    }

    /// Item 23: https against a server that speaks plain HTTP fails at once, named, not retried.
    @Test func httpsToAPlainServerFailsAtOnce() async throws {
        let fixture = try SimulatorFixture(organizations: 5)
        let creds = dir.file("c.json")
        try fixture.writeCredentials(to: creds)
        let url = fixture.url.absoluteString.replacingOccurrences(of: "http://", with: "https://")
        let started = Date()
        let r = try await cli(["export", "organizations", "--base-url", url, "--credentials", creds])
        #expect(r.status == 64 && r.stderr.contains("answered in plain HTTP"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 20, "not four tries of 30 s")
        #expect(fixture.simulator.connectionCounts.accepted == 1, "one try")
    }

    /// Item 24: changes as JSON give seat counts as numbers (a tier change keeps text),
    /// and the table right-aligns them.
    @Test func numbersAreNumbersAndRightAligned() async throws {
        let json = try await cli(["changes", "--demo", "--format", "json", "--to", "2026-11-28"],
                                 env: ["PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.stderr)")
        let seats = try #require(rows.first { $0["kind"] as? String == "seats" })
        #expect(seats["before"] is NSNumber && seats["after"] is NSNumber, "\(seats)")
        for row in rows where ["tier", "license"].contains(row["kind"] as? String) { #expect(row["before"] is String) }
        let table = try await cli(["changes", "--demo", "--offline", "--format", "table", "--to", "2026-11-28"],
                                  env: ["PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.first)
        // The column ends two spaces before the next one's header.
        let next = try #require(header.range(of: "AFTER")).lowerBound
        let column = header.distance(from: header.startIndex, to: next) - 2
        for line in lines.dropFirst() where line.hasPrefix("seats") {
            // The character that ends at that column, counted in terminal columns (a CJK
            // name takes two a character).
            var at = 0
            let last = line.first { at += DisplayWidth.of(String($0)); return at >= column }
            #expect(last?.isNumber == true, "right-aligned under BEFORE: \(line)")
        }
    }

    /// Item 25: doctor on a dumb terminal does not claim colours; simulate names a
    /// missing public key file as missing.
    @Test func dumbTerminalAndMissingPublicKey() async throws {
        let d = try await cli(["doctor", "--demo", "--offline"], env: ["TERM": "dumb"])
        #expect(d.stdout.contains("TERM=dumb, no colours") && !d.stdout.contains("colours on"), "\(d.stdout)")
        let s = try await cli(["simulate", "--public-key", dir.file("nonexistent.pem"), "--port", "0"])
        #expect(s.status == 66 && s.stderr.contains("no such file") && !s.stderr.contains("not a PEM"), "\(s.stderr)")
    }

    /// Item 26: the clock check's bands, at their edges on both sides: within 30 s ok,
    /// then warn (the client corrects), then fail where an uncorrected token is refused.
    @Test func theClockCheckHasAWarnBandOnBothSides() {
        let expected: [(Int, DoctorCommand.Check.Result)] = [
            (0, .ok), (30, .ok), (31, .warn), (60, .warn), (269, .warn), (270, .fail), (600, .fail),
            (-30, .ok), (-31, .warn), (-60, .warn), (-89, .warn), (-90, .fail), (-600, .fail),
        ]
        for (offset, result) in expected {
            #expect(DoctorCommand.clockVerdict(offset: offset).0 == result, "\(offset) s")
        }
    }

    /// Item 26, end to end: a server clock a minute off either way is a warning, and the
    /// export still works.
    @Test(arguments: [60.0, -60.0])
    func aClockAMinuteOffIsAWarning(_ offset: Double) async throws {
        let fixture = try SimulatorFixture(organizations: 5) { $0.clockOffset = offset }
        let creds = dir.file("c\(Int(offset)).json")
        try fixture.writeCredentials(to: creds)
        let d = try await cli(["doctor", "--base-url", fixture.url.absoluteString, "--credentials", creds])
        #expect(d.status == 0 && d.stdout.contains("warn clock"), "\(d.stdout)")
    }
}
