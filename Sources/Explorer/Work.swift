import Foundation
import ProviderAPI
import Sync

/// A piece of work behind the screen, the one kind there is: the sync, a report
/// fetched, the rest of a big report, the bill's and the changes' reads, the count of
/// unseen changes, the PSA view's plan and apply, an export's write, a key reloaded.
///
/// A model call that needs one returns it (nothing is parked for the front to pull).
/// The front runs it off the main actor (`run`) and hands what it returns back to the
/// model on the main actor (`ExplorerModel.land`), which applies it and returns the
/// work that asks for next. Each work holds a `Ticket`: a newer work of the same kind
/// (a period stepped again, a view closed) withdraws it, and a withdrawn work is not
/// started, or if it already ran, its result lands nowhere.
public struct Work: Sendable {
    /// What a work is, and how it behaves beside others of its kind. The explorer's
    /// own kinds are here; a view declares its own beside its model (`Kind.bill` is in
    /// ExplorerModel+Billing.swift).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// Only the newest of these matters: a new one withdraws the one before.
        let replaces: Bool
        /// The title bar says "loading" while one runs.
        let spins: Bool
        /// At most one runs at a time (another asked meanwhile is not started).
        public let isExclusive: Bool

        public init(_ name: String, replaces: Bool = false, spins: Bool = false, exclusive: Bool = false) {
            self.name = name; self.replaces = replaces; self.spins = spins; self.isExclusive = exclusive
        }

        public var description: String { name }

        public static let sync = Kind("sync", exclusive: true)
        public static let fetch = Kind("fetch", spins: true)
        public static let load = Kind("load", replaces: true, spins: true)
        public static let unseenCount = Kind("unseen count", replaces: true)
        public static let export = Kind("export")
        public static let keyReload = Kind("key reload", exclusive: true)
    }

    /// What a result does to the models, on the main actor: the work it asks for next.
    public typealias Landing = @MainActor @Sendable (ExplorerModel) -> [Work]

    /// What a running work says before its end: a step of the sync (the front keeps
    /// only the newest waiting), or a result of its own (each write of an apply).
    public struct Sink: Sendable {
        public let step: @Sendable (SyncProgress) -> Void
        public let land: @Sendable (@escaping Landing) -> Void

        public init(step: @escaping @Sendable (SyncProgress) -> Void, land: @escaping @Sendable (@escaping Landing) -> Void) {
            self.step = step
            self.land = land
        }
    }

    /// What comes back to the main actor: a landing of `work`, or its end.
    public struct Result: Sendable {
        public let work: Work
        /// Nil when the work was withdrawn before it started.
        let landing: Landing?
        /// The last of the work's results (its end), or one of them before it.
        let isEnd: Bool

        public init(_ work: Work, _ landing: Landing?, isEnd: Bool = true) {
            self.work = work; self.landing = landing; self.isEnd = isEnd
        }
    }

    public let kind: Kind
    let ticket: Ticket
    let body: @Sendable (Sink) async -> Landing

    /// A work no newer one withdraws (the front makes its export and its key reload so).
    public init(_ kind: Kind, _ body: @escaping @Sendable (Sink) async -> Landing) {
        self.init(kind, ticket: Ticket(), body)
    }

    init(_ kind: Kind, ticket: Ticket, _ body: @escaping @Sendable (Sink) async -> Landing) {
        self.kind = kind; self.ticket = ticket; self.body = body
    }

    /// Runs the work to its end, on the caller's task (its body goes to the read thread
    /// or off the pool as it needs); nil, without starting it, when it was withdrawn.
    public func run(_ sink: Sink) async -> Landing? {
        guard ticket.isLive else { return nil }
        return await body(sink)
    }

    /// Whether a newer work has replaced this one (its result would land nowhere).
    var isWithdrawn: Bool { !ticket.isLive }
}

/// The one token of a piece of work: live until a newer work of its kind, or the view
/// it was for closing, withdraws it. Withdrawn on the main actor, read by the thread
/// that would run the work and by the main actor when its result comes back.
final class Ticket: Sendable {
    private let live = Locked(true)
    var isLive: Bool { live.withLock { $0 } }
    func withdraw() { live.withLock { $0 = false } }
}

/// The works of the model's kinds that replace each other: the live ticket of each.
struct Tickets {
    private var live: [Work.Kind: Ticket] = [:]

    /// A ticket for a new work of `kind`, withdrawing the one it replaces.
    mutating func issue(_ kind: Work.Kind) -> Ticket {
        let ticket = Ticket()
        guard kind.replaces else { return ticket }
        live[kind]?.withdraw()
        live[kind] = ticket
        return ticket
    }

    /// The work of `kind` that runs or waits lands nowhere.
    mutating func withdraw(_ kind: Work.Kind) {
        live.removeValue(forKey: kind)?.withdraw()
    }
}

extension ExplorerModel {
    /// A work of `kind` that runs `body` behind the screen; its ticket replaces the last
    /// of its kind, and the spinner counts it until it comes back.
    func work(_ kind: Work.Kind, _ body: @escaping @Sendable (Work.Sink) async -> Work.Landing) -> Work {
        if kind.spins { loading += 1 }
        return Work(kind, ticket: tickets.issue(kind), body)
    }

    /// A work whose body is a read of the cache, made on the read thread.
    func read(_ kind: Work.Kind, _ read: @escaping @Sendable () -> Work.Landing) -> Work {
        work(kind) { _ in await ReadThread.shared.run(read) }
    }

    /// A work came back (a result before its end, or its end): applied unless it was
    /// withdrawn; the work it asks for next.
    public func land(_ result: Work.Result) -> [Work] {
        if result.isEnd, result.work.kind.spins { loading = max(0, loading - 1) }
        guard !result.work.isWithdrawn, let landing = result.landing else { return [] }
        return landing(self)
    }
}
