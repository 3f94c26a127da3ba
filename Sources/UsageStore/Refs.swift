import Foundation
import ProviderAPI

/// The writer's map of ids, names and labels to the integers rows refer to them by:
/// read once, then added to as new ones come.
struct Refs {
    private(set) var loaded = false
    /// Whether name refs have stopped following the name order (`meta.name_order`).
    private var nameOrderBroken = false
    private var orgs: [String: Int] = [:]
    private var names: [String: Int] = [:]
    private var labels: [String: Int] = [:]

    static let tiers = [Tier.business.rawValue, Tier.enterprise.rawValue]
    static let licenses = [LicenseType.standard.rawValue, LicenseType.trial.rawValue, LicenseType.nfr.rawValue]

    mutating func load(_ db: Database) throws {
        for (table, key, into) in [("org_refs", "id", \Refs.orgs), ("name_refs", "name", \Refs.names)] {
            let s = try db.prepare("SELECT ref, \(key) FROM \(table)")
            var map: [String: Int] = [:]
            while try s.step() { map[s.text(1)] = s.int(0) }
            self[keyPath: into] = map
        }
        let s = try db.prepare("SELECT id, text FROM labels")
        while try s.step() { labels[s.text(1)] = 100 + s.int(0) }
        nameOrderBroken = try Self.nameOrderBroken(in: db)
        loaded = true
    }

    private static func intern(_ text: String, _ map: inout [String: Int], _ db: Database, _ sql: String) throws -> Int {
        if let ref = map[text] { return ref }
        try db.prepare(sql).run([.text(text)])
        let ref = db.lastInsertRowID
        map[text] = ref
        return ref
    }

    mutating func org(_ id: String, _ db: Database) throws -> Int {
        try Self.intern(id, &orgs, db, "INSERT INTO org_refs (id) VALUES (?)")
    }

    /// Whether no name is known yet (a first sync's first report).
    var hasNoNames: Bool { names.isEmpty }

    /// Interns a report's names before its rows: into an empty table (a first sync),
    /// all at once, numbered in the list's order with even gaps; else one at a time.
    mutating func internNames(_ all: [String], _ db: Database) throws {
        guard names.isEmpty, try db.scalar("SELECT count(*) FROM name_refs") == 0 else { return }
        let fresh = Set(all).map { (name: $0, fold: TextSearch.sortKey($0)) }.sorted {
            let c = TextSearch.compare($0.fold, $1.fold)
            return c != 0 ? c < 0 : Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8))
        }
        let insert = try db.prepare("INSERT INTO name_refs (ref, name, fold) VALUES (?, ?, ?)")
        for (i, entry) in fresh.enumerated() {
            let ref = (i + 1) * Self.nameSpacing
            try insert.run([.int(ref), .text(entry.name), .blob(entry.fold)])
            names[entry.name] = ref
        }
    }

    /// Whether the cache says name refs stopped following the name order.
    static func nameOrderBroken(in db: Database) throws -> Bool {
        try db.prepare("SELECT 1 FROM meta WHERE key = 'name_order' AND value = 'broken'").step()
    }

    /// The gap between neighbouring names' refs when they are numbered afresh.
    static let nameSpacing = 4_096

    mutating func name(_ name: String, _ db: Database) throws -> Int {
        if let ref = names[name] { return ref }
        let fold = TextSearch.sortKey(name)
        let ref: Int
        if !nameOrderBroken, let middle = try Self.middleOfGap(fold, name, db) {
            ref = middle
        } else {
            if !nameOrderBroken {
                // No room left between the two: the order by ref no longer holds, and
                // from now on a new name goes after every other.
                try db.prepare("INSERT OR REPLACE INTO meta VALUES ('name_order', 'broken')").run()
                nameOrderBroken = true
            }
            ref = try (db.scalar("SELECT max(ref) FROM name_refs") ?? 0) + Self.nameSpacing
        }
        try db.prepare("INSERT INTO name_refs (ref, name, fold) VALUES (?, ?, ?)").run([.int(ref), .text(name), .blob(fold)])
        names[name] = ref
        return ref
    }

    /// The ref a new name takes between the names just before and after it in the
    /// list's order (the middle of their gap), so refs keep that order; nil when the
    /// gap has no room left.
    private static func middleOfGap(_ fold: [UInt8], _ name: String, _ db: Database) throws -> Int? {
        let before = try db.prepare("SELECT ref FROM name_refs WHERE (fold, name) < (?, ?) ORDER BY fold DESC, name DESC LIMIT 1")
            .bind([.blob(fold), .text(name)])
        let low = try before.step() ? before.int(0) : 0
        let after = try db.prepare("SELECT ref FROM name_refs WHERE (fold, name) > (?, ?) ORDER BY fold, name LIMIT 1")
            .bind([.blob(fold), .text(name)])
        guard try after.step() else { return low + nameSpacing }
        let middle = low + (after.int(0) - low) / 2
        return middle == low ? nil : middle
    }

    private mutating func label(_ text: String, _ db: Database) throws -> Int {
        if let code = labels[text] { return code }
        try db.prepare("INSERT INTO labels (text) VALUES (?)").run([.text(text)])
        let code = 100 + db.lastInsertRowID
        labels[text] = code
        return code
    }

    mutating func tier(_ tier: Tier, _ db: Database) throws -> Int {
        try Self.tiers.firstIndex(of: tier.rawValue) ?? label(tier.rawValue, db)
    }

    mutating func license(_ type: LicenseType, _ db: Database) throws -> Int {
        try Self.licenses.firstIndex(of: type.rawValue) ?? label(type.rawValue, db)
    }

    static func tier(code: Int, _ labels: [Int: String]) -> Tier {
        Tier(rawValue: code < tiers.count ? tiers[code] : labels[code] ?? "")
    }

    static func license(code: Int, _ labels: [Int: String]) -> LicenseType {
        LicenseType(rawValue: code < licenses.count ? licenses[code] : labels[code] ?? "")
    }
}
