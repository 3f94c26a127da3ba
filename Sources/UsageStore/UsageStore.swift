import Foundation
import ProviderAPI

/// The local cache: the organization list and every daily and monthly report fetched,
/// one SQLite file per provider and API host. It holds no key and no token. Every
/// report is written in one transaction, so the cache holds whole reports or none.
public final class UsageStore: @unchecked Sendable {
    // Two connections to the file (WAL mode): the sync writes through `writer`, each
    // report in one transaction; the screens read through `reader`, which never waits
    // for a write to end. Each is used under its own lock.
    private let writer: Locked<Database>
    private let reader: Locked<Database>
    public let path: String
    /// Said once when a damaged or foreign cache was moved aside on open.
    public private(set) var notice: String?
    /// The writer's interned organization ids and names (loaded on the first write).
    var refs = Refs()

    static let applicationID = 0x5045_5850   // "PEXP"
    static let schemaVersion = 3

    init(db: Database, path: String, notice: String?) throws {
        self.writer = Locked(db)
        self.reader = Locked(try Database(path: path))
        self.path = path
        self.notice = notice
    }

    /// The cache of `providerId` at `baseURL` under `directory` (created 0700, file 0600).
    public static func open(directory: String, providerId: String, baseURL: String) throws -> UsageStore {
        let warning = try prepareDirectory(directory)
        let store = try open(path: directory + "/" + fileName(providerId: providerId, baseURL: baseURL))
        if let warning { store.notice = [store.notice, warning].compactMap { $0 }.joined(separator: "; ") }
        return store
    }

