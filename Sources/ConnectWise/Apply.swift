import Foundation
import ProviderAPI

/// `$XDG_STATE_HOME/provider-explorer/psa-journal.jsonl`: one JSON line for every write
/// to the PSA that was attempted or skipped, with its result; mode 0600, appended and
/// synced line by line. It holds ids, quantities and ConnectWise's messages, never a key.
public final class PSAJournal: Sendable {
    public let path: String
    private let fd: Int32
    private let lock = Locked(0)

    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/state")
        return base + "/provider-explorer/psa-journal.jsonl"
    }

    /// Opens (creating) the journal before anything is written to the PSA: a journal
    /// that cannot be written stops the apply before its first write.
    public init(path: String = PSAJournal.defaultPath) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
                throw JournalError(path: path, reason: "its folder cannot be made")
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw JournalError(path: path, reason: SystemError.describe(errno)) }
        fchmod(fd, 0o600)
        self.fd = fd
    }

    deinit { close(fd) }

    public struct Entry: Sendable, Equatable {
        public enum Result: String, Sendable { case ok, failed, skipped }
        public var time: Date
        public var month: Month
        public var change: PSAChange
        public var result: Result
        public var reason: String?
        public init(time: Date, month: Month, change: PSAChange, result: Result, reason: String?) {
            self.time = time; self.month = month; self.change = change; self.result = result; self.reason = reason
        }

        public var line: String {
            let q = JSONField.text, n = JSONField.number, d = JSONField.decimal
            let stamp = ISO8601DateFormatter.string(from: time, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime])
            let c = change
            return "{\"time\": \(q(stamp)), \"month\": \(q(month.description)), \"kind\": \(q(c.kind.rawValue)), "
                + "\"customerId\": \(q(c.customerId)), \"companyId\": \(n(c.companyId)), \"agreementId\": \(n(c.agreementId)), "
                + "\"additionId\": \(n(c.additionId)), \"product\": \(q(c.product)), \"before\": \(d(c.before)), \"after\": \(d(c.after)), "
                + "\"result\": \(q(result.rawValue)), \"reason\": \(q(reason.map { Printable.line($0, limit: 300) }))}\n"
        }
    }

    /// Appends one line and syncs it; a failure is an error (the apply stops writing).
    public func append(_ entry: Entry) throws {
        let bytes = Array(entry.line.utf8)
        try lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw JournalError(path: path, reason: SystemError.describe(errno)) }
                offset += n
            }
            guard fsync(fd) == 0 else { throw JournalError(path: path, reason: SystemError.describe(errno)) }
        }
    }
}

/// 74: the journal cannot be written, so nothing more is written to the PSA.
public struct JournalError: ReportableError {
    public let path: String, reason: String
    public var exitCode: Int32 { 74 }
    public var description: String { "cannot write the PSA journal \(path): \(reason); nothing more was written to ConnectWise" }
}

/// What became of one change of a plan.
public struct PSAResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Written now.
        case made
        /// ConnectWise already holds what the plan wants: nothing to write.
        case alreadyMade
        /// Not written: ConnectWise changed since the plan was read.
        case skipped(String)
        /// Written and refused, or no answer.
        case failed(String)
    }
    public var change: PSAChange
    public var outcome: Outcome
    public init(change: PSAChange, outcome: Outcome) { self.change = change; self.outcome = outcome }

    public var isDone: Bool { outcome == .made || outcome == .alreadyMade }
}

/// Makes a plan's writes: for each agreement, its additions are read again, and a
/// change is made only where ConnectWise still holds the plan's `before` (and, for a
/// create, still no addition of the product); one that already holds the `after` needs
/// no write. Every write and every skip is journaled before the next is sent.
public struct PSAApplier: Sendable {
    public let client: ConnectWiseClient
    public let journal: PSAJournal
    public let now: @Sendable () -> Date

    public init(client: ConnectWiseClient, journal: PSAJournal, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client; self.journal = journal; self.now = now
    }

