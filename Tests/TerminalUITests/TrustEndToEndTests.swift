import Foundation
import Testing
import TestSupport
import ProviderAPI

/// Regressions of issue 10's items that only the real binary in a terminal shows.
@Suite(.serialized)
struct TrustEndToEndTests {
    let dir = TempDir()

    func environment() -> [String: String] {
        ["XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"), "XDG_CONFIG_HOME": dir.file("config"),
         "NORDPASS_PROVIDER_CREDENTIALS": "", "PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z", "LANG": "C.UTF-8"]
    }

    func wrapped(_ program: String) -> String { "bash -c '\(program); echo EXIT=$?; sleep 30'" }

    /// Fails the test when `text` does not show up in time, with the screen it saw.
    func expectScreen(_ tmux: Tmux, _ text: String, seconds: Double = 30, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let screen = try await tmux.wait(for: text, seconds: seconds)
        #expect(screen.contains(text), "waited \(seconds) s for \(text):\n\(screen)", sourceLocation: sourceLocation)
        return screen
    }

    /// Item 15: TERM=dumb is refused like an unknown terminal: one line, exit 1.
    @Test func aDumbTerminalIsRefusedInOneLine() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        // tmux sets TERM in the pane itself: the command sets it again.
        try await tmux.start(wrapped("TERM=dumb \(productBinary) 2>&1"), environment: environment())
        let screen = try await expectScreen(tmux, "EXIT=")
        #expect(screen.contains("EXIT=1"))
        #expect(screen.contains("cannot drive the terminal type \"dumb\""))
        #expect(screen.split(separator: "\n").filter { $0.contains("provider-explorer:") }.count == 1)
    }

    /// Item 28: on a terminal without an alternate screen (vt100), q leaves no frame behind.
    @Test func quittingOnVT100LeavesNoFrame() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        try await tmux.start(wrapped("TERM=vt100 \(productBinary)"), environment: environment())
        _ = try await expectScreen(tmux, "Organizations")
        try await tmux.send("q")
        let screen = try await expectScreen(tmux, "EXIT=0")
        #expect(!screen.contains("Organizations") && !screen.contains("│"), "\(screen)")
    }

    /// Items 6 and 20: r during the sync says one runs; Ctrl-L repaints a whole screen;
    /// a resize mid-sync leaves nothing of the old size behind.
    @Test func refreshMidSyncSaysSoAndCtrlLRepaints() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        var env = environment()
        env["PROVIDER_EXPLORER_DEMO_ORGS"] = "4000"
        try await tmux.start(wrapped(productBinary), width: 200, height: 50, environment: env)
        _ = try await expectScreen(tmux, "syncing")
        try await tmux.send("r")
        _ = try await expectScreen(tmux, "a sync is already running")
        try await tmux.resize(width: 80, height: 24)
        var screen = try await tmux.wait { $0.split(separator: "\n").count <= 24 && $0.contains("Organizations") }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 80 })
        try await tmux.send("C-l")
        screen = try await expectScreen(tmux, "Organizations")
        #expect(screen.split(separator: "\n", omittingEmptySubsequences: false)[0].contains("daily 2026-11-28"), "\(screen)")
        try await tmux.send("q")
        _ = try await expectScreen(tmux, "EXIT=0")
    }

    /// Item 25: the explorer given a base URL but no credentials says it shows the demo.
    @Test func aBaseURLWithoutCredentialsSaysTheDemoIsShown() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        try await tmux.start(wrapped("\(productBinary) --base-url https://api.example.com"), environment: environment())
        let screen = try await expectScreen(tmux, "is not used")
        #expect(screen.contains("https://api.example.com") && screen.contains("DEMO"))
        try await tmux.send("q")
        _ = try await expectScreen(tmux, "EXIT=0")
    }
}

/// Issue 18: the explorer on a server whose names are escape sequences: the screen
/// stays whole, no colour leaks, nothing reaches the clipboard.
@Suite(.serialized)
struct HostileScreenTests {
    let dir = TempDir()

