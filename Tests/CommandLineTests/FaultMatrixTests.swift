import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator
import UsageStore

/// `export` against every fault the network and the server can throw: the exit code,
/// the one-line message, how many requests were made (the retries), and a cache that
/// holds only whole reports.
@Suite(.serialized)
struct FaultMatrixTests {
    let dir = TempDir()

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let faults: [ProviderSimulator.Fault]
        let what: [String]
        let exit: Int32
        let requests: Int
        let message: String
        var description: String { name }
    }

    // 1,500 organizations make two pages of 1,000: a success after one retry is 3 requests.
    static let cases: [Case] = [
        Case(name: "400", faults: [.status(400, retryAfter: nil)], what: ["organizations"], exit: 65, requests: 1, message: "refused the request (400)"),
        Case(name: "401 key revoked", faults: [.rejected(status: 401, detail: "key revoked")], what: ["organizations"], exit: 77, requests: 1, message: "generate a new key in MSP Admin Panel"),
        // A refusal for the token's time is retried once, signed anew (clock skew tolerance):
        // once is a success in 3 requests (two pages); twice is the end, with the clock named.
        Case(name: "401 token expired once", faults: [.rejected(status: 401, detail: "token expired")], what: ["organizations"], exit: 0, requests: 3, message: ""),
        Case(name: "401 token expired twice", faults: [.rejected(status: 401, detail: "token expired"), .rejected(status: 401, detail: "token expired")], what: ["organizations"], exit: 77, requests: 2, message: "clock"),
        Case(name: "401 signature invalid", faults: [.rejected(status: 401, detail: "signature invalid")], what: ["organizations"], exit: 77, requests: 1, message: "signature invalid"),
        Case(name: "401 unknown key id", faults: [.rejected(status: 401, detail: "unknown key id")], what: ["organizations"], exit: 77, requests: 1, message: "generate a new key"),
        Case(name: "403", faults: [.rejected(status: 403, detail: "no Provider API access")], what: ["organizations"], exit: 77, requests: 1, message: "lacks access (403)"),
        Case(name: "404 report not ready", faults: [], what: ["daily", "--date", "2026-11-29"], exit: 1, requests: 1, message: "not generated yet"),
        Case(name: "429 with Retry-After", faults: [.status(429, retryAfter: 1)], what: ["organizations"], exit: 0, requests: 3, message: ""),
        Case(name: "429 without Retry-After", faults: [.status(429, retryAfter: nil)], what: ["organizations"], exit: 0, requests: 3, message: ""),
        Case(name: "500", faults: [.status(500, retryAfter: nil)], what: ["organizations"], exit: 0, requests: 3, message: ""),
        Case(name: "502", faults: [.status(502, retryAfter: nil)], what: ["organizations"], exit: 0, requests: 3, message: ""),
        Case(name: "503 four times", faults: Array(repeating: .status(503, retryAfter: nil), count: 4), what: ["organizations"], exit: 69, requests: 4, message: "unavailable after 4 tries"),
        Case(name: "stalled response", faults: [.stall], what: ["organizations"], exit: 0, requests: 3, message: ""),
        Case(name: "connection reset mid-body", faults: [.cutMidBody], what: ["daily"], exit: 0, requests: 3, message: ""),
        Case(name: "truncated JSON", faults: [.invalidJSON], what: ["organizations"], exit: 65, requests: 1, message: "not valid JSON"),
        Case(name: "JSON of the wrong shape", faults: [.wrongShape], what: ["daily"], exit: 65, requests: 1, message: "missing field"),
        Case(name: "repeated cursor", faults: [.repeatCursor, .repeatCursor], what: ["daily"], exit: 65, requests: 2, message: "came twice"),
        Case(name: "empty page with a cursor", faults: [.emptyPageWithCursor], what: ["organizations"], exit: 65, requests: 2, message: "unknown cursor"),
        Case(name: "huge page", faults: [.hugePage], what: ["organizations"], exit: 0, requests: 1, message: ""),
    ]

    @Test(arguments: cases)
    func exportMeetsTheFault(_ c: Case) async throws {
        let fixture = try SimulatorFixture(organizations: 1500) { $0.retryAfter = 1 }
        let creds = dir.file("creds.json")
        try fixture.writeCredentials(to: creds)
        let base = ["--base-url", fixture.url.absoluteString, "--credentials", creds, "--cache-dir", dir.file("cache"), "--timeout", "1"]
        // A whole report in the cache first; the fault must not touch it.
        let first = try await run(productBinary, ["export", "daily", "--date", "2026-11-20", "--format", "csv"] + base, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try cacheDump()
        fixture.simulator.resetCounts()
        fixture.simulator.script(c.faults)
        let result = try await run(productBinary, ["export"] + c.what + ["--format", "csv"] + base, environment: env)
        #expect(result.status == c.exit, "\(c.name): \(result.stderr)")
        #expect(fixture.simulator.requestCount == c.requests, "\(c.name): \(fixture.simulator.requestLog())")
        if c.exit == 0 {
            #expect(result.stdout.split(separator: "\r\n").count > 1000)
        } else {
            #expect(result.stderr.contains(c.message), "\(c.name): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stdout.isEmpty)
        }
        let after = try cacheDump()
        #expect(before.allSatisfy { after.contains($0) }, "the cache kept what it had")
        if c.exit != 0 { #expect(after == before, "a failed export adds nothing") }
    }

    var env: [String: String] {
        ["XDG_STATE_HOME": dir.file("state"), "XDG_CONFIG_HOME": dir.file("config"), "NORDPASS_PROVIDER_CREDENTIALS": ""]
    }

    /// Each cached report and its row count.
    func cacheDump() throws -> Set<String> {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.file("cache"))) ?? []).filter { $0.hasSuffix(".sqlite3") }
        var out = Set<String>()
        for f in files {
            let store = try UsageStore.open(path: dir.file("cache/" + f))
            for kind in UsageStore.Kind.allCases {
                for period in try store.cachedPeriods(kind) {
                    let rows = try store.report(kind == .daily ? .daily(Day(period)!) : .monthly(Month(period)!))?.rows.count ?? -1
                    out.insert("\(kind) \(period) \(rows)")
                }
            }
        }
        return out
    }
}
