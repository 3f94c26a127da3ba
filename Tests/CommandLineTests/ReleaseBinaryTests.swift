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

    static func releaseBinary() throws -> String {
        let scratch = root + "/.build-release-test"
        let built = try run("swift", ["build", "-c", "release", "--product", "provider-explorer", "--scratch-path", scratch,
                                      "--package-path", root], timeout: 1_500)
        guard built.status == 0 else { throw TmuxError.failed("release build failed: \(built.stderr.suffix(2_000))") }
        return scratch + "/release/provider-explorer"
    }

    /// Issue 10, item 1: every progress line of a demo sync names a real period.
    @Test func releaseSyncProgressNamesRealDays() throws {
        let binary = try Self.releaseBinary()
        let dir = TempDir()
        defer { dir.remove() }
        // Progress is drawn only on a terminal: `script` gives the sync one.
        let r = try run("script", ["-qec", "\(binary) sync --demo", "/dev/null"],
                        environment: ["XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"),
                                      "XDG_CONFIG_HOME": dir.file("config"), "NORDPASS_PROVIDER_CREDENTIALS": ""])
        #expect(r.status == 0, "\(r.stdout)")
        let steps = r.stdout.split(whereSeparator: { $0 == "\r" || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("syncing ") }
        let periods = steps.compactMap { $0.split(separator: " ").last.map(String.init) }
            .filter { $0.first?.isNumber == true || $0.first == "-" }
        #expect(periods.count >= 60, "\(steps.prefix(5))")
        let shape = /^20[0-9]{2}-[01][0-9](-[0-3][0-9])?$/
        let bad = periods.filter { $0.wholeMatch(of: shape) == nil }
        #expect(bad.isEmpty, "progress named \(bad.prefix(5))")
    }
}
