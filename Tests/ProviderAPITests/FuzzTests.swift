import Foundation
import Testing
import TestSupport
@testable import ProviderSimulator
@testable import ProviderAPI

/// Seeded, bounded mutation of the golden responses, of credentials files and of PEM
/// keys: every case ends in a value or an error, never a crash or a hang.
///
/// Reproducible: every input derives from the seed and the case number alone (fixed
/// keys, no clock, no `hashValue`), so a failure, which prints the seed, the case and
/// the input in hex, replays with `FUZZ_SEED=N FUZZ_CASE=K swift test --filter FuzzTests`.
/// `swift test` runs 2,000 cases of each target (500 of each PEM key type) at seed 1;
/// `FUZZ_CASES=100000 FUZZ_SEED=N` runs more, at another seed.
struct FuzzTests {
    static let env = ProcessInfo.processInfo.environment
    static let cases = Int(env["FUZZ_CASES"] ?? "") ?? 2_000
    static let seed = UInt64(env["FUZZ_SEED"] ?? "") ?? 1
    /// One case alone, to replay a failure.
    static let only = Int(env["FUZZ_CASE"] ?? "")

    /// The case numbers to run: all of them, or the one asked for.
    static func caseNumbers(_ count: Int) -> [Int] { only.map { [$0] } ?? Array(0..<count) }

    /// The mutator of case `index` of fuzz target `target`: a function of the seed, the
    /// target and the case number only, so any case runs alone exactly as in the run.
    static func mutator(_ target: UInt64, _ index: Int) -> Mutator {
        var m = Mutator(state: seed &* 0x9E37_79B9_7F4A_7C15 ^ target &* 0xD1B5_4A32_D192_ED03 ^ UInt64(index))
        _ = m.next()
        return m
    }

    /// What to print when case `index` fails: enough to replay it.
    static func replay(_ target: String, _ index: Int, _ input: [UInt8]) -> String {
        "fuzz \(target): FUZZ_SEED=\(seed) FUZZ_CASE=\(index) input (\(input.count) bytes) " + input.map { String(format: "%02x", $0) }.joined()
    }

    /// Deterministic mutations: flip, delete, insert, duplicate, truncate, splice.
    struct Mutator {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { random.next() }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

        static let interesting: [[UInt8]] = ["\"", "{", "}", "[", "]", ",", ":", "null", "-1", "1e309", "\\u0000", "\\ud800",
                                             "99999999999999999999", "true", "\u{FEFF}", "-----BEGIN ", "=", "\n", "\r\n",
                                             "\u{1B}[31m", "\u{9B}", "\t"].map { Array($0.utf8) }

