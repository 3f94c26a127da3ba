import Foundation
import Testing
import TestSupport

/// The optimised binary, as users get it from `swift build -c release`. Some defects
/// show only at -O: the sync's progress once named days like `382644689835-09-10`
/// (a task group whose child result was a tuple came back with a pointer's bits in
/// it). This builds the release binary once into its own scratch folder and holds it
/// to the same behaviour as the debug one.
@Suite(.serialized)
struct ReleaseBinaryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func releaseBinary() async throws -> String {
        let scratch = root + "/.build-release-test"
        let built = try await run("swift", ["build", "-c", "release", "--product", "provider-explorer", "--scratch-path", scratch,
                                      "--package-path", root], timeout: 1_500)
        guard built.status == 0 else { throw TmuxError.failed("release build failed: \(built.stderr.suffix(2_000))") }
        return scratch + "/release/provider-explorer"
    }

    /// Issue 10, item 1: every progress line of a demo sync names a real period. The
    /// day is pinned (the demo's today and the session clock), so the sync's plan is
    /// known: the days of this month and the last, and the twelve months before, less
    /// the two newest reports it fetches first. Every one must be named, in its shape.
    @Test func releaseSyncProgressNamesRealDays() async throws {
        let binary = try await Self.releaseBinary()
        let dir = TempDir()
        defer { dir.remove() }
        // Progress is drawn only on a terminal: `script` gives the sync one.
        let r = try await run("script", ["-qec", "\(binary) sync --demo", "/dev/null"],
                              environment: ["XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"),
                                            "XDG_CONFIG_HOME": dir.file("config"), "NORDPASS_PROVIDER_CREDENTIALS": "",
                                            "PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"])
        #expect(r.status == 0, "\(r.stdout)")
        let steps = r.stdout.split(whereSeparator: { $0 == "\r" || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("syncing ") && $0.contains(" the report of ") }
        let periods = steps.compactMap { $0.split(separator: " ").last.map(String.init) }
        let shape = /^20[0-9]{2}-[01][0-9](-[0-3][0-9])?$/
        let bad = periods.filter { $0.wholeMatch(of: shape) == nil }
        #expect(bad.isEmpty, "progress named \(bad.prefix(5))")
        // 2026-10-01 to 2026-11-27 (2026-11-28 is the newest day, fetched first) and
        // 2025-11 to 2026-09 (2026-10 is the newest month, fetched first).
        let days = (1...31).map { String(format: "2026-10-%02d", $0) } + (1...27).map { String(format: "2026-11-%02d", $0) }
        let months = ["2025-11", "2025-12"] + (1...9).map { String(format: "2026-%02d", $0) }
        #expect(Set(periods) == Set(days + months), "named \(periods.count): \(Set(periods).symmetricDifference(days + months).sorted().prefix(8))")
    }
}
