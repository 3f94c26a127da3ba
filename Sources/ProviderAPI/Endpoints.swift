/// Every path, query name, claim and constant of the Provider API contract lives here,
/// next to `openapi.yaml` at the repository root, so that an MSP holding the real
/// integration guide can adjust the wire format in one place.
public enum Endpoints {
    public static let defaultBaseURL = "https://api.nordpass.com"

    public static let organizations = "/provider/v1/organizations"
    public static let dailyUsage = "/provider/v1/usage/daily"
    public static let monthlyUsage = "/provider/v1/usage/monthly"

    /// Query parameter names.
    public enum Query {
        public static let limit = "limit"
        public static let cursor = "cursor"
        public static let date = "date"
        public static let month = "month"
    }

    /// The page size bounds of every listing endpoint.
    public static let minPageSize = 1
    public static let maxPageSize = 1000
    public static let defaultPageSize = 200

    /// The problem `type` suffix of a report that is not generated yet.
    public static let reportNotReadySuffix = "/report-not-ready"
    public static let problemContentType = "application/problem+json"

    /// The token the API expects: header fields, claims and lifetimes.
    public enum Token {
        public static let audience = "nordpass-provider-api"
        public static let type = "JWT"
        /// `iat` is back-dated by this much to absorb clock skew.
        public static let clockSkew: Double = 30
        /// `exp - iat`.
        public static let lifetime: Double = 300
        /// A token is re-minted when fewer than this many seconds of it remain.
        public static let renewMargin: Double = 30
        /// The server refuses tokens that live longer than this.
        public static let maxLifetime: Double = 600
        /// The server refuses tokens issued further than this in the future.
        public static let maxFutureIssuedAt: Double = 60
    }

    /// The report schedule: day D is generated on D+1 at 00:00:02 UTC,
    /// month M on the first of M+1 at 00:01:02 UTC.
    public enum Schedule {
        public static let dailyReadySecondsAfterMidnight = 2
        public static let monthlyReadySecondsAfterMidnight = 62
    }
}
