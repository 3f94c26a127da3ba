import Foundation
import Testing
import TestSupport
@testable import TerminalUI
@testable import Explorer
import ProviderAPI
import ProviderSimulator
import UsageStore

/// Whole screens held by golden files: every screen at 80x24, 120x40 and 200x60, in
/// colour and in NO_COLOR, on fixed data (240 organizations of the seeded data set,
/// names in Latin, accented, CJK, Cyrillic, Greek and an emoji) and a fixed clock. Each
/// file holds the characters, then a grid of style codes with their legend, so a changed
/// colour or attribute shows in the diff as well as a changed word.
/// `UPDATE_GOLDEN=1 swift test --filter GoldenScreenTests` rewrites them; read the diff
/// before committing it.
@MainActor @Suite(.serialized)
struct GoldenScreenTests {
    nonisolated static let now = Date(timeIntervalSince1970: Day("2026-11-29")!.start.timeIntervalSince1970 + 36_000)
    nonisolated static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("GoldenScreens")
    nonisolated static let update = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
    let dir = TempDir()

    /// The app on the seeded data set, its clock fixed (`empty`: an empty cache).
    func app(colors: Bool, syncedSecondsAgo: Double = 600, empty: Bool = false) throws -> App {
        let store = try UsageStore.open(path: dir.file("g-\(UUID().uuidString).sqlite3"))
        if !empty {
            try fill(store, from: DataSet(organizationCount: 240, seed: 1, today: Day("2026-11-29")!))
            try store.setLastSync(Self.now.addingTimeInterval(-syncedSecondsAgo))
        }
        let info = KeyInfo(providerId: "prv_DEMO00", keyId: "key_DEMO", algorithm: "ES256 (EC P-256)",
                           fingerprint: "SHA256:jgqR9TW04pIQqHfNVAW4ZAPv84MPckSjLx0FU/Qj8js",
                           createdAt: Self.now.addingTimeInterval(-86_400 * 10), permission: "0600 (owner only)", source: "demo key (in memory)")
        let prices = PriceList(currency: "EUR", prices: [.business: try UnitPrice.parse("3.99"), .enterprise: try UnitPrice.parse("5.99")])
        // Customers for two organizations in three (by the first word of the name), so
        // that the bill by customer has customers, subtotals and "(no customer)".
        var customers: [String: Customer] = [:]
        for (i, o) in try store.organizations().enumerated() where i % 3 != 2 {
            customers[o.id] = Customer(customerId: "C-" + (o.name.split(separator: " ").first.map(String.init) ?? "X").uppercased())
        }
        let model = ExplorerModel(store: store, source: nil, engine: nil, keyInfo: info, origin: .demo,
                                  views: [BillingModel(prices: prices, customers: customers)], now: { Self.now })
        #expect(model.start().isEmpty, "a report this small is read whole: nothing behind")
        var remembered = ViewState()
        remembered.lastSeenDay = "2026-11-20"
        model.remembered = remembered
        return App(model: model, theme: Theme(colors: colors)) { _, _ in "/tmp/exports/x.csv" }
    }

    /// The screens, each reached by keys from a fresh app.
    nonisolated static let screens: [(name: String, keys: [Key])] = [
        ("list", [.down, .down]),
        ("search", [.char("/"), .char("l"), .char("a"), .char("b")]),
        ("detail", [.down, .enter]),
        ("key", [.tab, .tab]),
        ("tier-matrix", [.char("L"), .down, .right]),
        ("help", [.char("?")]),
        ("billing", [.char("b"), .down]),
        ("billing-by-customer", [.char("b"), .char("u"), .down]),
        ("billing-by-change", [.char("b"), .char("s"), .down]),
        ("changes", [.char("c"), .down]),
    ]
    nonisolated static let sizes = [(80, 24), (120, 40), (200, 60)]

    /// The characters, then the styles as one letter a cell, then what each letter means.
    static func serialize(_ canvas: Canvas) -> String {
        var codes: [Style: Character] = [:]
        var legend: [String] = []
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var styleLines: [String] = []
        for y in 0..<canvas.height {
            var line = ""
            for x in 0..<canvas.width {
                let style = canvas[x, y].style
                if codes[style] == nil {
                    let code = letters[min(codes.count, letters.count - 1)]
                    codes[style] = code
                    var words: [String] = []
                    if style.fg != .default { words.append("fg=\(style.fg)") }
                    if style.bg != .default { words.append("bg=\(style.bg)") }
                    for (on, word) in [(style.bold, "bold"), (style.dim, "dim"), (style.reverse, "reverse"), (style.underline, "underline")] where on {
                        words.append(word)
                    }
                    legend.append("\(code) \(words.isEmpty ? "plain" : words.joined(separator: " "))")
                }
                line.append(codes[style]!)
            }
            styleLines.append(line)
        }
        return "# text\n" + canvas.lines.joined(separator: "\n") + "\n# styles\n" + styleLines.joined(separator: "\n")
            + "\n# legend\n" + legend.joined(separator: "\n") + "\n"
    }

