import Testing

@testable import TerraceCore

@Suite struct SuggestionsTests {
    @Test func closeNames() {
        let functions = Evaluator.functionNames
        #expect(Suggestions.closest(to: "lowr", in: functions) == "lower")
        #expect(Suggestions.closest(to: "cidrsubnett", in: functions) == "cidrsubnet")
        #expect(Suggestions.closest(to: "JOIN", in: functions) == "join")
        #expect(Suggestions.closest(to: "frobnicate", in: functions) == nil)
        #expect(Suggestions.closest(to: "", in: functions) == nil)
    }

    @Test func thresholdScalesWithLength() {
        // "ab" allows distance 1; "xy" is 2 away from "ab".
        #expect(Suggestions.closest(to: "ab", in: ["xy"]) == nil)
        #expect(Suggestions.closest(to: "ab", in: ["ac"]) == "ac")
        // Nine characters allow distance 3.
        #expect(Suggestions.closest(to: "abcdefghi", in: ["abcdefxyz"]) == "abcdefxyz")
        #expect(Suggestions.closest(to: "abcdefghi", in: ["abcdewxyz"]) == nil)
    }

    @Test func prefixMatches() {
        #expect(Suggestions.closest(to: "cidr_block", in: ["cidr", "name"]) == "cidr")
        #expect(Suggestions.closest(to: "vpc", in: ["vpc_identifier", "name"]) == "vpc_identifier")
        #expect(Suggestions.closest(to: "ab", in: ["abcdef"]) == nil)
    }

    @Test func prefersCloserThenAlphabetical() {
        #expect(Suggestions.closest(to: "cat", in: ["bat", "car", "cat"]) == "cat")
        #expect(Suggestions.closest(to: "cat", in: ["rat", "bat"]) == "bat")
        #expect(Suggestions.closest(to: "Name", in: ["name", "nam"]) == "name")
    }
}
