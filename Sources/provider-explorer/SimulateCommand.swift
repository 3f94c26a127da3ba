import ArgumentParser
import Foundation
import ProviderAPI
import ProviderSimulator

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the Provider API simulator on 127.0.0.1 with seeded demo data.",
        discussion: """
        Examples:
          provider-explorer simulate --credentials-out demo.json --port 8080
          provider-explorer simulate --public-key pub.pem --key-id key_1 --provider-id prv_1 --fault-rate 0.3
        """)

    @Option(help: "The port on 127.0.0.1 (0 picks a free one).")
    var port: UInt16 = 8080
    @Option(help: "How many organizations (1 to 100000).")
    var orgs = 240
    @Option(help: "The seed of the data set; the same seed gives the same data.")
    var seed: UInt64 = 1
    @Option(help: "Pin the simulator's today (YYYY-MM-DD); reports exist up to the day before.")
    var today: String?
    @Option(name: .customLong("public-key"), help: "Accept tokens signed by this PEM public key.")
    var publicKey: String?
    @Option(name: .customLong("credentials-out"), help: "Generate a demo key pair and write its credentials file (mode 0600) here.")
    var credentialsOut: String?
    @Option(name: .customLong("key-id"), help: "The key id of --public-key or of the generated key.")
    var keyId = "key_DEMO01"
    @Option(name: .customLong("provider-id"), help: "The provider id tokens must name.")
    var providerId = "prv_DEMO00"
    @Option(help: "The algorithm of a generated key: ES256, RS256 or EdDSA.")
    var algorithm = KeyAlgorithm.es256
    @Flag(help: "Answer every request 401 \"key revoked\".")
    var revoked = false
    @Option(name: .customLong("fault-rate"), help: "The share (0 to 1) of requests answered 429, 500, 503 or a stall.")
    var faultRate = 0.0
    @Option(help: "Milliseconds added to every answer.")
    var latency = 0
    @Option(name: .customLong("retry-after"), help: "The Retry-After seconds of a simulated 429.")
    var retryAfter = 1
    @Option(name: .customLong("stall-seconds"), help: "How long a simulated stall holds a request.")
    var stallSeconds = 30.0

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Serve https with this PEM certificate and its key.", valueName: "CERT KEY"))
    var tls: [String] = []

    @Option(name: .customLong("clock-offset"), help: "Seconds the simulator's clock runs ahead of this machine's (negative: behind); its Date header and token checks use it.")
    var clockOffset = 0.0

    @Flag(name: .customLong("future-fields"), help: "Add a field the contract does not name and a license type it does not know to every row.")
    var futureFields = false

    @Flag(name: .customLong("hostile-names"), help: "Organization names and problem details made of escape sequences, line breaks and spreadsheet formulas.")
    var hostileNames = false

    @Flag(help: "Overwrite the file --credentials-out names if it exists.")
    var force = false

    func validate() throws {
        if let credentialsOut, !force, FileManager.default.fileExists(atPath: credentialsOut) {
            throw ValidationError("--credentials-out \(credentialsOut) exists; pass --force to overwrite it")
        }
        guard (1...100_000).contains(orgs) else { throw ValidationError("--orgs must be from 1 to 100000") }
        guard (0...1).contains(faultRate) else { throw ValidationError("--fault-rate must be from 0 to 1") }
        guard latency >= 0 else { throw ValidationError("--latency must be 0 or more milliseconds") }
        if let today {
            // The simulator makes 13 months of history before today: keep that inside 0001–9999.
            guard let day = Day(today), day.month.year >= 2, day.month.year <= 9998 else {
                throw ValidationError("--today must be a day as YYYY-MM-DD between 0002-01-01 and 9998-12-31, not \(today)")
            }
        }
        guard (publicKey == nil) != (credentialsOut == nil) else {
            throw ValidationError("give one of --public-key PEM or --credentials-out FILE")
        }
        guard tls.isEmpty || tls.count == 2 else { throw ValidationError("--tls takes two files: CERT KEY") }
    }

    func run() async throws {
        var config = ProviderSimulator.Configuration()
        config.organizationCount = orgs
        config.seed = seed
        if let today { config.today = Day(today)! }
        config.providerId = providerId
        config.revoked = revoked
        config.faultRate = faultRate
        config.latency = Double(latency) / 1000
        config.retryAfter = retryAfter
        config.stallSeconds = stallSeconds
        config.hostileNames = hostileNames
        config.clockOffset = clockOffset
        config.futureFields = futureFields
        let simulator = ProviderSimulator(config)
        if let publicKey {
            guard let pem = FileManager.default.contents(atPath: publicKey) else {
                let why = FileManager.default.fileExists(atPath: publicKey) ? "cannot be read (no permission?)" : "no such file"
                throw CommandFailure(message: "\(publicKey): \(why); give the PEM public key of the key the client signs with", code: 66)
            }
            guard let key = PublicKey(pem: [UInt8](pem)) else {
                throw CommandFailure(message: "\(publicKey): not a PEM public key of EC P-256, RSA >= 2048 or Ed25519", code: 65)
            }
            simulator.register(keyId: keyId, key: key)
        }
        var generated: PrivateKey?
        if credentialsOut != nil {
            guard let key = PrivateKey.generate(algorithm) else {
                throw CommandFailure(message: "libcrypto could not generate a key", code: 1)
            }
            simulator.register(keyId: keyId, key: key.publicKey)
            generated = key
        }
        var identity: TLSIdentity?
        if tls.count == 2 {
            do { identity = try TLSIdentity(certificateFile: tls[0], keyFile: tls[1]) } catch {
                throw CommandFailure(message: "\(error)", code: 65)
            }
        }
        let url: URL
        do {
            url = try simulator.start(port: port, tls: identity)
        } catch {
            throw CommandFailure(message: "\(error)", code: 69)
        }
        // Written once the server listens: a taken port leaves no credentials behind.
        if let credentialsOut, let generated {
            try CredentialsLoader.write(providerId: providerId, keyId: keyId, key: generated, createdAt: Date(), to: credentialsOut)
        }
        let d = simulator.data
        FileHandle.standardError.write(Data("""
            Provider API simulator on \(url) (\(orgs) organizations, seed \(seed), today \(d.today), \
            daily reports \(d.firstDay)...\(d.newestDay)); Ctrl-C stops it.

            """.utf8))
        while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
    }
}
