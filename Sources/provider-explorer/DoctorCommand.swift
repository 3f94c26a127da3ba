import ArgumentParser
import ConnectWise
import Explorer
import Foundation
import ProviderAPI
import UsageStore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `provider-explorer doctor`: the first run against the real API, checked step by
/// step, each with what it found and what to do. Whatever differs from the contract
/// shows up here, named.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, the key, the connection, the clock and the API's answers, one line each.",
        discussion: """
        Checks, in order: config, credentials, base-url, clock, auth, organizations, \
        daily, monthly, cache, terminal, and with [connectwise] in config.toml also \
        connectwise (the API member's keys), psa-products (the two catalog items) and \
        psa-customers (the customers file's ids found as companies). Each is ok, warn or \
        fail (skip: --offline makes no request); exits 0 when none fails, else with the \
        exit code of the first failure.

        Examples:
          provider-explorer doctor --credentials credentials.json
          provider-explorer doctor --demo --format json
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "text or json.")
    var format: Format = .text

    @OptionGroup var global: GlobalOptions

    struct Check {
        enum Result: String { case ok, warn, fail, skip }
        let name: String
        let result: Result
        let detail: String
        var exitCode: Int32 = 0
    }

    final class Report {
        var checks: [Check] = []
        func ok(_ name: String, _ detail: String) { checks.append(Check(name: name, result: .ok, detail: detail)) }
        func warn(_ name: String, _ detail: String) { checks.append(Check(name: name, result: .warn, detail: detail)) }
        func skip(_ name: String, _ detail: String) { checks.append(Check(name: name, result: .skip, detail: detail)) }
        func fail(_ name: String, _ detail: String, _ code: Int32) { checks.append(Check(name: name, result: .fail, detail: detail, exitCode: code)) }
        var failed: Bool { checks.contains { $0.result == .fail } }
    }

    func run() async throws {
        let report = Report()
        await diagnose(report)
        await diagnoseConnectWise(report)
        switch format {
        case .text:
            let text = report.checks.map { c in
                c.result.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0) + c.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + Printable.line(c.detail, limit: 1_000)
            }.joined(separator: "\n") + "\n"
            try Output.emit(text, to: nil)
        case .json:
            let items = report.checks.map { c in
                "  {\"check\": \(JSONText.quote(c.name)), \"result\": \(JSONText.quote(c.result.rawValue)), \"detail\": \(JSONText.quote(c.detail))}"
            }
            try Output.emit("[\n" + items.joined(separator: ",\n") + "\n]\n", to: nil)
        }
        if let first = report.checks.first(where: { $0.result == .fail }) { throw ExitCode(first.exitCode) }
    }

    func diagnose(_ report: Report) async {
        // config
        let path = ConfigFile.defaultPath
        var config = ConfigFile()
        do {
            config = try ConfigFile.load(path)
            report.ok("config", FileManager.default.fileExists(atPath: path) ? "read \(path) (\(config.values.count) settings)" : "none (no \(path)); flags and the environment only")
        } catch {
            report.fail("config", "\(Failure(error).message); fix or remove that line", 64)
        }
        // credentials
        let settings: Settings
        do { settings = try Settings.resolve(global, config: config) } catch {
            report.fail("credentials", Failure(error).message, 64)
            return
        }
        var credentials: Credentials?
        let from = Self.credentialOrigin(global, config: config)
        if global.demo {
            report.ok("credentials", "--demo: the built-in simulator's own key")
        } else {
            do {
                let c = try settings.credentials.load()
                credentials = c
                let seconds = c.createdAt.map { Date().timeIntervalSince($0) }
                let age = seconds.map { Int($0 / 86_400) }
                let text = "\(from): \(c.source), \(c.key.algorithm.rawValue) (\(c.key.algorithm.keyDescription)), \(c.fingerprint), "
                    + "permissions \(c.permissionVerdict)" + (seconds.map { ", created \(Age.agoOrAhead($0))" } ?? "")
                if let seconds, Age.isAhead(seconds) {
                    report.warn("credentials", text + "; createdAt is in the future: check the credentials file's createdAt and this machine's clock")
                } else if let age, age > 365 {
                    report.warn("credentials", text + "; older than a year: rotate it (MSP Admin Panel > Integrations > Provider API)")
                } else {
                    report.ok("credentials", text)
                }
            } catch {
                let f = Failure(error)
                report.fail("credentials", f.message, f.exitCode)
            }
        }
        // base-url, clock, auth, the three listings: one session, as the commands make it.
        let session: Session
        do { session = try Session(options: global) } catch {
            if credentials != nil || global.demo {
                let f = Failure(error)
                report.fail("base-url", f.message, f.exitCode)
            }
            await cacheAndTerminal(report, settings: settings, providerId: nil)
            return
        }
        if global.offline {
            for name in ["base-url", "clock", "auth", "organizations", "daily", "monthly"] {
                report.skip(name, "skipped (offline): --offline makes no request")
            }
            await cacheAndTerminal(report, settings: settings, providerId: session.credentials.providerId, apiKey: session.apiKey)
            return
        }
        let base = session.client.baseURL
        let proxy = Self.proxy(for: base)
        let host = base.host ?? ""
        var probe: HTTPResponse?
        if !Self.resolves(host) {
            report.fail("base-url", "\(base.absoluteString): host \(host) not found (DNS); check --base-url and the network", 69)
        } else {
            do {
                probe = try await URLSessionTransport(timeout: settings.timeout, maxConnections: 1).get(base, headers: [:])
                let tls = base.scheme == "https" ? "TLS handshake and certificate ok" : "plain http (loopback only)"
                report.ok("base-url", "\(base.absoluteString): \(host) resolves, \(tls), \(proxy.map { "through the proxy \($0)" } ?? "no proxy")")
            } catch TransportError.untrustedCertificate(let why) {
                report.fail("base-url", ProviderError.untrustedCertificate(host: host, reason: why).description, 78)
            } catch TransportError.plainHTTP {
                report.fail("base-url", ProviderError.plainHTTP(base.absoluteString).description, 64)
            } catch {
                report.fail("base-url", "\(base.absoluteString): \(Failure(ProviderClient.providerError(Self.unavailable(error))).message)"
                            + (proxy.map { " (through the proxy \($0))" } ?? ""), 69)
            }
        }
        // clock
        if let probe, let text = probe.headers["date"], let server = HTTPDate.parse(text) {
            let offset = Int(server.timeIntervalSinceNow.rounded())
            let (result, detail) = Self.clockVerdict(offset: offset)
            switch result {
            case .fail: report.fail("clock", detail, 77)
            case .warn: report.warn("clock", detail)
            default: report.ok("clock", detail)
            }
        } else if probe != nil {
            report.warn("clock", "the server sent no Date header: the offset cannot be measured")
        }
        // auth
        let started = Date()
        var authorized = false
        do {
            _ = try await session.client.checkAccess()
            authorized = true
            report.ok("auth", "the key is accepted (HTTP 200, \(Int(Date().timeIntervalSince(started) * 1000)) ms)")
        } catch {
            let f = Failure(error)
            report.fail("auth", f.message, f.exitCode)
        }
        // the first page of each listing, against the contract
        if authorized {
            for (name, path, fields) in [("organizations", Endpoints.organizations, Organization.fieldNames),
                                         ("daily", Endpoints.dailyUsage, UsageRow.fieldNames),
                                         ("monthly", Endpoints.monthlyUsage, UsageRow.fieldNames)] {
                await checkListing(report, name: name, path: path, fields: fields, session: session)
            }
        }
        await cacheAndTerminal(report, settings: settings, providerId: session.credentials.providerId,
                               apiKey: session.apiKey)
    }

    /// One page of a listing, checked field by field.
    func checkListing(_ report: Report, name: String, path: String, fields: [String], session: Session) async {
        var url = URLComponents(url: session.client.baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        url.queryItems = [URLQueryItem(name: Endpoints.Query.limit, value: "10")]
        do {
            let token = try session.client.minter.token()
            let response = try await URLSessionTransport(timeout: global.timeout, maxConnections: 1)
                .get(url.url!, headers: ["Authorization": "Bearer " + token.compact, "Accept": "application/json"])
            guard response.status == 200 else {
                report.fail(name, "HTTP \(response.status) at \(path): \(ProviderClient.problem(in: response))", response.status == 404 ? 1 : 65)
                return
            }
            guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                  let rows = object["data"] as? [[String: Any]] else {
                report.fail(name, "the answer at \(path) is not a page ({\"data\": [...], \"nextCursor\"}); attach --trace-http output to a report", 65)
                return
            }
            let required = Set(fields).subtracting(["trialEndsAt"])
            let missing = Set(rows.flatMap { row in required.filter { row[$0] == nil } }).sorted()
            let unknown = Set(rows.flatMap { $0.keys }).subtracting(fields).sorted()
            var unknownValues: [String] = []
            for row in rows {
                if let t = row["tier"] as? String, !Tier(rawValue: t).isKnown { unknownValues.append("tier \(t)") }
                if let l = row["licenseType"] as? String, !LicenseType(rawValue: l).isKnown { unknownValues.append("licenseType \(l)") }
                if let s = row["status"] as? String, !OrganizationStatus(rawValue: s).isKnown { unknownValues.append("status \(s)") }
            }
            let values = Array(Set(unknownValues)).sorted()
            let cursor = object.keys.contains("nextCursor") ? ((object["nextCursor"] as? String) == nil ? "last page (nextCursor null)" : "nextCursor present")
                : "no nextCursor key"
            let limits = response.headers.filter { $0.key.contains("ratelimit") || $0.key == "retry-after" }.sorted { $0.key < $1.key }
                .map { "\($0.key): \($0.value)" }
            var found = "\(rows.count) rows, \(cursor)" + (limits.isEmpty ? ", no rate-limit headers" : ", " + limits.joined(separator: ", "))
            if let period = object["period"] as? [String: Any] { found = "\(period["date"] ?? period["month"] ?? "?"): " + found }
            if !missing.isEmpty {
                report.fail(name, found + "; missing required fields: \(missing.joined(separator: ", ")); attach --trace-http output to a report", 65)
            } else if !unknown.isEmpty || !values.isEmpty {
                let parts = (unknown.isEmpty ? [] : ["unknown fields: \(unknown.joined(separator: ", "))"])
                    + (values.isEmpty ? [] : ["unknown values: \(values.joined(separator: ", "))"])
                report.warn(name, found + "; " + parts.joined(separator: "; ") + " (kept and shown as they are)")
            } else {
                report.ok(name, found + "; every field as the contract says")
            }
        } catch {
            let f = Failure(error)
            report.fail(name, f.message, f.exitCode)
        }
    }

    func cacheAndTerminal(_ report: Report, settings: Settings, providerId: String?, apiKey: String = "") async {
        // cache
        let dir = settings.cacheDir
        var info = stat()
        if stat(dir, &info) != 0 {
            // What the first sync will do: make the folder (and its parents).
            if let why = Self.tryCreating(dir) {
                report.fail("cache", "\(dir) cannot be created: \(why); choose another --cache-dir or fix the folder's permissions", 74)
            } else {
                report.ok("cache", "\(dir) does not exist yet; the first sync creates it (0700)")
            }
        } else if info.st_mode & S_IFMT != S_IFDIR {
            report.fail("cache", "\(dir) is not a folder; choose another --cache-dir", 74)
        } else if access(dir, W_OK | X_OK) != 0 {
            report.fail("cache", "\(dir) is not writable (\(SystemError.describe(errno))): the sync could not write the cache; chmod u+w it or choose another --cache-dir", 74)
        } else if let providerId {
            let file = dir + "/" + UsageStore.fileName(providerId: providerId, baseURL: apiKey)
            let mode = String(info.st_mode & 0o777, radix: 8)
            let exists = FileManager.default.fileExists(atPath: file)
            var detail = "\(dir) (0\(mode))"
            if exists, let store = try? UsageStore.open(path: file) {
                detail += ", \(file.split(separator: "/").last ?? ""): \(String(format: "%.1f", Double(store.bytesOnDisk) / 1_048_576)) MB, schema \(store.schemaVersion), "
                    + "\(((try? store.cachedPeriods(.daily)) ?? []).count) days and \(((try? store.cachedPeriods(.monthly)) ?? []).count) months cached"
            } else {
                detail += ", no cache for this provider and host yet"
            }
            if info.st_mode & 0o077 != 0 { report.warn("cache", detail + "; others can read it: chmod 700 \(dir)") } else { report.ok("cache", detail) }
        } else {
            report.ok("cache", "\(dir)")
        }
        // terminal
        let env = ProcessInfo.processInfo.environment
        let term = env["TERM"] ?? ""
        let locale = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LANG"] ?? ""
        let utf8 = locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8")
        var size = winsize()
        let hasSize = isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0
        let colours = term.isEmpty || term == "dumb" ? "no colours" : env["NO_COLOR"] != nil ? "NO_COLOR set (bold, underline and reverse only)" : "colours on"
        let detail = "TERM=\(term.isEmpty ? "(unset)" : term), \(colours), locale \(locale.isEmpty ? "(unset)" : locale)"
            + (hasSize ? ", \(size.ws_col)x\(size.ws_row)" : ", not a terminal")
        if term.isEmpty || term == "dumb" {
            report.warn("terminal", detail + "; the explorer needs a real terminal (TERM=xterm-256color); export, bill and changes work anywhere")
        } else if !utf8 {
            report.warn("terminal", detail + "; names in other scripts need a UTF-8 locale (LANG=C.UTF-8)")
        } else if hasSize, size.ws_col < 60 || size.ws_row < 15 {
            report.warn("terminal", detail + "; the explorer needs at least 60x15")
        } else {
            report.ok("terminal", detail)
        }
    }

    /// The clock check for the server's clock `offset` seconds ahead of this machine's.
    /// Uncorrected, a token is signed `clockSkew` back and lives `lifetime`: a server
    /// ahead by more than what is left of it sees it expired, and one behind by more
    /// than its allowance for the future sees it issued in the future (fail). Past 30 s
    /// the client's correction is at work: warn.
    static func clockVerdict(offset: Int) -> (Check.Result, String) {
        let expiresAhead = Int(Endpoints.Token.lifetime - Endpoints.Token.clockSkew)
        let futureBehind = Int(Endpoints.Token.maxFutureIssuedAt + Endpoints.Token.clockSkew)
        if offset >= expiresAhead || offset <= -futureBehind {
            return (.fail, "this machine's clock is \(offset) s off the server's: tokens would be refused without the client's correction "
                    + "(it signs on the server's time); set the clock right (NTP: timedatectl set-ntp true)")
        }
        if abs(offset) > 30 {
            return (.warn, "this machine's clock is \(offset) s off the server's; the client corrects for it, but set the clock right (NTP)")
        }
        return (.ok, "\(offset) s from the server's clock")
    }

    /// Makes `dir` and the parents it lacks, as the sync would, then removes what it
    /// made; the reason it could not, or nil.
    static func tryCreating(_ dir: String) -> String? {
        var missing: [String] = []
        var path = dir
        var info = stat()
        while !path.isEmpty, path != "/", stat(path, &info) != 0 {
            missing.append(path)
            path = (path as NSString).deletingLastPathComponent
        }
        var made: [String] = []
        defer { for p in made.reversed() { rmdir(p) } }
        for p in missing.reversed() {
            guard mkdir(p, 0o700) == 0 else { return "\(p): \(SystemError.describe(errno))" }
            made.append(p)
        }
        return nil
    }

    /// Where the credentials were given: a flag, the environment or the config file.
    static func credentialOrigin(_ o: GlobalOptions, config: ConfigFile) -> String {
        if o.credentials != nil || o.key != nil || o.credentialsCommand != nil { return "flag" }
        let env = ProcessInfo.processInfo.environment
        if !(env["NORDPASS_PROVIDER_CREDENTIALS"] ?? "").isEmpty || !(env["NORDPASS_PROVIDER_CREDENTIALS_COMMAND"] ?? "").isEmpty { return "environment" }
        return "config file"
    }

    /// The proxy libcurl will use for `url`, from the environment, if any.
    static func proxy(for url: URL) -> String? {
        let env = ProcessInfo.processInfo.environment
        let host = url.host ?? ""
        let noProxy = (env["no_proxy"] ?? env["NO_PROXY"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if noProxy.contains(where: { $0 == "*" || (!$0.isEmpty && (host == $0 || host.hasSuffix($0.hasPrefix(".") ? $0 : "." + $0))) }) { return nil }
        let value = url.scheme == "https" ? (env["https_proxy"] ?? env["HTTPS_PROXY"]) : env["http_proxy"]
        return value.flatMap { $0.isEmpty ? nil : Printable.line($0, limit: 120) }
    }

    static func resolves(_ host: String) -> Bool {
        var result: UnsafeMutablePointer<addrinfo>?
        defer { if let result { freeaddrinfo(result) } }
        return getaddrinfo(host, nil, nil, &result) == 0
    }

    /// A transport failure as the client would name it after its tries.
    static func unavailable(_ error: Error) -> Error {
        switch error {
        case TransportError.timedOut: return ProviderError.unavailable(detail: "the request timed out", attempts: 1)
        case TransportError.connectionFailed(let why): return ProviderError.unavailable(detail: why, attempts: 1)
        default: return error
        }
    }
}
