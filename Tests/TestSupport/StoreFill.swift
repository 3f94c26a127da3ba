import Foundation
import ProviderAPI
import ProviderSimulator
import UsageStore

/// Fills a cache straight from the simulator's seeded data set, as a full sync would,
/// without HTTP: for model tests and benchmarks.
public func fill(_ store: UsageStore, from data: DataSet, dailyFrom: Day? = nil, months: Int = 12) throws {
    let fetched = Date()
    try store.replaceOrganizations(data.organizations.map(data.organization), fetchedAt: fetched)
    let first = dailyFrom ?? data.newestDay.month.adding(months: -1).firstDay
    var day = first
    while day <= data.newestDay {
        let period = ReportPeriod.daily(day)
        try store.write(UsageReport(period: period, generatedAt: DataSet.generatedAt(period), rows: data.dailyRows(day)), fetchedAt: fetched)
        day = day.adding(days: 1)
    }
    for i in 0..<months {
        let period = ReportPeriod.monthly(data.newestMonth.adding(months: -i))
        guard case .monthly(let m) = period else { continue }
        try store.write(UsageReport(period: period, generatedAt: DataSet.generatedAt(period), rows: data.monthlyRows(m)), fetchedAt: fetched)
    }
    try store.setLastSync(fetched)
}
