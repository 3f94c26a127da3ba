import Foundation
import Testing
import TestSupport
import ProviderAPI

/// The real binary under tmux on the demo simulator: what a person sees at each step,
/// and that the terminal comes back whole after q and after SIGTERM.
@Suite(.serialized)
struct EndToEndTests {
    let dir = TempDir()

    var environment: [String: String] {
        ["XDG_CACHE_HOME": dir.file("cache"), "XDG_STATE_HOME": dir.file("state"), "XDG_CONFIG_HOME": dir.file("config"),
         "NORDPASS_PROVIDER_CREDENTIALS": "", "PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z",
         "LANG": "C.UTF-8", "TERM": "xterm-256color"]
    }

    /// The binary, then its exit status and the terminal's settings, then a pause to read them.
    var command: String { wrapped(productBinary) }

    func wrapped(_ program: String) -> String {
        "bash -c '\(program); echo EXIT=$?; stty -a | tr \";\" \"\\n\" | tr \" \" \"\\n\" | grep -x -e echo -e -echo -e icanon -e -icanon | tr \"\\n\" \" \"; echo; sleep 30'"
    }

    /// The name on the list row `index` (0-based) of a 120-column screen.
    func listName(_ screen: String, row index: Int) -> String {
        let line = screen.split(separator: "\n", omittingEmptySubsequences: false)[3 + index]
        return String(line.dropFirst().prefix(22)).trimmingCharacters(in: .whitespaces)
    }

    @Test func navigateSearchFilterDrillResizeQuit() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        try await tmux.start(command, environment: environment)
        var screen = try await tmux.wait(for: "Organizations 240/240")
        #expect(screen.contains("DEMO simulator"))
        screen = try await tmux.wait(seconds: 30) { Tmux.synced($0) }
        #expect(screen.contains("--credentials FILE"), "once the sync is done, the status line says how to use real data")

        try await tmux.send("j", "j")
        screen = try await tmux.wait { $0.contains("┌ " + self.listName($0, row: 2) + " · org_") }
        #expect(screen.contains("┌ " + listName(screen, row: 2) + " · org_"), "the detail follows the cursor")

        try await tmux.send("/")
        try await tmux.send("rocket", literal: true)
        // Each wait is for the whole of what is then checked: a capture can catch a frame
        // half drawn (the title new, the rows old) on a loaded machine.
        screen = try await tmux.wait { $0.contains("1/240") && $0.contains("Rocket 🚀 Labs") && $0.contains("[/rocket]") }
        #expect(screen.contains("Rocket 🚀 Labs") && screen.contains("[/rocket]"))
        try await tmux.send("Enter")
        try await tmux.send("Escape")
        screen = try await tmux.wait(for: "Organizations 240/240")

        try await tmux.send("t")
        screen = try await tmux.wait { $0.contains("[trial]") && $0.contains("TRIAL") }
        #expect(screen.contains("TRIAL"))
        // Trial only and NFR only exclude each other: n replaces t (issue 10, item 22).
        try await tmux.send("n")
        screen = try await tmux.wait { $0.contains("[NFR] 1/240") && $0.contains("Demo MSP Internal (NFR)") }
        #expect(!screen.contains("[trial, NFR]"))
        #expect(screen.contains("Demo MSP Internal (NFR)"))

        try await tmux.send("Enter")
        screen = try await tmux.wait(for: "Not For Resale")
        try await tmux.send("Escape")
        try await tmux.send("L")
        screen = try await tmux.wait { $0.contains("License tiers") && $0.contains("Billable seats") }
        #expect(screen.contains("Billable seats"))
        try await tmux.send("Escape")
        screen = try await tmux.wait(for: "Organizations [NFR]")

        try await tmux.send("r")
        screen = try await tmux.wait(seconds: 30) { Tmux.synced($0) && $0.contains("Organizations [NFR] 1/240") }
        #expect(screen.contains("Organizations [NFR] 1/240"), "a refresh keeps filters and data")

