import ArgumentParser
import Explorer
import Foundation
import ProviderAPI
import Sync

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fill the local cache: organizations, the newest reports, and the history the explorer shows.",
        discussion: """
        Fetches the organization list and the newest daily and monthly reports, then \
        the missing daily reports of this and last month and the monthly reports of \
        the last 12 months. The list and the newest daily report are fetched on every \
        sync; any other report already cached is not fetched again (a generated report \
        does not change).

        Examples:
          provider-explorer sync --demo
          provider-explorer sync --credentials credentials.json
        """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        if global.offline { throw ValidationError("sync fetches from the API; it cannot run --offline") }
        let session = try Session(options: global)
        let store = try session.openStore()
        let engine = SyncEngine(client: session.client, store: store, logger: session.logger, now: session.now)
        let showProgress = isatty(STDERR_FILENO) == 1
        let started = Date()
        let summary = try await engine.sync { p in
            guard showProgress else { return }
            let line = "\rsyncing \(p.done)/\(p.total) \(p.current)"
            FileHandle.standardError.write(Data((line.padding(toLength: 60, withPad: " ", startingAt: 0)).utf8))
        }
        if showProgress { FileHandle.standardError.write(Data("\r".utf8)) }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        let size = Double(store.bytesOnDisk) / 1_048_576
        print("synced \(summary.organizations) organizations, fetched \(summary.fetched.count) reports in \(seconds) s "
              + "(\(session.client.requestCount) requests); cache \(store.path) (\(String(format: "%.1f", size)) MB)")
        if let first = summary.failures.first {
            throw CommandFailure(message: "\(summary.failures.count) reports not fetched (the cache keeps the rest); "
                                 + "first, \(first.period): \(first.error)", code: first.error.exitCode)
        }
    }
}
