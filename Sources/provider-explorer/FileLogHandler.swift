import Foundation
import Logging
import ProviderAPI

/// A swift-log handler that appends to one file, so that nothing is ever written to
/// the terminal the explorer draws on. Messages come from our own code, which never
/// logs the key or a token.
struct FileLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let label: String
    let sink: LogSink

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let meta = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.write("\(Self.stamp(Date())) \(event.level) \(label): \(event.message)\(meta)\n")
    }

    /// The time in UTC as ISO 8601 (2026-12-02T18:54:44Z), by hand: a date formatter's
    /// first use loads ICU's calendar, 7 ms of every command's first log line.
    static func stamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        guard gmtime_r(&seconds, &t) != nil else { return ISO8601DateFormatter().string(from: date) }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = "\(t.tm_year + 1900)"
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-\(two(t.tm_mon + 1))-\(two(t.tm_mday))T\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec))Z"
    }
}

/// The open log file, shared by every logger.
final class LogSink: Sendable {
    /// One writer at a time: lines from many threads never interleave.
    private let handle: Locked<FileHandle?>
    let path: String

    init(path: String) {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let file = FileHandle(forWritingAtPath: path)
        _ = try? file?.seekToEnd()
        handle = Locked(file)
    }

    func write(_ line: String) {
        handle.withLock { $0?.write(Data(line.utf8)) }
    }

    /// `$XDG_STATE_HOME/provider-explorer/provider-explorer.log`.
    static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/state")
        return base + "/provider-explorer/provider-explorer.log"
    }
}