        try await tmux.resize(width: 80, height: 24)
        screen = try await tmux.wait { !$0.contains("Fingerprint") && $0.contains("Organizations") }
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(!screen.contains("Fingerprint"), "one pane at a time under 100 columns")
        try await tmux.resize(width: 50, height: 12)
        screen = try await tmux.wait(for: "Terminal too small")
        try await tmux.resize(width: 120, height: 40)
        screen = try await tmux.wait(for: "Fingerprint")

        try await tmux.send("q")
        screen = try await tmux.wait(for: "icanon")
        #expect(screen.contains("EXIT=0"))
        #expect(screen.contains("echo icanon") || (screen.contains(" echo") && !screen.contains("-echo")))
        #expect(!screen.contains("-icanon"))
        #expect(try await tmux.display("#{alternate_on}") == "0")
        #expect(try await tmux.display("#{cursor_flag}") == "1")
    }

    @Test(arguments: [("TERM", 143), ("HUP", 129), ("INT", 130)])
    func restoresTheTerminalAfterASignal(_ signal: String, _ status: Int) async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        try await tmux.start(command, environment: environment)
        _ = try await tmux.wait(for: "Organizations")
        let pid = try #require(try await tmux.childPID())
        _ = try await run("kill", ["-\(signal)", String(pid)])
        let screen = try await tmux.wait(for: "icanon")
        #expect(screen.contains("EXIT=\(status)"), "\(screen)")
        #expect(!screen.contains("-echo") && !screen.contains("-icanon"))
        #expect(try await tmux.display("#{alternate_on}") == "0")
    }

    /// A crash (SIGSEGV, as a bad pointer in a pane would raise) restores the terminal
    /// before the process dies of it.
    @Test func restoresTheTerminalAfterACrash() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        var env = environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        try await tmux.start(command, environment: env)
        _ = try await tmux.wait(for: "Organizations")
        let pid = try #require(try await tmux.childPID(), "the explorer's pid")
        #expect(Foundation.kill(pid, SIGSEGV) == 0)
        let screen = try await tmux.wait(for: "icanon")
        #expect(screen.contains("EXIT=139"), "the process died of the signal: \(screen)")
        #expect(!screen.contains("-echo") && !screen.contains("-icanon"))
        #expect(try await tmux.display("#{alternate_on}") == "0")
    }

    /// The API goes away while the explorer runs: the data stays, the status line says
    /// what happened, and q still restores the terminal.
    @Test func survivesALostConnection() async throws {
        let fixture = try SimulatorFixture(organizations: 120)
        let creds = dir.file("creds.json")
        try fixture.writeCredentials(to: creds)
        let tmux = Tmux()
        defer { tmux.kill() }
        let explorer = "\(productBinary) --base-url \(fixture.url.absoluteString) --credentials \(creds) --timeout 1"
        try await tmux.start(wrapped(explorer), environment: environment)
        var screen = try await tmux.wait(seconds: 30) { $0.contains("Organizations 120/120") && Tmux.synced($0) }
        #expect(screen.contains("127.0.0.1"))
        fixture.simulator.stop()
        try await tmux.send("r")
        screen = try await tmux.wait(seconds: 40) { $0.contains("✗") }
        #expect(screen.contains("unavailable after 4 tries"), "\(screen)")
        #expect(screen.contains("Organizations 120/120"), "the data stays on screen")
        try await tmux.send("q")
        screen = try await tmux.wait(for: "icanon")
        #expect(screen.contains("EXIT=0") && !screen.contains("-echo"))
    }

    @Test func ctrlCQuits() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        try await tmux.start(command, environment: environment)
        _ = try await tmux.wait(for: "Organizations")
        try await tmux.send("C-c")
        let screen = try await tmux.wait(for: "EXIT=")
        // In cbreak mode the terminal turns Ctrl-C into SIGINT: the explorer restores the
        // terminal and exits 128 + 2, as a shell expects of an interrupt.
        #expect(screen.contains("EXIT=130"), "\(screen)")
        #expect(!screen.contains("-echo"))
    }

    @Test func withoutATerminalItPointsToExport() async throws {
        let result = try await run(productBinary, [], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a TTY") && result.stderr.contains("provider-explorer export"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
