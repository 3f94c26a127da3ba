import Foundation

/// The JWS header and claims of a Provider API token (contract, "The token").
public struct TokenHeader: Codable, Sendable, Equatable {
    public var alg: String
    public var typ: String
    public var kid: String
}

public struct TokenClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var sub: String
    public var aud: String
    public var iat: Int
    public var exp: Int
    public var jti: String
}

/// A signed token and when it stops being valid.
public struct MintedToken: Sendable {
    public let compact: String
    public let expiresAt: Date
}

/// Mints the Bearer token: signed once, reused by every request until fewer than
/// 30 s of it remain. Safe to call from many concurrent requests.
public final class TokenMinter: Sendable {
    public let providerId: String
    private let clock: @Sendable () -> Date
    private let current = Locked<MintedToken?>(nil)
    /// The key id, the key, and the encoded header (which never changes for a key:
    /// encoded once); replaced together when a rotated key is picked up.
    private let signer: Locked<(keyId: String, key: PrivateKey, headerPart: String)>

    public init(providerId: String, keyId: String, key: PrivateKey,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.providerId = providerId
        self.clock = clock
        signer = Locked((keyId, key, Self.header(keyId: keyId, key: key)))
    }

    static func header(keyId: String, key: PrivateKey) -> String {
        let header = TokenHeader(alg: key.algorithm.rawValue, typ: Endpoints.Token.type, kid: keyId)
        return Base64URL.encode((try? JWS.encoder.encode(header)) ?? Data())
    }

    /// Seconds to add to this machine's clock to get the server's, when they differ by
    /// more than the tolerance (see `ProviderClient`); 0 otherwise.
    private let offset = Locked<Double>(0)
    public var clockOffset: Double { offset.withLock { $0 } }

    /// The time tokens are minted on: this machine's clock, corrected to the server's.
    public func now() -> Date { clock().addingTimeInterval(clockOffset) }

    /// This machine's own clock, uncorrected.
    public func localNow() -> Date { clock() }

    /// Mints on the server's time from now on (bounded to an hour either way); the
    /// token in hand is dropped when the correction changes. True when it changed.
    @discardableResult
    public func setClockOffset(_ seconds: Double) -> Bool {
        let bounded = min(3_600, max(-3_600, seconds))
        let changed = offset.withLock { current -> Bool in
            guard abs(current - bounded) >= 1 else { return false }
            current = bounded
            return true
        }
        if changed { invalidate() }
        return changed
    }

    public var keyId: String { signer.withLock { $0.keyId } }
    public var algorithm: KeyAlgorithm { signer.withLock { $0.key.algorithm } }
    public var fingerprint: String { signer.withLock { $0.key.fingerprint } }

    /// Signs with another key from now on (a rotated key picked up after the server
    /// rejected the old one); the token in hand is dropped.
    public func replace(keyId: String, key: PrivateKey) {
        signer.withLock { $0 = (keyId, key, Self.header(keyId: keyId, key: key)) }
        invalidate()
    }

    /// When the token in hand expires, if one was minted.
    public var currentExpiry: Date? { current.withLock { $0?.expiresAt } }

    /// The token to send now: the one in hand, or a fresh one when it is about to expire.
    public func token() throws -> MintedToken {
        let now = self.now()
        if let held = current.withLock({ $0 }), held.expiresAt.timeIntervalSince(now) > Endpoints.Token.renewMargin {
            return held
        }
        let fresh = try mint(now: now)
        current.withLock { $0 = fresh }
        return fresh
    }

    /// Drops the token in hand so the next request mints anew (after a 401, say).
    public func invalidate() { current.withLock { $0 = nil } }

    /// The encoded header never changes for a key: encoded once.

