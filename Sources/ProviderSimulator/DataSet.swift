import Foundation
import ProviderAPI

/// The simulator's seeded organizations and the usage they generate: a pure function
/// of (seed, organization count, today). Reports are computed on demand from a few
/// numbers an organization, so 100,000 organizations with 13 months of history cost
/// a few megabytes, not a table of 40 million rows.
public struct DataSet: Sendable {
    public let seed: UInt64
    public let today: Day
    public let organizations: [OrganizationSpec]
    /// The first day with a daily report (the 1st of the month 13 months back).
    public let firstDay: Day

    public struct OrganizationSpec: Sendable {
        public let id: String
        public let name: String
        public let status: OrganizationStatus
        public let licenseType: LicenseType
        public let createdOn: Day
        public let trialEndsOn: Day?
        /// The tier before `tierChange`, and the change (day, new tier) if any.
        public let initialTier: Tier
        public let tierChange: (day: Day, tier: Tier)?
        let baseSeats: Double
        let growthPerDay: Double
        let wavePhase: Double
        let hash: UInt64

        public func tier(on day: Day) -> Tier {
            if let change = tierChange, day >= change.day { return change.tier }
            return initialTier
        }
    }

    /// `hostileNames`: the first organizations (not the NFR one) carry names made to
    /// break outputs: terminal escape sequences (a clipboard write, a screen clear, a
    /// colour), line breaks, spreadsheet formulas, C0 and C1 controls, CSV quotes.
    public init(organizationCount: Int, seed: UInt64, today: Day, hostileNames: Bool = false) {
        self.seed = seed
        self.today = today
        firstDay = today.month.adding(months: -13).firstDay
        let count = max(1, organizationCount)
        var specs: [OrganizationSpec] = []
        specs.reserveCapacity(count)
        var ids = Set<String>()
        let nfrIndex = Int(SplitMix64.hash(seed, 1) % UInt64(count))
        let emojiIndex = count > 1 ? (nfrIndex + 1 + Int(SplitMix64.hash(seed, 2) % UInt64(count - 1))) % count : -1
        for i in 0..<count {
            let h = SplitMix64.hash(seed, UInt64(i))
            var id = "org_" + String(h & 0xFFFF_FFFF_FFFF, radix: 16)
            while !ids.insert(id).inserted { id += "x" }
            let roll = SplitMix64.unit(SplitMix64.hash(h, 10))
            let isNFR = i == nfrIndex
            let isTrial = !isNFR && roll < 0.12
            let history = today - firstDay
            let created: Day
            if isTrial {
                created = today.adding(days: -1 - Int(SplitMix64.hash(h, 11) % 13))
            } else if SplitMix64.unit(SplitMix64.hash(h, 12)) < 0.08 {
                created = firstDay.adding(days: Int(SplitMix64.hash(h, 13) % UInt64(history)))
            } else {
                created = firstDay.adding(days: -Int(SplitMix64.hash(h, 14) % 900) - 1)
            }
            let tierRoll = SplitMix64.unit(SplitMix64.hash(h, 15))
            let initialTier: Tier = tierRoll < 0.62 ? .business : .enterprise
            var change: (Day, Tier)?
            let changeRoll = SplitMix64.unit(SplitMix64.hash(h, 16))
            if !isTrial, changeRoll < 0.06 {
                // Mostly upgrades, some downgrades, within the last three months.
                let start = max(created.adding(days: 1), today.month.adding(months: -2).firstDay)
                let span = max(1, today.adding(days: -1) - start)
                let day = start.adding(days: Int(SplitMix64.hash(h, 17) % UInt64(span)))
                change = (day, initialTier == .business ? .enterprise : .business)
            }
            let seatScale = exp(SplitMix64.unit(SplitMix64.hash(h, 18)) * 8.0)   // 1 ... ~3000
            specs.append(OrganizationSpec(
                id: id,
                name: isNFR ? Names.nfrName : hostileNames && i < Names.hostile.count ? Names.hostile[i]
                    : i == emojiIndex ? Names.emojiName : Names.name(index: i, hash: SplitMix64.hash(h, 19)),
                status: !isNFR && SplitMix64.unit(SplitMix64.hash(h, 20)) < 0.05 ? .suspended : .active,
                licenseType: isNFR ? .nfr : isTrial ? .trial : .standard,
                createdOn: created,
                trialEndsOn: isTrial ? created.adding(days: 14) : nil,
                initialTier: initialTier,
                tierChange: change,
                baseSeats: isNFR ? 12 : max(1, seatScale),
                growthPerDay: (SplitMix64.unit(SplitMix64.hash(h, 21)) - 0.35) * 0.001,
                wavePhase: SplitMix64.unit(SplitMix64.hash(h, 22)) * 60,
                hash: h))
        }
        organizations = specs
    }

    /// The newest day and month with a report: yesterday, and last month.
    public var newestDay: Day { today.adding(days: -1) }
    public var newestMonth: Month { today.month.adding(months: -1) }
    public var firstMonth: Month { firstDay.month }

