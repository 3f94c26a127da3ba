import Explorer
import Foundation
import Logging
import ProviderAPI
import UsageStore

/// Where the explorer remembers how it was left: one JSON file per provider id and API
/// host in the state directory, mode 0600. A damaged file is ignored with a warning in
/// the log, never a failed start.
struct ViewStateFile {
    let path: String

    init(providerId: String, apiKey: String) {
        let directory = (LogSink.defaultPath as NSString).deletingLastPathComponent
        let name = UsageStore.fileName(providerId: providerId, baseURL: apiKey).replacingOccurrences(of: ".sqlite3", with: "")
        path = directory + "/view-\(name).json"
    }

    func load(logger: Logger) -> ViewState? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do { return try JSONDecoder().decode(ViewState.self, from: data) } catch {
            logger.warning("ignoring the view state \(path): it cannot be read (\(Failure(error).message)); starting clean")
            return nil
        }
    }

    func save(_ state: ViewState, logger: Logger) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try Output.writeFile(path, try encoder.encode(state))
        } catch {
            logger.warning("could not remember the view state in \(path): \(Failure(error).message)")
        }
    }
}
