/// The JWS algorithm a key implies: EC P-256 -> ES256, RSA >= 2048 -> RS256, Ed25519 -> EdDSA.
public enum KeyAlgorithm: String, Sendable, CaseIterable, Codable {
    case es256 = "ES256"
    case rs256 = "RS256"
    case edDSA = "EdDSA"

    /// The key type as a person names it.
    public var keyDescription: String {
        switch self {
        case .es256: return "EC P-256"
        case .rs256: return "RSA"
        case .edDSA: return "Ed25519"
        }
    }
}
