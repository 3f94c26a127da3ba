// swift-tools-version:6.2
// provider-explorer: a terminal explorer of NordPass Provider API usage.
// One target a layer (see docs/ARCHITECTURE.md); imports only point down.
import PackageDescription

/// Our own code builds with every warning an error (Swift 6 mode, so concurrency
/// warnings included); dependencies are left as their authors ship them.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "provider-explorer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "provider-explorer", targets: ["provider-explorer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries enter through one system-library target each, imported by one target only.
        .systemLibrary(name: "CLibcrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // libxlsxwriter: the bill as an Excel workbook (`bill --format xlsx`).
        .systemLibrary(name: "CXLSXWriter", pkgConfig: "xlsxwriter",
                       providers: [.apt(["libxlsxwriter-dev"])]),
        // libssl: the simulator's https (`simulate --tls CERT KEY`), for tests of certificates.
        .systemLibrary(name: "CLibssl", pkgConfig: "libssl",
                       providers: [.apt(["libssl-dev"])]),

        .target(name: "ProviderAPI", dependencies: [
            "CLibcrypto",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // The ConnectWise PSA client, the plan's rule, apply and its journal (`psa`).
        .target(name: "ConnectWise", dependencies: [
            "ProviderAPI", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "ProviderSimulator", dependencies: ["ProviderAPI", "ConnectWise", "CLibssl"], swiftSettings: strict),
        .target(name: "UsageStore", dependencies: ["ProviderAPI", "CSQLite"], swiftSettings: strict),
        // The sync engine: what to fetch, in which order, into the cache.
        .target(name: "Sync", dependencies: ["ProviderAPI", "UsageStore",
                                            .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(name: "Explorer", dependencies: ["ProviderAPI", "UsageStore", "Sync", "ConnectWise", "CXLSXWriter"], swiftSettings: strict),
        .target(name: "TerminalUI", dependencies: ["Explorer", "ProviderAPI", "Sync", "CNcursesw"], swiftSettings: strict),
        .executableTarget(name: "provider-explorer", dependencies: [
            "ProviderAPI", "ProviderSimulator", "UsageStore", "Sync", "ConnectWise", "Explorer", "TerminalUI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // `swift run -c release provider-explorer-bench`: the figures of BENCHMARKS.md.
        .executableTarget(name: "provider-explorer-bench", dependencies: [
            "ProviderAPI", "ProviderSimulator", "UsageStore", "Sync", "ConnectWise", "Explorer", "TerminalUI", "TestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks", swiftSettings: strict),

        // Helpers the test targets share: temporary files, child processes, a simulator with a key.
        .target(name: "TestSupport", dependencies: [
            "ProviderAPI", "ProviderSimulator", "UsageStore", .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "ProviderAPITests", dependencies: ["ProviderAPI", "ProviderSimulator", "TestSupport"],
                    resources: [.copy("Golden")], swiftSettings: strict),
        .testTarget(name: "SyncTests", dependencies: ["Sync", "UsageStore", "ProviderAPI", "ProviderSimulator", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "TerminalUI", "ConnectWise", "ProviderAPI", "UsageStore", "Sync", "ProviderSimulator", "TestSupport"],
                    swiftSettings: strict),
        // GoldenScreens/: whole screens as text and styles, read from the source tree.
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "ConnectWise", "Explorer", "ProviderAPI", "UsageStore", "Sync", "ProviderSimulator", "TestSupport", "CNcursesw"],
                    exclude: ["GoldenScreens"], swiftSettings: strict),
        // Also the executable itself (@testable), for the config file's parser.
        .testTarget(name: "CommandLineTests", dependencies: ["ProviderAPI", "ProviderSimulator", "UsageStore", "TestSupport", "ConnectWise", "Explorer", "TerminalUI", "provider-explorer"],
                    swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
