import ArgumentParser
import Foundation
import ProviderAPI
import Logging

/// Options every command takes. Flags beat the environment, which beats the config file.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("base-url"), help: "Provider API base URL (env NORDPASS_PROVIDER_BASE_URL; default https://api.nordpass.com).")
    var baseURL: String?

    @Option(help: "The JSON credentials file saved from MSP Admin Panel > Integrations > Provider API (env NORDPASS_PROVIDER_CREDENTIALS).")
    var credentials: String?

    @Option(help: "A bare PEM private key, with --provider-id and --key-id.")
    var key: String?

    @Option(name: .customLong("credentials-command"), help: ArgumentHelp(
        "A command that prints the credentials JSON (or a PEM key, with --provider-id and --key-id), e.g. 'secret-tool lookup service nordpass-provider-api' (env NORDPASS_PROVIDER_CREDENTIALS_COMMAND).",
        valueName: "CMD"))
    var credentialsCommand: String?

    @Option(name: .customLong("credentials-command-timeout"), parsing: .unconditional,
            help: "Seconds the credentials command may take (default 15).")
    var credentialsCommandTimeout: Double?

    @Option(name: .customLong("provider-id"), help: "The provider id, with --key.")
    var providerId: String?

    @Option(name: .customLong("key-id"), help: "The key id, with --key.")
    var keyId: String?

    @Option(name: .customLong("cache-dir"), help: "Where the local cache lives (default $XDG_CACHE_HOME/provider-explorer).")
    var cacheDir: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning or error (the log file is under $XDG_STATE_HOME/provider-explorer).")
    var logLevel: Logger.Level?

    // Unconditional: "--timeout -1" is the value -1 (refused below), not a missing value.
    @Option(parsing: .unconditional, help: "Seconds before a request with no answer is given up and retried.")
    var timeout: Double = 30

    @Option(name: .customLong("trace-http"), help: ArgumentHelp(
        "Write every request and response to FILE as JSON lines (mode 0600; the token redacted), to attach to a bug report.", valueName: "FILE"))
    var traceHTTP: String?

    @Flag(help: "Use the built-in simulator of the Provider API with demo data (no credentials needed).")
    var demo = false

    @Flag(help: "Read from the local cache only; make no request.")
    var offline = false

    func validate() throws {
        if key != nil, providerId == nil || keyId == nil {
            throw ValidationError("--key needs --provider-id and --key-id as well")
        }
        // One way at a time: two given together would leave the user guessing which won.
        if [credentials, key, credentialsCommand].compactMap({ $0 }).count > 1 {
            throw ValidationError("give one of --credentials, --key or --credentials-command, not several")
        }
        if let t = credentialsCommandTimeout, t <= 0 || !t.isFinite {
            throw ValidationError("--credentials-command-timeout must be a positive number of seconds, not \(t)")
        }
        if timeout <= 0 || !timeout.isFinite { throw ValidationError("--timeout must be a positive number of seconds, not \(timeout)") }
        // The demo runs the built-in simulator with its own key: these would be ignored.
        if demo {
            if baseURL != nil { throw ValidationError("--demo uses the built-in simulator: drop --base-url (or drop --demo to use that API)") }
            if credentials != nil || key != nil || credentialsCommand != nil {
                throw ValidationError("--demo uses the built-in simulator's own key: drop --credentials/--key/--credentials-command (or drop --demo)")
            }
        }
    }
}

/// Where each setting came from once flags, environment and config file are merged.
struct Settings {
    enum CredentialSource: Equatable {
        case credentialsFile(String)
        case keyFile(path: String, providerId: String, keyId: String)
        case command(CredentialsCommand)
        case none

        /// The credentials from wherever they were given; none given is ProviderError.noCredentials.
        func load() throws -> Credentials {
            switch self {
            case .credentialsFile(let path): return try CredentialsLoader.load(credentialsFile: path)
            case let .keyFile(path, p, k): return try CredentialsLoader.load(keyFile: path, providerId: p, keyId: k)
            case .command(let command): return try command.load()
            case .none: throw ProviderError.noCredentials
            }
        }
    }

    var baseURL: String
    var credentials: CredentialSource
    var cacheDir: String
    var logLevel: Logger.Level
    var timeout: Double
    var demo: Bool
    var offline: Bool
    var traceHTTP: String?

