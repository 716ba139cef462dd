/// Finds the closest known name to a misspelt one, for "did you mean `lower`?" hints.
public enum Suggestions {
    /// The candidate closest to `word`, or nil when none is close enough.
    ///
    /// A candidate matches when it equals `word` ignoring case, when its (case-insensitive) Levenshtein
    /// distance (an adjacent swap counting as one edit) is at most
    /// `max(1, word.count / 3)`, or when one of the two is a prefix of the other
    /// (the shorter being at least 3 characters long). Closer matches win; ties go to the name that sorts first.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased().unicodeScalars)
        guard !target.isEmpty else { return nil }
        let threshold = max(1, target.count / 3)
        var best: (score: Int, name: String)?
        for candidate in candidates {
            let lowered = Array(candidate.lowercased().unicodeScalars)
            guard !lowered.isEmpty else { continue }
            var score: Int?
            if lowered == target {
                score = 0
            } else if abs(lowered.count - target.count) <= threshold,
                let distance = distance(target, lowered, limit: threshold)
            {
                score = distance
            } else if min(lowered.count, target.count) >= 3,
                lowered.starts(with: target) || target.starts(with: lowered)
            {
                score = threshold + 1 + abs(lowered.count - target.count)
            }
            guard let score else { continue }
            if let current = best, current.score < score || (current.score == score && current.name <= candidate) {
                continue
            }
            best = (score, candidate)
        }
        return best?.name
    }

    /// The Levenshtein distance between two strings, counting a swap of adjacent characters as one edit
    /// (optimal string alignment), or nil when it exceeds `limit`.
    static func distance(_ lhs: [Unicode.Scalar], _ rhs: [Unicode.Scalar], limit: Int) -> Int? {
        if lhs.isEmpty { return rhs.count <= limit ? rhs.count : nil }
        if rhs.isEmpty { return lhs.count <= limit ? lhs.count : nil }
        var beforePrevious = [Int](repeating: 0, count: rhs.count + 1)
        var previous = Array(0...rhs.count)
        var current = [Int](repeating: 0, count: rhs.count + 1)
        for i in 0..<lhs.count {
            current[0] = i + 1
            var rowMinimum = current[0]
            for j in 0..<rhs.count {
                var best = min(previous[j] + (lhs[i] == rhs[j] ? 0 : 1), previous[j + 1] + 1, current[j] + 1)
                if i > 0, j > 0, lhs[i] == rhs[j - 1], lhs[i - 1] == rhs[j] {
                    best = min(best, beforePrevious[j - 1] + 1)
                }
                current[j + 1] = best
                rowMinimum = min(rowMinimum, best)
            }
            if rowMinimum > limit { return nil }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        let result = previous[rhs.count]
        return result <= limit ? result : nil
    }
}
