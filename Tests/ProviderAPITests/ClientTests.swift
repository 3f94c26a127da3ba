import Foundation
import Testing
import TestSupport
@testable import ProviderAPI
@testable import ProviderSimulator

/// Paging, retries and error mapping of the client, against the simulator with faults.
struct ClientTests {
    @Test func followsCursorsToTheEnd() async throws {
        let fixture = try SimulatorFixture(organizations: 240)
        let client = fixture.client(pageSize: 7)
        let orgs = try await client.organizations()
        #expect(orgs.count == 240)
        #expect(Set(orgs.map(\.id)).count == 240)
        #expect(orgs.map(\.id) == fixture.simulator.data.organizations.map(\.id))
        #expect(fixture.simulator.requestCounts()[Endpoints.organizations] == 35)   // ceil(240 / 7)
        #expect(client.requestCount == 35)
    }

    @Test func dailyAndMonthlyReportsMatchTheSimulator() async throws {
        let fixture = try SimulatorFixture(organizations: 300)
        let client = fixture.client(pageSize: 128)
        let data = fixture.simulator.data
        let daily = try await client.dailyReport(nil)
        #expect(daily.period == .daily(data.newestDay))
        #expect(daily.rows == data.dailyRows(data.newestDay))
        let pinned = try await client.dailyReport(Day("2026-10-15"))
        #expect(pinned.rows.map(\.consumedLicenses).reduce(0, +) == data.dailyRows(Day("2026-10-15")!).map(\.consumedLicenses).reduce(0, +))
        let monthly = try await client.monthlyReport(Month("2026-10"))
        #expect(monthly.period == .monthly(Month("2026-10")!))
        #expect(monthly.generatedAt == "2026-11-01T00:01:02Z")
        #expect(monthly.rows == data.monthlyRows(Month("2026-10")!))
    }

    @Test func severalReportsAtOnceKeepTheirOrder() async throws {
        let fixture = try SimulatorFixture(organizations: 50)
        let client = fixture.client()
        let days = (1...10).map { ReportPeriod.daily(Day("2026-11-01")!.adding(days: $0)) }
        let results = await client.reports(days + [.monthly(Month("2026-09")!), .daily(Day("2026-11-29")!)])
        for (i, period) in days.enumerated() {
            #expect(try results[i].get().period == period)
        }
        #expect(try results[10].get().rows.count > 0)
        guard case .failure(.reportNotReady) = results[11] else {
            Issue.record("today's daily report should not be ready: \(results[11])"); return
        }
    }

    @Test func retriesTransientFaultsThenSucceeds() async throws {
        let fixture = try SimulatorFixture(organizations: 20)
        fixture.simulator.script([.status(503, retryAfter: nil), .status(500, retryAfter: nil), .status(502, retryAfter: nil)])
        let orgs = try await fixture.client().organizations()
        #expect(orgs.count == 20)
        #expect(fixture.simulator.requestCount == 4)
    }