    /// Signs a new token with the contract's header and claims. The claims' JSON is
    /// written by hand (keys sorted, as JWS.sign writes them): it runs for every token.
    public func mint(now: Date) throws -> MintedToken {
        let iat = Int(now.timeIntervalSince1970 - Endpoints.Token.clockSkew)
        let exp = iat + Int(Endpoints.Token.lifetime)
        let issuer = JSONText.quote(providerId)
        let claims = "{\"aud\":\(JSONText.quote(Endpoints.Token.audience)),\"exp\":\(exp),\"iat\":\(iat),"
            + "\"iss\":\(issuer),\"jti\":\"\(UUID().uuidString.lowercased())\",\"sub\":\(issuer)}"
        let (headerPart, key) = signer.withLock { ($0.headerPart, $0.key) }
        let signingInput = headerPart + "." + Base64URL.encode(Array(claims.utf8))
        let signature = try key.sign(Array(signingInput.utf8))
        return MintedToken(compact: signingInput + "." + Base64URL.encode(signature),
                           expiresAt: Date(timeIntervalSince1970: Double(exp)))
    }
}

/// Compact JWS serialisation (RFC 7515): base64url(header).base64url(claims).base64url(signature).
public enum JWS {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public static func sign(header: TokenHeader, claims: TokenClaims, with key: PrivateKey) throws -> String {
        let signingInput = Base64URL.encode(try encoder.encode(header)) + "." + Base64URL.encode(try encoder.encode(claims))
        let signature = try key.sign(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The three parts of a compact token, decoded; nil if it is not three base64url parts.
    public static func split(_ token: String) -> (header: [UInt8], claims: [UInt8], signature: [UInt8], signingInput: Substring)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = Base64URL.decode(parts[0]), let c = Base64URL.decode(parts[1]),
              let s = Base64URL.decode(parts[2]) else { return nil }
        let input = token[token.startIndex..<parts[1].endIndex]
        return (h, c, s, input)
    }
}

/// The server's checks of a token, exactly as the contract lists them; the simulator
/// answers 401 with `detail` for each rejection.
public struct TokenVerifier: Sendable {
    public var providerId: String
    public var keys: [String: PublicKey]
    public var revokedKeyIds: Set<String> = []

    public init(providerId: String, keys: [String: PublicKey]) {
        self.providerId = providerId
        self.keys = keys
    }

    public enum Rejection: Error, Equatable, CustomStringConvertible {
        case missing, malformed, unknownKey, algorithmMismatch, signatureInvalid
        case expired, lifetimeTooLong, issuedInFuture, wrongAudience, wrongIssuer, keyRevoked

        /// The problem `detail` the server sends.
        public var description: String {
            switch self {
            case .missing: return "missing bearer token"
            case .malformed: return "token malformed"
            case .unknownKey: return "unknown key id"
            case .algorithmMismatch: return "algorithm does not match the key"
            case .signatureInvalid: return "signature invalid"
            case .expired: return "token expired"
            case .lifetimeTooLong: return "token lifetime over 600 s"
            case .issuedInFuture: return "token issued in the future"
            case .wrongAudience: return "wrong audience"
            case .wrongIssuer: return "wrong issuer"
            case .keyRevoked: return "key revoked"
            }
        }
    }

    public func verify(authorization: String?, now: Date) -> Result<TokenClaims, Rejection> {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return .failure(.missing) }
        return verify(token: String(authorization.dropFirst(7)), now: now)
    }

    public func verify(token: String, now: Date) -> Result<TokenClaims, Rejection> {
        guard let parts = JWS.split(token),
              let header = try? JSONDecoder().decode(TokenHeader.self, from: Data(parts.header)),
              let claims = try? JSONDecoder().decode(TokenClaims.self, from: Data(parts.claims))
        else { return .failure(.malformed) }
        if revokedKeyIds.contains(header.kid) { return .failure(.keyRevoked) }
        guard let key = keys[header.kid] else { return .failure(.unknownKey) }
        guard header.alg == key.algorithm.rawValue else { return .failure(.algorithmMismatch) }
        guard key.verify(signature: parts.signature, message: Array(parts.signingInput.utf8)) else {
            return .failure(.signatureInvalid)
        }
        let t = now.timeIntervalSince1970
        if Double(claims.exp) <= t { return .failure(.expired) }
        if Double(claims.exp - claims.iat) > Endpoints.Token.maxLifetime { return .failure(.lifetimeTooLong) }
        if Double(claims.iat) > t + Endpoints.Token.maxFutureIssuedAt { return .failure(.issuedInFuture) }
        if claims.aud != Endpoints.Token.audience { return .failure(.wrongAudience) }
        if claims.iss != providerId || claims.sub != providerId { return .failure(.wrongIssuer) }
        return .success(claims)
    }
}
