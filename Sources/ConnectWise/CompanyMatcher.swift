import Foundation
import ProviderAPI

/// Which ConnectWise company an organization with no customer most likely is: names
/// folded (case, accents), legal forms set aside (GmbH, Ltd, Inc, LLC, AB, ApS, Oy, AG,
/// BV, S.A., SRL, Sp. z o.o., 株式会社, …). The same words in the same order score 1.0,
/// in another order 0.95; otherwise the likeness of their letter pairs, at most 0.9.
public struct CompanyMatcher: Sendable {
    public struct Candidate: Sendable, Equatable {
        public var company: CWCompany
        public var score: Double
        /// The whole names are the same once folded, legal forms included.
        public var isExact: Bool
    }

    public struct Suggestion: Sendable, Equatable {
        public var organizationId: String
        public var organizationName: String
        public var best: Candidate?
        public var runnerUp: Candidate?

        /// Whether the best is clear: no runner-up as good (an exact name beats a name
        /// equal only with legal forms set aside).
        public var isClear: Bool {
            guard let best else { return false }
            guard let second = runnerUp else { return true }
            return best.score > second.score || (best.isExact && !second.isExact)
        }
    }

    /// Legal forms, folded, as whole words (several words for "sp z o o", "s a").
    static let legalWords: [[String]] = [
        ["gmbh"], ["ltd"], ["limited"], ["inc"], ["incorporated"], ["llc"], ["ab"], ["aps"], ["oy"], ["oyj"], ["ag"], ["bv"],
        ["nv"], ["sa"], ["s", "a"], ["srl"], ["s", "r", "l"], ["sp", "z", "o", "o"], ["spzoo"], ["plc"], ["co"], ["corp"],
        ["corporation"], ["company"], ["as"], ["asa"], ["a", "s"], ["kg"], ["sarl"], ["sas"], ["spa"], ["pty"], ["kk"], ["k", "k"],
    ]
    /// Legal forms written without a space in CJK names, folded.
    static let legalAffixes = ["株式会社", "有限公司", "주식회사", "合同会社", "有限会社", "股份有限公司", "(주)", "㈜"]

    /// The words of a name with legal forms set aside.
    public static func words(_ name: String) -> [String] {
        var folded = String(decoding: TextSearch.fold(name), as: UTF8.self)
        for affix in legalAffixes.sorted(by: { $0.count > $1.count }) where folded.contains(affix) {
            folded = folded.replacingOccurrences(of: affix, with: " ")
        }
        var words = folded.split { !($0.isLetter || $0.isNumber) }.map(String.init)
        var i = 0
        while i < words.count {
            if let form = legalWords.sorted(by: { $0.count > $1.count }).first(where: { i + $0.count <= words.count && Array(words[i..<i + $0.count]) == $0 }),
               words.count > form.count {
                words.removeSubrange(i..<i + form.count)
            } else {
                i += 1
            }
        }
        return words
    }

    /// How alike two names are, from 0 to 1.
    public static func score(_ a: [String], _ b: [String]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        if a == b { return 1 }
        if a.sorted() == b.sorted() { return 0.95 }
        return 0.9 * dice(a.sorted().joined(separator: " "), b.sorted().joined(separator: " "))
    }

    /// Sørensen-Dice of the letter pairs.
    static func dice(_ a: String, _ b: String) -> Double {
        func pairs(_ s: String) -> [String: Int] {
            let chars = Array(s)
            var out: [String: Int] = [:]
            guard chars.count > 1 else { return chars.isEmpty ? [:] : [String(chars): 1] }
            for i in 0..<(chars.count - 1) { out[String(chars[i...i + 1]), default: 0] += 1 }
            return out
        }
        let x = pairs(a), y = pairs(b)
        let shared = x.reduce(0) { $0 + min($1.value, y[$1.key] ?? 0) }
        let total = x.values.reduce(0, +) + y.values.reduce(0, +)
        return total == 0 ? 0 : 2 * Double(shared) / Double(total)
    }

    let companies: [(company: CWCompany, words: [String], folded: [UInt8])]

    public init(companies: [CWCompany]) {
        self.companies = companies.map { ($0, Self.words($0.name ?? $0.identifier), Self.whole($0.name ?? $0.identifier)) }
    }

    /// The whole name folded, its words joined by one space.
    static func whole(_ name: String) -> [UInt8] {
        Array(String(decoding: TextSearch.fold(name), as: UTF8.self).split { !($0.isLetter || $0.isNumber) }.joined(separator: " ").utf8)
    }

    /// The best company for `name` and the runner-up; nil when none shares anything.
    public func suggest(organizationId: String, name: String) -> Suggestion {
        let words = Self.words(name), whole = Self.whole(name)
        var best: Candidate?, second: Candidate?
        /// Score, then an exact name, then the identifier.
        func beats(_ a: Candidate, _ b: Candidate?) -> Bool {
            guard let b else { return true }
            if a.score != b.score { return a.score > b.score }
            if a.isExact != b.isExact { return a.isExact }
            return a.company.identifier < b.company.identifier
        }
        for (company, theirs, folded) in companies {
            let s = Self.score(words, theirs)
            guard s > 0 else { continue }
            let c = Candidate(company: company, score: s, isExact: s == 1 && folded == whole)
            if beats(c, best) { second = best; best = c } else if beats(c, second) { second = c }
        }
        return Suggestion(organizationId: organizationId, organizationName: name, best: best, runnerUp: second)
    }
}
