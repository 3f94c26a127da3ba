import Foundation
import Testing
import TestSupport
@testable import ProviderAPI
import ProviderSimulator

/// Issue 15, item 2: a machine whose clock is five minutes off still works: the first
/// refusal for the token's time is retried once on the server's time, and every token
/// after is signed on it.
struct ClockSkewTests {
    @Test(arguments: [300.0, -300.0])
    func aClockFiveMinutesOffStillWorks(_ offset: Double) async throws {
        let fixture = try SimulatorFixture(organizations: 30) { $0.clockOffset = offset }
        let client = fixture.client()
        let organizations = try await client.organizations()
        #expect(organizations.count == 30)
        // The Date header has one-second resolution, and the correction is the middle of
        // what the round trip allows: half its time off at most (a loaded machine, TSan).
        #expect(abs(client.minter.clockOffset - offset) <= 15, "measured \(client.minter.clockOffset)")
        #expect(fixture.simulator.requestCount == 2, "one refusal, one retry on the server's time")
        _ = try await client.dailyReport(nil)
        #expect(fixture.simulator.requestCount == 3, "later tokens are right the first time")
    }

    @Test func aClockWithinTheToleranceIsLeftAlone() async throws {
        let fixture = try SimulatorFixture(organizations: 10) { $0.clockOffset = 5 }
        let client = fixture.client()
        _ = try await client.organizations()
        #expect(client.minter.clockOffset == 0 && fixture.simulator.requestCount == 1)
    }

    @Test func aRevokedKeyIsNotRetriedForTheClock() async throws {
        let fixture = try SimulatorFixture(organizations: 10) { $0.revoked = true; $0.clockOffset = 600 }
        do {
            _ = try await fixture.client().organizations()
            Issue.record("a revoked key was accepted")
        } catch let error as ProviderError {
            #expect(error.exitCode == 77 && fixture.simulator.requestCount == 1)
        }
    }

    @Test func theCorrectionIsBoundedToAnHour() throws {
        let minter = TokenMinter(providerId: "p", keyId: "k", key: PrivateKey.generate(.es256)!)
        minter.setClockOffset(86_400)
        #expect(minter.clockOffset == 3_600)
        minter.setClockOffset(-86_400)
        #expect(minter.clockOffset == -3_600)
        #expect(HTTPDate.parse(HTTPDate.format(Date(timeIntervalSince1970: 1_790_000_000))) == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
    }
}
