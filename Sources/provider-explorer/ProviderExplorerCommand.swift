import ArgumentParser
import Foundation
import ProviderAPI
import Sync
import TerminalUI
import UsageStore

@main
struct ProviderExplorerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider-explorer",
        abstract: "Explore the NordPass Provider API usage of the organizations an MSP manages.",
        discussion: """
        Exit codes: 0 success, 64 usage, 65 bad data (credentials or response), \
        69 service unavailable after retries, 77 key rejected (401/403), 1 otherwise.
        """,
        subcommands: [ExploreCommand.self, ExportCommand.self, SyncCommand.self, KeyCommand.self, SimulateCommand.self],
        defaultSubcommand: ExploreCommand.self)

    /// Parses, runs, and turns every error into one line on stderr and its exit code.
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        // No core dumps: the private key is in this process's memory.
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as ProviderError {
            fail(error.description, code: error.exitCode)
        } catch let error as TerminalLoop.Failure {
            fail(error.description, code: 1)
        } catch let error as ConfigFile.ParseError {
            fail(error.description, code: 64)
        } catch let error as ReportSource.Failure {
            fail(error.description, code: 1)
        } catch let error as StoreError {
            fail(error.description, code: 1)
        } catch let error as CommandFailure {
            fail(error.message, code: error.code)
        } catch {
            exit(withError: error)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("provider-explorer: \(message)\n".utf8))
        Foundation.exit(code)
    }
}

/// A failure of a command (a port in use, a sync left incomplete) with its exit code.
struct CommandFailure: Error {
    let message: String
    let code: Int32
}
