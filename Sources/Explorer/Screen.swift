import Foundation

extension ExplorerModel {
    /// A screen on the stack: the list and its detail, the tier matrix, help, and each
    /// view over the list, which declares its own (`Screen.billing` is in
    /// BillingModel.swift) so that a new view adds no case here.
    public struct Screen: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let list = Screen("list")
        public static let detail = Screen("detail")
        public static let tierMatrix = Screen("tier matrix")
        public static let help = Screen("help")
    }
}

/// The model of a view over the list (the bill, the changes, the PSA view): its screen,
/// the work whose results are of no use once it closes, and what it lets go then.
/// The explorer holds one per view (`ExplorerModel.view(_:)`); a view that needs no
/// wiring is made when first opened.
@MainActor
public protocol ViewModel: AnyObject {
    nonisolated static var screen: ExplorerModel.Screen { get }
    /// Work withdrawn when the view leaves the stack (its reads).
    nonisolated static var reads: [Work.Kind] { get }
    init()
    /// The view left the stack: its lines go; what it should open on again stays.
    func close()
}
