import Foundation
import Synchronization

/// Background work gives way to the screen: the calling thread's scheduling priority
/// is lowered (nice 10; on Linux, per thread). The sync calls it from the threads that
/// decode and write its reports, so on two busy cores a key's frame is not preempted
/// by them. Only while a screen is drawn (`TerminalLoop` turns it on): elsewhere (the
/// tests, which drive the same runtime) a thread of the shared pool, once lowered,
/// would stay lowered for every task it runs after.
public func yieldToTheScreen() {
    guard screenIsDrawn.load(ordering: .relaxed) else { return }
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
}

/// Whether a terminal screen is being drawn (set by `TerminalLoop.run`).
let screenIsDrawn = Atomic<Bool>(false)
