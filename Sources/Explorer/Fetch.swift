import Foundation
import ProviderAPI
import Sync

/// A report the explorer needs before it can show something, and what for: the body
/// of a `.fetch` work (`ExplorerModel.fetch(_:)`), which lands in `fetched(_:error:)`.
public struct Fetch: Sendable {
    public enum Purpose: Sendable, Equatable {
        /// The period on screen; `returnTo` is shown again if the API has no report.
        case show(returnTo: Period)
        /// A month's bill.
        case bill
    }

    public let period: Period
    public let purpose: Purpose
    let source: ReportSource

    /// Fetches the report into the cache; the error, or nil.
    public func run() async -> (any Error)? {
        do { _ = try await source.report(period); return nil } catch { return error }
    }
}
