import ArgumentParser
import ConnectWise
import Explorer
import Foundation
import Logging
import ProviderAPI
import ProviderSimulator
import Sync

struct PSAPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "What apply would change in ConnectWise for a month; reads ConnectWise, writes nothing there.",
        discussion: """
        Kinds: update, create (apply makes these), ambiguous, no-agreement, \
        unknown-customer, unmapped (left for you, with what to do), same. JSON and CSV \
        list every line, same included; the table folds same to a count.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @OptionGroup var planned: PSAPlanOptions

    @OptionGroup var out: OutputOptions<Format>

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = try PSAContext(global)
        let (plan, _) = try await context.plan(planned.month, customers: planned.customers, global: global)
        let toTerminal = out.toTerminal
        switch out.format ?? (toTerminal ? .table : .csv) {
        case .table: try Output.emit(plan.text(), to: out.output)
        case .csv: try Output.emit(plan.csv(ExportTable.CSVOptions(raw: out.csvRaw, forTerminal: toTerminal)), to: out.output)
        case .json: try Output.emit(plan.json(), to: out.output)
        }
    }
}
