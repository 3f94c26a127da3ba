import Explorer
import Foundation
import ProviderAPI
import Sync

/// Everything that can happen to the explorer. The terminal loop (or a test) hands
/// each one to `App.update`, on the main actor; work that waits (a sync, a fetch, a
/// credentials command) is started by `update` as an `Effect` and comes back here as
/// another action. Nothing else changes what the screen shows.
public enum Action: Sendable {
    /// A key as the backend decoded it: looked up in `Bindings`.
    case key(Key)
    /// What a binding asks for (a key's meaning on the screen it was pressed on).
    case intent(Intent)
    /// The terminal's size changed (and once before the first frame).
    case resize(width: Int, height: Int)
    /// About ten times a second: the spinner turns and the status line ages.
    /// `uptime` is the monotonic clock in seconds.
    case tick(uptime: Double)
    /// About once a second: the wall clock the whole UI reads, and the token's expiry.
    case clock(now: Date, tokenExpiry: Date?)
    /// The explorer opens: read the cache, restore the remembered view, start the sync.
    case start(restoring: ViewState?)
    /// A step of the running sync (the inbox keeps only the newest one pending).
    case syncProgress(SyncProgress)
    /// A request to the API finished (from any thread): the key pane shows it.
    case request(RequestOutcome)
    /// A piece of work behind the screen came back (`Work`: the sync's end, a fetched
    /// report, the rest of a big report, a view's read, the count of unseen changes,
    /// the PSA view's plan and each write of its apply, an export written, a key
    /// reloaded): the model applies it, unless a newer work withdrew it.
    case landed(Work.Result)
}

/// What a key means: the actions of the binding table. Which model call an intent
/// makes can depend on the screen (`Enter` opens the detail on the list and narrows
/// the list in the tier matrix), never on the key that produced it. The intents of
/// the list, the detail, the tier matrix and help are here; a view declares its own
/// beside it (`Intent.byCustomer` is in BillingView.swift).
public struct Intent: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let up = Intent("up"), down = Intent("down"), pageUp = Intent("page up"), pageDown = Intent("page down")
    public static let first = Intent("first"), last = Intent("last"), left = Intent("left"), right = Intent("right")
    public static let search = Intent("search"), searchKeep = Intent("keep the search"), searchClear = Intent("clear the search")
    public static let searchErase = Intent("erase a character")
    public static let trialOnly = Intent("trial only"), nfrOnly = Intent("NFR only"), cycleTier = Intent("cycle the tier")
    public static let nextSort = Intent("next sort"), reverseSort = Intent("reverse the sort")
    public static let open = Intent("open"), tierMatrix = Intent("tier matrix"), help = Intent("help"), back = Intent("back")
    public static let previous = Intent("previous"), next = Intent("next"), toggleMode = Intent("daily or monthly")
    public static let refresh = Intent("refresh"), cancelSync = Intent("cancel the sync"), export = Intent("export")
    public static let copyId = Intent("copy the id"), copyRow = Intent("copy the row")
    public static let nextPane = Intent("next pane"), previousPane = Intent("previous pane"), repaint = Intent("repaint")
    public static let pointer = Intent("pointer"), quit = Intent("quit")
}

/// Work `update` asks for: run behind (its actions come back through the inbox), or
/// cancel the running one of an id. At most one effect of an id runs at a time.
public enum Effect: Sendable {
    /// The kind of work whose one run it is (`Work.Kind.isExclusive`).
    public typealias ID = Work.Kind
    public typealias Send = @Sendable (Action) -> Void

    case run(id: ID?, work: @Sendable (_ send: @escaping Send) async -> Void)
    case cancel(ID)
    /// Something for the terminal itself, which the loop does after the action.
    case terminal(TerminalRequest)
}

/// What only the terminal loop can do: leave, repaint every cell (Ctrl-L, a resize),
/// put text on the terminal's clipboard (OSC 52).
public enum TerminalRequest: Sendable, Equatable {
    case quit, repaint
    case clipboard(String)
}
