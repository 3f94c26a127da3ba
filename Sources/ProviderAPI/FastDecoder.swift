import Foundation

/// Decodes the two page shapes of the contract straight from bytes, about ten times
/// faster than JSONDecoder, which made the sync CPU-bound. Anything outside the plain
/// shape (a field the contract does not name, a number with a fraction, a nested
/// value) makes it give up, and JSONDecoder, which keeps unknown fields, decodes the
/// page instead: the fast path never changes what a page means.
public enum FastDecoder {
    public static func decode<T>(_ type: T.Type, from data: Data) -> T? {
        data.withUnsafeBytes { raw -> T? in
            var p = Parser(bytes: raw.bindMemory(to: UInt8.self))
            if T.self == UsagePage.self { return p.usagePage() as? T }
            if T.self == Page<Organization>.self { return p.organizationPage() as? T }
            return nil
        }
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        // MARK: - Pages

        mutating func usagePage() -> UsagePage? {
            var period: ReportPeriod?, generatedAt: String?, rows: [UsageRow]?, cursor: String??
            let ok = object { key, p in
                switch key {
                case "period": period = p.period(); return period != nil
                case "generatedAt": generatedAt = p.string(); return generatedAt != nil
                case "data": rows = p.array { $0.usageRow() }; return rows != nil
                case "nextCursor": cursor = p.optionalString(); return cursor != nil
                default: return false
                }
            }
            guard ok == 4, atEnd(), let period, let generatedAt, let rows, let cursor else { return nil }
            return UsagePage(period: period, generatedAt: generatedAt, data: rows, nextCursor: cursor)
        }

        mutating func organizationPage() -> Page<Organization>? {
            var rows: [Organization]?, cursor: String??
            let ok = object { key, p in
                switch key {
                case "data": rows = p.array { $0.organization() }; return rows != nil
                case "nextCursor": cursor = p.optionalString(); return cursor != nil
                default: return false
                }
            }
            guard ok == 2, atEnd(), let rows, let cursor else { return nil }
            return Page(data: rows, nextCursor: cursor)
        }

        mutating func period() -> ReportPeriod? {
            var type: String?, date: String?, month: String?
            let ok = object { key, p in
                switch key {
                case "type": type = p.string(); return type != nil
                case "date": date = p.string(); return date != nil
                case "month": month = p.string(); return month != nil
                default: return false
                }
            }
            guard ok == 2 else { return nil }
            switch type {
            case "daily": return date.flatMap { Day($0) }.map { .daily($0) }
            case "monthly": return month.flatMap { Month($0) }.map { .monthly($0) }
            default: return nil
            }
        }

        mutating func usageRow() -> UsageRow? {
            var id: String?, name: String?, tier: String?, license: String?
            var trial: Bool?, nfr: Bool?, active: Int?, pending: Int?, consumed: Int?
            let ok = object { key, p in
                switch key {
                case "organizationId": id = p.string(); return id != nil
                case "organizationName": name = p.string(); return name != nil
                case "tier": tier = p.string(); return tier != nil
                case "licenseType": license = p.string(); return license != nil
                case "trial": trial = p.bool(); return trial != nil
                case "nfr": nfr = p.bool(); return nfr != nil
                case "activeSeats": active = p.int(); return active != nil
                case "pendingSeats": pending = p.int(); return pending != nil
                case "consumedLicenses": consumed = p.int(); return consumed != nil
                default: return false
                }
            }
            guard ok == 9, let id, let name, let tier, let license, let trial, let nfr, let active, let pending, let consumed else { return nil }
            return UsageRow(organizationId: id, organizationName: name, tier: Tier(rawValue: tier), licenseType: LicenseType(rawValue: license),
                            trial: trial, nfr: nfr, activeSeats: active, pendingSeats: pending, consumedLicenses: consumed)
        }

        mutating func organization() -> Organization? {
            var id: String?, name: String?, status: String?, tier: String?, license: String?, created: String?
            var trialEnds: String??
            let ok = object { key, p in
                switch key {
                case "id": id = p.string(); return id != nil
                case "name": name = p.string(); return name != nil
                case "status": status = p.string(); return status != nil
                case "tier": tier = p.string(); return tier != nil
                case "licenseType": license = p.string(); return license != nil
                case "trialEndsAt": trialEnds = p.optionalString(); return trialEnds != nil
                case "createdAt": created = p.string(); return created != nil
                default: return false
                }
            }
            guard ok == (trialEnds == nil ? 6 : 7), let id, let name, let status, let tier, let license, let created else { return nil }
            return Organization(id: id, name: name, status: OrganizationStatus(rawValue: status), tier: Tier(rawValue: tier),
                                licenseType: LicenseType(rawValue: license), trialEndsAt: trialEnds ?? nil, createdAt: created)
        }

        // MARK: - JSON pieces

        mutating func ws() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func take(_ c: UInt8) -> Bool {
            ws()
            guard i < bytes.count, bytes[i] == c else { return false }
            i += 1
            return true
        }

        mutating func atEnd() -> Bool { ws(); return i == bytes.count }

        /// `{ "key": value, ... }`, each value read by `member`: the number of members,
        /// which callers compare with the fields they filled, so a repeated key fails.
        /// Keys are matched as the bytes they are (`case "tier":` compares bytes), never
        /// made into Strings: nine keys a row were a third of the decoding.
        mutating func object(_ member: (Key, inout Parser) -> Bool) -> Int? {
            guard take(0x7B) else { return nil }
            if take(0x7D) { return 0 }
            var count = 0
            repeat {
                guard let key = key(), take(0x3A), member(key, &self) else { return nil }
                count += 1
            } while take(0x2C)
            return take(0x7D) ? count : nil
        }

        /// A key's bytes between its quotes; nil for one with an escape (the slow path).
        mutating func key() -> Key? { quoted().map(Key.init) }

        /// An object's key, as bytes.
        struct Key {
            let bytes: UnsafeBufferPointer<UInt8>

            /// `case "name":` in a switch over a key: the same bytes.
            static func ~= (name: StaticString, key: Key) -> Bool {
                let n = name.utf8CodeUnitCount
                guard n == key.bytes.count else { return false }
                return n == 0 || memcmp(name.utf8Start, key.bytes.baseAddress!, n) == 0
            }
        }

        mutating func array<E>(_ element: (inout Parser) -> E?) -> [E]? {
            guard take(0x5B) else { return nil }
            var out: [E] = []
            if take(0x5D) { return out }
            repeat {
                guard let e = element(&self) else { return nil }
                out.append(e)
            } while take(0x2C)
            return take(0x5D) ? out : nil
        }

        /// A string without escapes (the plain case); with any escape, the slow path.
        mutating func string() -> String? { quoted().flatMap(Self.utf8) }

        /// The bytes between a string's quotes, when it has no escape and no control
        /// character; nil otherwise.
        mutating func quoted() -> UnsafeBufferPointer<UInt8>? {
            guard take(0x22) else { return nil }
            let start = i
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x22 {
                    i += 1
                    return UnsafeBufferPointer(rebasing: bytes[start..<(i - 1)])
                }
                if b == 0x5C || b < 0x20 { return nil }
                i += 1
            }
            return nil
        }

