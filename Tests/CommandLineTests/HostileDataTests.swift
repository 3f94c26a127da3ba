import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator

/// Issue 18, through the real binary against a server whose names are hostile.
@Suite(.serialized)
struct HostileDataTests {
    let dir = TempDir()

    func cli(_ args: [String]) async throws -> ProcessResult { try await runCLI(args, in: dir) }

    func hostileServer() throws -> (SimulatorFixture, [String]) {
        let fixture = try SimulatorFixture(organizations: 40) { $0.hostileNames = true }
        let creds = dir.file("creds.json")
        try fixture.writeCredentials(to: creds)
        return (fixture, ["--base-url", fixture.url.absoluteString, "--credentials", creds])
    }

    /// Python's csv module reads back every row with the names byte for byte (apart
    /// from the documented ' before a formula), and with --csv-raw exactly.
    @Test(arguments: ["organizations", "daily", "monthly"])
    func pythonReadsEveryNameBack(_ what: String) async throws {
        let (server, access) = try hostileServer()
        defer { withExtendedLifetime(server) {} }
        let data = server.simulator.data
        let served: [String]
        switch what {
        case "organizations": served = data.organizations.map(\.name)
        case "daily": served = data.dailyRows(data.newestDay).map(\.organizationName)
        default: served = data.monthlyRows(data.newestMonth).map(\.organizationName)
        }
        #expect(served.filter(Names.hostile.contains).count >= 8, "the report carries the hostile names")
        // The first run fetches, the second reads the cache: both must give every byte.
        for raw in [false, true] {
            let out = dir.file("\(what)-\(raw).csv")
            let r = try await cli(["export", what, "--format", "csv", "--output", out] + (raw ? ["--csv-raw"] : []) + access)
            #expect(r.status == 0, "\(r.stderr)")
            let script = """
            import csv, json, sys
            rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
            column = rows[0].index(sys.argv[2])
            print(json.dumps({"widths": sorted(set(len(r) for r in rows)), "names": [r[column] for r in rows[1:]]}))
            """
            let py = try await run("python3", ["-c", script, out, what == "organizations" ? "name" : "organizationName"])
            #expect(py.status == 0, "\(py.stderr)")
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: Any])
            #expect((parsed["widths"] as? [Int])?.count == 1, "every record has the same number of fields")
            let names = (parsed["names"] as? [String] ?? []).sorted()
            let expected = served.map { name in
                let formula = ["=", "+", "-", "@", "\t", "\r"].contains(name.unicodeScalars.first!)
                return formula && !raw ? "'" + name : name
            }.sorted()
            #expect(names == expected, "\(what) raw=\(raw): \(Set(expected).subtracting(names).map(\.debugDescription))")
        }
    }

    /// To a terminal, no control character of the data comes out of any format.
    @Test func nothingReachesATerminal() async throws {
        let (server, access) = try hostileServer()
        defer { withExtendedLifetime(server) {} }
        for format in ["csv", "table", "json"] {
            let command = ([productBinary, "export", "daily", "--format", format] + access).map { "'\($0)'" }.joined(separator: " ")
            let r = try await run("script", ["-qec", command, "/dev/null"],
                            environment: ["XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"),
                                          "XDG_CONFIG_HOME": dir.file("config"), "NORDPASS_PROVIDER_CREDENTIALS": ""])
            #expect(r.status == 0, "\(format): \(r.stdout)")
            let controls = r.stdout.unicodeScalars.filter { Printable.isControl($0.value) && $0 != "\n" && $0 != "\r" }
            #expect(controls.isEmpty, "\(format): \(controls.map { String($0.value, radix: 16) })")
            #expect(r.stdout.contains(format == "json" ? "Corp\\r\\nInjected" : "Evil�]52;c;ZXZpbA=="), "\(format)")
        }
    }

    /// A problem detail with escape sequences and line breaks is one clean line.
    @Test func aHostileProblemDetailIsOneCleanLine() async throws {
        let (server, access) = try hostileServer()
        defer { withExtendedLifetime(server) {} }
        let r = try await cli(["export", "daily", "--date", "2020-01-01"] + access)
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!r.stderr.unicodeScalars.contains { Printable.isControl($0.value) && $0 != "\n" })
        #expect(r.stderr.contains("Evil�]52;c;ZXZpbA=="))
    }
}
