import CSQLite
import Foundation
import ProviderAPI

/// A thin layer over libsqlite3: prepared statements, typed binds and reads, and
/// transactions. Chosen over GRDB because the cache needs only these, and it spares
/// every build GRDB's compile time.
final class Database {
    private(set) var handle: OpaquePointer?
    let path: String

    struct Failure: ReportableError {
        /// 74, EX_IOERR, like every cache failure.
        var exitCode: Int32 { 74 }
        let code: Int32
        let message: String
        var description: String { "cache \(message); check the disk, or pass another --cache-dir" }
        /// The file is not a database, or is damaged.
        var isCorrupt: Bool { code == SQLITE_NOTADB || code == SQLITE_CORRUPT }
    }

    /// How long a statement waits for a lock another connection holds, in ms.
    static let busyTimeout: Int32 = 5000

    init(path: String) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        handle = db
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            handle = nil
            throw Failure(code: rc, message: message)
        }
        sqlite3_busy_timeout(db, Self.busyTimeout)
    }

    deinit { close() }

    func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    func failure(_ rc: Int32) -> Failure {
        Failure(code: rc, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed")
    }

    /// Runs `sql` only if the file can be written at once: where another process holds
    /// the write lock, it fails at once instead of waiting (the busy timeout's 5 s).
    func executeIfFree(_ sql: String) throws {
        sqlite3_busy_timeout(handle, 0)
        defer { sqlite3_busy_timeout(handle, Self.busyTimeout) }
        try execute(sql)
    }

    func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw failure(rc) }
    }

    func prepare(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw failure(rc) }
        return Statement(stmt, db: self)
    }

    /// Runs `body` in one transaction: all of it is written, or none.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Adds `pe_fold(text)` to SQL: the name's place in the name order
    /// (`TextSearch.sortKey`), as a blob (for the migrations that fill `name_refs.fold`).
    func addFoldFunction() {
        sqlite3_create_function_v2(handle, "pe_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { context, _, values in
            guard let value = values?[0], let text = sqlite3_value_text(value) else { sqlite3_result_null(context); return }
            let name = String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(value))), as: UTF8.self)
            let folded = TextSearch.sortKey(name)
            folded.withUnsafeBytes { raw in
                if raw.isEmpty { sqlite3_result_zeroblob(context, 0) }
                else { sqlite3_result_blob(context, raw.baseAddress, Int32(raw.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self)) }
            }
        }, nil, nil, nil)
    }

    /// The rowid of the last row inserted on this connection.
    var lastInsertRowID: Int { Int(sqlite3_last_insert_rowid(handle)) }

    /// The single integer a query returns (a PRAGMA, a count).
    func scalar(_ sql: String) throws -> Int? {
        let s = try prepare(sql)
        return try s.step() ? s.int(0) : nil
    }
}

/// A prepared statement; binds are 1-based, columns 0-based, as in SQLite.
final class Statement {
    private let stmt: OpaquePointer
    private unowned let db: Database
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ stmt: OpaquePointer, db: Database) {
        self.stmt = stmt
        self.db = db
    }

    deinit { sqlite3_finalize(stmt) }

    @discardableResult
    func bind(_ values: [SQLValue]) -> Statement {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        for (i, v) in values.enumerated() {
            let index = Int32(i + 1)
            switch v {
            case .int(let n): sqlite3_bind_int64(stmt, index, Int64(n))
            case .double(let d): sqlite3_bind_double(stmt, index, d)
            case .text(let s):
                // With its byte length: a NUL inside the text (data from the API may
                // hold one) is kept, not taken for the end of the string.
                var text = s
                _ = text.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) { chars in
                        chars.isEmpty ? sqlite3_bind_text(stmt, index, "", 0, Self.transient)
                            : sqlite3_bind_text(stmt, index, chars.baseAddress, Int32(chars.count), Self.transient)
                    }
                }
            case .blob(let bytes):
                _ = bytes.withUnsafeBytes { raw in
                    raw.isEmpty ? sqlite3_bind_zeroblob(stmt, index, 0)
                        : sqlite3_bind_blob(stmt, index, raw.baseAddress, Int32(raw.count), Self.transient)
                }
            case .null: sqlite3_bind_null(stmt, index)
            }
        }
        return self
    }

    // Binds one value at a time, for a statement run once a row (a report's write):
    // no array of values is made for each row.
    func reset() { sqlite3_reset(stmt) }
    func bind(_ index: Int32, _ n: Int) { sqlite3_bind_int64(stmt, index, Int64(n)) }
    func bindNull(_ index: Int32) { sqlite3_bind_null(stmt, index) }
    func bind(_ index: Int32, _ text: String) {
        var text = text
        _ = text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                chars.isEmpty ? sqlite3_bind_text(stmt, index, "", 0, Self.transient)
                    : sqlite3_bind_text(stmt, index, chars.baseAddress, Int32(chars.count), Self.transient)
            }
        }
    }

    /// Runs a statement bound one value at a time, which returns no rows.
    func execute() throws {
        let rc = sqlite3_step(stmt)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw db.failure(rc) }
    }

    /// Advances; true while there is a row.
    func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw db.failure(rc)
    }

    /// Runs a statement that returns no rows.
    func run(_ values: [SQLValue] = []) throws {
        bind(values)
        while try step() {}
    }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(stmt, column)) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(stmt, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(stmt, column) == SQLITE_NULL }
    func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, column) else { return "" }
        // Read by length, for the same reason: a NUL is text, not the end of it.
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, column))), as: UTF8.self)
    }
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    /// A text column's bytes, valid during `body` (no String made).
    func withBytes<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        guard let p = sqlite3_column_text(stmt, column) else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, column))))
    }
    func blob(_ column: Int32) -> [UInt8] {
        guard let p = sqlite3_column_blob(stmt, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, column))))
    }
}

enum SQLValue {
    case int(Int)
    case double(Double)
    case text(String)
    case blob([UInt8])
    case null

    static func optional(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }
}
