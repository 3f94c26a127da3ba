import Foundation
import Testing
import TestSupport
@testable import ProviderAPI

/// Tokens of each algorithm, checked by libcrypto's verify on the public key and by
/// the openssl command line, plus the header, claims and reuse rules of the contract.
struct TokenTests {
    let dir = TempDir()

    @Test(arguments: KeyAlgorithm.allCases)
    func tokenVerifiesWithLibcryptoAndOpenSSL(_ algorithm: KeyAlgorithm) async throws {
        let key = try #require(PrivateKey.generate(algorithm))
        let now = Date()
        let minter = TokenMinter(providerId: "prv_7Q2M9K", keyId: "key_01", key: key, clock: { now })
        let token = try minter.token().compact
        let parts = try #require(JWS.split(token))
        let header = try JSONDecoder().decode(TokenHeader.self, from: Data(parts.header))
        #expect(header == TokenHeader(alg: algorithm.rawValue, typ: "JWT", kid: "key_01"))
        let claims = try JSONDecoder().decode(TokenClaims.self, from: Data(parts.claims))
        #expect(claims.iss == "prv_7Q2M9K" && claims.sub == "prv_7Q2M9K" && claims.aud == "nordpass-provider-api")
        #expect(claims.iat == Int(now.timeIntervalSince1970 - 30))
        #expect(claims.exp == claims.iat + 300)
        #expect(UUID(uuidString: claims.jti) != nil)
        #expect(!token.contains("=") && !token.contains("+") && !token.contains("/"))
        if algorithm == .es256 { #expect(parts.signature.count == 64) }

        // libcrypto's verify, through the public key alone.
        let input = Array(parts.signingInput.utf8)
        let pub = try #require(PublicKey(pem: Array(key.publicKey.pem().utf8)))
        #expect(pub.verify(signature: parts.signature, message: input))
        var tampered = input
        tampered[tampered.count - 1] ^= 1
        #expect(!pub.verify(signature: parts.signature, message: tampered))

        // The openssl command line, fed the signing input and the signature.
        let pubPath = dir.write("pub-\(algorithm).pem", key.publicKey.pem())
        let inputPath = dir.file("input-\(algorithm)")
        let sigPath = dir.file("sig-\(algorithm)")
        try Data(input).write(to: URL(fileURLWithPath: inputPath))
        let result: ProcessResult
        switch algorithm {
        case .es256:
            try Data(derFromRaw(parts.signature)).write(to: URL(fileURLWithPath: sigPath))
            result = try await openssl(["dgst", "-sha256", "-verify", pubPath, "-signature", sigPath, inputPath])
        case .rs256:
            try Data(parts.signature).write(to: URL(fileURLWithPath: sigPath))
            result = try await openssl(["dgst", "-sha256", "-verify", pubPath, "-signature", sigPath, inputPath])
        case .edDSA:
            try Data(parts.signature).write(to: URL(fileURLWithPath: sigPath))
            result = try await openssl(["pkeyutl", "-verify", "-pubin", "-inkey", pubPath, "-rawin", "-in", inputPath, "-sigfile", sigPath])
        }
        #expect(result.status == 0, "openssl: \(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("Verified OK") || result.stdout.contains("Signature Verified Successfully"))
    }

    /// ES256's raw R||S as the DER SEQUENCE openssl expects, built here without libcrypto.
    func derFromRaw(_ raw: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var b = Array(bytes.drop { $0 == 0 })
            if b.isEmpty { b = [0] }
            if b[0] & 0x80 != 0 { b.insert(0, at: 0) }
            return [0x02, UInt8(b.count)] + b
        }
        let body = integer(raw[0..<32]) + integer(raw[32..<64])
        return [0x30, UInt8(body.count)] + body
    }

    @Test func tokenIsReusedUntilThirtySecondsBeforeExpiry() throws {
        let key = try #require(PrivateKey.generate(.edDSA))
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let minter = TokenMinter(providerId: "p", keyId: "k", key: key, clock: { clock.now })
        let first = try minter.token()
        clock.advance(200)          // iat was now - 30, so 70 s of the token remain
        #expect(try minter.token().compact == first.compact)
        clock.advance(40)           // 30 s remain: re-mint
        let second = try minter.token()
        #expect(second.compact != first.compact)
        #expect(second.expiresAt > first.expiresAt)
        minter.invalidate()
        #expect(try minter.token().compact != second.compact)
    }

    @Test func verifierRejectsEachCaseTheContractLists() throws {
        let key = try #require(PrivateKey.generate(.es256))
        let other = try #require(PrivateKey.generate(.es256))
        let rsa = try #require(PrivateKey.generate(.rs256))
        var verifier = TokenVerifier(providerId: "prv", keys: ["k": key.publicKey, "r": rsa.publicKey])
        let now = Date()
        let t = Int(now.timeIntervalSince1970)
        func token(alg: String = "ES256", kid: String = "k", iss: String = "prv", aud: String = "nordpass-provider-api",
                   iat: Int? = nil, exp: Int? = nil, signer: PrivateKey? = nil) throws -> String {
            let i = iat ?? t - 30
            return try JWS.sign(header: TokenHeader(alg: alg, typ: "JWT", kid: kid),
                                claims: TokenClaims(iss: iss, sub: iss, aud: aud, iat: i, exp: exp ?? i + 300, jti: UUID().uuidString),
                                with: signer ?? key)
        }
        func verdict(_ s: String) -> TokenVerifier.Rejection? {
            if case .failure(let r) = verifier.verify(token: s, now: now) { return r }
            return nil
        }
        #expect(verdict(try token()) == nil)
        #expect(verdict(try token(exp: t - 1)) == .expired)
        #expect(verdict(try token(iat: t + 120, exp: t + 300)) == .issuedInFuture)
        #expect(verdict(try token(iat: t - 30, exp: t + 700)) == .lifetimeTooLong)
        #expect(verdict(try token(aud: "someone-else")) == .wrongAudience)
        #expect(verdict(try token(iss: "prv_other")) == .wrongIssuer)
        #expect(verdict(try token(kid: "unknown")) == .unknownKey)
        #expect(verdict(try token(signer: other)) == .signatureInvalid)
        // alg swap: an RS256 key's kid with an ES256 header, and the reverse.
        #expect(verdict(try token(alg: "RS256")) == .algorithmMismatch)
        #expect(verdict(try token(alg: "none")) == .algorithmMismatch)
        #expect(verdict(try token(alg: "ES256", kid: "r", signer: key)) == .algorithmMismatch)
        // Tampered claims with the original signature.
        let good = try token()
        var parts = good.split(separator: ".").map(String.init)
        let forged = TokenClaims(iss: "prv", sub: "prv", aud: "nordpass-provider-api", iat: t - 30, exp: t + 500, jti: "x")
        parts[1] = Base64URL.encode(try JSONEncoder().encode(forged))
        #expect(verdict(parts.joined(separator: ".")) == .signatureInvalid)
        #expect(verdict("not.a.token!") == .malformed)
        #expect(verdict("") == .malformed)
        verifier.revokedKeyIds = ["k"]
        #expect(verdict(good) == .keyRevoked)
    }

    @Test func base64URLRoundTrip() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(Substring(text)) == bytes)
        }
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab==") == nil)
        #expect(Base64URL.decode("a b") == nil)
    }
}

final class TestClock: Sendable {
    private let current: Locked<Date>
    init(_ start: Date) { current = Locked(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: Double) { current.withLock { $0 += seconds } }
}