    static let defaultBaseURL = "https://api.nordpass.com"

    static func resolve(_ options: GlobalOptions, environment env: [String: String] = ProcessInfo.processInfo.environment,
                        config: ConfigFile) throws -> Settings {
        func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        let file = config.values
        let baseURL = nonEmpty(options.baseURL) ?? nonEmpty(env["NORDPASS_PROVIDER_BASE_URL"]) ?? nonEmpty(file["base_url"])
            ?? defaultBaseURL
        // Flags beat the environment, which beats the config file; within one of them,
        // only one way may be given.
        let timeout = options.credentialsCommandTimeout ?? Double(nonEmpty(file["credentials_command_timeout"]) ?? "")
            ?? CredentialsCommand.defaultTimeout
        let ids = (nonEmpty(options.providerId) ?? nonEmpty(file["provider_id"]), nonEmpty(options.keyId) ?? nonEmpty(file["key_id"]))
        var credentials = CredentialSource.none
        if let path = nonEmpty(options.credentials) {
            credentials = .credentialsFile(path)
        } else if let key = nonEmpty(options.key), let p = options.providerId, let k = options.keyId {
            credentials = .keyFile(path: key, providerId: p, keyId: k)
        } else if let command = nonEmpty(options.credentialsCommand) {
            credentials = .command(CredentialsCommand(command: command, providerId: ids.0, keyId: ids.1, timeout: timeout))
        } else if nonEmpty(env["NORDPASS_PROVIDER_CREDENTIALS"]) != nil, nonEmpty(env["NORDPASS_PROVIDER_CREDENTIALS_COMMAND"]) != nil {
            throw ValidationError("both NORDPASS_PROVIDER_CREDENTIALS and NORDPASS_PROVIDER_CREDENTIALS_COMMAND are set: unset one")
        } else if let path = nonEmpty(env["NORDPASS_PROVIDER_CREDENTIALS"]) {
            credentials = .credentialsFile(path)
        } else if let command = nonEmpty(env["NORDPASS_PROVIDER_CREDENTIALS_COMMAND"]) {
            credentials = .command(CredentialsCommand(command: command, providerId: ids.0, keyId: ids.1, timeout: timeout))
        } else {
            let given = ["credentials", "key", "credentials_command"].filter { nonEmpty(file[$0]) != nil }
            if given.count > 1 {
                throw ValidationError("config.toml: give one of \(given.joined(separator: ", ")), not several")
            }
            // Paths in the file may start with ~ (the home folder), as in a shell.
            if let path = nonEmpty(config.path("credentials")) {
                credentials = .credentialsFile(path)
            } else if let key = nonEmpty(config.path("key")) {
                guard let p = nonEmpty(file["provider_id"]), let k = nonEmpty(file["key_id"]) else {
                    throw ValidationError("config.toml: key needs provider_id and key_id as well")
                }
                credentials = .keyFile(path: key, providerId: p, keyId: k)
            } else if let command = nonEmpty(file["credentials_command"]) {
                credentials = .command(CredentialsCommand(command: command, providerId: ids.0, keyId: ids.1, timeout: timeout))
            }
        }
        let xdgCache = nonEmpty(env["XDG_CACHE_HOME"]) ?? (NSHomeDirectory() + "/.cache")
        let cacheDir = nonEmpty(options.cacheDir) ?? nonEmpty(config.path("cache_dir")) ?? (xdgCache + "/provider-explorer")
        let levelText = options.logLevel?.rawValue ?? nonEmpty(env["NORDPASS_PROVIDER_LOG_LEVEL"]) ?? nonEmpty(file["log_level"]) ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            let why = "log level \(levelText) is not one of trace, debug, info, warning, error"
            // Named where it was given: the flag, the environment, or the file and line.
            if nonEmpty(env["NORDPASS_PROVIDER_LOG_LEVEL"]) == nil { throw config.invalid("log_level", why) }
            throw ValidationError("NORDPASS_PROVIDER_LOG_LEVEL: " + why)
        }
        return Settings(baseURL: baseURL, credentials: credentials, cacheDir: cacheDir, logLevel: level,
                        timeout: options.timeout, demo: options.demo, offline: options.offline, traceHTTP: options.traceHTTP)
    }
}
