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

extension UsageStore {
    /// The rows of the monthly report of `month` with their names, each handed to
    /// `visit` as `MonthRead.rows` hands it (the names put in after, where they follow):
    /// what the tests read of a month. False when the month's report is not cached.
    public func monthlyRowsWithDailyFacts(_ month: Month, _ visit: (UsageRow, DailyFacts?, _ suspended: Bool, _ rank: Int?) -> Void) throws -> Bool {
        try readingMonth(month) { read in
            var rows: [(row: UsageRow, facts: DailyFacts?, suspended: Bool, rank: Int?)] = []
            try read.rows { rows.append(($0, $1, $2, $3)) }
            if read.namesFollow {
                let order = rows.indices.sorted { rows[$0].rank ?? 0 < rows[$1].rank ?? 0 }
                try read.names(ofRanks: order.map { rows[$0].rank ?? 0 }) { i, name in
                    rows[order[i]].row.organizationName = String(decoding: name, as: UTF8.self)
                }
            }
            for r in rows { visit(r.row, r.facts, r.suspended, r.rank) }
            return true
        } ?? false
    }
}