    public func hasReport(_ day: Day) -> Bool { day >= firstDay && day <= newestDay }
    public func hasReport(_ month: Month) -> Bool { month >= firstMonth && month <= newestMonth }

    public enum Availability: Equatable { case ready, notReady(String), beforeHistory(String) }

    /// Whether a report exists yet, per the schedule, and within the history kept.
    public func availability(of period: ReportPeriod) -> Availability {
        switch period {
        case .daily(let day):
            if day > newestDay { return .notReady("the daily report for \(day) is generated on \(day.adding(days: 1)) at 00:00:02 UTC") }
            return hasReport(day) ? .ready : .beforeHistory("no daily report for \(day); history starts \(firstDay)")
        case .monthly(let month):
            if month > newestMonth {
                return .notReady("the monthly report for \(month) is generated on \(month.adding(months: 1).firstDay) at 00:01:02 UTC")
            }
            return hasReport(month) ? .ready : .beforeHistory("no monthly report for \(month); history starts \(firstMonth)")
        }
    }

    public func rows(of period: ReportPeriod) -> [UsageRow] {
        switch period {
        case .daily(let day): return dailyRows(day)
        case .monthly(let month): return monthlyRows(month)
        }
    }

    // MARK: - Records

    public func organization(_ spec: OrganizationSpec) -> Organization {
        Organization(id: spec.id, name: spec.name, status: spec.status, tier: spec.tier(on: today),
                     licenseType: spec.licenseType, trialEndsAt: spec.trialEndsOn?.description,
                     createdAt: spec.createdOn.description + "T" + clockTime(spec.hash) + "Z")
    }

    private func clockTime(_ h: UInt64) -> String {
        let s = Int(h % 86_400)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
    }

    /// Active seats of an organization on a day: a base that grows or shrinks slowly,
    /// a monthly wave and day-to-day noise; at least 1.
    public func activeSeats(_ spec: OrganizationSpec, on day: Day) -> Int {
        let t = Double(day - max(spec.createdOn, firstDay))
        let trend = spec.baseSeats * (1 + spec.growthPerDay * t)
        let wave = 1 + 0.06 * sin((Double(day.ordinal) + spec.wavePhase) * 2 * Double.pi / 29)
        let noise = (SplitMix64.unit(SplitMix64.hash(spec.hash, UInt64(bitPattern: Int64(day.ordinal)))) - 0.5) * 0.04
        return max(1, Int((trend * (wave + noise)).rounded()))
    }

    public func pendingSeats(_ spec: OrganizationSpec, on day: Day) -> Int {
        let h = SplitMix64.hash(spec.hash, UInt64(bitPattern: Int64(day.ordinal)), 7)
        let cap = max(1, Int(spec.baseSeats / 25))
        return h % 3 == 0 ? Int((h >> 8) % UInt64(cap + 1)) : 0
    }

    /// The daily report of `day`: one row for every organization that existed then.
    public func dailyRows(_ day: Day) -> [UsageRow] {
        organizations.compactMap { spec in
            guard spec.createdOn <= day else { return nil }
            let active = activeSeats(spec, on: day), pending = pendingSeats(spec, on: day)
            return row(spec, tier: spec.tier(on: day), active: active, pending: pending)
        }
    }

    /// The monthly report of `month`: seats active on any day count for the month (the
    /// peak of the days), pending as of the last day, and the highest tier of the month.
    public func monthlyRows(_ month: Month) -> [UsageRow] {
        let last = min(month.lastDay, newestDay)
        return organizations.compactMap { spec in
            guard spec.createdOn <= last else { return nil }
            // A seat active on any day counts for the whole month: the peak of active
            // seats, and as consumed the peak of a day's active + pending (so the month
            // is never below a day of it; pending is what the peak adds to active).
            var peak = 0, peakConsumed = 0
            var tier = spec.tier(on: max(month.firstDay, spec.createdOn))
            var day = max(month.firstDay, spec.createdOn)
            while day <= last {
                let active = activeSeats(spec, on: day)
                peak = max(peak, active)
                peakConsumed = max(peakConsumed, active + pendingSeats(spec, on: day))
                let t = spec.tier(on: day)
                if t.rank > tier.rank { tier = t }
                day = day.adding(days: 1)
            }
            return row(spec, tier: tier, active: peak, pending: max(0, peakConsumed - peak))
        }
    }

    private func row(_ spec: OrganizationSpec, tier: Tier, active: Int, pending: Int) -> UsageRow {
        UsageRow(organizationId: spec.id, organizationName: spec.name, tier: tier, licenseType: spec.licenseType,
                 trial: spec.licenseType == .trial, nfr: spec.licenseType == .nfr,
                 activeSeats: active, pendingSeats: pending, consumedLicenses: active + pending)
    }

    public static func generatedAt(_ period: ReportPeriod) -> String {
        let f = ISO8601DateFormatter()
        switch period {
        case .daily(let d): return f.string(from: d.reportReadyAt)
        case .monthly(let m): return f.string(from: m.reportReadyAt)
        }
    }
}
