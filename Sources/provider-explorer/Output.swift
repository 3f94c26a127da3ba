import Foundation
import ProviderAPI

/// Where the commands' output goes: standard output or a file named by `--output`.
/// Every write is checked (a full disk, a closed pipe or a closed stdout is one line
/// and exit 74, never a crash), and a file is written whole or not at all: into a
/// temporary file beside it, mode 0600, renamed into place only once complete. A
/// symbolic link is followed (its target replaced, the link kept); a FIFO, a device
/// or a socket is written in place.
enum Output {
    /// 74, EX_IOERR: the output could not be written.
    struct WriteError: ReportableError {
        let target: String
        let reason: String
        var exitCode: Int32 { 74 }
        var description: String { "cannot write \(target): \(reason)" }
    }

    /// Whether the program started with standard output closed (`>&-`).
    nonisolated(unsafe) static var stdoutWasClosed = false

    /// A program started with stdin, stdout or stderr closed would hand those numbers
    /// to the next file it opens (a socket, the cache), and output meant for the user
    /// would land there. Each closed one is pointed at /dev/null before anything opens;
    /// a closed stdout is remembered, so that writing the output still fails.
    static func guardStandardStreams() {
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            if fd == STDOUT_FILENO { stdoutWasClosed = true }
            let null = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            if null >= 0, null != fd { dup2(null, fd); close(null) }
        }
    }

    /// Whether the output (standard output, as no `--output` FILE is given) is a
    /// terminal: the commands choose a table and the CSV guard for a terminal then.
    static func isTerminal(_ path: String?) -> Bool { path == nil && isatty(STDOUT_FILENO) == 1 }

    /// Writes `text` to `path`, or to standard output when `path` is nil.
    static func emit(_ text: String, to path: String?) throws { try emit(Data(text.utf8), to: path) }

    static func emit(_ data: some ContiguousBytes, to path: String?) throws {
        if let path { try writeFile(path, data); return }
        if stdoutWasClosed { throw WriteError(target: "the output", reason: reason(EBADF)) }
        try writeAll(STDOUT_FILENO, data, target: "the output")
    }

    /// One line on standard error, prefixed with the program's name; the line is made
    /// printable, and a failure to write it is ignored (there is nowhere left to say it).
    static func warn(_ message: String) {
        _ = try? writeAll(STDERR_FILENO, Data("provider-explorer: \(Printable.line(message, limit: .max))\n".utf8), target: "standard error")
    }

    static func writeAll(_ fd: Int32, _ data: some ContiguousBytes, target: String) throws {
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(target: target, reason: reason(errno))
                }
                offset += n
            }
        }
    }

    /// Writes `data` to `path` atomically with mode 0600: the file appears whole, or
    /// not at all, and a file already there is replaced only by a complete one. The
    /// data goes first into an unnamed file in the same directory (O_TMPFILE), so a run
    /// killed mid-write leaves nothing behind; it is given a name only once complete.
    /// Where the file system has no unnamed files, a `.NAME.tmp-PID` beside it is used.
    static func writeFile(_ path: String, _ data: some ContiguousBytes) throws {
        let path = try resolvingLinks(path)
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            if info.st_mode & S_IFMT == S_IFDIR { throw WriteError(target: path, reason: reason(EISDIR)) }
            try writeInPlace(path, data)
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        let prefix = "." + (path as NSString).lastPathComponent + ".tmp-"
        let temporary = dir + "/" + prefix + "\(getpid())"
        removeStaleTemporaries(in: dir, prefix: prefix)
        var fd = open(dir, O_WRONLY | O_CLOEXEC | 0o20000000 /* O_TMPFILE */ | O_DIRECTORY, 0o600)
        let unnamed = fd >= 0
        if !unnamed {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw WriteError(target: path, reason: reason(isDirectory.boolValue ? errno : ENOENT))
            }
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        guard fd >= 0 else { throw WriteError(target: path, reason: reason(errno)) }
        do {
            try writeAll(fd, data, target: path)
            guard fchmod(fd, 0o600) == 0, fsync(fd) == 0 else { throw WriteError(target: path, reason: reason(errno)) }
            if unnamed {
                // Named under a temporary name, then renamed over any file there.
                guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) == 0 else {
                    throw WriteError(target: path, reason: reason(errno))
                }
            }
            close(fd)
        } catch {
            close(fd)
            if !unnamed { unlink(temporary) }
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let why = reason(errno)
            unlink(temporary)
            throw WriteError(target: path, reason: why)
        }
    }

    /// `path` with every symbolic link of its last component followed (the target
    /// may not exist yet): the file behind a link is replaced, the link is kept.
    static func resolvingLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { throw WriteError(target: path, reason: reason(errno)) }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : (current as NSString).deletingLastPathComponent + "/" + target
        }
        throw WriteError(target: path, reason: reason(ELOOP))
    }

    /// A FIFO, a device or a socket is written as it is, never replaced or removed: a
    /// reader waiting on a FIFO gets the output, /dev/null stays a device.
    static func writeInPlace(_ path: String, _ data: some ContiguousBytes) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw WriteError(target: path, reason: reason(errno)) }
        defer { close(fd) }
        try writeAll(fd, data, target: path)
    }

    /// A run killed in the instant between naming its finished file and renaming it
    /// over the target leaves `.NAME.tmp-PID`: removed here when that process is gone.
    static func removeStaleTemporaries(in directory: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0, errno == ESRCH { unlink(directory + "/" + name) }
        }
    }

    /// errno in plain words: "no space left on device", "a file is in the way".
    static func reason(_ code: Int32) -> String { SystemError.describe(code) }
}
