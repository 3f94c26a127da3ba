import ConnectWise
import Foundation
import Logging
import ProviderAPI

/// The `[connectwise]` table of config.toml, checked: the site (https, or http to
/// loopback), the API member (company, public_key, and the private key from an
/// owner-only file or a command), the developer client id, and the two catalog items.
struct ConnectWiseSettings {
    var site: String
    var company: String
    var publicKey: String
    var privateKey: PrivateKeySource
    var clientId: String
    var products: ProductMapping
    var agreementType: String?

    enum PrivateKeySource: Equatable {
        case file(String)
        case command(String)
        /// The demo simulator's own key (`--demo`), never read from a file or the config.
        case demo(String)
    }

    /// Whether the config file has a `[connectwise]` table at all.
    static func isConfigured(_ config: ConfigFile) -> Bool { config.values.keys.contains { $0.hasPrefix("connectwise.") } }

    /// The table, or a ParseError naming the file and the line (64).
    static func resolve(_ config: ConfigFile) throws -> ConnectWiseSettings {
        guard isConfigured(config) else {
            throw ConfigFile.ParseError(path: config.path.isEmpty ? ConfigFile.defaultPath : config.path, line: 0,
                                        reason: "no [connectwise] table: add site, company, public_key, private_key_file (or private_key_command), client_id, business_product and enterprise_product (see README, Sync to ConnectWise PSA)")
        }
        func value(_ key: String) throws -> String {
            guard let v = config.values["connectwise." + key], !v.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigFile.ParseError(path: config.path, line: config.lines.filter { $0.key.hasPrefix("connectwise.") }.values.min() ?? 0,
                                            reason: "[connectwise] needs \(key)")
            }
            return v
        }
        let site = try value("site")
        do { _ = try ConnectWiseAccount.validate(site) } catch let error as ConnectWiseError {
            throw config.invalid("connectwise.site", error.description)
        }
        let file = config.values["connectwise.private_key_file"].map(ConfigFile.expandingTilde)
        let command = config.values["connectwise.private_key_command"]
        let key: PrivateKeySource
        switch (file, command) {
        case (let f?, nil): key = .file(f)
        case (nil, let c?): key = .command(c)
        case (_?, _?): throw config.invalid("connectwise.private_key_command", "[connectwise] give one of private_key_file and private_key_command, not both")
        case (nil, nil): throw config.invalid("connectwise.site", "[connectwise] needs private_key_file (owner-only) or private_key_command")
        }
        let business = try value("business_product"), enterprise = try value("enterprise_product")
        return ConnectWiseSettings(site: site, company: try value("company"), publicKey: try value("public_key"), privateKey: key,
                                   clientId: try value("client_id"), products: ProductMapping(business: business, enterprise: enterprise),
                                   agreementType: config.values["connectwise.agreement_type"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The account, with the private key read now: from a file that only its owner may
    /// read, or from what the command prints (its first line). The key's bytes are
    /// wiped once the Authorization header is made.
    func account(commandTimeout: Double = CredentialsCommand.defaultTimeout) throws -> ConnectWiseAccount {
        var bytes: [UInt8]
        switch privateKey {
        case .file(let path):
            do { bytes = try CredentialsLoader.readSecretFile(path).0 } catch ProviderError.insecurePermissions(let file, let mode) {
                throw ConnectWiseError.configuration("[connectwise] private_key_file \(file) is mode \(String(mode, radix: 8)): other users could read the ConnectWise private key; chmod 600 \(file)")
            } catch ProviderError.credentials(let file, let reason) {
                throw ConnectWiseError.configuration("[connectwise] private_key_file \(file): \(reason)")
            }
        case .demo(let key):
            bytes = Array(key.utf8)
        case .command(let text):
            let command = CredentialsCommand(command: text, timeout: commandTimeout)
            do { bytes = try command.run() } catch ProviderError.credentials(_, let reason) {
                throw ConnectWiseError.configuration("[connectwise] private_key_command \(Printable.line(command.name, limit: 40)) \(reason)")
            }
        }
        defer { OpenSSL.wipe(&bytes) }
        let line = bytes.split(whereSeparator: { $0 == 0x0A || $0 == 0x0D }).first.map { Array($0) } ?? []
        let key = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw ConnectWiseError.configuration("[connectwise] the private key is empty: \(privateKeyPlace)") }
        return try ConnectWiseAccount(site: site, company: company, publicKey: publicKey, privateKey: key, clientId: clientId)
    }

    var privateKeyPlace: String {
        switch privateKey {
        case .file(let p): return "private_key_file \(p)"
        case .command(let c): return "private_key_command \(CredentialsCommand(command: c).name)"
        case .demo: return "the demo simulator's key"
        }
    }

    func client(transport: HTTPTransport, logLevel: Logger.Level) throws -> ConnectWiseClient {
        var logger = Logger(label: "connectwise")
        logger.logLevel = logLevel
        return ConnectWiseClient(account: try account(), transport: transport, logger: logger)
    }
}