    /// `prv_7Q2M9K-1a2b3c4d.sqlite3`: readable, and distinct for each API host.
    public static func fileName(providerId: String, baseURL: String) -> String {
        let safe = String(providerId.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" ? Character($0) : "_" }.prefix(64))
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in baseURL.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return "\(safe)-\(String(h, radix: 16).suffix(8)).sqlite3"
    }

    /// Creates the directories of `directory` that are missing, each 0700; a directory
    /// that exists is the user's and keeps its mode. Returns a warning when an existing
    /// one can be read by group or others (the cache holds every client's usage).
    static func prepareDirectory(_ directory: String) throws -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StoreError.unusable(path: directory, reason: "cannot create the cache directory: a file is in the way")
            }
            var info = stat()
            if stat(directory, &info) == 0, info.st_mode & 0o077 != 0 {
                return "the cache directory \(directory) can be read by others (mode 0\(String(info.st_mode & 0o777, radix: 8))); chmod 700 it"
            }
            return nil
        }
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0, errno != EEXIST {
                throw StoreError.unusable(path: directory, reason: "cannot create the cache directory: \(SystemError.describe(errno))")
            }
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) || !isDir.boolValue {
                throw StoreError.unusable(path: directory, reason: "cannot create the cache directory: a file is in the way at \(path)")
            }
        }
        chmod(directory, 0o700)
        return nil
    }

    /// Opens (or creates) the cache file at `path`. A file that is not SQLite, is
    /// damaged, belongs to another program or comes from a newer version is moved
    /// aside and a new cache started; `notice` says so.
    public static func open(path: String) throws -> UsageStore {
        let previous = umask(0o077)
        defer { umask(previous) }
        do {
            let db = try Database(path: path)
            try check(db)
            try migrate(db)
            chmod(path, 0o600)
            return try UsageStore(db: db, path: path, notice: nil)
        } catch let problem as CacheProblem {
            let aside = path + ".broken-" + String(Int(Date().timeIntervalSince1970))
            try? FileManager.default.moveItem(atPath: path, toPath: aside)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let db = try Database(path: path)
            try migrate(db)
            chmod(path, 0o600)
            let notice = "the cache \(path) \(problem.reason); moved it to \(aside) and started a new one"
            return try UsageStore(db: db, path: path, notice: notice)
        } catch let failure as Database.Failure {
            throw StoreError.unusable(path: path, reason: failure.message)
        }
    }

    struct CacheProblem: Error { let reason: String }

    /// Files up to this size get SQLite's page-by-page check at open; it reads the whole
    /// file (about 0.5 s for 50,000 organizations), so a larger cache is checked by its
    /// header and schema only, and damage deeper in shows as an error when read.
    static let fullCheckLimit = 32 << 20

    /// Whether the file is ours, whole, and of a version we can read.
    static func check(_ db: Database) throws {
        let appID: Int
        do {
            appID = try db.scalar("PRAGMA application_id") ?? 0
            _ = try db.scalar("SELECT count(*) FROM sqlite_master")
            let size = ((try? FileManager.default.attributesOfItem(atPath: db.path)[.size]) as? Int) ?? 0
            if size <= fullCheckLimit {
                let integrity = try db.prepare("PRAGMA quick_check")
                if try integrity.step(), integrity.text(0) != "ok" { throw CacheProblem(reason: "is damaged") }
            }
        } catch let f as Database.Failure where f.isCorrupt {
            throw CacheProblem(reason: "is not a SQLite database or is damaged")
        }
        // Any other failure (a full disk, an I/O error, a lock) says nothing about the
        // file: it comes out as the cache's error, and the file stays where it is.
        let version = (try? db.scalar("PRAGMA user_version")) ?? 0
        let tables = (try? db.scalar("SELECT count(*) FROM sqlite_master")) ?? 0
        if appID == 0, tables == 0 { return }   // a new, empty file
        if appID != applicationID { throw CacheProblem(reason: "belongs to another program") }
        if version > schemaVersion { throw CacheProblem(reason: "was written by a newer provider-explorer (schema \(version))") }
    }

    /// Brings the schema from any earlier version to the current one: a new file gets
    /// version 2; a version 1 file is converted in place (its reports kept) and then
    /// compacted, once.
    static func migrate(_ db: Database) throws {
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=NORMAL")
        let version = try db.scalar("PRAGMA user_version") ?? 0
        if version == 0 {
            try db.transaction {
                try db.execute(Schema.v2)
                try db.execute(Schema.monthFacts)
                try db.execute("PRAGMA application_id=\(applicationID)")
                try db.execute("PRAGMA user_version=3")
            }
            try db.execute(Schema.suspendedIndex)
            return
        }
        if version == 1 {
            db.addFoldFunction()
            try db.transaction {
                try db.execute(Schema.v1to2)
                try db.execute("PRAGMA user_version=2")
            }
            // The old tables' pages are free now: give them back to the disk.
            try db.execute("VACUUM")
        }
        if version <= 2 {
            // Version 3: names ordered with their digits as numbers ("AB 2" before
            // "AB 10"), and the months' daily summaries (made when a bill first reads them).
            db.addFoldFunction()
            try db.transaction {
                try db.execute("UPDATE name_refs SET fold = pe_fold(name)")
                try db.execute(Schema.monthFacts)
                // Refs were numbered in the old order: where it differs, the order is
                // read through the join from now on (see `Schema.usageTableV2`).
                if try nameRefsOutOfOrder(db) {
                    try db.execute("INSERT OR REPLACE INTO meta VALUES ('name_order', 'broken')")
                }
                try db.execute("PRAGMA user_version=3")
            }
        }
        // An index added within version 3: made once where it is missing. Where another
        // process writes just now, the next open makes it; reads do without it meanwhile.
        if try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'organizations_suspended'") == 0 {
            try? db.executeIfFree(Schema.suspendedIndex)
        }
    }

    /// Whether some name's ref is out of the name order.
    static func nameRefsOutOfOrder(_ db: Database) throws -> Bool {
        let s = try db.prepare("SELECT fold, name FROM name_refs ORDER BY ref")
        var last: (fold: [UInt8], name: [UInt8])?
        while try s.step() {
            let now = (fold: s.blob(0), name: Array(s.text(1).utf8))
            if let last {
                let c = TextSearch.compare(last.fold, now.fold)
                if c > 0 || (c == 0 && !last.name.lexicographicallyPrecedes(now.name)) { return true }
            }
            last = now
        }
        return false
    }

    /// Runs `body` alone on the writing connection; SQLite failures come out as `StoreError`.
    func writing<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.withLock { try body($0) } } catch let f as Database.Failure {
            throw StoreError.unusable(path: path, reason: f.message)
        }
    }

    /// Runs `body` on the reading connection, which a write in progress does not block.
    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try reader.withLock { try body($0) } } catch let f as Database.Failure {
            throw StoreError.unusable(path: path, reason: f.message)
        }
    }

    func reading<T>(_ body: (Database) -> T) -> T {
        reader.withLock { body($0) }
    }

    /// The schema version of the file (`PRAGMA user_version`).
    public var schemaVersion: Int { (try? reading { try $0.scalar("PRAGMA user_version") }) ?? 0 }

    /// Size of the cache on disk (database and WAL).
    public var bytesOnDisk: Int {
        ["", "-wal"].compactMap { (try? FileManager.default.attributesOfItem(atPath: path + $0)[.size]) as? Int }.reduce(0, +)
    }
}

