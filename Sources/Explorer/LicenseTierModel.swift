import Observation
import ProviderAPI

/// The license-tier drill-down of a period: tier x license type, with organizations
/// and seats in each cell, and the billable total (trial and NFR are not billed).
@MainActor @Observable
public final class LicenseTierModel {
    public struct Cell: Sendable, Equatable {
        public var organizations = 0
        public var activeSeats = 0
        public var pendingSeats = 0
        public var consumedLicenses = 0
    }

    /// Rows of the matrix: the known tiers, then any new tier the API sent.
    public private(set) var tiers: [Tier] = Tier.known
    /// Columns: standard, trial, NFR, then any new license type.
    public private(set) var licenseTypes: [LicenseType] = LicenseType.known
    private var cells: [Tier: [LicenseType: Cell]] = [:]
    /// The cell the cursor is on.
    public var cursor = (row: 0, column: 0)

    public init() {}

    public func cell(_ tier: Tier, _ type: LicenseType) -> Cell { cells[tier]?[type] ?? Cell() }

    /// Rebuilds the matrix from every row of the period (not the filtered list).
    public func load(_ rows: [ListRow]) {
        var next: [Tier: [LicenseType: Cell]] = [:]
        var extraTiers: [Tier] = [], extraTypes: [LicenseType] = []
        for r in rows {
            if !r.tier.isKnown, !extraTiers.contains(r.tier) { extraTiers.append(r.tier) }
            if !r.licenseType.isKnown, !extraTypes.contains(r.licenseType) { extraTypes.append(r.licenseType) }
            var c = next[r.tier]?[r.licenseType] ?? Cell()
            c.organizations += 1
            c.activeSeats += r.activeSeats
            c.pendingSeats += r.pendingSeats
            c.consumedLicenses += r.consumedLicenses
            next[r.tier, default: [:]][r.licenseType] = c
        }
        cells = next
        tiers = Tier.known + extraTiers.sorted { $0.rawValue < $1.rawValue }
        licenseTypes = LicenseType.known + extraTypes.sorted { $0.rawValue < $1.rawValue }
        cursor = (min(cursor.row, tiers.count - 1), min(cursor.column, licenseTypes.count - 1))
    }

    public func rowTotal(_ tier: Tier) -> Cell { sum(licenseTypes.map { cell(tier, $0) }) }
    public func columnTotal(_ type: LicenseType) -> Cell { sum(tiers.map { cell($0, type) }) }
    public var grandTotal: Cell { sum(tiers.map(rowTotal)) }

    /// Consumed seats that are billed: standard licenses of every tier.
    public var billableSeats: Int { columnTotal(.standard).consumedLicenses }
    public func billableSeats(_ tier: Tier) -> Int { cell(tier, .standard).consumedLicenses }

    private func sum(_ cells: [Cell]) -> Cell {
        cells.reduce(into: Cell()) {
            $0.organizations += $1.organizations; $0.activeSeats += $1.activeSeats
            $0.pendingSeats += $1.pendingSeats; $0.consumedLicenses += $1.consumedLicenses
        }
    }

    public func moveCursor(rows: Int, columns: Int) {
        cursor = (min(max(0, cursor.row + rows), tiers.count - 1), min(max(0, cursor.column + columns), licenseTypes.count - 1))
    }

    public var selectedCell: (tier: Tier, licenseType: LicenseType) { (tiers[cursor.row], licenseTypes[cursor.column]) }
}
