import ArgumentParser
import ConnectWise
import Explorer
import Foundation
import Logging
import ProviderAPI
import ProviderSimulator
import Sync

struct PSAApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the plan's updates and creates in ConnectWise, each journaled.",
        discussion: """
        Each change is made only where ConnectWise still holds what the plan read; one \
        that changed since is skipped and named. On a terminal the plan is shown and \
        confirmed; elsewhere (cron) --yes is needed. Exit 0 when every change was made \
        (or was already), 75 when any was skipped or failed (the rest are made; a rerun \
        makes only what is left). Every write is a line of \
        $XDG_STATE_HOME/provider-explorer/psa-journal.jsonl.
        """)

    @OptionGroup var planned: PSAPlanOptions

    @Flag(help: "Apply without asking (needed without a terminal).")
    var yes = false

    @Option(help: ArgumentHelp("Apply exactly this plan (saved by psa plan --format json --output FILE).", valueName: "FILE"))
    var plan: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if plan != nil, planned.month != nil { throw ValidationError("--plan FILE applies that plan's month: drop --month") }
    }

    func run() async throws {
        let interactive = isatty(STDIN_FILENO) == 1
        // Refused before anything is read: nothing can be confirmed here.
        if !yes, !interactive {
            throw CommandFailure(message: "psa apply writes to ConnectWise and there is no terminal to confirm on: read psa plan first, then run psa apply --yes", code: 64)
        }
        let context = try PSAContext(global)
        let journal = try PSAJournal()
        let chosen: PSAPlan
        let client: ConnectWiseClient
        if let path = plan {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(message: "\(path): cannot be read (no such file, or no permission)", code: 66)
            }
            chosen = try PSAPlan(json: data)
            client = try context.client(transport: try Session.transport(context.settings))
            guard chosen.company == client.account.company else {
                throw CommandFailure(message: "\(path) is a plan for ConnectWise company \(Printable.line(chosen.company, limit: 40)), and [connectwise] is company \(Printable.line(client.account.company, limit: 40)): not applied", code: 64)
            }
        } else {
            (chosen, client) = try await context.plan(planned.month, customers: planned.customers, global: global)
        }
        let writes = chosen.writes
        let who = "ConnectWise (company \(Printable.line(client.account.company, limit: 40)))"
        guard !writes.isEmpty else {
            try Output.emit("Nothing to apply to \(who) for \(chosen.month): \(chosen.count(.same)) additions already hold the bill's seats\(Self.attention(chosen)).\n", to: nil)
            return
        }
        if !yes {
            try Output.emit(chosen.text() + "\n", to: nil)
            try Output.emit("Apply \(writes.count) \(writes.count == 1 ? "change" : "changes") to \(who)? [y/N] ", to: nil)
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else {
                try Output.emit("Not applied; nothing was written.\n", to: nil)
                return
            }
        }
        let results = try await PSAApplier(client: client, journal: journal).apply(chosen) { result in
            _ = try? Output.emit(Self.line(result) + "\n", to: nil)
        }
        context.demo?.save()
        let made = results.filter { $0.outcome == .made }.count
        let already = results.filter { $0.outcome == .alreadyMade }.count
        let left = results.filter { !$0.isDone }
        var summary = "\(made) of \(writes.count) \(writes.count == 1 ? "change" : "changes") made in \(who) for \(chosen.month)"
        if already > 0 { summary += ", \(already) already made" }
        context.logger.info("psa apply \(chosen.month): \(made) made, \(already) already, \(left.count) not made; journal \(journal.path)")
        guard left.isEmpty else {
            throw CommandFailure(message: summary + "; \(left.count) not made (see above and \(journal.path)): fix them, then run psa apply again", code: 75)
        }
        try Output.emit(summary + "; journal: \(journal.path)\n", to: nil)
    }

    static func attention(_ plan: PSAPlan) -> String {
        let n = plan.changes.filter { !$0.kind.writes && $0.kind != .same }.count
        return n == 0 ? "" : "; \(n) \(n == 1 ? "line needs" : "lines need") you (psa plan says what to do)"
    }

    /// `✓ updated ACME business (NP-BUS on 7012): 40 → 43`.
    static func line(_ r: PSAResult) -> String {
        let c = r.change
        let what = "\(c.label) (\(c.product ?? "?") on agreement \(c.agreementId.map(String.init) ?? "?"))"
        let change = "\(c.before.map { "\($0)" } ?? "none") → \(c.after.map { "\($0)" } ?? "?")"
        switch r.outcome {
        case .made: return "✓ \(c.kind == .create ? "created" : "updated") \(what): \(change)"
        case .alreadyMade: return "= already \(what): \(c.after.map { "\($0)" } ?? "?")"
        case .skipped(let why): return "· skipped \(what): \(why)"
        case .failed(let why): return "✗ failed \(what): \(why)"
        }
    }
}