    /// The first lines where `actual` and `expected` differ, side by side.
    static func diff(_ actual: String, _ expected: String) -> String {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false), e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(a.count, e.count) where (i < a.count ? a[i] : "") != (i < e.count ? e[i] : "") {
            out.append("line \(i + 1)\n  expected: \(i < e.count ? e[i] : "(none)")\n  actual:   \(i < a.count ? a[i] : "(none)")")
            if out.count == 6 { break }
        }
        return out.joined(separator: "\n")
    }

    /// `canvas` against the golden file `name` (or rewritten, with UPDATE_GOLDEN=1).
    func check(_ name: String, _ canvas: Canvas, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actual = Self.serialize(canvas)
        let file = Self.directory.appendingPathComponent("\(name).txt")
        if Self.update {
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(actual == expected, "\(file.lastPathComponent) differs (UPDATE_GOLDEN=1 rewrites it):\n\(Self.diff(actual, expected))",
                sourceLocation: sourceLocation)
    }

    /// Issue 25, item 2: with nothing else happening (offline), the clock moves the
    /// screen by itself: two frames a second apart differ in the time they show.
    @Test func theClockMovesTheScreenByItself() throws {
        for colors in [true, false] {
            let a = try app(colors: colors, syncedSecondsAgo: 5)
            let first = a.frame(width: 80, height: 24)
            _ = a.update(.clock(now: Self.now.addingTimeInterval(1), tokenExpiry: nil))
            let second = a.frame(width: 80, height: 24)
            #expect(first.lines[0].contains("synced 5 s ago") && second.lines[0].contains("synced 6 s ago"), "\(second.lines[0])")
            #expect(first.lines.dropFirst() == second.lines.dropFirst(), "only the time moved")
            try check("clock-5s-80x24\(colors ? "" : "-nocolor")", first)
            try check("clock-6s-80x24\(colors ? "" : "-nocolor")", second)
        }
    }

    /// Issue 25, item 15: offline with an empty cache, the changes view says the count
    /// is not known, rather than "0 changes".
    @Test func theChangesOfAnEmptyCacheHaveNoCount() async throws {
        for (w, h) in Self.sizes {
            let a = try app(colors: true, empty: true)
            _ = a.frame(width: w, height: h)
            await a.press(.char("c"))
            let canvas = a.frame(width: w, height: h)
            #expect(!canvas.text.contains("0 changes"), "\(canvas.text)")
            try check("changes-empty-cache-\(w)x\(h)", canvas)
        }
    }

    @Test(arguments: GoldenScreenTests.screens.map(\.name))
    func everyScreenMatchesItsGoldenFile(_ name: String) async throws {
        let keys = try #require(Self.screens.first { $0.name == name }).keys
        for colors in [true, false] {
            for (w, h) in Self.sizes {
                let a = try app(colors: colors)
                _ = a.frame(width: w, height: h)
                for key in keys { await a.press(key) }
                let actual = Self.serialize(a.frame(width: w, height: h))
                let file = Self.directory.appendingPathComponent("\(name)-\(w)x\(h)\(colors ? "" : "-nocolor").txt")
                if Self.update {
                    try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
                    try actual.write(to: file, atomically: true, encoding: .utf8)
                    continue
                }
                let expected = try String(contentsOf: file, encoding: .utf8)
                #expect(actual == expected, "\(file.lastPathComponent) differs (UPDATE_GOLDEN=1 rewrites it):\n\(Self.diff(actual, expected))")
            }
        }
    }

    /// The golden files hold what they say: changing one character of a pane fails.
    @Test func aChangedCellIsCaught() throws {
        let a = try app(colors: true)
        var canvas = a.frame(width: 120, height: 40)
        let original = Self.serialize(canvas)
        canvas.put("X", x: 5, y: 5)
        #expect(Self.serialize(canvas) != original)
        var restyled = a.frame(width: 120, height: 40)
        restyled.put(String(restyled[5, 5].text), x: 5, y: 5, style: Style(fg: .red))
        #expect(Self.serialize(restyled) != original, "a colour alone shows too")
    }
}
