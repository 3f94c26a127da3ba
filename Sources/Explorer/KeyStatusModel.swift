import Foundation
import Observation
import ProviderAPI

/// What identifies the key in use; never the key itself.
public struct KeyInfo: Sendable, Equatable {
    public var providerId: String
    public var keyId: String
    public var algorithm: String
    public var fingerprint: String
    public var createdAt: Date?
    public var permission: String
    public var source: String
    public init(providerId: String, keyId: String, algorithm: String, fingerprint: String, createdAt: Date?,
                permission: String, source: String) {
        self.providerId = providerId; self.keyId = keyId; self.algorithm = algorithm; self.fingerprint = fingerprint
        self.createdAt = createdAt; self.permission = permission; self.source = source
    }

    public init(_ c: Credentials) {
        self.init(providerId: c.providerId, keyId: c.keyId, algorithm: "\(c.key.algorithm.rawValue) (\(c.key.algorithm.keyDescription))",
                  fingerprint: c.fingerprint, createdAt: c.createdAt, permission: c.permissionVerdict, source: c.source)
    }
}

/// Where the data on screen comes from.
public enum DataOrigin: Sendable, Equatable {
    case api(host: String)
    case demo
    case cacheOnly
}

/// The key status pane: the key, its token's countdown, the last request's result,
/// and where the data comes from.
@MainActor @Observable
public final class KeyStatusModel {
    public private(set) var info: KeyInfo
    public let origin: DataOrigin
    public private(set) var tokenExpiry: Date?
    public private(set) var lastOutcome: RequestOutcome?
    /// When the newest cached data was fetched.
    public private(set) var cacheFetchedAt: Date?
    /// What the status line said of a key taken while a sync ran: said again if that
    /// sync fails on the old key (the new key is the news, not the failure).
    @ObservationIgnored public var takenDuringSync: String?

    public init(info: KeyInfo, origin: DataOrigin) {
        self.info = info
        self.origin = origin
    }

    /// When the token in hand expires (the front reads it about once a second).
    public func setTokenExpiry(_ expiry: Date?) {
        if tokenExpiry != expiry { tokenExpiry = expiry }
    }

    public func record(_ outcome: RequestOutcome) { lastOutcome = outcome }

    /// A new key picked up (from a credentials command, after the server rejected the
    /// old one): the pane shows it, and the old rejection no longer stands.
    public func replace(_ info: KeyInfo) {
        self.info = info
        lastOutcome = nil
    }
    public func setCacheFetchedAt(_ date: Date?) { cacheFetchedAt = date }

    /// Seconds until the token in hand expires; nil before the first request.
    public func tokenSecondsLeft(at now: Date) -> Int? { tokenExpiry.map { max(0, Int($0.timeIntervalSince(now))) } }

    /// "259 days ago", "just now".
    public func keyAge(at now: Date) -> String? { info.createdAt.map { Age.agoOrAhead(now.timeIntervalSince($0)) } }

    /// The rejection and what to do, when the last request was refused.
    public var rejection: String? {
        guard let error = lastOutcome?.error, case .keyRejected = error else { return nil }
        return error.description
    }

    /// Made once: the summary is read on every frame.
    private static let seconds: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss"
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }()

    /// "OK 200 at 10:42:07", or the error of the last request.
    public var lastRequestSummary: String {
        guard let o = lastOutcome else { return "no request yet" }
        let time = Self.seconds.string(from: o.time)
        if let error = o.error {
            switch error {
            case .keyRejected(let status, let detail): return "REJECTED \(status) \(detail) at \(time) UTC"
            // An answer about a report, not a failure: the key and the API worked.
            case .noReport(let period, _): return "OK 404 at \(time) UTC: no report for \(period) (before the API's history)"
            case .reportNotReady(let period, _): return "OK 404 at \(time) UTC: \(period) is not generated yet"
            default: return "FAILED at \(time) UTC: \(error)"
            }
        }
        return "OK \(o.status ?? 200) at \(time) UTC"
    }

    /// "api.nordpass.com", "DEMO simulator", "OFFLINE cache (fetched 3 h ago)".
    public func originSummary(at now: Date) -> String {
        switch origin {
        case .api(let host): return host
        case .demo: return "DEMO simulator"
        case .cacheOnly:
            return "OFFLINE cache" + (cacheFetchedAt.map { " (fetched \(Age.ago(now.timeIntervalSince($0))))" } ?? "")
        }
    }
}
