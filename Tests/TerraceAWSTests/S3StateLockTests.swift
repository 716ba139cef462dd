import Foundation
import TerraceCore
import Testing

@testable import TerraceAWS

@Suite struct S3StateLockTests {
    @Test func heldMessageNamesHolderOperationAndTime() {
        let holder = LockInfo(
            id: "1", infrastructure: "dev", holder: "root@host (pid 42)", operation: "apply",
            createdAt: Date(timeIntervalSince1970: 1_795_240_800))
        let error = S3StateLock.heldError(infrastructure: "dev", holder: holder)
        #expect(error.code == .held)
        #expect(error.holder == holder)
        #expect(error.message == "infrastructure `dev` is locked by root@host (pid 42) for apply since 2026-11-21T06:00:00Z")
    }

    @Test func currentHolderIsUserAtHostWithPid() {
        let holder = LockInfo.currentHolder()
        #expect(holder.contains("@"))
        #expect(holder.hasSuffix("(pid \(ProcessInfo.processInfo.processIdentifier))"))
    }

    @Test func keysLiveUnderTerrace() {
        #expect(S3StateLock.lockKey("dev") == "terrace/dev/terrace.lock")
        #expect(S3StateStore.recordKey("dev") == "terrace/dev/record.json")
    }
}
