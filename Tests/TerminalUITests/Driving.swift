import Explorer
import Foundation
import Synchronization
@testable import TerminalUI

/// Actions an effect sends, from whatever thread it runs on.
final class Sent: Sendable {
    private let actions = Mutex<[Action]>([])
    func append(_ action: Action) { actions.withLock { $0.append(action) } }
    var all: [Action] { actions.withLock { $0 } }
}

@MainActor
extension App {
    /// Applies `action` as the runtime does, but runs each effect to its end before
    /// going on, and applies what it sends in order: a test sees every result at once.
    func send(_ action: Action) async {
        var queue = [action]
        while !queue.isEmpty {
            for effect in update(queue.removeFirst()) {
                guard case .run(_, let work) = effect else { continue }
                let sent = Sent()
                await work { sent.append($0) }
                queue += sent.all
            }
        }
    }

    /// Presses `keys` one after another (each with its effects run to their end).
    func press(_ keys: Key...) async {
        for key in keys { await send(.key(key)) }
    }
}