    @Test func hostileNamesLeaveTheScreenIntact() async throws {
        let fixture = try SimulatorFixture(organizations: 40) { $0.hostileNames = true }
        let creds = dir.file("creds.json")
        try fixture.writeCredentials(to: creds)
        let tmux = Tmux()
        defer { tmux.kill() }
        let env = ["XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"), "XDG_CONFIG_HOME": dir.file("config"),
                   "NORDPASS_PROVIDER_CREDENTIALS": "", "LANG": "C.UTF-8"]
        // No colours of our own: any colour on screen would come from the data.
        let program = "NO_COLOR=1 \(productBinary) --base-url \(fixture.url.absoluteString) --credentials \(creds)"
        try await tmux.start("bash -c '\(program); echo EXIT=$?; sleep 30'", environment: env)
        // The clipboard: tmux would take an OSC 52 write into a buffer.
        try await tmux.tmux(["set-option", "-s", "set-clipboard", "on"])
        var screen = try await tmux.wait(seconds: 30) { Tmux.synced($0) }
        #expect(Tmux.synced(screen), "\(screen)")
        try await tmux.send("/")
        try await tmux.send("zxzpba", literal: true)
        try await tmux.send("Enter")
        screen = try await tmux.wait { $0.contains("[/zxzpba] 1/40") }
        #expect(screen.contains("Evil�]52;c;ZXZpbA=="), "\(screen)")
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix(" provider-explorer │ prv_DEMO00"), "the first line is still the title bar: \(lines[0])")
        #expect(lines[1].hasPrefix("┌ Organizations"), "nothing cleared or moved the screen")
        let styled = try await tmux.capture(escapes: true)
        let colours = styled.matches(of: /\e\[[0-9;]*m/).map { String(styled[$0.range]) }.filter { sgr in
            sgr.dropFirst(2).dropLast().split(separator: ";").contains { ["31", "32", "33", "34", "35", "36", "37", "41", "38", "48"].contains(String($0)) }
        }
        #expect(colours.isEmpty, "colour from the data: \(Set(colours))")
        let buffers = try await tmux.tmux(["list-buffers"])
        #expect(buffers.stdout.isEmpty, "the clipboard holds \(buffers.stdout)")
        try await tmux.send("Enter")
        screen = try await tmux.wait { $0.contains("· org_") }
        #expect(screen.split(separator: "\n", omittingEmptySubsequences: false)[0].hasPrefix(" provider-explorer"))
        try await tmux.send("q")
        #expect(try await tmux.wait(for: "EXIT=").contains("EXIT=0"))
    }
}

/// Issue 19: with credentials from a command, the explorer runs it once at start, and
/// again when the server rejects the key, so a key rotated in the vault is picked up.
@Suite(.serialized)
struct CredentialsCommandScreenTests {
    let dir = TempDir()

    @Test func aRotatedKeyIsPickedUpAfterARejection() async throws {
        let fixture = try SimulatorFixture(organizations: 30)
        let vault = dir.file("vault.json")
        let old = try #require(PrivateKey.generate(.es256))
        try CredentialsLoader.write(providerId: "prv_DEMO00", keyId: fixture.keyId, key: old, createdAt: Date(), to: vault)
        let runs = dir.file("runs")
        let command = "echo run >> \(runs); cat \(vault)"
        let tmux = Tmux()
        defer { tmux.kill() }
        // The explorer's clock is the simulator's day (2026-11-29): on another day it
        // would ask for reports the simulator does not have.
        let env = ["XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"), "XDG_CONFIG_HOME": dir.file("config"),
                   "NORDPASS_PROVIDER_CREDENTIALS": "", "LANG": "C.UTF-8", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"]
        try await tmux.start("bash -c '\(productBinary) --base-url \(fixture.url.absoluteString) --credentials-command \"\(command)\"; echo EXIT=$?; sleep 30'",
                       environment: env)
        var screen = try await tmux.wait(seconds: 30) { $0.contains("Key: REJECTED") }
        // The rejection ran the command again; it gave the same (old) key.
        _ = try await tmux.wait { _ in (try? String(contentsOfFile: runs, encoding: .utf8))?.split(separator: "\n").count == 2 }
        try fixture.writeCredentials(to: vault)
        try await tmux.send("r")
        screen = try await tmux.wait(seconds: 30) { $0.contains("took a new key") }
        #expect(screen.contains(fixture.key.fingerprint.prefix(20)), "\(screen)")
        try await tmux.send("r")
        screen = try await tmux.wait(seconds: 30) { Tmux.synced($0) && !$0.contains("REJECTED") }
        #expect(screen.contains("Organizations 30/30"))
        #expect(screen.contains("Key from     command echo"), "the source is the command's first word: \(screen)")
        #expect(!screen.contains(vault), "never its arguments")
        #expect((try String(contentsOfFile: runs, encoding: .utf8)).split(separator: "\n").count == 3, "once at start, once a rejection")
        try await tmux.send("q")
        _ = try await tmux.wait(for: "EXIT=0")
    }
}

/// Issue 13 in the real binary: the explorer opens as it was left; `--reset-view`
/// starts clean; `y` puts the id on the clipboard; `c` lists what changed.
@Suite(.serialized)
struct RememberedViewTests {
    let dir = TempDir()

