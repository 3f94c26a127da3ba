import ArgumentParser

/// `--format`, `--output FILE` and `--csv-raw`: what every command that prints a table
/// takes, declared once (`@OptionGroup var out: OutputOptions<Format>`). `Format` is the
/// command's own list of formats.
struct OutputOptions<Format: ExpressibleByArgument & CaseIterable & RawRepresentable>: ParsableArguments where Format.RawValue == String {
    @Option(help: ArgumentHelp(OutputOptions.formatHelp))
    var format: Format?

    @Option(help: ArgumentHelp("Write to FILE (whole or not at all, mode 0600) instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(name: .customLong("csv-raw"), help: "CSV text exactly as it came: no ' before a leading =, +, -, @, TAB or CR (the spreadsheet formula guard).")
    var csvRaw = false

    init() {}

    /// "table, csv or json (default: table on a terminal, csv otherwise)."
    static var formatHelp: String {
        let names = Format.allCases.map(\.rawValue)
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined()
        return list + " (default: table on a terminal, csv otherwise)."
    }

    /// Whether what is written goes to a terminal (standard output, no --output).
    var toTerminal: Bool { Output.isTerminal(output) }
}
