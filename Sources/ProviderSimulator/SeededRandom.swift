/// SplitMix64: a tiny, fast, seedable generator. The data set is a pure function of
/// (seed, organization, day), so the same seed always gives the same data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    public static func mix(_ x0: UInt64) -> UInt64 {
        var z = x0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A hash of several values, for draws that must not depend on call order.
    public static func hash(_ values: UInt64...) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for v in values { h = mix(h ^ mix(v &+ 0x1234_5678)) }
        return h
    }

    /// A number in [0, 1) from a hash.
    public static func unit(_ h: UInt64) -> Double { Double(h >> 11) / Double(1 << 53) }
}
