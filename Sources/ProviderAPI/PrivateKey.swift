import CLibcrypto
import Foundation

/// A private signing key held by libcrypto. Its bytes never leave this type but as a
/// signature, its public half, or (for the demo simulator's fresh keys) a PEM file.
public final class PrivateKey: @unchecked Sendable {
    // EVP_PKEY is immutable after load and safe to sign with from several threads,
    // each with its own EVP_MD_CTX.
    let pkey: OpaquePointer
    public let algorithm: KeyAlgorithm

    /// A signing context set up once; each signature starts from a copy of it, which
    /// spares libcrypto's algorithm fetch on every token. Nil where copying is not
    /// supported (Ed25519's one-shot signing), which then sets up a context each time.
    private let template: OpaquePointer?

    init(pkey: OpaquePointer, algorithm: KeyAlgorithm) {
        self.pkey = pkey
        self.algorithm = algorithm
        var ready: OpaquePointer?
        if algorithm != .edDSA, let ctx = EVP_MD_CTX_new() {
            if EVP_DigestSignInit(ctx, nil, EVP_sha256(), nil, pkey) == 1 { ready = ctx } else { EVP_MD_CTX_free(ctx) }
        }
        template = ready
        OpenSSL.clearErrors()
    }

    deinit {
        if let template { EVP_MD_CTX_free(template) }
        EVP_PKEY_free(pkey)
    }

    /// Parses a PEM private key (PKCS#8, SEC1 or PKCS#1). `source` names the file in errors.
    /// Refuses encrypted PEM, curves other than P-256, RSA under 2048 bits and anything else.
    /// `inCredentialsJSON`: the PEM came from the `privateKey` field of a credentials
    /// file, so advice that reads the file works on the JSON, not on a PEM.
    public static func parse(pem: [UInt8], source: String, inCredentialsJSON: Bool = false) throws -> PrivateKey {
        OpenSSL.ready
        let text = String(decoding: pem.prefix(4096), as: UTF8.self)
        func refuse(_ reason: String) -> ProviderError { .credentials(file: source, reason: reason) }
        if pem.isEmpty { throw refuse("the file is empty; expected a PEM private key") }
        guard text.contains("-----BEGIN ") else {
            throw refuse("not a PEM private key (no -----BEGIN line); save the key from MSP Admin Panel > Integrations > Provider API again")
        }
        if text.contains("ENCRYPTED") {
            if inCredentialsJSON {
                throw refuse("the private key is encrypted with a passphrase; decrypt it with: jq -r .privateKey \(source) | openssl pkey -out key-plain.pem "
                             + "(chmod 600 key-plain.pem), then use --key key-plain.pem with --provider-id and --key-id from the file")
            }
            throw refuse("the private key is encrypted with a passphrase; decrypt it with: openssl pkey -in \(source) -out key-plain.pem")
        }
        if text.contains("BEGIN OPENSSH PRIVATE KEY") {
            throw refuse("an OpenSSH-format key; convert it with: ssh-keygen -p -m PKCS8 -f \(source)")
        }
        if text.contains("BEGIN PUBLIC KEY") || text.contains("BEGIN CERTIFICATE") {
            throw refuse("holds a public key or certificate, not the private key")
        }
        OpenSSL.clearErrors()
        let loaded = OpenSSL.withReadBIO(pem) { bio in PEM_read_bio_PrivateKey(bio, nil, refusePassphrase, nil) }
        OpenSSL.clearErrors()
        guard let loaded, let pkey = loaded else {
            throw refuse("the PEM block is not a readable private key (expected PKCS#8, SEC1 or PKCS#1)")
        }
        switch classify(pkey) {
        case .success(let algorithm):
            return PrivateKey(pkey: pkey, algorithm: algorithm)
        case .failure(let refusal):
            EVP_PKEY_free(pkey)
            throw refuse(refusal.reason)
        }
    }

