import Foundation
import Testing
import TestSupport
import ProviderAPI
import ProviderSimulator
import UsageStore
import TerminalUI
@testable import provider_explorer
@testable import Explorer

/// Issue 26: a bill you can send. `provider-explorer bill` against the demo simulator,
/// as a billing person runs it.
@Suite(.serialized)
struct BillRoundTwoTests {
    let dir = TempDir()
    static let today = Day("2026-11-29")!
    let data = DataSet(organizationCount: 240, seed: 1, today: BillRoundTwoTests.today)

    func cli(_ args: [String], env: [String: String] = [:]) async throws -> ProcessResult {
        try await runCLI(args, in: dir, env: ["PROVIDER_EXPLORER_DEMO_TODAY": "2026-11-29", "PROVIDER_EXPLORER_NOW": "2026-11-29T10:00:00Z"].merging(env) { $1 })
    }

    func config(_ prices: String) throws {
        try FileManager.default.createDirectory(atPath: dir.file("config/provider-explorer"), withIntermediateDirectories: true)
        _ = dir.write("config/provider-explorer/config.toml", "[prices]\n" + prices)
    }

    static let fullPrices = "currency = \"EUR\"\nbusiness = 3.99\nenterprise = 5.99\n"

    /// CSV text as records of named fields.
    func records(_ csv: String) throws -> (header: [String], rows: [[String: String]]) {
        let lines = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        return (header, lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Item 1: a line with no price is flagged, and every total that leaves it out says so.
    @Test func totalsThatLeaveLinesOutSaySo() async throws {
        try config("currency = \"EUR\"\nbusiness = 3.99\n")
        let october = data.monthlyRows(Month("2026-10")!).filter { $0.licenseType == .standard && !$0.trial && !$0.nfr }
        let enterprise = october.filter { $0.tier == .enterprise }
        let table = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "table"])
        #expect(table.status == 0, "\(table.stderr)")
        let unpricedWords = "\(enterprise.count) lines unpriced: total incomplete"
        #expect(table.stdout.contains("⚑ " + unpricedWords), "\(table.stdout.suffix(400))")
        let csv = try records(try await cli(["bill", "--demo", "--month", "2026-10", "--format", "csv"]).stdout)
        let flagged = csv.rows.filter { $0["note"]?.contains("no price") == true }
        #expect(flagged.count == enterprise.count && flagged.allSatisfy { $0["tier"] == "enterprise" && $0["amount"] == "" })
        let object = try json(try await cli(["bill", "--demo", "--month", "2026-10", "--format", "json"]).stdout)
        let totals = try #require(object["totals"] as? [String: [String: Any]])
        let all = try #require(totals["all"])
        #expect(all["complete"] as? Bool == false)
        let unpriced = try #require(all["unpriced"] as? [String: Int])
        #expect(unpriced["lines"] == enterprise.count && unpriced["seats"] == enterprise.reduce(0) { $0 + $1.consumedLicenses })
        #expect(totals["business"]?["complete"] as? Bool == true)
        // --require-prices: an incomplete bill exits 65, in one line, and writes nothing.
        let out = dir.file("refused.csv")
        let refused = try await cli(["bill", "--demo", "--month", "2026-10", "--require-prices", "--output", out])
        #expect(refused.status == 65 && refused.stderr.contains("incomplete") && refused.stderr.contains("\(enterprise.count) billed lines have no price"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1 && !FileManager.default.fileExists(atPath: out))
        try config(Self.fullPrices)
        let whole = try await cli(["bill", "--demo", "--month", "2026-10", "--require-prices", "--format", "json"])
        let wholeTotals = try json(whole.stdout)["totals"] as? [String: [String: Any]]
        #expect(whole.status == 0 && wholeTotals?["all"]?["complete"] as? Bool == true)
        // Contract prices with no currency anywhere (the demo always has one): refused
        // at their line, as a usage error (64).
        let contract = dir.write("contract.csv", "organizationId,customerId,business\r\n\(october[0].organizationId),C-1,2.20\r\n")
        #expect(throws: ConfigFile.ParseError.self) { try BillCommand.loadCustomers(contract, currency: nil) }
        do { _ = try BillCommand.loadCustomers(contract, currency: nil) } catch {
            #expect("\(error)".contains("contract.csv:2: a contract price needs a currency"), "\(error)")
        }
        #expect(try BillCommand.loadCustomers(contract, currency: "EUR")[october[0].organizationId]?.prices[.business] == UnitPrice(tenThousandths: 22_000))
    }

