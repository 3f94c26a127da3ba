import Foundation

/// An enum of the wire format that keeps values it does not know: a new tier or
/// status from the server is shown as it is, never a decoding failure or a dropped row.
public protocol OpenEnum: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
    static var known: [Self] { get }
}

extension OpenEnum {
    public init(from decoder: Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }
    public var isKnown: Bool { Self.known.contains(self) }
}

/// The plan an organization is on: NordPass Business or NordPass Enterprise.
public struct Tier: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let business = Tier(rawValue: "business")
    public static let enterprise = Tier(rawValue: "enterprise")
    public static let known: [Tier] = [.business, .enterprise]
    /// Billing order: an organization that changed plan is billed at the higher one.
    public var rank: Int { self == .enterprise ? 2 : self == .business ? 1 : 0 }
}

/// standard (billed), trial (14 days, then billing starts) or nfr (Not For Resale, free).
public struct LicenseType: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let standard = LicenseType(rawValue: "standard")
    public static let trial = LicenseType(rawValue: "trial")
    public static let nfr = LicenseType(rawValue: "nfr")
    public static let known: [LicenseType] = [.standard, .trial, .nfr]
}

/// active or suspended (billed like active).
public struct OrganizationStatus: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let active = OrganizationStatus(rawValue: "active")
    public static let suspended = OrganizationStatus(rawValue: "suspended")
    public static let known: [OrganizationStatus] = [.active, .suspended]
}

/// One managed organization, as `GET /provider/v1/organizations` lists it.
public struct Organization: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var status: OrganizationStatus
    public var tier: Tier
    public var licenseType: LicenseType
    public var trialEndsAt: String?
    public var createdAt: String
    /// Fields the contract does not name, kept as they came.
    public var extra: [String: JSONValue] = [:]

    public init(id: String, name: String, status: OrganizationStatus, tier: Tier,
                licenseType: LicenseType, trialEndsAt: String?, createdAt: String,
                extra: [String: JSONValue] = [:]) {
        self.id = id; self.name = name; self.status = status; self.tier = tier
        self.licenseType = licenseType; self.trialEndsAt = trialEndsAt
        self.createdAt = createdAt; self.extra = extra
    }

    public static let fieldNames = ["id", "name", "status", "tier", "licenseType", "trialEndsAt", "createdAt"]
    static let knownFields = Set(fieldNames)

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        id = try c.decode(String.self, forKey: AnyKey("id"))
        name = try c.decode(String.self, forKey: AnyKey("name"))
        status = try c.decode(OrganizationStatus.self, forKey: AnyKey("status"))
        tier = try c.decode(Tier.self, forKey: AnyKey("tier"))
        licenseType = try c.decode(LicenseType.self, forKey: AnyKey("licenseType"))
        trialEndsAt = try c.decodeIfPresent(String.self, forKey: AnyKey("trialEndsAt"))
        createdAt = try c.decode(String.self, forKey: AnyKey("createdAt"))
        // Only when there are more keys than the known ones present is there anything to keep.
        let known = Self.fieldNames.count - (c.contains(AnyKey("trialEndsAt")) ? 0 : 1)
        extra = c.allKeys.count > known ? try c.unknownFields(known: Self.knownFields) : [:]
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(id, forKey: AnyKey("id"))
        try c.encode(name, forKey: AnyKey("name"))
        try c.encode(status, forKey: AnyKey("status"))
        try c.encode(tier, forKey: AnyKey("tier"))
        try c.encode(licenseType, forKey: AnyKey("licenseType"))
        try c.encode(trialEndsAt, forKey: AnyKey("trialEndsAt"))
        try c.encode(createdAt, forKey: AnyKey("createdAt"))
        for (k, v) in extra { try c.encode(v, forKey: AnyKey(k)) }
    }
}

/// One organization's row of a daily or monthly usage report.
public struct UsageRow: Codable, Hashable, Sendable {
    public var organizationId: String
    public var organizationName: String
    public var tier: Tier
    public var licenseType: LicenseType
    public var trial: Bool
    public var nfr: Bool
    public var activeSeats: Int
    public var pendingSeats: Int
    /// Billed seats: active + pending.
    public var consumedLicenses: Int
    public var extra: [String: JSONValue] = [:]

    public init(organizationId: String, organizationName: String, tier: Tier, licenseType: LicenseType,
                trial: Bool, nfr: Bool, activeSeats: Int, pendingSeats: Int, consumedLicenses: Int,
                extra: [String: JSONValue] = [:]) {
        self.organizationId = organizationId; self.organizationName = organizationName
        self.tier = tier; self.licenseType = licenseType; self.trial = trial; self.nfr = nfr
        self.activeSeats = activeSeats; self.pendingSeats = pendingSeats
        self.consumedLicenses = consumedLicenses; self.extra = extra
    }

