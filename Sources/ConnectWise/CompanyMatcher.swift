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

    /// A name as the matcher compares it, worked out once: its words, the same sorted,
    /// and the letter pairs of the sorted words joined, as ids in ascending order (a
    /// pair no company has gets none: it counts in the total alone). Comparing an
    /// organization with every company made both names' pairs anew each time (strings
    /// and a dictionary apiece): 46 s for the demo's 6,000 organizations.
    struct Shape: Sendable {
        let words: [String]
        let sorted: [String]
        let pairs: [Int32]
        let pairCount: Int
    }

    /// How alike two names are, from 0 to 1.
    static func score(_ a: Shape, _ b: Shape) -> Double {
        guard !a.words.isEmpty, !b.words.isEmpty else { return 0 }
        if a.words == b.words { return 1 }
        if a.sorted == b.sorted { return 0.95 }
        return 0.9 * dice(a, b)
    }

    /// Sørensen-Dice of the letter pairs: twice the pairs both have (as often as both
    /// have them), over all the pairs of both.
    static func dice(_ x: Shape, _ y: Shape) -> Double {
        var i = 0, j = 0, shared = 0
        while i < x.pairs.count, j < y.pairs.count {
            if x.pairs[i] == y.pairs[j] { shared += 1; i += 1; j += 1 } else if x.pairs[i] < y.pairs[j] { i += 1 } else { j += 1 }
        }
        let total = x.pairCount + y.pairCount
        return total == 0 ? 0 : 2 * Double(shared) / Double(total)
    }

    /// The letter pairs of a text (a one-letter text is its own pair).
    static func letterPairs(_ s: String) -> [String] {
        let chars = Array(s)
        guard chars.count > 1 else { return chars.isEmpty ? [] : [String(chars)] }
        return (0..<(chars.count - 1)).map { String(chars[$0...$0 + 1]) }
    }

    let companies: [(company: CWCompany, shape: Shape, folded: [UInt8])]
    /// The ids of the letter pairs the companies' names have.
    let pairIds: [String: Int32]

    public init(companies: [CWCompany]) {
        var ids: [String: Int32] = [:]
        self.companies = companies.map { company in
            let name = company.name ?? company.identifier
            let words = Self.words(name), sorted = words.sorted()
            let pairs = Self.letterPairs(sorted.joined(separator: " ")).map { pair in
                if let id = ids[pair] { return id }
                let id = Int32(ids.count)
                ids[pair] = id
                return id
            }
            return (company, Shape(words: words, sorted: sorted, pairs: pairs.sorted(), pairCount: pairs.count), Self.whole(name))
        }
        pairIds = ids
    }

    /// An organization's name shaped for comparing with the companies'.
    func shape(_ name: String) -> Shape {
        let words = Self.words(name), sorted = words.sorted()
        let pairs = Self.letterPairs(sorted.joined(separator: " "))
        return Shape(words: words, sorted: sorted, pairs: pairs.compactMap { pairIds[$0] }.sorted(), pairCount: pairs.count)
    }

    /// The whole name folded, its words joined by one space.
    static func whole(_ name: String) -> [UInt8] {
        Array(String(decoding: TextSearch.fold(name), as: UTF8.self).split { !($0.isLetter || $0.isNumber) }.joined(separator: " ").utf8)
    }

    /// The best company for `name` and the runner-up; nil when none shares anything.
    public func suggest(organizationId: String, name: String) -> Suggestion {
        let shape = self.shape(name), whole = Self.whole(name)
        var best: Candidate?, second: Candidate?
        /// Score, then an exact name, then the identifier.
        func beats(_ a: Candidate, _ b: Candidate?) -> Bool {
            guard let b else { return true }
            if a.score != b.score { return a.score > b.score }
            if a.isExact != b.isExact { return a.isExact }
            return a.company.identifier < b.company.identifier
        }
        for (company, theirs, folded) in companies {
            let s = Self.score(shape, theirs)
            guard s > 0 else { continue }
            let c = Candidate(company: company, score: s, isExact: s == 1 && folded == whole)
            if beats(c, best) { second = best; best = c } else if beats(c, second) { second = c }
        }
        return Suggestion(organizationId: organizationId, organizationName: name, best: best, runnerUp: second)
    }
}