    /// Item 2: the month's missing daily reports are fetched, so the same bill comes out
    /// of a fresh cache and after a sync; offline, the days not checked are counted.
    @Test func theSameBillBeforeAndAfterASync() async throws {
        try config(Self.fullPrices)
        let fresh = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "csv"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(!fresh.stdout.contains("not checked"))
        #expect(try await cli(["sync", "--demo"]).status == 0)
        let synced = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "csv"])
        #expect(synced.stdout == fresh.stdout, "byte-identical before and after the sync")
        #expect(fresh.stdout.contains("tier changed mid-month"), "the daily check ran on the fresh cache")
        // An older month than a sync fetches days for: its days are fetched too.
        let august = try await cli(["bill", "--demo", "--month", "2026-08", "--format", "json"])
        let augustObject = try json(august.stdout)
        #expect(august.status == 0 && augustObject["daysNotChecked"] as? Int == 0, "\(august.stderr)")
        // Offline, a month whose days are not cached says how many were not checked.
        #expect(try await cli(["export", "monthly", "--demo", "--month", "2026-06", "--format", "csv"]).status == 0)
        let offline = try await cli(["bill", "--demo", "--offline", "--month", "2026-06", "--format", "csv"])
        #expect(offline.status == 0 && offline.stderr.contains("30 days not checked"), "\(offline.stderr)")
        let rows = try records(offline.stdout).rows
        #expect(!rows.isEmpty && rows.allSatisfy { $0["note"]?.contains("30 days not checked") == true })
        let text = try await cli(["bill", "--demo", "--offline", "--month", "2026-06", "--format", "table"])
        #expect(text.stdout.contains("⚑ 30 days not checked"))
    }

    /// Item 3 (the parts a command shows): one collation, same names with the end of
    /// their ids, and suspended organizations named.
    @Test func oneOrderSameNamesAndSuspended() async throws {
        try config(Self.fullPrices)
        let csv = try records(try await cli(["bill", "--demo", "--month", "2026-10", "--format", "csv"]).stdout)
        #expect(inNameOrder(csv.rows.map { ($0["organizationName"]!, $0["organizationId"]!) }))
        let suspended = Set(data.organizations.filter { $0.status == .suspended }.map(\.id))
        let billedSuspended = csv.rows.filter { suspended.contains($0["organizationId"]!) }
        #expect(!billedSuspended.isEmpty && billedSuspended.allSatisfy { $0["note"]?.contains("suspended: billed as active") == true })
        // The table shows a name two organizations share with the end of each id.
        let table = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "table"]).stdout
        var seen: [String: Set<String>] = [:]
        for row in csv.rows { seen[row["organizationName"]!, default: []].insert(row["organizationId"]!) }
        let shared = try #require(seen.first { $0.value.count > 1 })
        for id in shared.value { #expect(table.contains(shared.key + " ·" + String(id.suffix(4))), "\(shared.key) \(id)") }
        // Export and changes in the same order.
        let export = try records(try await cli(["export", "monthly", "--demo", "--month", "2026-10", "--format", "csv"]).stdout)
        #expect(inNameOrder(export.rows.map { ($0["organizationName"]!, $0["organizationId"]!) }))
    }

    /// Item 4: a line per customer and tier, organizations with no customer under an
    /// empty customerId; the sums are the bill's.
    @Test func byCustomer() async throws {
        try config(Self.fullPrices)
        let october = data.monthlyRows(Month("2026-10")!).filter { $0.licenseType == .standard && !$0.trial && !$0.nfr }
        var file = "organizationId,customerId\r\n"
        for (i, row) in october.enumerated() where i % 3 != 0 { file += "\(row.organizationId),CUST-\(i % 5)\r\n" }
        let customers = dir.write("customers.csv", file)
        let r = try await cli(["bill", "--demo", "--month", "2026-10", "--by", "customer", "--format", "csv", "--customers", customers])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try records(r.stdout)
        #expect(csv.header == ["month", "customerId", "tier", "organizations", "seats", "amount", "currency"])
        #expect(Set(csv.rows.map { $0["customerId"]! }) == ["", "CUST-0", "CUST-1", "CUST-2", "CUST-3", "CUST-4"])
        #expect(csv.rows.reduce(0) { $0 + Int($1["organizations"]!)! } == october.count)
        #expect(csv.rows.reduce(0) { $0 + Int($1["seats"]!)! } == october.reduce(0) { $0 + $1.consumedLicenses })
        let byOrganization = try json(try await cli(["bill", "--demo", "--month", "2026-10", "--format", "json", "--customers", customers]).stdout)
        let total = (byOrganization["totals"] as? [String: [String: Any]])?["all"]?["amount"] as? String
        let cents = csv.rows.reduce(0) { $0 + Int($1["amount"]!.replacingOccurrences(of: ".", with: ""))! }
        #expect(total == MoneyText.amount(Int64(cents), minorDigits: 2))
        let none = try #require(csv.rows.first { $0["customerId"] == "" && $0["tier"] == "business" })
        let unmapped = october.enumerated().filter { $0.offset % 3 == 0 && $0.element.tier == .business }
        #expect(Int(none["organizations"]!) == unmapped.count)
        let object = try json(try await cli(["bill", "--demo", "--month", "2026-10", "--by", "customer", "--format", "json", "--customers", customers]).stdout)
        #expect(object["by"] as? String == "customer" && (object["lines"] as? [[String: Any]])?.count == csv.rows.count)
        let table = try await cli(["bill", "--demo", "--month", "2026-10", "--by", "customer", "--format", "table", "--customers", customers])
        #expect(table.stdout.hasPrefix("CUSTOMERID") && table.stdout.contains("CUST-4"))
    }

    /// Item 5: the month before beside each line, and the change.
    @Test func monthOverMonth() async throws {
        try config(Self.fullPrices)
        let r = try await cli(["bill", "--demo", "--month", "2026-10", "--compare", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try records(r.stdout)
        #expect(csv.header == ["month", "organizationId", "organizationName", "customerId", "tier", "licenseType", "seats",
                               "unitPrice", "amount", "currency", "note", "previousSeats", "previousAmount", "delta"])
        let september = Dictionary(uniqueKeysWithValues: try records(try await cli(["bill", "--demo", "--month", "2026-09", "--format", "csv"]).stdout)
            .rows.map { ($0["organizationId"]!, $0) })
        var new = 0, compared = 0
        for row in csv.rows {
            if let before = september[row["organizationId"]!] {
                compared += 1
                #expect(row["previousSeats"] == before["seats"] && row["previousAmount"] == before["amount"])
                let cents = { (s: String) in Int(s.replacingOccurrences(of: ".", with: ""))! }
                let delta = cents(row["amount"]!) - cents(before["amount"]!)
                #expect(row["delta"] == (delta > 0 ? "+" : "") + MoneyText.amount(Int64(delta), minorDigits: 2))
            } else {
                new += 1
                #expect(row["delta"] == "new" && row["previousSeats"] == "" && row["previousAmount"] == "")
            }
        }
        #expect(new > 0 && compared > 100, "new \(new), compared \(compared)")
        // (No prices, where the change is the seats': BillRoundTwoUnitTests.)
        let table = try await cli(["bill", "--demo", "--month", "2026-10", "--compare", "--format", "table"])
        #expect(table.stdout.contains("2026-09") && table.stdout.contains("Δ "))
    }

    /// Item 6: the workbook, read back by openpyxl (not the writer): sheets, header,
    /// numbers as numbers, formulas and their stored values.
    @Test func theWorkbookReadsBack() async throws {
        try config(Self.fullPrices)
        let refused = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "xlsx"])
        #expect(refused.status == 64 && refused.stderr.contains("--output"), "\(refused.stderr)")
        let file = dir.file("2026-10.xlsx")
        let scratch = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let r = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "xlsx", "--output", file], env: ["TMPDIR": scratch])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "the workbook's scratch file is removed")
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let object = try json(try await cli(["bill", "--demo", "--month", "2026-10", "--format", "json"]).stdout)
        let totals = try #require(object["totals"] as? [String: [String: Any]])
        let script = """
        import json, sys, openpyxl
        f = openpyxl.load_workbook(sys.argv[1])
        v = openpyxl.load_workbook(sys.argv[1], data_only=True)
        out = {"sheets": f.sheetnames}
        for name in f.sheetnames:
            ws, wv = f[name], v[name]
            rows = list(ws.iter_rows(values_only=True))
            vals = list(wv.iter_rows(values_only=True))
            out[name] = {"header": list(rows[0]), "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
                         "first": [c if not isinstance(c, float) else repr(c) for c in rows[1]],
                         "types": [type(c).__name__ for c in rows[1]],
                         "formulas": [[c for c in r if isinstance(c, str) and c.startswith("=")] for r in rows if r and isinstance(r[0], str) and r[0].startswith("total")],
                         "totals": [[c for c in r if isinstance(c, (int, float))] for r in vals if r and isinstance(r[0], str) and r[0].startswith("total")],
                         "labels": [r[0] for r in vals if r and isinstance(r[0], str) and r[0].startswith("total")],
                         "format": ws.cell(row=2, column=rows[0].index("amount") + 1).number_format}
        print(json.dumps(out))
        """
        let py = try await run("python3", ["-c", script, file])
        #expect(py.status == 0, "\(py.stderr)")
        let book = try json(py.stdout)
        #expect(book["sheets"] as? [String] == ["Bill", "By customer"])
        let bill = try #require(book["Bill"] as? [String: Any])
        #expect(bill["header"] as? [String] == Bill.columns)
        #expect(bill["freeze"] as? String == "A2" && (bill["filter"] as? String)?.hasPrefix("A1:K") == true)
        let types = try #require(bill["types"] as? [String])
        #expect(types[6] == "int" && types[7] == "float" && types[8] == "float", "seats, unitPrice and amount are numbers: \(types)")
        #expect(bill["format"] as? String == "#,##0.00 \"EUR\"")
        #expect(bill["labels"] as? [String] == ["total business", "total enterprise", "total"])
        let formulas = try #require(bill["formulas"] as? [[String]])
        #expect(formulas.count == 3 && formulas.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.hasPrefix("=SUMIFS(") } })
        #expect(formulas[0][1].contains("\"business\""))
        // The stored values are the bill's totals.
        let stored = try #require(bill["totals"] as? [[Double]])
        for (i, key) in ["business", "enterprise", "all"].enumerated() {
            let t = try #require(totals[key])
            #expect(stored[i].count == 2 && Int(stored[i][0]) == t["seats"] as? Int)
            #expect(String(format: "%.2f", stored[i][1]) == t["amount"] as? String, "\(key): \(stored[i]) \(t)")
        }
        // With --compare: the month before's columns, the change a number ("new" stays text).
        let compared = dir.file("compared.xlsx")
        #expect(try await cli(["bill", "--demo", "--month", "2026-10", "--compare", "--format", "xlsx", "--output", compared]).status == 0)
        let check = "import openpyxl, sys\nws = openpyxl.load_workbook(sys.argv[1])['Bill']\nh = [c.value for c in ws[1]]\nr = [c.value for c in ws[2]]\nprint(h[-3:], type(r[-3]).__name__, type(r[-1]).__name__, ws.cell(row=2, column=len(h)).number_format)"
        let deltas = try await run("python3", ["-c", check, compared])
        #expect(deltas.stdout == "['previousSeats', 'previousAmount', 'delta'] int float #,##0.00 \"EUR\"\n", "\(deltas.stdout) \(deltas.stderr)")
        let customers = try #require(book["By customer"] as? [String: Any])
        #expect(customers["header"] as? [String] == Bill.customerColumns)
        #expect((customers["formulas"] as? [[String]])?.first?.allSatisfy { $0.hasPrefix("=SUM(") } == true)
        #expect((customers["totals"] as? [[Double]])?.first.map { Int($0[0]) } == totals["all"]?["seats"] as? Int)
    }

    /// Item 6: the view's `x` writes the workbook beside the CSV, each 0600.
    @Test @MainActor func theViewsExportWritesTheWorkbookBeside() throws {
        let prices = PriceList(currency: "EUR", prices: [.business: try UnitPrice.parse("3.99")])
        let row = UsageRow(organizationId: "org_1", organizationName: "Alpha", tier: .business, licenseType: .standard, trial: false,
                           nfr: false, activeSeats: 3, pendingSeats: 0, consumedLicenses: 3)
        let bill = Bill(month: Month("2026-10")!, rows: [row], daily: [:], prices: prices)
        let path = try ExploreCommand.write(Export(table: bill.table, bill: bill), directory: dir.file("exports"), name: "bill-2026-10")
        #expect(path.hasSuffix(".csv"))
        let workbook = String(path.dropLast(4)) + ".xlsx"
        for file in [path, workbook] {
            #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600, "\(file)")
        }
        let head = FileManager.default.contents(atPath: workbook) ?? Data()
        #expect(head.starts(with: [0x50, 0x4B]), "a workbook is a zip file")
    }

    /// Item 7: rounding as the MSP's invoicing system does it.
    @Test func roundingHalfUpOrHalfEven() async throws {
        let october = data.monthlyRows(Month("2026-10")!).filter { $0.licenseType == .standard && !$0.trial && !$0.nfr && $0.tier == .business }
        for rounding in ["half-even", "half-up"] {
            try config("currency = \"EUR\"\nbusiness = 0.125\nenterprise = 1\nrounding = \"\(rounding)\"\n")
            let csv = try records(try await cli(["bill", "--demo", "--month", "2026-10", "--format", "csv"]).stdout)
            var halves = 0
            for row in october {
                // seats × 0.125 in tenths of a cent, rounded to cents by the rule.
                let exact = row.consumedLicenses * 125, q = exact / 10, r = exact % 10
                if r == 5 { halves += 1 }
                let cents = r > 5 || (r == 5 && (rounding == "half-up" || q % 2 == 1)) ? q + 1 : q
                let line = csv.rows.first { $0["organizationId"] == row.organizationId }
                #expect(line?["amount"] == MoneyText.amount(Int64(cents), minorDigits: 2), "\(rounding) \(row.consumedLicenses)")
            }
            #expect(halves > 3, "the data set has halves to round")
        }
        try config("currency = \"EUR\"\nbusiness = 1\nrounding = \"bankers\"\n")
        let refused = try await cli(["bill", "--demo", "--month", "2026-10"])
        #expect(refused.status == 64 && refused.stderr.contains("config.toml:4: rounding must be \"half-even\" or \"half-up\", not bankers"), "\(refused.stderr)")
    }

    /// Item 8: an Excel "CSV UTF-8" customers file (with its byte order mark) is read;
    /// a header without the columns names what it has.
    @Test func customersFileFromExcel() async throws {
        try config(Self.fullPrices)
        let target = try #require(data.monthlyRows(Month("2026-10")!).first { $0.licenseType == .standard })
        let bom = dir.write("excel.csv", "\u{FEFF}organizationId,customerId\r\n\(target.organizationId),EXCEL-1\r\n")
        let r = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "csv", "--customers", bom])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try records(r.stdout).rows.first { $0["organizationId"] == target.organizationId }?["customerId"] == "EXCEL-1")
        let wrong = dir.write("wrong.csv", "org,customer\r\norg_1,C\r\n")
        let refused = try await cli(["bill", "--demo", "--month", "2026-10", "--customers", wrong])
        #expect(refused.status == 64 && refused.stderr.contains("wrong.csv:1: the header must name organizationId and customerId") && refused.stderr.contains("it has org,customer"), "\(refused.stderr)")
    }

    /// Item 9: the demo bills with demo prices, and says so.
    @Test func theDemoHasPrices() async throws {
        let r = try await cli(["bill", "--demo", "--month", "2026-10", "--format", "json"])
        #expect(r.status == 0 && r.stderr.contains("demo prices"), "\(r.stderr)")
        let object = try json(r.stdout)
        #expect(object["demoPrices"] as? Bool == true && object["currency"] as? String == "EUR")
        #expect((object["totals"] as? [String: [String: Any]])?["all"]?["amount"] is String)
    }
}
