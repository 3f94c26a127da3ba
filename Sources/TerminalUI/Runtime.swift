import Foundation
import Synchronization
import ProviderAPI

/// Runs the app: hands actions to `App.update` and starts the effects it returns,
/// whose actions come back through the inbox. One of each effect id runs at a time.
@MainActor
public final class Runtime {
    public let app: App
    public let inbox = Inbox()
    private var running: [Effect.ID: Task<Void, Never>] = [:]
    /// What the app asked of the terminal and the loop has not done yet.
    private var requests: [TerminalRequest] = []
    /// The app asked to quit: the loop ends.
    public private(set) var quitting = false

    public init(app: App) { self.app = app }

    /// Takes what the app asked of the terminal (a repaint, a clipboard write), oldest first.
    public func takeRequests() -> [TerminalRequest] {
        defer { requests = [] }
        return requests
    }

    /// Applies `action` now and starts what it asks for.
    public func dispatch(_ action: Action) {
        for effect in app.update(action) { start(effect) }
    }

    /// Applies every action waiting in the inbox; true when there was one.
    @discardableResult
    public func drain() -> Bool {
        let actions = inbox.take()
        for action in actions { dispatch(action) }
        return !actions.isEmpty
    }

    /// Whether an effect of `id` runs.
    func isRunning(_ id: Effect.ID) -> Bool { running[id] != nil }

    private func start(_ effect: Effect) {
        switch effect {
        case .cancel(let id):
            running[id]?.cancel()
        case .terminal(let request):
            if request == .quit { quitting = true } else { requests.append(request) }
        case .run(let id, let work):
            if let id, running[id] != nil { return }
            let inbox = self.inbox
            let task = Task.detached { await work { inbox.post($0) } }
            guard let id else { return }
            running[id] = task
            Task { [weak self] in
                await task.value
                self?.running[id] = nil
            }
        }
    }
}