        /// The bytes as a String if they are valid UTF-8. `String(validating:as:)` goes
        /// through Foundation's every-encoding path here, about 1,500 instructions a
        /// call (generic metadata looked up each time) for an 8-byte key; decoding is a
        /// few dozen, and a string that was not valid UTF-8 comes back repaired, so it
        /// no longer equals its bytes.
        static func utf8(_ buffer: UnsafeBufferPointer<UInt8>) -> String? {
            var s = String(decoding: buffer, as: UTF8.self)
            var ascii = true
            for b in buffer where b >= 0x80 { ascii = false; break }
            if ascii { return s }
            // The same bytes back, compared in one memcmp (a native String's bytes are contiguous).
            return s.withUTF8 { out in
                out.count == buffer.count && memcmp(out.baseAddress!, buffer.baseAddress!, out.count) == 0
            } ? s : nil
        }

        /// A string or null: .some(nil) for null, nil when neither.
        mutating func optionalString() -> String?? {
            ws()
            if literal("null") { return .some(nil) }
            return string().map { .some($0) }
        }

        mutating func bool() -> Bool? {
            ws()
            if literal("true") { return true }
            if literal("false") { return false }
            return nil
        }

        /// An integer: optional minus and at most 18 digits, no leading zero (JSON has
        /// none); a fraction, an exponent or anything longer fails.
        mutating func int() -> Int? {
            ws()
            var negative = false
            if i < bytes.count, bytes[i] == 0x2D { negative = true; i += 1 }
            let first = i
            var n = 0, digits = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if digits == 18 { return nil }
                n = n * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0, !(digits > 1 && bytes[first] == 0x30) else { return nil }
            if i < bytes.count, bytes[i] == 0x2E || bytes[i] == 0x65 || bytes[i] == 0x45 { return nil }
            return negative ? -n : n
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            let w = word.utf8Start
            for k in 0..<n where bytes[i + k] != w[k] { return false }
            i += n
            return true
        }
    }
}
