/// Runs `work` on each of `items` with at most `width` running at once, a new one
/// started as one lands; hands each result to `each` as it lands, one at a time, in the
/// caller's task. When `work` or `each` throws, the ones still running are cancelled
/// and the error comes out here. (The Provider API's reports, ConnectWise's additions
/// and an apply's agreements all go this way.)
public func inSlidingWindow<Item: Sendable, Output: Sendable>(_ items: [Item], width: Int,
                                                              _ work: @escaping @Sendable (Item) async throws -> Output,
                                                              each: (Output) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Output.self) { group in
        var next = 0
        func launch() {
            guard next < items.count else { return }
            let item = items[next]
            next += 1
            group.addTask { try await work(item) }
        }
        for _ in 0..<max(1, width) { launch() }
        while let landed = try await group.next() {
            try await each(landed)
            launch()
        }
    }
}