    var environment: [String: String] {
        ["XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"), "XDG_CONFIG_HOME": dir.file("config"),
         "NORDPASS_PROVIDER_CREDENTIALS": "", "PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z", "LANG": "C.UTF-8"]
    }

    func start(_ tmux: Tmux, _ args: String = "") async throws {
        try await tmux.start("bash -c '\(productBinary) \(args); echo EXIT=$?; sleep 30'", environment: environment)
        _ = try await tmux.wait(seconds: 30) { Tmux.synced($0) }
    }

    @Test func theExplorerOpensAsItWasLeft() async throws {
        var tmux = Tmux()
        try await start(tmux)
        try await tmux.send("T")                       // business only
        _ = try await tmux.wait(for: "[business]")
        try await tmux.send("s", "s")                  // sort by change
        _ = try await tmux.wait(for: "· change")
        try await tmux.send("m")                       // monthly
        _ = try await tmux.wait(for: "monthly 2026-10")
        try await tmux.send("j", "j", "j")
        _ = try await tmux.wait { $0.contains("· org_") }
        try await tmux.send("q")
        _ = try await tmux.wait(for: "EXIT=0")
        tmux.kill()
        // What was remembered: the state file (0600) names the selection.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.file("state/provider-explorer")).filter { $0.hasPrefix("view-") }
        let file = dir.file("state/provider-explorer/" + (try #require(files.first)))
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600)
        let state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        let selected = try #require(state["selectedOrganization"] as? String)
        #expect(state["monthly"] as? Bool == true && state["tier"] as? String == "business" && state["sort"] as? String == "change")

        tmux = Tmux()
        try await start(tmux)
        let after = try await tmux.wait { $0.contains("monthly 2026-10") && $0.contains("[business]") && $0.contains("· change") }
        #expect(after.contains("· \(selected)"), "the selection is back: \(selected)\n\(after)")
        try await tmux.send("q")
        _ = try await tmux.wait(for: "EXIT=0")
        tmux.kill()

        tmux = Tmux()
        defer { tmux.kill() }
        try await start(tmux, "--reset-view")
        let clean = try await tmux.wait { $0.contains("daily 2026-11-28") && $0.contains("Organizations 240/240 · name ↑") }
        #expect(!clean.contains("[business]"))
        try await tmux.send("q")
        _ = try await tmux.wait(for: "EXIT=0")
    }

    @Test func yCopiesTheIdThroughOSC52() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        try await start(tmux)
        try await tmux.tmux(["set-option", "-s", "set-clipboard", "on"])
        let screen = try await tmux.wait { $0.contains("· org_") }
        let id = try #require(screen.range(of: "· org_").map { String(screen[$0.lowerBound...].dropFirst(2).prefix { $0 != " " }) })
        try await tmux.send("y")
        _ = try await tmux.wait(for: "copied the organization id")
        try await waitUntil("the id in tmux's buffer") { ((try? await tmux.tmux(["show-buffer"]).stdout) ?? "") == id }
        #expect(try await tmux.tmux(["show-buffer"]).stdout == id)
        try await tmux.send("Y")
        try await waitUntil("the row in tmux's buffer") { ((try? await tmux.tmux(["show-buffer"]).stdout) ?? "").contains(",\(id),") }
        let row = try await tmux.tmux(["show-buffer"]).stdout
        #expect(row.contains(",\(id),business,") || row.contains(",\(id),enterprise,"), "\(row)")
    }

    @Test func theChangesViewAndItsBadge() async throws {
        // Last time, the user saw 2026-11-20: the title counts the changes since, until `c`.
        try FileManager.default.createDirectory(atPath: dir.file("state/provider-explorer"), withIntermediateDirectories: true)
        _ = dir.write("state/provider-explorer/view-prv_DEMO00-" + String(UsageStoreName.demoHash) + ".json", #"{"lastSeenDay": "2026-11-20"}"#)
        let tmux = Tmux()
        defer { tmux.kill() }
        try await start(tmux)
        let badge = try await tmux.wait { $0.contains("● ") && $0.contains(" changes") }
        #expect(badge.split(separator: "\n")[0].contains("changes"), "\(badge)")
        try await tmux.send("c")
        // The whole view, not its first line: under a full suite's load a capture once
        // caught the frame with its title painted and its rows not yet.
        let view = try await tmux.wait { $0.contains("Changes · 2026-11-20 → 2026-11-28") && $0.contains("Seats moved (") }
        #expect(!view.split(separator: "\n")[0].contains("● "), "the badge goes once seen:\n\(view)")
        try await tmux.send("Enter")
        _ = try await tmux.wait { $0.contains("· org_") && !$0.contains("Changes ·") }
        try await tmux.send("q")
        _ = try await tmux.wait(for: "EXIT=0")
    }
}

/// The demo cache's name part, as the state file names it.
enum UsageStoreName {
    static let demoHash = "cc80cf89"
}
