import Foundation
import Testing
import Explorer
import ProviderAPI
@testable import provider_explorer

/// The config file's TOML subset, read directly: what it takes, and the line and the
/// reason of what it refuses.
struct ConfigFileTests {
    func parse(_ text: String, topLevel: Bool = true) throws -> ConfigFile {
        try ConfigFile.parse(text, path: "config.toml", topLevel: topLevel)
    }

    func refusal(_ text: String, topLevel: Bool = true) -> String? {
        do { _ = try parse(text, topLevel: topLevel); return nil } catch { return "\(error)" }
    }

    @Test func valuesCommentsAndTheOneTable() throws {
        let c = try parse("""
            # a comment
            base_url = "https://api.example.com"   # after a value
            credentials = '/home/a/key "quoted".json'
            log_level = "debug"
            credentials_command_timeout = 15

            [prices]
            currency = "EUR"
            business = 3.99
            enterprise = 6
            """)
        #expect(c.values["base_url"] == "https://api.example.com")
        #expect(c.values["credentials"] == "/home/a/key \"quoted\".json", "a literal string keeps its quotes")
        #expect(c.values["credentials_command_timeout"] == "15")
        #expect(c.values["prices.business"] == "3.99" && c.values["prices.enterprise"] == "6")
        #expect(c.lines["prices.currency"] == 8)
        let prices = try c.priceList()
        let business = try UnitPrice.parse("3.99")
        #expect(prices.currency == "EUR" && prices.prices[.business] == business)
    }

    @Test func escapesInBasicStrings() throws {
        #expect(try parse(#"key = "a\tb\\c\"d\ne""#).values["key"] == "a\tb\\c\"d\ne")
        #expect(refusal(#"key = "a\qb""#) == #"config.toml:1: unsupported escape \q"#)
    }

    @Test func refusalsNameTheLineAndWhy() {
        #expect(refusal("log_level = \"info\"\nnope = 1") == "config.toml:2: unknown key nope; known: base_url, cache_dir, credentials, credentials_command, credentials_command_timeout, customers, key, key_id, log_level, provider_id")
        #expect(refusal("[servers]") == "config.toml:1: unknown table [servers]; the tables are [prices] and [connectwise]")
        #expect(refusal("[prices]\nsilver = 1.0") == "config.toml:2: unknown key silver in [prices]; known: business, currency, enterprise, rounding")
        #expect(refusal("key \"x\"") == "config.toml:1: expected key = value")
        #expect(refusal("key = \"open") == "config.toml:1: unterminated string")
        #expect(refusal("key = 'open") == "config.toml:1: unterminated string")
        #expect(refusal("key = \"x\" trailing") == "config.toml:1: unexpected text after the value")
        #expect(refusal("key = yes") == "config.toml:1: expected a quoted string, a number or true/false")
        #expect(refusal("key = [1, 2]") == "config.toml:1: expected a quoted string, a number or true/false")
        #expect(refusal("log_level = \"info\"", topLevel: false) == "config.toml:1: unknown key log_level; known: only a [prices] table")
    }

    @Test func pricesNeedACurrencyAndSanePrices() throws {
        #expect(throws: ConfigFile.ParseError.self) { try parse("[prices]\nbusiness = 3.99").priceList() }
        let noCurrency = #"config.toml:2: prices need a currency: add currency = "EUR" (or yours) to [prices]"#
        #expect((try? parse("[prices]\nbusiness = 3.99").priceList()) == nil)
        do { _ = try parse("[prices]\nbusiness = 3.99").priceList() } catch { #expect("\(error)" == noCurrency) }
        do { _ = try parse("[prices]\ncurrency = \"euro\"").priceList(); Issue.record("a bad currency passed") } catch {
            #expect("\(error)".hasPrefix("config.toml:2: currency must be an ISO 4217 code"))
        }
        do { _ = try parse("[prices]\ncurrency = \"EUR\"\nbusiness = -1.0").priceList(); Issue.record("a negative price passed") } catch {
            #expect("\(error)".hasPrefix("config.toml:3: business: "))
        }
        #expect(try parse("").priceList().prices.isEmpty)
    }
}

/// The log's time stamp, written by hand (a date formatter's first use loads ICU's
/// calendar): what ISO8601DateFormatter writes, for any second a clock may say.
struct LogStampTests {
    @Test func theStampIsISO8601InUTC() {
        let formatter = ISO8601DateFormatter()
        let seconds: [Double] = [0, 1_796_237_684, 1_796_237_684.999, 951_868_799, 253_402_300_799, -1, 1_000_000_000, 4_102_444_800,
                                 -11_676_096_000]
        for s in seconds {
            let date = Date(timeIntervalSince1970: s)
            #expect(FileLogHandler.stamp(date) == formatter.string(from: date), "\(s)")
        }
        // A clock a thousand years off still gives four digits of year (the formatter
        // counts days before 1583 in the Julian calendar, ISO 8601 in the Gregorian).
        #expect(FileLogHandler.stamp(Date(timeIntervalSince1970: -30_610_224_000)) == "1000-01-01T00:00:00Z")
        #expect(FileLogHandler.stamp(Date(timeIntervalSince1970: -62_104_060_800)).hasPrefix("0002-"))
    }
}
