import Explorer
import Foundation
import ProviderAPI
@testable import TerminalUI

@MainActor
extension App {
    /// Applies `action` through the one driver (`Driver`): each effect run to its
    /// end, what it sends applied through a real inbox; a test sees every result at once.
    func send(_ action: Action) async {
        await Driver(app: self).send(action)
    }

    /// Presses `keys` one after another (each with its effects run to their end).
    func press(_ keys: Key...) async {
        for key in keys { await send(.key(key)) }
    }

    /// What `action` asked of the terminal (quit, repaint, the clipboard), with its
    /// effects run to their end.
    func requests(_ action: Action) async -> [TerminalRequest] {
        let driver = Driver(app: self)
        await driver.send(action)
        return driver.requests
    }

    /// Runs effects a test held back to their end, through the one driver.
    func run(_ effects: [Effect]) async {
        await Driver(app: self).run(effects)
    }
}

/// What an effect sends, kept for a test to look at before it is applied.
final class Sent: Sendable {
    private let actions = Locked<[Action]>([])
    func append(_ action: Action) { actions.withLock { $0.append(action) } }
    var all: [Action] { actions.withLock { $0 } }
}
