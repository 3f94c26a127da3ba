import Foundation
import Testing
import TestSupport
@testable import ProviderAPI

/// Every way the credentials loader accepts a key, and every way it refuses one.
struct CredentialsTests {
    let dir = TempDir()

    /// A key made by the openssl command line in the given PEM format.
    func makeKey(_ name: String, _ genArgs: [String], convert: [String]? = nil) async throws -> String {
        let path = dir.file(name)
        try await openssl(["genpkey"] + genArgs + ["-out", path])
        if let convert {
            let converted = path + ".conv"
            try await openssl(convert + ["-in", path, "-out", converted])
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: converted, toPath: path)
        }
        chmod(path, 0o600)
        return path
    }

    func credentialsJSON(_ name: String, pem: String, mode: Int = 0o600) throws -> String {
        let object = ["providerId": "prv_7Q2M9K", "keyId": "key_01HZX4T7", "privateKey": pem, "createdAt": "2026-03-15T13:57:26Z"]
        let data = try JSONSerialization.data(withJSONObject: object)
        return dir.write(name, String(decoding: data, as: UTF8.self), mode: mode)
    }

    func refusal(_ body: () throws -> Credentials) -> String? {
        do { _ = try body(); return nil } catch let e as ProviderError { return e.description } catch { return "\(error)" }
    }

    @Test func acceptsEachFormatAndTypeWithItsAlgorithm() async throws {
        let cases: [(String, [String], [String]?, KeyAlgorithm)] = [
            ("ec-pkcs8.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], nil, .es256),
            ("ec-sec1.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], ["ec"], .es256),
            ("rsa-pkcs8.pem", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], nil, .rs256),
            ("rsa-pkcs1.pem", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], ["rsa", "-traditional"], .rs256),
            ("ed25519.pem", ["-algorithm", "ED25519"], nil, .edDSA),
        ]
        for (name, gen, convert, algorithm) in cases {
            let path = try await makeKey(name, gen, convert: convert)
            let header = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
            if name.contains("sec1") { #expect(header == "-----BEGIN EC PRIVATE KEY-----") }
            if name.contains("pkcs1") { #expect(header == "-----BEGIN RSA PRIVATE KEY-----") }
            let c = try CredentialsLoader.load(keyFile: path, providerId: "prv_1", keyId: "key_1")
            #expect(c.key.algorithm == algorithm, "\(name)")
            // The same key inside a JSON credentials file.
            let json = try credentialsJSON(name + ".json", pem: String(contentsOfFile: path, encoding: .utf8))
            let j = try CredentialsLoader.load(credentialsFile: json)
            #expect(j.providerId == "prv_7Q2M9K" && j.keyId == "key_01HZX4T7" && j.key.algorithm == algorithm)
            #expect(j.fingerprint == c.fingerprint)
            #expect(j.createdAt == ISO8601DateFormatter().date(from: "2026-03-15T13:57:26Z"))
        }
    }

    @Test func fingerprintIsSHA256OfTheSPKI() async throws {
        let path = try await makeKey("fp.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        // Computed independently by the openssl command line.
        let shell = try await run("sh", ["-c", "openssl pkey -in '\(path)' -pubout -outform DER | openssl dgst -sha256 -binary | base64 -w0"])
        var expected = shell.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        while expected.hasSuffix("=") { expected.removeLast() }
        #expect(expected.count == 43)
        let c = try CredentialsLoader.load(keyFile: path, providerId: "p", keyId: "k")
        #expect(c.fingerprint == "SHA256:" + expected)
    }

    @Test func refusesEncryptedPEM() async throws {
        let path = dir.file("enc.pem")
        try await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:secret", "-out", path])
        chmod(path, 0o600)
        let message = try #require(refusal { try CredentialsLoader.load(keyFile: path, providerId: "p", keyId: "k") })
        #expect(message.contains(path) && message.contains("encrypted"))
        // The legacy Proc-Type form as well.
        let legacy = dir.file("enc-legacy.pem")
        try await openssl(["ec", "-in", try makeKey("plain.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
                     "-aes256", "-passout", "pass:secret", "-out", legacy])
        chmod(legacy, 0o600)
        #expect(refusal { try CredentialsLoader.load(keyFile: legacy, providerId: "p", keyId: "k") }?.contains("encrypted") == true)
    }

    @Test func refusesOtherCurvesShortRSAAndOtherTypes() async throws {
        let p384 = try await makeKey("p384.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"])
        #expect(refusal { try CredentialsLoader.load(keyFile: p384, providerId: "p", keyId: "k") }?.contains("P-384") == true)
        let rsa1024 = try await makeKey("rsa1024.pem", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"])
        #expect(refusal { try CredentialsLoader.load(keyFile: rsa1024, providerId: "p", keyId: "k") }?.contains("1024 bits") == true)
        let ed448 = try await makeKey("ed448.pem", ["-algorithm", "ED448"])
        #expect(refusal { try CredentialsLoader.load(keyFile: ed448, providerId: "p", keyId: "k") }?.contains("Ed448") == true)
    }

    @Test func refusesGarbageEmptyMissingAndPublicKeys() async throws {
        let garbage = dir.write("garbage.pem", "hello, this is not a key\n")
        #expect(refusal { try CredentialsLoader.load(keyFile: garbage, providerId: "p", keyId: "k") }?.contains("not a PEM") == true)
        let empty = dir.write("empty.pem", "")
        #expect(refusal { try CredentialsLoader.load(keyFile: empty, providerId: "p", keyId: "k") }?.contains("empty") == true)
        let broken = dir.write("broken.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        #expect(refusal { try CredentialsLoader.load(keyFile: broken, providerId: "p", keyId: "k") }?.contains("not a readable private key") == true)
        let missing = dir.file("nope.pem")
        #expect(refusal { try CredentialsLoader.load(keyFile: missing, providerId: "p", keyId: "k") }?.contains("no such file") == true)
        let key = try await makeKey("for-pub.pem", ["-algorithm", "ED25519"])
        let pub = dir.file("pub.pem")
        try await openssl(["pkey", "-in", key, "-pubout", "-out", pub])
        chmod(pub, 0o600)
        #expect(refusal { try CredentialsLoader.load(keyFile: pub, providerId: "p", keyId: "k") }?.contains("public key") == true)
        #expect(refusal { try CredentialsLoader.load(keyFile: dir.path, providerId: "p", keyId: "k") }?.contains("not a regular file") == true)
    }

    @Test func refusesFilesOthersCanReadAndSaysHowToFix() async throws {
        let key = try await makeKey("open.pem", ["-algorithm", "ED25519"])
        for mode in [0o644, 0o640, 0o604, 0o660] {
            chmod(key, mode_t(mode))
            let message = try #require(refusal { try CredentialsLoader.load(keyFile: key, providerId: "p", keyId: "k") })
            #expect(message.contains("chmod 600 \(key)"), "mode \(String(mode, radix: 8))")
        }
        let json = try credentialsJSON("open.json", pem: String(contentsOfFile: key, encoding: .utf8), mode: 0o644)
        #expect(refusal { try CredentialsLoader.load(credentialsFile: json) }?.contains("chmod 600") == true)
        chmod(key, 0o400)
        #expect(refusal { try CredentialsLoader.load(keyFile: key, providerId: "p", keyId: "k") } == nil)
    }

    @Test func refusesBadCredentialsJSON() async throws {
        let key = try await makeKey("j.pem", ["-algorithm", "ED25519"])
        let pem = try String(contentsOfFile: key, encoding: .utf8)
        let notJSON = dir.write("notjson.json", "{ providerId: ")
        #expect(refusal { try CredentialsLoader.load(credentialsFile: notJSON) }?.contains("not a JSON credentials file") == true)
        let missingKeyId = dir.write("nokid.json", #"{"providerId": "p", "privateKey": "x"}"#)
        #expect(refusal { try CredentialsLoader.load(credentialsFile: missingKeyId) }?.contains("\"keyId\"") == true)
        #expect(refusal { try CredentialsLoader.load(credentialsFile: key) }?.contains("--key") == true)
        let badDate = try JSONSerialization.data(withJSONObject: ["providerId": "p", "keyId": "k", "privateKey": pem, "createdAt": "yesterday"])
        let bad = dir.write("baddate.json", String(decoding: badDate, as: UTF8.self))
        #expect(refusal { try CredentialsLoader.load(credentialsFile: bad) }?.contains("createdAt") == true)
        let garbageKey = try credentialsJSON("garbagekey.json", pem: "-----BEGIN PRIVATE KEY-----\nzzz\n-----END PRIVATE KEY-----\n")
        #expect(refusal { try CredentialsLoader.load(credentialsFile: garbageKey) } != nil)
    }

    @Test func refusalsAreOneLineAndHoldNoKeyMaterial() async throws {
        let key = try await makeKey("secret.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"])
        let pem = try String(contentsOfFile: key, encoding: .utf8)
        let body = pem.split(separator: "\n")[1]
        let message = try #require(refusal { try CredentialsLoader.load(keyFile: key, providerId: "p", keyId: "k") })
        #expect(!message.contains("\n"))
        #expect(!message.contains(body.prefix(16)))
    }

    @Test func writtenCredentialsAreOwnerOnlyAndLoadBack() throws {
        let key = try #require(PrivateKey.generate(.edDSA))
        let path = dir.file("out.json")
        try CredentialsLoader.write(providerId: "prv_X", keyId: "key_X", key: key, createdAt: Date(), to: path)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let loaded = try CredentialsLoader.load(credentialsFile: path)
        #expect(loaded.fingerprint == key.fingerprint && loaded.keyId == "key_X")
    }
}
