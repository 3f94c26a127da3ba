import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator

/// Issue 17: no copy of an API answer, and no file at all, outside the cache the
/// program owns, its state directory and the exports the user asks for.
@Suite(.serialized)
struct NoStrayFilesTests {
    let dir = TempDir()

    /// Every path below `root`, relative to it, sorted.
    func tree(_ root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return (walker.allObjects as? [String] ?? []).sorted()
    }

    @Test func aSyncAgainstCachingHeadersLeavesNoCopyOutsideTheCache() async throws {
        let fixture = try SimulatorFixture(organizations: 40) { $0.cacheControl = "public, max-age=3600" }
        // The simulator does send the header (else this test would prove nothing).
        let token = try fixture.minter.token()
        let probe = try await URLSessionTransport(timeout: 5, maxConnections: 1)
            .get(fixture.url.appendingPathComponent("provider/v1/organizations"), headers: ["Authorization": "Bearer \(token.compact)"])
        #expect(probe.status == 200 && probe.headers["cache-control"] == "public, max-age=3600")

        let creds = dir.file("creds.json")
        try fixture.writeCredentials(to: creds)
        let home = dir.file("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let env = ["HOME": home, "XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"),
                   "XDG_CONFIG_HOME": dir.file("config"), "NORDPASS_PROVIDER_CREDENTIALS": "", "NORDPASS_PROVIDER_BASE_URL": ""]
        let common = ["--base-url", fixture.url.absoluteString, "--credentials", creds]
        for args in [["sync"], ["export", "daily", "--format", "csv"], ["export", "organizations", "--format", "json"], ["key", "--check"]] {
            let r = try await run(productBinary, args + common, environment: env)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let cache = tree(dir.file("cache"))
        #expect(cache.allSatisfy { $0 == "provider-explorer" || $0.hasPrefix("provider-explorer/") }, "\(cache)")
        #expect(!cache.contains { $0.contains("URLCache") })
        #expect(cache.contains { $0.hasSuffix(".sqlite3") })
        let state = tree(dir.file("state"))
        #expect(state == ["provider-explorer", "provider-explorer/provider-explorer.log"], "\(state)")
        #expect(tree(home).isEmpty, "nothing under HOME: \(tree(home))")
        #expect(!FileManager.default.fileExists(atPath: dir.file("config")), "the config directory is read, never created")
        for path in [dir.file("cache/provider-explorer"), dir.file("state/provider-explorer")] {
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o700, "\(path)")
        }
    }
}
