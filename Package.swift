// swift-tools-version:6.1
// provider-explorer: a terminal explorer of NordPass Provider API usage.
// One target a layer (see ../shared/design/architecture.md); imports only point down.
import PackageDescription

let package = Package(
    name: "provider-explorer",
    platforms: [.macOS(.v14)],
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

        .target(name: "ProviderAPI", dependencies: [
            "CLibcrypto",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "ProviderSimulator", dependencies: ["ProviderAPI"]),
        .target(name: "UsageStore", dependencies: ["ProviderAPI"]),
        .target(name: "Explorer", dependencies: ["ProviderAPI", "UsageStore"]),
        .target(name: "TerminalUI", dependencies: ["Explorer", "CNcursesw"]),
        .executableTarget(name: "provider-explorer", dependencies: [
            "ProviderAPI", "ProviderSimulator", "UsageStore", "Explorer", "TerminalUI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Helpers the test targets share: temporary files, child processes, a simulator with a key.
        .target(name: "TestSupport", dependencies: ["ProviderAPI", "ProviderSimulator"], path: "Tests/TestSupport"),
        .testTarget(name: "ProviderAPITests", dependencies: ["ProviderAPI", "ProviderSimulator", "TestSupport"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "ProviderAPI", "TestSupport"]),
        .testTarget(name: "CommandLineTests", dependencies: ["ProviderAPI", "ProviderSimulator", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