    public static let fieldNames = ["organizationId", "organizationName", "tier", "licenseType",
                                    "trial", "nfr", "activeSeats", "pendingSeats", "consumedLicenses"]
    static let knownFields = Set(fieldNames)

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        organizationId = try c.decode(String.self, forKey: AnyKey("organizationId"))
        organizationName = try c.decode(String.self, forKey: AnyKey("organizationName"))
        tier = try c.decode(Tier.self, forKey: AnyKey("tier"))
        licenseType = try c.decode(LicenseType.self, forKey: AnyKey("licenseType"))
        trial = try c.decode(Bool.self, forKey: AnyKey("trial"))
        nfr = try c.decode(Bool.self, forKey: AnyKey("nfr"))
        activeSeats = try c.decode(Int.self, forKey: AnyKey("activeSeats"))
        pendingSeats = try c.decode(Int.self, forKey: AnyKey("pendingSeats"))
        consumedLicenses = try c.decode(Int.self, forKey: AnyKey("consumedLicenses"))
        // Every known field is required, so more keys than those means unknown ones.
        extra = c.allKeys.count > Self.fieldNames.count ? try c.unknownFields(known: Self.knownFields) : [:]
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(organizationId, forKey: AnyKey("organizationId"))
        try c.encode(organizationName, forKey: AnyKey("organizationName"))
        try c.encode(tier, forKey: AnyKey("tier"))
        try c.encode(licenseType, forKey: AnyKey("licenseType"))
        try c.encode(trial, forKey: AnyKey("trial"))
        try c.encode(nfr, forKey: AnyKey("nfr"))
        try c.encode(activeSeats, forKey: AnyKey("activeSeats"))
        try c.encode(pendingSeats, forKey: AnyKey("pendingSeats"))
        try c.encode(consumedLicenses, forKey: AnyKey("consumedLicenses"))
        for (k, v) in extra { try c.encode(v, forKey: AnyKey(k)) }
    }
}

/// The period a usage report covers.
public enum ReportPeriod: Hashable, Sendable, CustomStringConvertible, Codable {
    case daily(Day)
    case monthly(Month)

    public var description: String {
        switch self {
        case .daily(let d): return d.description
        case .monthly(let m): return m.description
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let type = try c.decode(String.self, forKey: AnyKey("type"))
        switch type {
        case "daily": self = .daily(try c.decode(Day.self, forKey: AnyKey("date")))
        case "monthly": self = .monthly(try c.decode(Month.self, forKey: AnyKey("month")))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "unknown period type \(type)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        switch self {
        case .daily(let d):
            try c.encode("daily", forKey: AnyKey("type")); try c.encode(d, forKey: AnyKey("date"))
        case .monthly(let m):
            try c.encode("monthly", forKey: AnyKey("type")); try c.encode(m, forKey: AnyKey("month"))
        }
    }
}

/// One page of a listing: `data` plus the opaque cursor of the next page (nil on the last).
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    public var data: [Item]
    public var nextCursor: String?
    public init(data: [Item], nextCursor: String?) { self.data = data; self.nextCursor = nextCursor }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        data = try c.decode([Item].self, forKey: AnyKey("data"))
        nextCursor = try c.decodeIfPresent(String.self, forKey: AnyKey("nextCursor"))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(data, forKey: AnyKey("data"))
        try c.encode(nextCursor, forKey: AnyKey("nextCursor"))
    }
}

/// One page of a usage report: its period and generation time, rows and cursor.
public struct UsagePage: Codable, Sendable {
    public var period: ReportPeriod
    public var generatedAt: String
    public var data: [UsageRow]
    public var nextCursor: String?

    public init(period: ReportPeriod, generatedAt: String, data: [UsageRow], nextCursor: String?) {
        self.period = period; self.generatedAt = generatedAt; self.data = data; self.nextCursor = nextCursor
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(period, forKey: AnyKey("period"))
        try c.encode(generatedAt, forKey: AnyKey("generatedAt"))
        try c.encode(data, forKey: AnyKey("data"))
        try c.encode(nextCursor, forKey: AnyKey("nextCursor"))
    }
}

/// A whole usage report: every page of one day or month, joined.
public struct UsageReport: Sendable, Hashable {
    public var period: ReportPeriod
    public var generatedAt: String
    public var rows: [UsageRow]
    public init(period: ReportPeriod, generatedAt: String, rows: [UsageRow]) {
        self.period = period; self.generatedAt = generatedAt; self.rows = rows
    }
}

/// The problem JSON of an error answer (RFC 9457).
public struct Problem: Codable, Sendable, Hashable {
    public var type: String?
    public var title: String?
    public var status: Int?
    public var detail: String?
    public init(type: String?, title: String?, status: Int?, detail: String?) {
        self.type = type; self.title = title; self.status = status; self.detail = detail
    }
}
