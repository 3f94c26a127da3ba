import Foundation
import ProviderAPI

/// Who we are to ConnectWise: the site, the company id typed at login, an API member's
/// public and private keys, and the developer client id. Only the `Authorization`
/// header is kept of the private key; `description` never shows it.
public struct ConnectWiseAccount: Sendable, CustomStringConvertible {
    public let site: URL
    public let company: String
    public let publicKey: String
    public let clientId: String
    /// `Basic base64(company+publicKey:privateKey)`.
    let authorization: String

    /// `site` is checked as the Provider API's base URL is: https, or http to loopback
    /// only; anything else is refused in one line that names ConnectWise.
    public init(site: String, company: String, publicKey: String, privateKey: String, clientId: String) throws {
        self.site = try Self.validate(site)
        for (name, value) in [("company", company), ("public_key", publicKey), ("client_id", clientId)] where value.isEmpty {
            throw ConnectWiseError.configuration("[connectwise] \(name) is empty")
        }
        guard !privateKey.isEmpty else { throw ConnectWiseError.configuration("the ConnectWise private key is empty") }
        self.company = company
        self.publicKey = publicKey
        self.clientId = clientId
        authorization = "Basic " + Data("\(company)+\(publicKey):\(privateKey)".utf8).base64EncodedString()
    }

    public static func validate(_ site: String) throws -> URL {
        do {
            return try BaseURL.validate(site, secret: "the API member's keys", example: "https://api-na.myconnectwise.net")
        } catch let ProviderError.invalidBaseURL(_, reason) {
            throw ConnectWiseError.configuration("[connectwise] site \(Printable.line(site, limit: 80)): \(reason)")
        }
    }

    /// The REST root: `{site}/v4_6_release/apis/3.0`.
    public var root: URL { site.appendingPathComponent(ConnectWiseContract.apiPath) }

    public var description: String { "ConnectWise \(site.absoluteString) (company \(Printable.line(company, limit: 40)))" }
}