/// The cache cannot be used at all (a directory we cannot create, a disk error).
public enum StoreError: ReportableError, Equatable {
    case unusable(path: String, reason: String)
    /// 74, EX_IOERR: the cache could not be read or written.
    public var exitCode: Int32 { 74 }
    public var description: String {
        switch self {
        case let .unusable(path, reason): return "cache \(path): \(reason); pass another --cache-dir"
        }
    }
}

enum Schema {
    /// Version 1: every row spelled out (ids, names, tiers and periods as text). Kept
    /// to read an old file from, and for the test that migrates one.
    static func usageTableV1(_ name: String) -> String {
        """
        CREATE TABLE \(name) (
            period TEXT NOT NULL, organization_id TEXT NOT NULL, organization_name TEXT NOT NULL, tier TEXT NOT NULL,
            license_type TEXT NOT NULL, trial INTEGER NOT NULL, nfr INTEGER NOT NULL, active INTEGER NOT NULL,
            pending INTEGER NOT NULL, consumed INTEGER NOT NULL, extra TEXT,
            PRIMARY KEY (period, organization_id)
        ) WITHOUT ROWID;
        CREATE INDEX \(name)_by_organization ON \(name) (organization_id, period);
        """
    }

    /// The organization list and the list of reports cached: the same in both versions.
    static let listAndReports = """
    CREATE TABLE organizations (
        id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
        tier TEXT NOT NULL, license_type TEXT NOT NULL, trial_ends_at TEXT, created_at TEXT NOT NULL, extra TEXT
    );
    CREATE TABLE reports (
        kind TEXT NOT NULL, period TEXT NOT NULL, generated_at TEXT NOT NULL, fetched_at REAL NOT NULL,
        row_count INTEGER NOT NULL, PRIMARY KEY (kind, period)
    ) WITHOUT ROWID;
    """

    static let v1 = """
    \(listAndReports)
    \(usageTableV1("daily_usage"))
    \(usageTableV1("monthly_usage"))
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    """

    /// Version 2: a report row is small integers.
    /// `name_refs.fold` is the name folded as the list sorts and searches names, and
    /// name refs are spaced out in that order (a new name takes the middle of the gap
    /// between its neighbours), so a period's rows in the list's name order are its rows
    /// by `name`, with no join: the first screenful costs a pass over small integers.
    /// Should a gap ever run out, `meta.name_order` says `broken` and the order is read
    /// through the join instead. `period` is the day's ordinal (days
    /// since 1970-01-01) or the month's (year × 12 + month − 1); `org` and `name` refer
    /// to `org_refs` and `name_refs`, where each id and name is stored once; `tier` is 0
    /// business, 1 enterprise, and `license` 0 standard, 1 trial, 2 nfr, any other text
    /// 100 + its `labels` id; `flags` is 1 trial + 2 nfr; `consumed` is NULL when it is
    /// active + pending (SQLite stores 0, 1 and NULL in no bytes at all). There is no
    /// index by organization: one organization's history is a point lookup on the key
    /// for each period asked (`history`), which is as fast and costs no bytes a row.
    static func usageTableV2(_ name: String) -> String {
        """
        CREATE TABLE \(name) (
            period INTEGER NOT NULL, org INTEGER NOT NULL, name INTEGER NOT NULL, tier INTEGER NOT NULL,
            license INTEGER NOT NULL, flags INTEGER NOT NULL, active INTEGER NOT NULL, pending INTEGER NOT NULL,
            consumed INTEGER, extra TEXT,
            PRIMARY KEY (period, org)
        ) WITHOUT ROWID;
        """
    }

