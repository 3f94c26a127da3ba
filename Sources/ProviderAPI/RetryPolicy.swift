import Foundation

/// When and how long to wait before trying a request again: 429 honours Retry-After
/// (capped), 5xx and timeouts back off exponentially with jitter; at most `maxAttempts`.
public struct RetryPolicy: Sendable {
    public var maxAttempts = 4
    /// The first backoff; each further one doubles.
    public var baseDelay: Double = 0.5
    /// Retry-After is honoured up to this many seconds.
    public var maxRetryAfter: Double = 60

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.5, maxRetryAfter: Double = 60) {
        self.maxAttempts = maxAttempts; self.baseDelay = baseDelay; self.maxRetryAfter = maxRetryAfter
    }

    /// The wait after failed attempt number `attempt` (1-based): base * 2^(attempt-1),
    /// scaled by a random factor in [0.5, 1] so that parallel clients spread out.
    public func backoff(afterAttempt attempt: Int) -> Double {
        baseDelay * pow(2, Double(attempt - 1)) * Double.random(in: 0.5...1.0)
    }

    /// The wait a 429 asks for: its Retry-After (seconds or an HTTP date), capped;
    /// the ordinary backoff when it gives none.
    public func delay(retryAfter header: String?, afterAttempt attempt: Int, now: Date = Date()) -> Double {
        guard let header = header?.trimmingCharacters(in: .whitespaces) else { return backoff(afterAttempt: attempt) }
        if let seconds = Double(header), seconds.isFinite, seconds >= 0 { return min(seconds, maxRetryAfter) }
        if let date = HTTPDate.parse(header) { return min(max(0, date.timeIntervalSince(now)), maxRetryAfter) }
        return backoff(afterAttempt: attempt)
    }
}
