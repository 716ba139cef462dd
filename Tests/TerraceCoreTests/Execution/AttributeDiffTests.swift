import Testing
import TerraceCore

/// The attribute diff of reviewed plans.
@Suite struct AttributeDiffTests {
    @Test func changedSensitiveUnknownAndNestedAttributes() {
        let before: Value = ["name": "a", "version": 1, "password": "old-secret", "tags": ["team": "x", "odd key": "y"], "same": true]
        let after: Value = ["name": "b", "version": .unknown, "password": "new-secret", "tags": ["team": "z", "odd key": "y"], "same": true]
        let changes = AttributeDiff.changes(before: before, after: after, isSensitive: { $0 == "password" })
        #expect(changes == [
            AttributeChange(path: "name", before: "\"a\"", after: "\"b\""),
            AttributeChange(path: "password", before: "(sensitive)", after: "(sensitive)"),
            AttributeChange(path: "tags.team", before: "\"x\"", after: "\"z\""),
            AttributeChange(path: "version", before: "1", after: "(known after apply)"),
        ])
        #expect(!"\(changes)".contains("secret"))
    }

    @Test func aNewResourceListsWhatTheProviderFillsInTogetherAndLeavesNullsOut() {
        let after: Value = ["bucket": "b", "acl": .null, "list": ["p", "q"]]
        let changes = AttributeDiff.changes(before: nil, after: after, isUnknown: { $0 == "arn" || $0 == "id" }, unknownPaths: ["arn", "id"])
        #expect(changes == [
            AttributeChange(path: "bucket", before: nil, after: "\"b\""),
            AttributeChange(path: "list[0]", before: nil, after: "\"p\""),
            AttributeChange(path: "list[1]", before: nil, after: "\"q\""),
            AttributeChange(path: "(2 more, (known after apply))", before: nil, after: "arn, id"),
        ])
    }
}