    /// Which JWS algorithm a key implies, or why it is refused.
    static func classify(_ pkey: OpaquePointer) -> Result<KeyAlgorithm, Refusal> {
        let id = EVP_PKEY_get_base_id(pkey)
        let bits = EVP_PKEY_get_bits(pkey)
        switch id {
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 80)
            var len = 0
            _ = EVP_PKEY_get_group_name(pkey, &name, name.count, &len)
            let curve = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if curve == "prime256v1" || curve == "P-256" { return .success(.es256) }
            let shown = curve == "secp384r1" ? "P-384" : curve == "secp521r1" ? "P-521" : (curve.isEmpty ? "an unknown curve" : curve)
            return .failure(Refusal("an EC key on \(shown); only P-256 (ES256) is accepted"))
        case EVP_PKEY_RSA:
            if bits >= 2048 { return .success(.rs256) }
            return .failure(Refusal("an RSA key of \(bits) bits; at least 2048 bits are required"))
        case EVP_PKEY_ED25519:
            return .success(.edDSA)
        case EVP_PKEY_ED448:
            return .failure(Refusal("an Ed448 key; only Ed25519 (EdDSA), EC P-256 (ES256) and RSA >= 2048 (RS256) are accepted"))
        case EVP_PKEY_DSA:
            return .failure(Refusal("a DSA key; only Ed25519, EC P-256 and RSA >= 2048 are accepted"))
        default:
            return .failure(Refusal("an unsupported key type; only Ed25519, EC P-256 and RSA >= 2048 are accepted"))
        }
    }

    struct Refusal: Error { let reason: String; init(_ r: String) { reason = r } }

    /// The DER SubjectPublicKeyInfo of the public half.
    public var publicKeyDER: [UInt8] { Self.spki(of: pkey) }

    static func spki(of pkey: OpaquePointer) -> [UInt8] {
        let len = i2d_PUBKEY(pkey, nil)
        guard len > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: Int(len))
        out.withUnsafeMutableBufferPointer { buf in
            var p: UnsafeMutablePointer<UInt8>? = buf.baseAddress
            _ = i2d_PUBKEY(pkey, &p)
        }
        return out
    }

    /// `SHA256:` + unpadded base64 of the SHA-256 of the public key's DER SPKI:
    /// the one way the key is identified on screen and in logs.
    public var fingerprint: String { Self.fingerprint(spki: publicKeyDER) }

    static func fingerprint(spki: [UInt8]) -> String {
        var b64 = Data(OpenSSL.sha256(spki)).base64EncodedString()
        while b64.hasSuffix("=") { b64.removeLast() }
        return "SHA256:" + b64
    }

    public var publicKey: PublicKey {
        // The SPKI of a key we hold always parses back.
        PublicKey(der: publicKeyDER)!
    }

    /// Signs `message` with the key's JWS algorithm; ES256 signatures come out as raw R||S.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { throw signingFailed() }
        defer { EVP_MD_CTX_free(ctx) }
        if let template, EVP_MD_CTX_copy_ex(ctx, template) == 1 {
            // Ready to sign.
        } else {
            let md = algorithm == .edDSA ? nil : EVP_sha256()
            guard EVP_DigestSignInit(ctx, nil, md, nil, pkey) == 1 else { throw signingFailed() }
        }
        var length = 0
        guard EVP_DigestSign(ctx, nil, &length, message, message.count) == 1 else { throw signingFailed() }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(ctx, &signature, &length, message, message.count) == 1 else { throw signingFailed() }
        signature.removeLast(signature.count - length)
        if algorithm == .es256 {
            guard let raw = OpenSSL.rawECDSA(fromDER: signature) else { throw signingFailed() }
            return raw
        }
        return signature
    }

    private func signingFailed() -> ProviderError {
        OpenSSL.clearErrors()
        return .credentials(file: "private key", reason: "libcrypto could not sign with this key")
    }

    /// A fresh key pair, for the demo simulator and tests.
    public static func generate(_ algorithm: KeyAlgorithm) -> PrivateKey? {
        OpenSSL.ready
        let ctx: OpaquePointer?
        switch algorithm {
        case .es256: ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil)
        case .rs256: ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil)
        case .edDSA: ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil)
        }
        guard let ctx else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { return nil }
        switch algorithm {
        case .es256: guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) == 1 else { return nil }
        case .rs256: guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) == 1 else { return nil }
        case .edDSA: break
        }
        var pkey: OpaquePointer?
        guard EVP_PKEY_keygen(ctx, &pkey) == 1, let pkey else { return nil }
        return PrivateKey(pkey: pkey, algorithm: algorithm)
    }

    /// PKCS#8 PEM of the private key: only for writing a demo credentials file.
    public func pkcs8PEM() -> String {
        let bytes = OpenSSL.writeBIO { bio in PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil) } ?? []
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A public key held by libcrypto: what the simulator (and the tests) verify tokens with.
public final class PublicKey: @unchecked Sendable {
    let pkey: OpaquePointer
    public let algorithm: KeyAlgorithm

    /// From DER SubjectPublicKeyInfo.
    public convenience init?(der: [UInt8]) {
        OpenSSL.ready
        let pkey = der.withUnsafeBufferPointer { buf -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_PUBKEY(nil, &p, buf.count)
        }
        guard let pkey else { OpenSSL.clearErrors(); return nil }
        self.init(pkey: pkey)
    }

    /// From a `BEGIN PUBLIC KEY` PEM.
    public convenience init?(pem: [UInt8]) {
        OpenSSL.ready
        let loaded = OpenSSL.withReadBIO(pem) { bio in PEM_read_bio_PUBKEY(bio, nil, refusePassphrase, nil) }
        OpenSSL.clearErrors()
        guard let loaded, let pkey = loaded else { return nil }
        self.init(pkey: pkey)
    }

    private init?(pkey: OpaquePointer) {
        guard case .success(let algorithm) = PrivateKey.classify(pkey) else { EVP_PKEY_free(pkey); return nil }
        self.pkey = pkey
        self.algorithm = algorithm
    }

    deinit { EVP_PKEY_free(pkey) }

    public var der: [UInt8] { PrivateKey.spki(of: pkey) }
    public var fingerprint: String { PrivateKey.fingerprint(spki: der) }

    public func pem() -> String {
        let bytes = OpenSSL.writeBIO { bio in PEM_write_bio_PUBKEY(bio, pkey) } ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    /// libcrypto's verify of a JWS signature (ES256 given as raw R||S).
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        var sig = signature
        if algorithm == .es256 {
            guard let der = OpenSSL.derECDSA(fromRaw: signature) else { return false }
            sig = der
        }
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx); OpenSSL.clearErrors() }
        let md = algorithm == .edDSA ? nil : EVP_sha256()
        guard EVP_DigestVerifyInit(ctx, nil, md, nil, pkey) == 1 else { return false }
        return EVP_DigestVerify(ctx, sig, sig.count, message, message.count) == 1
    }
}