    /// The results in the plan's order; `each` hears every one as it lands.
    public func apply(_ plan: PSAPlan, each: @escaping @Sendable (PSAResult) -> Void = { _ in }) async throws -> [PSAResult] {
        let writes = plan.writes
        var byAgreement: [Int: [Int]] = [:]
        for (i, change) in writes.enumerated() { byAgreement[change.agreementId ?? -1, default: []].append(i) }
        let agreements = byAgreement.keys.sorted()
        var results = [PSAResult?](repeating: nil, count: writes.count)
        // Six agreements at a time (the client keeps its requests within six as well).
        let work = agreements.map { (agreement: $0, indices: byAgreement[$0]!) }
        try await inSlidingWindow(work, width: 6, { job in
            try await self.apply(job.indices.map { writes[$0] }, on: job.agreement, month: plan.month, each: each)
                .enumerated().map { (job.indices[$0.offset], $0.element) }
        }, each: { landed in
            for (i, r) in landed { results[i] = r }
        })
        return results.compactMap { $0 }
    }

    private func apply(_ changes: [PSAChange], on agreement: Int, month: Month,
                       each: @Sendable (PSAResult) -> Void) async throws -> [PSAResult] {
        var out: [PSAResult] = []
        func land(_ change: PSAChange, _ outcome: PSAResult.Outcome) throws {
            let result = PSAResult(change: change, outcome: outcome)
            switch outcome {
            case .made: try journal.append(.init(time: now(), month: month, change: change, result: .ok, reason: nil))
            case .skipped(let why): try journal.append(.init(time: now(), month: month, change: change, result: .skipped, reason: why))
            case .failed(let why): try journal.append(.init(time: now(), month: month, change: change, result: .failed, reason: why))
            case .alreadyMade: break
            }
            out.append(result)
            each(result)
        }
        let current: [CWAddition]
        do { current = try await client.additions(of: agreement) } catch let error as ConnectWiseError {
            if case .cancelled = error { throw error }
            for change in changes { try land(change, .skipped("agreement \(agreement) could not be read: \(error.reason)")) }
            return out
        }
        for var change in changes {
            guard let after = change.after else { continue }
            switch change.kind {
            case .update:
                guard let addition = current.first(where: { $0.id == change.additionId }), addition.isLive else {
                    try land(change, .skipped("addition \(change.additionId ?? 0) is no longer on agreement \(agreement) (cancelled or deleted)"))
                    continue
                }
                let quantity = addition.quantity ?? 0
                if quantity == after { try land(change, .alreadyMade); continue }
                if quantity != change.before {
                    try land(change, .skipped("ConnectWise now has \(quantity) where the plan read \(change.before.map { "\($0)" } ?? "none"); plan again"))
                    continue
                }
                do {
                    _ = try await client.setQuantity(agreement: agreement, addition: addition.id, to: after)
                    try land(change, .made)
                } catch let error as ConnectWiseError {
                    if case .cancelled = error { throw error }
                    try land(change, .failed(error.reason))
                }
            case .create:
                let product = change.product ?? ""
                let existing = current.filter { $0.isLive && $0.bills(product) }
                if existing.count == 1, existing[0].quantity == after {
                    change.additionId = existing[0].id
                    try land(change, .alreadyMade)
                    continue
                }
                if let first = existing.first {
                    try land(change, .skipped("an addition of \(product) appeared on agreement \(agreement) (\(first.id), quantity \(first.quantity ?? 0)); plan again"))
                    continue
                }
                let description = "NordPass \(change.tier?.rawValue ?? "") seats, \(month)"
                let effective = month.firstDay.description + "T00:00:00Z"
                do {
                    let made = try await client.createAddition(agreement: agreement, CWNewAddition(
                        product: CWReference(identifier: product), quantity: after, effectiveDate: effective, invoiceDescription: description))
                    change.additionId = made.id
                    try land(change, .made)
                } catch let error as ConnectWiseError {
                    if case .cancelled = error { throw error }
                    // No answer, or a 5xx: it may have been made. Look before saying so.
                    if error.isTransient, let again = try? await client.additions(of: agreement),
                       let made = again.first(where: { $0.isLive && $0.bills(product) && $0.quantity == after }) {
                        change.additionId = made.id
                        try land(change, .made)
                    } else {
                        try land(change, .failed(error.reason))
                    }
                }
            default:
                continue
            }
        }
        return out
    }
}
