import Foundation
import ProviderAPI

/// One organization of two reports compared: its row in each (nil where it is not in
/// that report; never both nil), with its status and trial end now.
public struct ComparedRow: Sendable {
    public var before: UsageRow?
    public var after: UsageRow?
    public var status: String?
    public var trialEndsAt: String?
}

extension UsageStore {
    /// Every organization of `from` or `to`, each handed to `visit` as it is read, so
    /// two big reports are compared without either being held: the rows of `to` with
    /// their rows of `from` beside them, then the rows only `from` has. False (and
    /// nothing visited) when either report is not cached. Rows come without their
    /// unknown fields (`extra`), which no comparison reads. Read on a connection apart.
    public func compare(_ from: ReportPeriod, _ to: ReportPeriod, _ visit: (ComparedRow) -> Void) throws -> Bool {
        try apart { db in
            guard try Self.rowCount(in: db, from) != nil, try Self.rowCount(in: db, to) != nil else { return false }
            let labels = try Self.labels(db)
            let later = Self.kind(of: to).table, earlier = Self.kind(of: from).table
            let columns = "o.id, n.name, u.tier, u.license, u.flags, u.active, u.pending, u.consumed, NULL"
            let both = try db.prepare("""
                SELECT \(columns), o.id, bn.name, b.tier, b.license, b.flags, b.active, b.pending, b.consumed, NULL,
                       b.org IS NOT NULL, org.status, org.trial_ends_at
                FROM \(later) u \(Self.rowJoins)
                LEFT JOIN \(earlier) b ON b.period = ? AND b.org = u.org
                LEFT JOIN name_refs bn ON bn.ref = b.name
                LEFT JOIN organizations org ON org.id = o.id
                WHERE u.period = ?
                """).bind([.int(Self.ordinal(from)), .int(Self.ordinal(to))])
            while try both.step() {
                visit(ComparedRow(before: both.int(18) != 0 ? Self.row(both, labels, offset: 9) : nil, after: Self.row(both, labels),
                                  status: both.optionalText(19), trialEndsAt: both.optionalText(20)))
            }
            let gone = try db.prepare("""
                SELECT \(columns), org.status, org.trial_ends_at FROM \(earlier) u \(Self.rowJoins)
                LEFT JOIN organizations org ON org.id = o.id
                WHERE u.period = ? AND NOT EXISTS (SELECT 1 FROM \(later) a WHERE a.period = ? AND a.org = u.org)
                """).bind([.int(Self.ordinal(from)), .int(Self.ordinal(to))])
            while try gone.step() {
                visit(ComparedRow(before: Self.row(gone, labels), after: nil, status: gone.optionalText(9), trialEndsAt: gone.optionalText(10)))
            }
            return true
        }
    }
}
