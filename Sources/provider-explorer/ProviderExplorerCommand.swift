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
        Exit codes: 0 success, 64 usage, 65 bad data (credentials, or a response that \
        breaks the contract), 69 service unavailable after retries, 70 internal error, \
        74 cannot write the output or the cache, 75 psa apply left changes unmade \
        (a rerun makes only those), 77 key rejected (401/403), 78 the server's \
        certificate is not trusted, 1 otherwise.
        """,
        version: ProviderExplorerCommand.version,
        subcommands: [ExploreCommand.self, ExportCommand.self, BillCommand.self, PSACommand.self, ChangesCommand.self, DoctorCommand.self, SyncCommand.self, KeyCommand.self, SimulateCommand.self],
        defaultSubcommand: ExploreCommand.self)

    static let version = "0.3.0"

    /// Parses, runs, and turns every error into one line on stderr and its exit code.
    static func main() async {
        OpenSSL.prepare()
        signal(SIGPIPE, SIG_IGN)
        // A write past the file-size limit fails with EFBIG and is reported, not a kill.
        signal(SIGXFSZ, SIG_IGN)
        Output.guardStandardStreams()
        URLSessionTransport.noFilesOutsideTheCache
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
        } catch let error as CommandFailure {
            fail(error.message, code: error.code)
        } catch let error as ReportableError {
            let failure = Failure(error)
            fail(failure.message, code: failure.exitCode)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            // Help and --version print as ArgumentParser does; a usage error is one line
            // (what is wrong, and where the help is), not the usage block.
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            fail(usageLine(error), code: code.rawValue)
        }
    }

    /// "--min-seats must be 0 or more, not -5 (see: provider-explorer help changes)".
    static func usageLine(_ error: Error) -> String {
        let message = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        let full = fullMessage(for: error)
        let help = full.firstMatch(of: /See '([^']+)' for more/).map { String($0.output.1) } ?? "provider-explorer --help"
        return (message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message) + " (see: \(help))"
    }

    static func fail(_ message: String, code: Int32) -> Never {
        Output.warn(message)
        Foundation.exit(code)
    }
}

/// A failure of a command (a port in use, a sync left incomplete) with its exit code.
struct CommandFailure: Error {
    let message: String
    let code: Int32
}
