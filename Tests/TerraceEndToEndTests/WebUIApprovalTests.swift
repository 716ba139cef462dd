import Foundation
import Testing
import TerraceTestSupport

/// Approvals in a real browser: a `manual` infrastructure's plan shown, refused to a viewer, approved by an admin
/// and applied (checked through the AWS API); a plan superseded by a newer push; a discarded plan that applies
/// nothing. Screenshot: the plan waiting for approval.
@Suite(WebUIWorld.needsBrowser)
struct WebUIApprovalTests {
    static let bucket = "webui-gated-bucket"

    static func gated(_ endpoint: String, stage: String) -> String {
        """
        kind: Infrastructure
        name: gated
        approval: manual
        cloud: {provider: aws, region: us-east-1, endpoint: "\(endpoint)"}
        units:
          - name: bucket
            module: ../modules/bucket
            inputs: {name: \(bucket), stage: \(stage)}

        """
    }

    @Test(
        "a manual plan shown, refused to a viewer, approved and applied; superseded by a newer push; discarded",
        arguments: ["SQLite", "PostgreSQL"])
    func approveSupersedeDiscard(database: String) async throws {
        let world = try await WebUIWorld.start(postgres: database == "PostgreSQL") { endpoint in
            [
                "terrace.yaml": "kind: Project\nname: webui\n",
                "modules/bucket/main.tf": WebUIWorld.bucketModule,
                "infrastructures/gated.yaml": Self.gated(endpoint, stage: "one"),
            ]
        }
        do {
            try await scenario(world, database: database)
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }

    func scenario(_ world: WebUIWorld, database: String) async throws {
        var problems: [String] = []
        // 1. The first plan waits for approval; nothing is created meanwhile.
        let waiting = try await world.waitForRun("gated's first plan to wait for approval", of: "gated") {
            $0["status"] as? String == "waiting"
        }
        let firstID = try #require(waiting["id"] as? String)
        #expect(try await world.bucketExists(Self.bucket) == false, "the bucket exists before anyone approved")

        // 2. The admin sees the plan: the resource, its attributes, Approve and Discard.
        let admin = try await world.signIn(as: WebUIWorld.admin)
        try await admin.open(world.base + "/ui/runs/\(firstID)")
        let plan = try await admin.bodyText()
        #expect(plan.contains("aws_s3_bucket.this"), "the plan does not name the bucket resource:\n\(plan)")
        #expect(plan.contains(Self.bucket), "the plan does not show the bucket's name:\n\(plan)")
        #expect(plan.contains("stage"), "the plan does not show the tags:\n\(plan)")
        #expect(try await admin.button("Approve") != nil, "no Approve button for the admin")
        #expect(try await admin.button("Discard") != nil, "no Discard button for the admin")
        if database == "SQLite" { try await admin.saveScreenshot("run-waiting-approval") }
        problems += try await world.consoleProblems(admin)
        // The inventory says gated waits.
        try await admin.open(world.base + "/ui")
        let inventory = try await admin.bodyText()
        #expect(inventory.lowercased().contains("approval") || inventory.lowercased().contains("waiting"), "\(inventory)")

        // 3. A viewer sees the plan but cannot approve: no buttons, and a forged POST (with the viewer's own CSRF
        //    token) is refused, on the page route and on the API.
        //    The viewer is on a phone: the plan fits the screen's width (wide tables scroll inside the page).
        let viewer = try await world.signIn(as: WebUIWorld.viewer, size: .phone)
        try await viewer.open(world.base + "/ui/runs/\(firstID)")
        let viewerPage = try await viewer.bodyText()
        let overflow = try await viewer.execute("return document.documentElement.scrollWidth - window.innerWidth;") as? Int ?? 0
        #expect(overflow <= 1, "the plan page is \(overflow) px wider than a 390 px phone screen")
        if database == "SQLite" { try await viewer.saveScreenshot("run-waiting-approval-phone") }
        #expect(viewerPage.contains("aws_s3_bucket.this"), "the viewer does not see the plan:\n\(viewerPage)")
        #expect(try await viewer.button("Approve") == nil, "the viewer is offered Approve")
        #expect(try await viewer.button("Discard") == nil, "the viewer is offered Discard")
        let viewerCSRF = try #require(try await world.csrf(viewer), "the viewer's page carries no csrf field (logout form)")
        let forged = try await world.post(from: viewer, "/ui/runs/\(firstID)/approve", form: ["csrf": viewerCSRF])
        #expect(forged == 403, "a viewer's POST /ui/runs/…/approve answered \(forged)")
        let forgedAPI = try await world.post(from: viewer, "/api/v1/runs/\(firstID)/approve", headers: ["X-CSRF-Token": viewerCSRF])
        #expect(forgedAPI == 403, "a viewer's POST /api/v1/runs/…/approve answered \(forgedAPI)")
        let viewerAudit = try await world.fetchStatus(from: viewer, "GET", "/ui/audit")
        #expect(viewerAudit == 403, "a viewer's GET /ui/audit answered \(viewerAudit)")
        // An admin's POST without the CSRF token is refused too.
        try await admin.open(world.base + "/ui/runs/\(firstID)")
        let noToken = try await world.post(from: admin, "/ui/runs/\(firstID)/approve")
        #expect(noToken == 403, "an admin's POST without csrf answered \(noToken)")
        #expect(try await world.run(firstID)["status"] as? String == "waiting")
        // The refused requests above are logged by the browser as failed loads: expected, so dropped here.
        _ = try await world.consoleProblems(viewer)
        _ = try await world.consoleProblems(admin)

        // 4. The admin approves: the page comes back, the run applies, the bucket exists with its tag.
        let approve = try #require(try await admin.button("Approve"))
        try await approve.click()
        try await admin.waitUntil("to be back on the run's page") { try await admin.currentURL().contains("/ui/runs/\(firstID)") }
        let approved = try await world.waitForRun("the approved run to finish", of: "gated") {
            $0["id"] as? String == firstID && !["waiting", "running"].contains($0["status"] as? String ?? "")
        }
        #expect(approved["status"] as? String == "succeeded", "\(approved)")
        #expect(approved["approvedBy"] as? String == WebUIWorld.admin.name, "approvedBy: \(approved["approvedBy"] ?? "none")")
        #expect(try await world.bucketExists(Self.bucket))
        let tags = try await world.bucketTags(Self.bucket)
        #expect(tags["stage"] == "one", "the bucket's tags: \(tags)")
        try await admin.open(world.base + "/ui/runs/\(firstID)")
        let afterApproval = try await admin.bodyText()
        #expect(afterApproval.contains(WebUIWorld.admin.name), "the run page does not say who approved:\n\(afterApproval)")
        #expect(try await admin.button("Approve") == nil, "a finished run still offers Approve")
        let appliedRevision = try #require(try await world.infrastructure("gated")["lastAppliedRevision"] as? String)

        // 5. A push makes a new plan; a newer push supersedes it before anyone approves.
        let two = try await world.push(["infrastructures/gated.yaml": Self.gated(world.moto.endpoint, stage: "two")], message: "gated: two")
        let planTwo = try await world.waitForRun("the plan of stage two to wait", of: "gated") {
            $0["revision"] as? String == two && $0["status"] as? String == "waiting"
        }
        let twoID = try #require(planTwo["id"] as? String)
        try await admin.open(world.base + "/ui/runs/\(twoID)")
        let diff = try await admin.bodyText()
        #expect(diff.contains("one") && diff.contains("two"), "the plan does not show the tag's change from one to two:\n\(diff)")
        let three = try await world.push(["infrastructures/gated.yaml": Self.gated(world.moto.endpoint, stage: "three")], message: "gated: three")
        let planThree = try await world.waitForRun("the plan of stage three to wait", of: "gated") {
            $0["revision"] as? String == three && $0["status"] as? String == "waiting"
        }
        let threeID = try #require(planThree["id"] as? String)
        #expect(try await world.run(twoID)["status"] as? String == "superseded")
        try await admin.open(world.base + "/ui/runs/\(twoID)")
        let superseded = try await admin.bodyText()
        #expect(superseded.lowercased().contains("superseded"), "\(superseded)")
        #expect(try await admin.button("Approve") == nil, "a superseded plan still offers Approve")

        // 6. The admin discards the newest plan: nothing is applied.
        try await admin.open(world.base + "/ui/runs/\(threeID)")
        let discard = try #require(try await admin.button("Discard"), "no Discard button on the waiting plan")
        try await discard.click()
        try await admin.waitUntil("to be back on the run's page") { try await admin.currentURL().contains("/ui/runs/\(threeID)") }
        try await world.serve.waitUntil("the plan to be discarded") {
            try await world.run(threeID)["status"] as? String == "discarded"
        }
        let discarded = try await world.run(threeID)
        #expect(discarded["discardedBy"] as? String == WebUIWorld.admin.name, "discardedBy: \(discarded["discardedBy"] ?? "none")")
        try await admin.open(world.base + "/ui/runs/\(threeID)")
        #expect(try await admin.bodyText().lowercased().contains("discarded"))
        let tagsAfter = try await world.bucketTags(Self.bucket)
        #expect(tagsAfter["stage"] == "one", "a discarded or superseded plan changed the bucket: \(tagsAfter)")
        #expect(try await world.infrastructure("gated")["lastAppliedRevision"] as? String == appliedRevision)
        #expect(try await world.runs("gated").contains { $0["status"] as? String == "running" } == false)

        // 7. The audit log names the admin's approval and discard; only admins see it.
        try await admin.open(world.base + "/ui/audit")
        let audit = try await admin.bodyText()
        #expect(audit.contains(WebUIWorld.admin.name) && audit.lowercased().contains("approve") && audit.lowercased().contains("discard"), "\(audit)")
        problems += try await world.consoleProblems(admin)
        #expect(problems.isEmpty, "the browser reported:\n\(problems.joined(separator: "\n"))")
    }
}