    @Test func givesUpAfterFourTries() async throws {
        let fixture = try SimulatorFixture(organizations: 20)
        fixture.simulator.script(Array(repeating: .status(503, retryAfter: nil), count: 6))
        await #expect(throws: ProviderError.unavailable(detail: "server error 503: simulated fault", attempts: 4)) {
            _ = try await fixture.client().organizations()
        }
        #expect(fixture.simulator.requestCount == 4)
    }

    @Test func honoursRetryAfter() async throws {
        let fixture = try SimulatorFixture(organizations: 20)
        fixture.simulator.script([.status(429, retryAfter: 1)])
        let started = Date()
        _ = try await fixture.client().organizations()
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.95, "waited \(elapsed) s")
        #expect(fixture.simulator.requestCount == 2)
    }

    @Test func retryAfterIsCappedAtSixtySeconds() {
        let policy = RetryPolicy()
        #expect(policy.delay(retryAfter: "3600", afterAttempt: 1) == 60)
        #expect(policy.delay(retryAfter: "2", afterAttempt: 1) == 2)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(policy.delay(retryAfter: "Fri, 15 Jan 2027 08:00:10 GMT", afterAttempt: 1, now: now) == 10)
        #expect(policy.delay(retryAfter: "Fri, 15 Jan 2027 09:00:00 GMT", afterAttempt: 1, now: now) == 60)
        let backoff = policy.delay(retryAfter: nil, afterAttempt: 3)
        #expect(backoff >= 1.0 && backoff <= 2.0)
        let spread = Set((0..<20).map { _ in policy.backoff(afterAttempt: 2) })
        #expect(spread.count > 1, "backoff has jitter")
    }

    @Test func retriesAStalledRequestAfterItsTimeout() async throws {
        let fixture = try SimulatorFixture(organizations: 20)
        fixture.simulator.script([.stall])
        let started = Date()
        let orgs = try await fixture.client(timeout: 1).organizations()
        #expect(Date().timeIntervalSince(started) >= 0.9, "the stall was waited out, not cut short")
        #expect(orgs.count == 20)
        #expect(fixture.simulator.requestCount == 2)
    }

    @Test(arguments: [(400, "limit"), (401, "token"), (403, "forbidden"), (404, "missing")])
    func neverRetriesClientErrors(_ status: Int, _ label: String) async throws {
        let fixture = try SimulatorFixture(organizations: 20)
        fixture.simulator.script([.status(status, retryAfter: nil)])
        do {
            _ = try await fixture.client().organizations()
            Issue.record("expected an error for \(status)")
        } catch let error as ProviderError {
            #expect(fixture.simulator.requestCount == 1)
            switch status {
            case 400: #expect(error.exitCode == 65)   // a 400 to a request built by the contract: the server breaks it
            case 401, 403: #expect(error.exitCode == 77)
            default: #expect(error.exitCode == 1)
            }
        }
    }

    @Test func revokedKeyGivesTheAdminPanelAdvice() async throws {
        let fixture = try SimulatorFixture(organizations: 20) { $0.revoked = true }
        let outcomes = OutcomeLog()
        let client = fixture.client(observer: { outcomes.add($0) })
        do {
            _ = try await client.organizations()
            Issue.record("a revoked key must fail")
        } catch let error as ProviderError {
            #expect(error == .keyRejected(status: 401, detail: "key revoked"))
            #expect(error.exitCode == 77)
            #expect(error.description.contains("MSP Admin Panel > Integrations > Provider API"))
        }
        #expect(fixture.simulator.requestCount == 1)
        #expect(outcomes.all.last?.status == 401)
        #expect(client.lastOutcome?.error == .keyRejected(status: 401, detail: "key revoked"))
    }

    @Test func reportNotReadyIsTypedAndNamesTheSchedule() async throws {
        let fixture = try SimulatorFixture(organizations: 5)
        do {
            _ = try await fixture.client().dailyReport(Day("2026-11-29"))
            Issue.record("today has no report")
        } catch let error as ProviderError {
            guard case .reportNotReady(let period, _) = error else { Issue.record("\(error)"); return }
            #expect(period == "2026-11-29")
            #expect(error.description.contains("00:00:02 UTC"))
        }
        #expect(fixture.simulator.requestCount == 1)
    }

    @Test func malformedAnswersAreBadResponses() async throws {
        let fixture = try SimulatorFixture(organizations: 30)
        for fault in [ProviderSimulator.Fault.invalidJSON, .wrongShape] {
            fixture.simulator.script([fault])
            await #expect(throws: ProviderError.self) { _ = try await fixture.client().organizations() }
            do { _ = try await fixture.client().organizations() } catch { Issue.record("recovers after \(fault): \(error)") }
        }
        fixture.simulator.script([.invalidJSON])
        do {
            _ = try await fixture.client().organizations()
            Issue.record("invalid JSON was taken for an answer")
        } catch let error as ProviderError {
            #expect(error.exitCode == 65)
            #expect(error.description.contains("not valid JSON"))
        }
    }

    @Test func aRepeatedCursorStopsWithAnError() async throws {
        let fixture = try SimulatorFixture(organizations: 30)
        fixture.simulator.script([.repeatCursor, .repeatCursor, .repeatCursor])
        do {
            _ = try await fixture.client().dailyReport(nil)
            Issue.record("a repeated cursor must not loop")
        } catch let error as ProviderError {
            #expect(error.description.contains("came twice"))
            #expect(error.exitCode == 65)
        }
        #expect(fixture.simulator.requestCount == 2)
    }

    @Test func aCutBodyIsRetriedOrReportedNeverHalfRead() async throws {
        let fixture = try SimulatorFixture(organizations: 200)
        fixture.simulator.script([.cutMidBody])
        do {
            let orgs = try await fixture.client().organizations()
            #expect(orgs.count == 200)
        } catch let error as ProviderError {
            #expect(error.exitCode == 69 || error.exitCode == 65)
        }
    }

    @Test func convergesUnderRandomFaults() async throws {
        // The simulator's fault draws are seeded and these requests sequential, so this
        // run meets the same faults every time.
        let fixture = try SimulatorFixture(organizations: 120) {
            $0.faultRate = 0.3; $0.retryAfter = 0; $0.stallSeconds = 1.5
        }
        let clean = fixture.simulator.data.organizations.map(\.id)
        let orgs = try await fixture.client(pageSize: 40, timeout: 1).organizations()
        #expect(orgs.map(\.id) == clean)
        #expect(fixture.simulator.requestCount > 3)
    }

    @Test func refusesPlainHTTPToANonLoopbackHost() throws {
        #expect(throws: ProviderError.self) { try BaseURL.validate("http://api.nordpass.com") }
        #expect(throws: ProviderError.self) { try BaseURL.validate("ftp://127.0.0.1") }
        #expect(throws: ProviderError.self) { try BaseURL.validate("not a url") }
        #expect(throws: ProviderError.self) { try BaseURL.validate("http://127.0.0.1.evil.com:80") }
        #expect(try BaseURL.validate("http://127.0.0.1:8080").port == 8080)
        #expect(try BaseURL.validate("http://localhost:9").host == "localhost")
        #expect(try BaseURL.validate("http://[::1]:9").port == 9)
        #expect(try BaseURL.validate("https://api.nordpass.com/").absoluteString == "https://api.nordpass.com")
    }

    @Test func theTokenIsMintedOnceForManyRequests() async throws {
        let fixture = try SimulatorFixture(organizations: 100)
        let client = fixture.client(pageSize: 10)
        _ = try await client.organizations()
        let expiry = try #require(fixture.minter.currentExpiry)
        _ = try await client.organizations()
        #expect(fixture.minter.currentExpiry == expiry)
        #expect(client.requestCount == 20)
    }
}

final class OutcomeLog: Sendable {
    private let items = Locked<[RequestOutcome]>([])
    func add(_ o: RequestOutcome) { items.withLock { $0.append(o) } }
    var all: [RequestOutcome] { items.withLock { $0 } }
}
