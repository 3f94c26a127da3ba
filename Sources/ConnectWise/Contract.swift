import Foundation

/// The parts of ConnectWise PSA's REST API v3.0 a usage sync touches, as
/// docs/connectwise.md reads them: where a difference from the real API is fixed.
public enum ConnectWiseContract {
    /// The REST root below the site (`v4_6_release` is the stable codebase alias).
    public static let apiPath = "v4_6_release/apis/3.0"
    /// Lists answer at most this many objects a page.
    public static let maxPageSize = 1000

    public static let companies = "company/companies"
    public static let agreements = "finance/agreements"
    public static let catalog = "procurement/catalog"
    public static func additions(of agreement: Int) -> String { "finance/agreements/\(agreement)/additions" }
    public static func addition(_ id: Int, of agreement: Int) -> String { "finance/agreements/\(agreement)/additions/\(id)" }

    /// The agreement status that bills.
    public static let active = "Active"
    /// What a created addition bills as.
    public static let billable = "Billable"

    /// A string for a `conditions=` expression: double-quoted, with `"` and `\` escaped.
    public static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// `{id, identifier, name}`: how ConnectWise objects point at each other.
public struct CWReference: Codable, Sendable, Equatable {
    public var id: Int?
    public var identifier: String?
    public var name: String?
    public init(id: Int? = nil, identifier: String? = nil, name: String? = nil) {
        self.id = id; self.identifier = identifier; self.name = name
    }
}

/// `company/companies`: `identifier` is what an MSP types as the customer id.
public struct CWCompany: Codable, Sendable, Equatable {
    public var id: Int
    public var identifier: String
    public var name: String?
    public var deletedFlag: Bool?
    public init(id: Int, identifier: String, name: String? = nil, deletedFlag: Bool? = nil) {
        self.id = id; self.identifier = identifier; self.name = name; self.deletedFlag = deletedFlag
    }
}

/// `finance/agreements`.
public struct CWAgreement: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String?
    public var type: CWReference?
    public var company: CWReference?
    public var agreementStatus: String?
    public var cancelledFlag: Bool?
    public init(id: Int, name: String? = nil, type: CWReference? = nil, company: CWReference? = nil,
                agreementStatus: String? = nil, cancelledFlag: Bool? = nil) {
        self.id = id; self.name = name; self.type = type; self.company = company
        self.agreementStatus = agreementStatus; self.cancelledFlag = cancelledFlag
    }

    /// Active and not cancelled: an agreement that bills.
    public var isLive: Bool { agreementStatus == ConnectWiseContract.active && cancelledFlag != true }
}

/// `finance/agreements/{id}/additions`: a product billed on an agreement.
public struct CWAddition: Codable, Sendable, Equatable {
    public var id: Int
    public var product: CWReference?
    public var quantity: Decimal?
    public var billCustomer: String?
    public var effectiveDate: String?
    public var cancelledDate: String?
    public var agreementId: Int?
    public var invoiceDescription: String?
    public init(id: Int, product: CWReference?, quantity: Decimal?, billCustomer: String? = nil, effectiveDate: String? = nil,
                cancelledDate: String? = nil, agreementId: Int? = nil, invoiceDescription: String? = nil) {
        self.id = id; self.product = product; self.quantity = quantity; self.billCustomer = billCustomer
        self.effectiveDate = effectiveDate; self.cancelledDate = cancelledDate; self.agreementId = agreementId
        self.invoiceDescription = invoiceDescription
    }

    /// Still billing: no cancelled date.
    public var isLive: Bool { (cancelledDate ?? "").isEmpty }

    /// Whether it bills `product` (a catalog identifier; ConnectWise compares them without case).
    public func bills(_ product: String) -> Bool {
        product.caseInsensitiveCompare(self.product?.identifier ?? "") == .orderedSame
    }
}

/// `procurement/catalog`: a product an addition can name.
public struct CWCatalogItem: Codable, Sendable, Equatable {
    public var id: Int
    public var identifier: String
    public var description: String?
    public var inactiveFlag: Bool?
    public init(id: Int, identifier: String, description: String? = nil, inactiveFlag: Bool? = nil) {
        self.id = id; self.identifier = identifier; self.description = description; self.inactiveFlag = inactiveFlag
    }
}

/// ConnectWise's error body: `{"code", "message", "errors": [{"code", "field", "message"}]}`.
public struct CWErrorBody: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var code: String?
        public var field: String?
        public var message: String?
        public init(code: String? = nil, field: String? = nil, message: String? = nil) { self.code = code; self.field = field; self.message = message }
    }
    public var code: String?
    public var message: String?
    public var errors: [Item]?
    public init(code: String? = nil, message: String? = nil, errors: [Item]? = nil) { self.code = code; self.message = message; self.errors = errors }
}

/// One JSON Patch operation: `{"op": "replace", "path": "quantity", "value": 42}`.
public struct CWPatch: Codable, Sendable, Equatable {
    public var op: String
    public var path: String
    public var value: Decimal
    public init(op: String = "replace", path: String, value: Decimal) { self.op = op; self.path = path; self.value = value }
}

/// A new addition, as POSTed.
public struct CWNewAddition: Codable, Sendable, Equatable {
    public var product: CWReference
    public var quantity: Decimal
    public var billCustomer: String
    public var effectiveDate: String?
    public var invoiceDescription: String?
    public init(product: CWReference, quantity: Decimal, billCustomer: String = ConnectWiseContract.billable,
                effectiveDate: String?, invoiceDescription: String?) {
        self.product = product; self.quantity = quantity; self.billCustomer = billCustomer
        self.effectiveDate = effectiveDate; self.invoiceDescription = invoiceDescription
    }
}
