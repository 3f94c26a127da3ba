import Foundation
import ProviderAPI

/// Screens opened and closed, the status line, and what a finished request says.
extension ExplorerModel {
    public func open(_ screen: Screen) {
        guard self.screen != screen else { return }
        if screen == .detail { refreshDetail() }
        screens.append(screen)
    }

    /// Esc: one screen back; on the list, clears the search, then the filters.
    public func back() {
        if screens.count > 1 { screens.removeLast(); return }
        if !list.search.isEmpty { list.search = ""; return }
        if list.isFiltered { list.clearFilters() }
    }

    /// Enter in the tier matrix: the list narrowed to the chosen cell.
    public func narrowToSelectedCell() {
        list.cell = tiers.selectedCell
        screens = [.list]
        list.selectFirst()
        refreshDetail()
    }

    public func setStatus(_ text: String, error: Bool) { status = Status(text: text, isError: error) }
    public func clearStatus() { status = nil }

    /// A request finished somewhere: the key pane shows it, and a rejection says what to do.
    public func record(_ outcome: RequestOutcome) {
        key.record(outcome)
        if let error = outcome.error, case .keyRejected = error {
            setStatus(error.description + " (see the key pane)", error: true)
        } else if outcome.status == 429 {
            sync.noteRateLimited(retryIn: Int(outcome.retryIn ?? 1))
        }
    }
}