    static let refTables = """
    CREATE TABLE org_refs (ref INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
    CREATE TABLE name_refs (ref INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, fold BLOB NOT NULL);
    CREATE INDEX name_refs_by_fold ON name_refs (fold, name);
    CREATE TABLE labels (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
    """

    /// The suspended organizations' ids, for a bill (each says whether an organization
    /// is suspended) without a pass over the whole list and its unknown fields.
    static let suspendedIndex = "CREATE INDEX IF NOT EXISTS organizations_suspended ON organizations (id) WHERE status = 'suspended'"

    static let v2 = """
    \(listAndReports)
    \(refTables)
    \(usageTableV2("daily_usage"))
    \(usageTableV2("monthly_usage"))
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    """

    /// Version 3: what a month's daily reports say of each organization, kept as each
    /// daily report is written (the bill's checks read it instead of every day's rows):
    /// `peak` consumed seats on a day, on how many `days` it appears, and its `tiers`
    /// as bits (bit n: tier code n for business 0 and enterprise 1; 2 + the label's id
    /// for another tier, up to 61; bit 62 for any later one). `month_fact_days` lists
    /// the days summed in: a month whose cached days differ from it is summarised anew.
    static let monthFacts = """
    CREATE TABLE IF NOT EXISTS month_facts (
        month INTEGER NOT NULL, org INTEGER NOT NULL, peak INTEGER NOT NULL, days INTEGER NOT NULL, tiers INTEGER NOT NULL,
        PRIMARY KEY (month, org)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS month_fact_days (day INTEGER PRIMARY KEY, month INTEGER NOT NULL);
    """

    /// SQL for a tier or license text as its code (see `usageTableV2`).
    static func code(_ column: String, known: [String]) -> String {
        "CASE \(column) " + known.enumerated().map { "WHEN '\($0.element)' THEN \($0.offset) " }.joined()
            + "ELSE 100 + (SELECT id FROM labels WHERE text = \(column)) END"
    }

    /// Version 1 to 2 in one transaction: the refs from every row, then each table's
    /// rows in key order (so its pages fill), the old tables dropped.
    static var v1to2: String {
        var sql = refTables + """
        INSERT OR IGNORE INTO org_refs (id)
            SELECT organization_id FROM daily_usage UNION SELECT organization_id FROM monthly_usage ORDER BY 1;
        INSERT INTO name_refs (ref, name, fold)
            SELECT \(Refs.nameSpacing) * ROW_NUMBER() OVER (ORDER BY fold, name), name, fold
            FROM (SELECT name, pe_fold(name) AS fold FROM (SELECT organization_name AS name FROM daily_usage
                                                          UNION SELECT organization_name FROM monthly_usage));
        INSERT OR IGNORE INTO labels (text)
            SELECT tier FROM daily_usage WHERE tier NOT IN ('business', 'enterprise')
            UNION SELECT tier FROM monthly_usage WHERE tier NOT IN ('business', 'enterprise')
            UNION SELECT license_type FROM daily_usage WHERE license_type NOT IN ('standard', 'trial', 'nfr')
            UNION SELECT license_type FROM monthly_usage WHERE license_type NOT IN ('standard', 'trial', 'nfr');

        """
        for (table, ordinal) in [("daily_usage", "CAST(julianday(u.period) - 2440587.5 AS INTEGER)"),
                                 ("monthly_usage", "CAST(substr(u.period, 1, 4) AS INTEGER) * 12 + CAST(substr(u.period, 6, 2) AS INTEGER) - 1")] {
            sql += """
            \(usageTableV2(table + "_v2"))
            INSERT INTO \(table)_v2
                SELECT \(ordinal), o.ref, n.ref, \(code("u.tier", known: ["business", "enterprise"])),
                       \(code("u.license_type", known: ["standard", "trial", "nfr"])), u.trial + 2 * u.nfr, u.active, u.pending,
                       CASE WHEN u.consumed = u.active + u.pending THEN NULL ELSE u.consumed END, u.extra
                FROM \(table) u JOIN org_refs o ON o.id = u.organization_id JOIN name_refs n ON n.name = u.organization_name
                ORDER BY 1, 2;
            DROP TABLE \(table);
            ALTER TABLE \(table)_v2 RENAME TO \(table);

            """
        }
        return sql
    }
}
