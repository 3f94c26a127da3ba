import ArgumentParser
import Logging
import ProviderAPI

// The option values that have a type: parsed (and refused, with the option's name and
// the value's shape) by swift-argument-parser, never checked by hand in `validate`.

extension Month: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension Day: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// `--tier`: the two tiers a filter can name (an unknown tier from the API is shown,
/// not chosen).
extension Tier: ExpressibleByArgument {
    public init?(argument: String) {
        guard let known = Tier.known.first(where: { $0.rawValue == argument }) else { return nil }
        self = known
    }
    public static var allValueStrings: [String] { Tier.known.map(\.rawValue) }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension KeyAlgorithm: ExpressibleByArgument {}
