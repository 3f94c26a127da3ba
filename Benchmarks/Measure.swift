import Foundation

/// Timing helpers: medians and percentiles of repeated runs.
@MainActor
enum Measure {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    nonisolated static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    nonisolated static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    nonisolated static func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
}

/// A line of the results table: figure, value, target, verdict.
struct Row {
    let name: String
    let value: String
    let target: String
    let met: Bool?
}

/// Prints (and flushes, so a long run shows progress) a markdown table.
func printTable(_ rows: [Row]) {
    print("| figure | measured | target | met |")
    print("| --- | --- | --- | --- |")
    for r in rows {
        print("| \(r.name) | \(r.value) | \(r.target) | \(r.met.map { $0 ? "yes" : "NO" } ?? "-") |")
    }
    fflush(nil)
}
