import Foundation
import ProviderAPI
import UsageStore

/// Reads reports through the cache: a report already cached is never fetched again,
/// one fetched is written to the cache, and offline everything comes from the cache.
public struct ReportSource: Sendable {
    public let client: ProviderClient?
    public let store: UsageStore
    public let now: @Sendable () -> Date

    public init(client: ProviderClient?, store: UsageStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.store = store
        self.now = now
    }

    public enum Failure: ReportableError, Equatable {
        case notCached(String)
        public var exitCode: Int32 { 1 }
        public var description: String {
            switch self {
            case .notCached(let what):
                return "\(what) is not in the cache; run once without --offline (or run provider-explorer sync) to fetch it"
            }
        }
    }

    /// The organization list: fresh when online (and cached), from the cache offline.
    public func organizations() async throws -> [Organization] {
        guard let client else {
            let cached = try store.organizations()
            if cached.isEmpty, store.organizationsFetchedAt == nil { throw Failure.notCached("the organization list") }
            return cached
        }
        let fresh = try await client.organizations()
        try store.replaceOrganizations(fresh, fetchedAt: now())
        return fresh
    }

    /// The daily report of `day`, or the newest one the schedule allows when nil.
    public func daily(_ day: Day?) async throws -> UsageReport {
        try await report(day.map { .daily($0) }, newest: .daily(ReportSchedule.newestDay(at: now()))) {
            try await $0.dailyReport(day)
        }
    }

    /// The monthly report of `month`, or the newest one the schedule allows when nil.
    public func monthly(_ month: Month?) async throws -> UsageReport {
        try await report(month.map { .monthly($0) }, newest: .monthly(ReportSchedule.newestMonth(at: now()))) {
            try await $0.monthlyReport(month)
        }
    }

    /// The month of the monthly report of `month` (or the newest the schedule allows;
    /// offline, the newest cached), fetched into the cache if it is not there: for a
    /// read of the cache that holds no report in memory (a bill).
    public func cachedMonthly(_ month: Month?) async throws -> Month {
        let wanted = month ?? ReportSchedule.newestMonth(at: now())
        if store.has(.monthly(wanted)) { return wanted }
        if client == nil, month == nil, let text = try store.cachedPeriods(.monthly).first, let m = Month(text) { return m }
        let report = try await monthly(month)
        guard case .monthly(let m) = report.period else { throw ProviderError.badResponse(detail: "the monthly report is not monthly") }
        return m
    }

    /// Fetches the daily reports of `month` that the cache lacks (nothing offline), so
    /// that a bill's checks run on every day: days before the API's history, or not yet
    /// reported, are left. As many at a time as the sync fetches.
    public func fillDays(of month: Month) async throws {
        guard let client else { return }
        let cached = try store.cachedDays(of: month)
        let start = store.historyStart.day, newest = ReportSchedule.newestDay(at: now())
        let missing = month.days.filter { day in !cached.contains(day) && day <= newest && !(start.map { day < $0 } ?? false) }
        guard !missing.isEmpty else { return }
        try await client.reports(missing.map { .daily($0) }) { period, result in
            switch result {
            case .success(let report): try store.write(report, fetchedAt: now())
            case .failure(.noReport): try? store.recordNoReport(before: period)
            case .failure(.reportNotReady), .failure(.notFound): break
            case .failure(let error): throw error
            }
        }
    }

    private func report(_ asked: ReportPeriod?, newest: ReportPeriod,
                        fetch: (ProviderClient) async throws -> UsageReport) async throws -> UsageReport {
        let wanted = asked ?? newest
        if let cached = try store.report(wanted) { return cached }
        guard let client else {
            if asked == nil, let fallback = try newestCached(like: newest) { return fallback }
            throw Failure.notCached("the report for \(wanted)")
        }
        let report = try await fetch(client)
        try store.write(report, fetchedAt: now())
        return report
    }

    /// Offline and with no period given: the newest report of that kind the cache holds.
    private func newestCached(like period: ReportPeriod) throws -> UsageReport? {
        switch period {
        case .daily:
            guard let text = try store.cachedPeriods(.daily).first, let d = Day(text) else { return nil }
            return try store.report(.daily(d))
        case .monthly:
            guard let text = try store.cachedPeriods(.monthly).first, let m = Month(text) else { return nil }
            return try store.report(.monthly(m))
        }
    }
}
