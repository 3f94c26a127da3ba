import Foundation
import Testing
import TestSupport
@testable import ProviderAPI
@testable import ProviderSimulator

/// The seeded data set has the shape the issue asks for, and the simulator's server
/// checks tokens over HTTP as the contract's server does.
struct SimulatorTests {
    let today = Day("2026-11-29")!

    @Test func dataSetShape() {
        let data = DataSet(organizationCount: 2000, seed: 42, today: today)
        let orgs = data.organizations
        let trial = orgs.filter { $0.licenseType == .trial }
        #expect(orgs.filter { $0.licenseType == .nfr }.count == 1)
        #expect((0.09...0.15).contains(Double(trial.count) / 2000))
        #expect((0.03...0.07).contains(Double(orgs.filter { $0.status == .suspended }.count) / 2000))
        #expect(trial.allSatisfy { $0.trialEndsOn! == $0.createdOn.adding(days: 14) && $0.trialEndsOn! > today })
        #expect(orgs.contains { $0.tierChange != nil })
        #expect(Set(orgs.map(\.initialTier)) == [.business, .enterprise])
        #expect(orgs.filter { $0.name == "Rocket 🚀 Labs" }.count == 1)
        #expect(orgs.contains { $0.name.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } })
        #expect(orgs.contains { $0.name.contains("ö") || $0.name.contains("é") })
        #expect(Set(orgs.map(\.id)).count == 2000)
        let seats = data.dailyRows(data.newestDay).map(\.activeSeats)
        #expect(seats.min()! >= 1 && seats.max()! > 1000 && seats.max()! < 6000)
        #expect(data.dailyRows(data.newestDay).contains { $0.pendingSeats > 0 })
        #expect(data.firstDay == Day("2025-10-01") && data.newestMonth == Month("2026-10"))
    }

    @Test func sameSeedSameDataOtherSeedOtherData() {
        let a = DataSet(organizationCount: 300, seed: 9, today: today)
        let b = DataSet(organizationCount: 300, seed: 9, today: today)
        let c = DataSet(organizationCount: 300, seed: 10, today: today)
        #expect(a.dailyRows(Day("2026-06-01")!) == b.dailyRows(Day("2026-06-01")!))
        #expect(a.monthlyRows(Month("2026-03")!) == b.monthlyRows(Month("2026-03")!))
        #expect(a.organizations.map(\.id) != c.organizations.map(\.id))
    }

    @Test func seatsDriftDayByDay() {
        let data = DataSet(organizationCount: 200, seed: 3, today: today)
        let d1 = data.dailyRows(Day("2026-11-01")!), d2 = data.dailyRows(Day("2026-11-02")!)
        let byId = Dictionary(uniqueKeysWithValues: d1.map { ($0.organizationId, $0.activeSeats) })
        let changed = d2.filter { row in byId[row.organizationId].map { $0 != row.activeSeats } ?? false }
        #expect(changed.count > 50)
    }

    @Test func monthlyIsThePeakAndTheHighestTierOfTheDays() throws {
        let data = DataSet(organizationCount: 1500, seed: 5, today: today)
        let month = Month("2026-10")!
        let changer = try #require(data.organizations.first {
            guard let c = $0.tierChange else { return false }
            return c.day.month == month && c.day != month.firstDay && c.day.dayOfMonth > 1 && $0.createdOn < month.firstDay
        })
        let days = month.days.map { data.dailyRows($0).first { $0.organizationId == changer.id }! }
        let monthly = try #require(data.monthlyRows(month).first { $0.organizationId == changer.id })
        #expect(Set(days.map(\.tier)).count == 2, "the tier changed within the month")
        #expect(monthly.tier == .enterprise)
        #expect(monthly.activeSeats == days.map(\.activeSeats).max())
        #expect(monthly.consumedLicenses == monthly.activeSeats + monthly.pendingSeats)
    }

    /// Sends a raw Bearer token to the simulator and returns (status, detail).
    func ask(_ fixture: SimulatorFixture, token: String?) async throws -> (Int, String) {
        let transport = URLSessionTransport(timeout: 5, maxConnections: 1)
        var headers: [String: String] = [:]
        if let token { headers["Authorization"] = "Bearer " + token }
        let response = try await transport.get(fixture.url.appendingPathComponent(Endpoints.organizations), headers: headers)
        let problem = try? JSONDecoder().decode(Problem.self, from: response.body)
        return (response.status, problem?.detail ?? "")
    }

    @Test func serverChecksEveryTokenOverHTTP() async throws {
        let fixture = try SimulatorFixture(organizations: 5)
        let now = Int(Date().timeIntervalSince1970)
        func token(alg: String = "ES256", kid: String? = nil, aud: String = "nordpass-provider-api",
                   iat: Int? = nil, exp: Int? = nil, key: PrivateKey? = nil) throws -> String {
            let i = iat ?? now - 30
            return try JWS.sign(header: TokenHeader(alg: alg, typ: "JWT", kid: kid ?? fixture.keyId),
                                claims: TokenClaims(iss: "prv_DEMO00", sub: "prv_DEMO00", aud: aud, iat: i, exp: exp ?? i + 300, jti: "j"),
                                with: key ?? fixture.key)
        }
        #expect(try await ask(fixture, token: try token()).0 == 200)
        let cases: [(String?, String)] = [
            (nil, "missing bearer token"),
            (try token(exp: now - 5), "token expired"),
            (try token(iat: now + 200, exp: now + 400), "token issued in the future"),
            (try token(aud: "other"), "wrong audience"),
            (try token(kid: "key_nope"), "unknown key id"),
            (try token(alg: "EdDSA"), "algorithm does not match the key"),
            (try token(key: PrivateKey.generate(.es256)!), "signature invalid"),
            (try token(exp: now + 900), "token lifetime over 600 s"),
        ]
        for (t, detail) in cases {
            let (status, said) = try await ask(fixture, token: t)
            #expect(status == 401 && said == detail, "expected \(detail), got \(status) \(said)")
        }
        fixture.simulator.revoke(keyId: fixture.keyId)
        #expect(try await ask(fixture, token: try token()) == (401, "key revoked"))
    }

    @Test func badQueriesAre400() async throws {
        let fixture = try SimulatorFixture(organizations: 5)
        let transport = URLSessionTransport(timeout: 5, maxConnections: 1)
        let auth = ["Authorization": "Bearer " + (try fixture.minter.token().compact)]
        for query in ["limit=0", "limit=1001", "limit=abc", "cursor=bm9wZQ"] {
            let url = URL(string: fixture.url.absoluteString + Endpoints.organizations + "?" + query)!
            #expect(try await transport.get(url, headers: auth).status == 400, "\(query)")
        }
        let badDate = URL(string: fixture.url.absoluteString + Endpoints.dailyUsage + "?date=2026-13-01")!
        #expect(try await transport.get(badDate, headers: auth).status == 400)
        let old = URL(string: fixture.url.absoluteString + Endpoints.dailyUsage + "?date=2020-01-01")!
        #expect(try await transport.get(old, headers: auth).status == 404)
    }
}