        mutating func mutate(_ input: [UInt8]) -> [UInt8] {
            var b = input
            for _ in 0...below(4) {
                let at = below(b.count + 1)
                switch below(7) {
                case 0 where !b.isEmpty: b[min(at, b.count - 1)] ^= UInt8(1 << below(8))
                case 1 where !b.isEmpty: b.removeSubrange(min(at, b.count - 1)..<min(b.count, at + 1 + below(16)))
                case 2: b.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: next()) }, at: at)
                case 3: b.insert(contentsOf: Self.interesting[below(Self.interesting.count)], at: at)
                case 4 where !b.isEmpty: let end = min(b.count, at + below(32)); b.insert(contentsOf: b[min(at, b.count)..<end], at: at)
                case 5: b = Array(b.prefix(at))
                default: if !b.isEmpty { b[min(at, b.count - 1)] = UInt8(truncatingIfNeeded: next()) }
                }
            }
            return b
        }
    }

    static func golden(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"))))
    }

    @Test func mutatedResponsesDecodeOrFail() throws {
        let seeds = try ["organizations", "daily", "monthly", "problem", "future-fields"].map(Self.golden)
        var failures = 0
        for i in Self.caseNumbers(Self.cases) {
            var m = Self.mutator(1, i)
            let input = m.mutate(seeds[i % seeds.count])
            let data = Data(input)
            let decoder = JSONDecoder()
            var errors = 0
            do { _ = try decoder.decode(Page<Organization>.self, from: data) } catch { errors += 1 }
            do { _ = try decoder.decode(UsagePage.self, from: data) } catch { errors += 1 }
            do { _ = try decoder.decode(Problem.self, from: data) } catch { errors += 1 }
            if errors > 0 { failures += 1 }
            // The client's one-line summary of a bad body never carries a control character.
            let summary = ProviderClient.problem(in: HTTPResponse(status: 500, headers: [:], body: data))
            if summary.unicodeScalars.contains(where: { Printable.isControl($0.value) }) {
                Issue.record(Comment(rawValue: Self.replay("responses", i, input)))
            }
        }
        if Self.only == nil { #expect(failures > Self.cases / 4, "most mutations break the JSON: \(failures) of \(Self.cases)") }
    }

    static let credentialsSeed: [UInt8] = Array(#"{"providerId": "prv_1", "keyId": "key_1", "createdAt": "2026-03-15T13:57:26Z", "privateKey": "\#(FixedKeys.es256.replacingOccurrences(of: "\n", with: "\\n"))\n"}"#.utf8)

    @Test func mutatedCredentialsLoadOrFailWithOneLine() throws {
        // The seed itself loads: the fixed key is a good one.
        #expect(try CredentialsLoader.parse(credentialsJSON: Self.credentialsSeed, source: "fuzz.json", fileMode: 0o600).keyId == "key_1")
        var refused = 0
        for i in Self.caseNumbers(Self.cases) {
            var m = Self.mutator(2, i)
            let input = m.mutate(Self.credentialsSeed)
            do {
                _ = try CredentialsLoader.parse(credentialsJSON: input, source: "fuzz.json", fileMode: 0o600)
            } catch let error as ProviderError {
                refused += 1
                let text = error.description
                if text.unicodeScalars.contains(where: { Printable.isControl($0.value) }) || error.exitCode != 65 {
                    Issue.record(Comment(rawValue: Self.replay("credentials", i, input) + " said: " + text.debugDescription))
                }
            } catch {
                Issue.record(Comment(rawValue: Self.replay("credentials", i, input) + " threw \(error)"))
            }
        }
        if Self.only == nil { #expect(refused > 0) }
    }

    @Test(arguments: KeyAlgorithm.allCases)
    func mutatedPEMKeysParseOrFail(_ algorithm: KeyAlgorithm) throws {
        let pem = Array(FixedKeys.pem(algorithm).utf8)
        #expect(try PrivateKey.parse(pem: pem, source: "fixed.pem").algorithm == algorithm)
        let target: UInt64 = algorithm == .es256 ? 3 : algorithm == .rs256 ? 4 : 5
        var refused = 0
        for i in Self.caseNumbers(max(1, Self.cases / 4)) {
            var m = Self.mutator(target, i)
            let input = m.mutate(pem)
            do { _ = try PrivateKey.parse(pem: input, source: "fuzz.pem") } catch let error as ProviderError {
                refused += 1
                if error.description.unicodeScalars.contains(where: { Printable.isControl($0.value) }) {
                    Issue.record(Comment(rawValue: Self.replay("pem \(algorithm)", i, input) + " said: " + error.description.debugDescription))
                }
            }
        }
        if Self.only == nil { #expect(refused > 0) }
    }

    /// Findings of the fuzzers, kept as named cases.
    @Test func credentialsErrorsWithALineBreakInAFieldAreOneLine() throws {
        // A `createdAt` (or any echoed field) with a line break or an escape sequence
        // in it came out as a two-line error.
        for created in ["2026-03-15\nT13:57:26Z", "\u{1B}[2J", "x\ry"] {
            let json = Array(#"{"providerId": "p", "keyId": "k", "createdAt": "\#(created.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\u{1B}", with: "\\u001b"))", "privateKey": "\#(FixedKeys.es256.replacingOccurrences(of: "\n", with: "\\n"))"}"#.utf8)
            do {
                _ = try CredentialsLoader.parse(credentialsJSON: json, source: "f.json", fileMode: 0o600)
                Issue.record("\(created.debugDescription) was accepted")
            } catch let error as ProviderError {
                #expect(!error.description.unicodeScalars.contains { Printable.isControl($0.value) }, "\(error.description.debugDescription)")
            }
        }
    }
}

/// The fast page decoder agrees with JSONDecoder wherever it answers, and steps aside
/// (nil) for what it does not handle, so JSONDecoder keeps unknown fields.
struct FastDecoderTests {
    @Test func agreesWithJSONDecoderOnSimulatorPages() throws {
        let data = DataSet(organizationCount: 300, seed: 4, today: Day("2026-11-29")!)
        let daily = UsagePage(period: .daily(data.newestDay), generatedAt: "2026-11-29T00:00:02Z", data: data.dailyRows(data.newestDay), nextCursor: "abc")
        let monthly = UsagePage(period: .monthly(data.newestMonth), generatedAt: "x", data: data.monthlyRows(data.newestMonth), nextCursor: nil)
        for page in [daily, monthly] {
            let body = try JSONEncoder().encode(page)
            let fast = try #require(FastDecoder.decode(UsagePage.self, from: body))
            let slow = try JSONDecoder().decode(UsagePage.self, from: body)
            #expect(fast.data == slow.data && fast.period == slow.period && fast.nextCursor == slow.nextCursor && fast.generatedAt == slow.generatedAt)
        }
        let orgs = Page(data: data.organizations.map(data.organization), nextCursor: "c2")
        let body = try JSONEncoder().encode(orgs)
        let fast = try #require(FastDecoder.decode(Page<Organization>.self, from: body))
        #expect(fast.data == (try JSONDecoder().decode(Page<Organization>.self, from: body)).data && fast.nextCursor == "c2")
        #expect(fast.data.contains { $0.name.contains("🚀") } && fast.data.contains { $0.trialEndsAt != nil })
    }

    @Test func stepsAsideForWhatItDoesNotHandle() throws {
        let url = try #require(Bundle.module.url(forResource: "future-fields", withExtension: "json", subdirectory: "Golden"))
        #expect(FastDecoder.decode(Page<Organization>.self, from: try Data(contentsOf: url)) == nil, "unknown fields")
        for text in [#"{"data": [{"id": "o\"1", "name": "n", "status": "active", "tier": "business", "licenseType": "standard", "trialEndsAt": null, "createdAt": "c"}], "nextCursor": null}"#,
                     #"{"data": [], "nextCursor": null, "nextCursor": "x"}"#,
                     #"{"period": {"type": "daily", "date": "2026-11-28"}, "generatedAt": "g", "data": [{"organizationId": "o", "organizationName": "n", "tier": "t", "licenseType": "l", "trial": false, "nfr": false, "activeSeats": 1.5, "pendingSeats": 0, "consumedLicenses": 1}], "nextCursor": null}"#] {
            #expect(FastDecoder.decode(Page<Organization>.self, from: Data(text.utf8)) == nil)
            #expect(FastDecoder.decode(UsagePage.self, from: Data(text.utf8)) == nil)
        }
        // The escaped name still decodes, through JSONDecoder.
        let escaped = Data(#"{"data": [{"id": "o\"1", "name": "n", "status": "active", "tier": "business", "licenseType": "standard", "trialEndsAt": null, "createdAt": "c"}], "nextCursor": null}"#.utf8)
        #expect(try JSONDecoder().decode(Page<Organization>.self, from: escaped).data.first?.id == "o\"1")
    }

    /// Found by the fuzzer: a leading zero was read as a number, and a 19-digit one overflowed.
    /// Keys are matched as bytes: only the exact key matches; an escaped key, a key one
    /// letter longer or shorter, an empty key or one of invalid UTF-8 makes the fast
    /// path step aside, and the escaped key still decodes through JSONDecoder.
    @Test func keysMatchByTheirExactBytes() throws {
        func page(_ tierKey: String) -> Data {
            var bytes = Array(#"{"period": {"type": "daily", "date": "2026-11-28"}, "generatedAt": "g", "data": [{"organizationId": "o", "organizationName": "n", ""#.utf8)
            bytes += Array(tierKey.utf8) + [0xFF].filter { _ in tierKey == "\u{FFFD}" }
            bytes += Array(#"": "business", "licenseType": "l", "trial": false, "nfr": false, "activeSeats": 1, "pendingSeats": 0, "consumedLicenses": 1}], "nextCursor": null}"#.utf8)
            return Data(bytes)
        }
        #expect(FastDecoder.decode(UsagePage.self, from: page("tier"))?.data.first?.tier == .business)
        for key in ["ti\\u0065r", "tiers", "tie", "", "Tier", "\u{FFFD}"] {
            #expect(FastDecoder.decode(UsagePage.self, from: page(key)) == nil, "\(key)")
        }
        let escaped = try JSONDecoder().decode(UsagePage.self, from: page("ti\\u0065r"))
        #expect(escaped.data.first?.tier == .business)
    }

    @Test func numbersJSONForbidsOrCannotHoldStepAside() {
        for number in ["02", "-01", "1234567890123456789", "99999999999999999999999"] {
            let text = #"{"period": {"type": "daily", "date": "2026-11-28"}, "generatedAt": "g", "data": [{"organizationId": "o", "organizationName": "n", "tier": "t", "licenseType": "l", "trial": false, "nfr": false, "activeSeats": 1, "pendingSeats": 0, "consumedLicenses": "# + number + "}], \"nextCursor\": null}"
            #expect(FastDecoder.decode(UsagePage.self, from: Data(text.utf8)) == nil, "\(number)")
        }
        let ok = #"{"period": {"type": "daily", "date": "2026-11-28"}, "generatedAt": "g", "data": [{"organizationId": "o", "organizationName": "n", "tier": "t", "licenseType": "l", "trial": false, "nfr": false, "activeSeats": 0, "pendingSeats": -3, "consumedLicenses": 123456789012345678}], "nextCursor": null}"#
        #expect(FastDecoder.decode(UsagePage.self, from: Data(ok.utf8))?.data.first?.consumedLicenses == 123_456_789_012_345_678)
    }

    /// Strings are taken as UTF-8 by bytes (not through Foundation's every-encoding
    /// path): a valid non-ASCII name is kept exactly, and bytes that are not UTF-8 are
    /// never taken (a repaired name would differ from what was sent).
    @Test func namesAreTakenAsValidUTF8Only() throws {
        func page(_ name: [UInt8]) -> Data {
            Data(#"{"data": [{"id": "o1", "name": ""#.utf8 + name + #"", "status": "active", "tier": "business", "licenseType": "standard", "trialEndsAt": null, "createdAt": "c"}], "nextCursor": null}"#.utf8)
        }
        for name in ["Łódź Spółka", "東京データ株式会社", "Rocket 🚀 Labs", "e\u{301}cole", "\u{FFFD} kept"] {
            #expect(FastDecoder.decode(Page<Organization>.self, from: page(Array(name.utf8)))?.data.first?.name == name)
        }
        for bad: [UInt8] in [[0x41, 0xFF, 0x42], [0xC3], [0xE6, 0x9D], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF]] {
            #expect(FastDecoder.decode(Page<Organization>.self, from: page(bad)) == nil, "\(bad)")
            #expect((try? JSONDecoder().decode(Page<Organization>.self, from: page(bad))) == nil, "JSONDecoder refuses it too")
        }
    }

    @Test func mutatedPagesNeverDisagree() throws {
        let seeds = try ["organizations", "daily", "monthly"].map { name in
            [UInt8](try Data(contentsOf: #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"))))
        }
        var answered = 0
        for i in FuzzTests.caseNumbers(FuzzTests.cases) {
            var m = FuzzTests.mutator(9, i)
            let input = m.mutate(seeds[i % seeds.count])
            let body = Data(input)
            if let fast = FastDecoder.decode(UsagePage.self, from: body) {
                answered += 1
                let slow = try? JSONDecoder().decode(UsagePage.self, from: body)
                #expect(slow?.data == fast.data && slow?.period == fast.period, "\(FuzzTests.replay("fast decoder", i, input))")
            }
            if let fast = FastDecoder.decode(Page<Organization>.self, from: body) {
                answered += 1
                let slow = try? JSONDecoder().decode(Page<Organization>.self, from: body)
                #expect(slow?.data == fast.data && slow?.nextCursor == fast.nextCursor, "\(FuzzTests.replay("fast decoder", i, input))")
            }
        }
        if FuzzTests.only == nil { #expect(answered > 0) }
    }
}
