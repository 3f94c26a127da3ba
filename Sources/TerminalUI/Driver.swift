/// Runs the app's effects to their end, one after another, and applies what they send
/// through a real `Inbox` (a sync's steps coalesced as on the terminal): the one
/// driver of the tests and the benchmark, where a result is wanted at once. The
/// terminal's is `Runtime`, which runs effects side by side as they come.
@MainActor
public final class Driver {
    public let app: App
    public let inbox = Inbox()
    /// Called after each action is applied: the benchmark notes when a result landed.
    public var afterEach: (Action) -> Void = { _ in }
    /// What the app asked of the terminal (quit, repaint, the clipboard), in order.
    public private(set) var requests: [TerminalRequest] = []

    public init(app: App) { self.app = app }

    /// Applies `action`, then runs the effects it asks for to their end, and so on
    /// with the actions they send, until nothing is left to do.
    public func send(_ action: Action) async {
        let effects = app.update(action)
        afterEach(action)
        await run(effects)
    }

    /// Presses `keys` one after another, each with its effects run to their end.
    public func press(_ keys: Key...) async {
        for key in keys { await send(.key(key)) }
    }

    /// Runs `effects` (held back by a test, say) to their end, and applies what they send.
    public func run(_ effects: [Effect]) async {
        var effects = effects
        while !effects.isEmpty {
            for effect in effects {
                if case .terminal(let request) = effect { requests.append(request) }
                guard case .run(_, let work) = effect else { continue }
                let inbox = self.inbox
                await work { inbox.post($0) }
            }
            effects = []
            for action in inbox.take() {
                effects += app.update(action)
                afterEach(action)
            }
        }
    }
}
