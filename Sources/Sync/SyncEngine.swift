import Foundation
import Logging
import ProviderAPI
import UsageStore

/// How far a sync has come: requests (reports and lists) done of the total planned.
public struct SyncProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
    public var current: String
    public init(done: Int, total: Int, current: String) { self.done = done; self.total = total; self.current = current }
}

/// What a sync did.
public struct SyncSummary: Sendable {
    /// The reports fetched and written, newest first as asked.
    public var fetched: [ReportPeriod] = []
    /// Reports that could not be fetched, with why; the cache keeps what it had.
    public var failures: [(period: ReportPeriod, error: ProviderError)] = []
    public var organizations = 0
    public var succeeded: Bool { failures.isEmpty }
}

/// Fills the cache from the API: on each run the organization list and the newest
/// day refresh; then the missing daily reports of this and last month and the monthly
/// reports of the last 12 months are fetched, newest first, a few at once. A report
/// already cached is never asked for again (a generated report does not change), and
/// nothing is asked for before the schedule says it exists.
public final class SyncEngine: Sendable {
    let client: ProviderClient
    let store: UsageStore
    let now: @Sendable () -> Date
    let logger: Logger

    /// The backfill runs as many requests at once as the client's `concurrency`.
    public init(client: ProviderClient, store: UsageStore,
                logger: Logger = Logger(label: "sync"), now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.store = store
        self.logger = logger
        self.now = now
    }

    /// The reports to backfill, newest first: the days of `newestDay`'s month and the
    /// one before, and the 12 months up to `newestMonth`, less those cached or listed
    /// in `skip`.
    public func backfillPlan(newestDay: Day, newestMonth: Month, skip: Set<ReportPeriod>) -> [ReportPeriod] {
        let firstDay = Self.reach(newestDay: newestDay, newestMonth: newestMonth).firstDay
        let days = stride(from: newestDay.ordinal, through: firstDay.ordinal, by: -1).map { ReportPeriod.daily(Day(ordinal: $0)) }
        let months = (0..<Self.monthsBack).map { ReportPeriod.monthly(newestMonth.adding(months: -$0)) }
        let cached = Set((try? store.cachedPeriods(.daily)) ?? []).union((try? store.cachedPeriods(.monthly)) ?? [])
        return (days + months).filter { !skip.contains($0) && !cached.contains($0.description) }
    }

    /// The oldest day and month a sync asks for, from its newest: the 1st of the month
    /// before `newestDay`'s, and the 12th month back counting `newestMonth`.
    public static func reach(newestDay: Day, newestMonth: Month) -> (firstDay: Day, firstMonth: Month) {
        (newestDay.month.adding(months: -1).firstDay, newestMonth.adding(months: -(monthsBack - 1)))
    }

    /// How many monthly reports a sync keeps: the newest and the eleven before it.
    static let monthsBack = 12

    /// Runs one sync. Throws when nothing could be synced (the key is rejected, the API
    /// is down); a report that fails alone is listed in the summary instead.
    public func sync(progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }) async throws -> SyncSummary {
        var summary = SyncSummary()
        let started = now()
        let scheduleDay = ReportSchedule.newestDay(at: started)
        let scheduleMonth = ReportSchedule.newestMonth(at: started)
        let monthCached = store.has(.monthly(scheduleMonth))
        var total = monthCached ? 2 : 3
        var done = 0
        func step(_ item: String) { progress(SyncProgress(done: done, total: total, current: item)) }

        // A fetch that fails ends the sync with the API's error; a cache write that fails
        // (a full disk, say) ends it with the cache's own error, never dressed as the API's.
        step("the organization list")
        let organizations = try await client.organizations()
        try store.replaceOrganizations(organizations, fetchedAt: now())
        summary.organizations = organizations.count
        done += 1

        step("the newest daily report")
        let newestDaily = try await client.dailyReport(nil)
        try store.write(newestDaily, fetchedAt: now())
        done += 1
        summary.fetched.append(newestDaily.period)
        guard case .daily(let serverDay) = newestDaily.period else { throw ProviderError.badResponse(detail: "the daily report is not daily") }

        var boundMonth = scheduleMonth
        var skip: Set<ReportPeriod> = [newestDaily.period]
        if !monthCached {
            step("the newest monthly report")
            let fetched: UsageReport?
            do { fetched = try await client.monthlyReport(nil) } catch {
                let e = ProviderClient.providerError(error)
                if e == .cancelled || { if case .keyRejected = e { return true }; return false }() { throw e }
                summary.failures.append((.monthly(scheduleMonth), e))
                fetched = nil
            }
            if let monthly = fetched {
                try store.write(monthly, fetchedAt: now())
                summary.fetched.append(monthly.period)
                skip.insert(monthly.period)
                if case .monthly(let m) = monthly.period { boundMonth = min(m, scheduleMonth) }
            }
            done += 1
        }

        let plan = backfillPlan(newestDay: min(serverDay, scheduleDay), newestMonth: boundMonth, skip: skip)
        total += plan.count
        logger.info("sync: \(plan.count) reports to backfill")
        try await backfill(plan, summary: &summary) { item in
            done += 1
            step(item)
        }
        step("done")
        if summary.failures.isEmpty { try store.setLastSync(now()) }
        return summary
    }

    private func backfill(_ plan: [ReportPeriod], summary: inout SyncSummary, onEach: (String) -> Void) async throws {
        var collected = summary
        defer { summary = collected }
        try await client.reports(plan) { period, result in
            try Task.checkCancellation()
            switch result {
            case .success(let report):
                try store.write(report, fetchedAt: now())
                collected.fetched.append(period)
            case .failure(.cancelled):
                throw CancellationError()
            case .failure(.noReport(_, _)):
                // Before the start of the API's history: remembered, so no view asks again.
                try? store.recordNoReport(before: period)
                logger.info("sync: no report for \(period)")
            case .failure(.reportNotReady), .failure(.notFound):
                logger.info("sync: no report for \(period)")
            case .failure(let error):
                collected.failures.append((period, error))
                if case .keyRejected = error { throw error }
            }
            onEach("the report of \(period)")
        }
    }
}
