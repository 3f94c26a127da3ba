import CLibcrypto
import Foundation

/// Small helpers over libcrypto: memory BIOs, digests, error text. Only this target
/// imports libcrypto (architecture.md).
public enum OpenSSL {
    /// libcrypto set up without its exit-time cleanup: threads still signing or
    /// verifying as the process exits (the simulator's, in tests) would otherwise use
    /// freed locks (seen under ThreadSanitizer). The OS frees everything at exit anyway.
    static let ready: Void = {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
    }()

    /// Sets libcrypto up before anything else does: only the first set-up decides
    /// whether a cleanup runs at exit, and libcurl (under URLSession) sets it up, with
    /// the cleanup, when the first session is made. A `sync` that made its session
    /// before its first token crashed at exit in libcrypto (once, under load).
    public static func prepare() { ready }

    /// Runs `body` with a read-only memory BIO over `bytes`.
    static func withReadBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) rethrows -> T? {
        try bytes.withUnsafeBytes { raw -> T? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `body` with a writable memory BIO and returns what it wrote.
    static func writeBIO(_ body: (OpaquePointer) -> Int32) -> [UInt8]? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { return nil }
        let pending = Int(BIO_ctrl_pending(bio))
        var out = [UInt8](repeating: 0, count: pending)
        let read = out.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
        guard read == pending else { return nil }
        return out
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var md = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        _ = bytes.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &md, &len, EVP_sha256(), nil)
        }
        return md
    }

    /// Drops libcrypto's queued errors so that a later call does not report a stale one.
    static func clearErrors() { ERR_clear_error() }

    /// Overwrites a buffer that held key material, where the language lets us.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { OPENSSL_cleanse(base, raw.count) }
        }
    }

    /// DER (SEQUENCE of two INTEGERs) ECDSA signature -> 64-byte raw R||S of RFC 7518.
    static func rawECDSA(fromDER der: [UInt8]) -> [UInt8]? {
        der.withUnsafeBufferPointer { buf -> [UInt8]? in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            guard let sig = d2i_ECDSA_SIG(nil, &p, buf.count) else { return nil }
            defer { ECDSA_SIG_free(sig) }
            var out = [UInt8](repeating: 0, count: 64)
            guard BN_bn2binpad(ECDSA_SIG_get0_r(sig), &out, 32) == 32,
                  out.withUnsafeMutableBufferPointer({ BN_bn2binpad(ECDSA_SIG_get0_s(sig), $0.baseAddress! + 32, 32) }) == 32
            else { return nil }
            return out
        }
    }

    /// 64-byte raw R||S -> DER, for libcrypto's verify.
    static func derECDSA(fromRaw raw: [UInt8]) -> [UInt8]? {
        guard raw.count == 64, let sig = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(sig) }
        let r = BN_bin2bn(raw, 32, nil)
        let s = Array(raw[32...]).withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, 32, nil) }
        guard let r, let s, ECDSA_SIG_set0(sig, r, s) == 1 else { return nil }
        let len = i2d_ECDSA_SIG(sig, nil)
        guard len > 0 else { return nil }
        var out = [UInt8](repeating: 0, count: Int(len))
        out.withUnsafeMutableBufferPointer { buf in
            var p: UnsafeMutablePointer<UInt8>? = buf.baseAddress
            _ = i2d_ECDSA_SIG(sig, &p)
        }
        return out
    }
}

/// A callback for PEM reads that refuses to ask for a passphrase, so that an encrypted
/// key never makes libcrypto prompt on the terminal.
let refusePassphrase: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in -1 }
