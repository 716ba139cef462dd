import Foundation
import TerraceTestSupport
import Testing

/// The quickstart's whole life against a local AWS API (moto) with the real Terraform: apply, verify through
/// the AWS API, re-apply with no Terraform, change one unit, race two applies, remove a unit, fail a unit,
/// destroy everything.
@Suite("End to end: the quickstart against a local AWS API", .serialized, .timeLimit(.minutes(20)))
struct QuickstartLifecycleTests {
    @Test("apply, re-apply, change, lock, remove, fail, destroy")
    func lifecycle() async throws {
        try await MotoServer.with { server in
            let workspace = try QuickstartWorkspace(server: server)
            defer { workspace.remove() }
            let aws = workspace.aws

            // 1. Cold apply: everything is created and recorded.
            let first = try await workspace.terrace(["apply", "--auto-approve", "--json"])
            #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
            #expect(QuickstartWorkspace.outcomes(first) == [
                "backend": "applied", "network": "applied", "domain": "applied", "kubernetes": "applied", "assets": "applied",
                "addons": "applied",
            ])
            let vpcs = try await aws.list(["ec2", "describe-vpcs", "--filters", "Name=cidr,Values=10.20.0.0/16"], "Vpcs")
            #expect(vpcs.count == 1)
            let vpcID = try #require(vpcs.first?["VpcId"] as? String)
            #expect(try await aws.list(["ec2", "describe-subnets", "--filters", "Name=vpc-id,Values=\(vpcID)"], "Subnets").count == 4)
            #expect(try await aws.list(["ec2", "describe-nat-gateways", "--filter", "Name=vpc-id,Values=\(vpcID)"], "NatGateways").count == 1)
            #expect(try await aws.list(["route53", "list-hosted-zones"], "HostedZones").compactMap { $0["Name"] as? String } == ["demo.example.com."])
            #expect(try await aws.strings(["eks", "list-clusters"], "clusters") == ["demo"])
            #expect(try await aws.strings(["eks", "list-nodegroups", "--cluster-name", "demo"], "nodegroups").count == 1)
            #expect(try await aws.list(["iam", "list-open-id-connect-providers"], "OpenIDConnectProviderList").count == 1)
            #expect(try await aws.list(["secretsmanager", "list-secrets"], "SecretList").compactMap { $0["Name"] as? String } == ["demo/terrace/admin"])
            let stateKeys = try await aws.list(["s3api", "list-objects-v2", "--bucket", "quickstart-demo-tfstate"], "Contents")
                .compactMap { $0["Key"] as? String }
            for unit in ["backend", "network", "domain", "kubernetes", "assets", "addons"] {
                #expect(stateKeys.contains("demo/\(unit)/terraform.tfstate"), "state of \(unit) in the bucket")
            }
            #expect(stateKeys.contains("terrace/demo/record.json"))
            #expect(!stateKeys.contains("terrace/demo/terrace.lock"), "the lock is released")

            // Outputs are recorded; the admin password never appears.
            let outputs = try await workspace.terrace(["output", "--json"])
            #expect(outputs.status == 0)
            #expect(outputs.stdout.contains("\"vpc_id\" : \"\(vpcID)\""))
            #expect(!outputs.stdout.lowercased().contains("password"))

            // 2. Apply again: no Terraform runs at all.
            workspace.shim.reset()
            let again = try await workspace.terrace(["apply", "--auto-approve"])
            #expect(again.status == 0)
            #expect(again.stdout.contains("No changes. 6 units unchanged; no Terraform ran."))
            #expect(workspace.shim.invocations().isEmpty)

            // 3. Change one custom unit's input: only that unit runs.
            try workspace.edit { $0.replacingOccurrences(of: "environment: ${infra.vars.environment}", with: "environment: demo-2") }
            let plan = try await workspace.terrace(["plan", "--json"])
            #expect(plan.status == 2)
            let planned = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any]
            let units = ((planned?["infrastructures"] as? [[String: Any]])?.first?["units"] as? [[String: Any]]) ?? []
            let assetsPlan = units.first { $0["name"] as? String == "assets" }
            #expect(assetsPlan?["action"] as? String == "update")
            #expect((assetsPlan?["resources"] as? [String: Int])?["change"] ?? 0 >= 1, "terraform plan ran for the changed unit")
            workspace.shim.reset()
            let changed = try await workspace.terrace(["apply", "--auto-approve", "--json"])
            #expect(changed.status == 0, "\(changed.stderr)")
            #expect(QuickstartWorkspace.outcomes(changed)["assets"] == "applied")
            #expect(QuickstartWorkspace.outcomes(changed).filter { $0.value == "applied" }.count == 1)
            #expect(workspace.shim.units() == ["assets"])

            // 4. Two applies at once: exactly one proceeds, the other names the lock holder.
            try workspace.edit { $0.replacingOccurrences(of: "environment: demo-2", with: "environment: demo-3") }
            async let racerOne = workspace.terrace(["apply", "--auto-approve"])
            async let racerTwo = workspace.terrace(["apply", "--auto-approve"])
            let (one, two) = try await (racerOne, racerTwo)
            let outputsOne = one.stderr + one.stdout
            let outputsTwo = two.stderr + two.stdout
            let statuses = [one.status, two.status].sorted()
            #expect(statuses == [0, 1], "\(outputsOne)\n----\n\(outputsTwo)")
            let loser = one.status == 1 ? outputsOne : outputsTwo
            #expect(loser.contains("infrastructure `demo` is locked by "), "\(loser)")
            #expect(loser.contains(" for apply since "))
            let settled = try await workspace.terrace(["plan", "--digests-only"])
            #expect(settled.status == 0, "the winner applied the change: \(settled.stdout)")

            // 5. Remove a unit from the manifest: it is destroyed.
            try workspace.edit { text in text.components(separatedBy: "units:").first ?? text }
            let removed = try await workspace.terrace(["apply", "--auto-approve", "--json"])
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(QuickstartWorkspace.outcomes(removed) == [
                "assets": "destroyed", "backend": "unchanged", "network": "unchanged", "domain": "unchanged", "kubernetes": "unchanged",
                "addons": "unchanged",
            ])
            let buckets = try await aws.list(["s3api", "list-buckets"], "Buckets").compactMap { $0["Name"] as? String }
            #expect(!buckets.contains("quickstart-demo-assets"))

            // 6. A unit the provider rejects: its dependents do not run, independent units finish, its record stays empty.
            try FileManager.default.createDirectory(at: workspace.repo.appendingPathComponent("modules/param"), withIntermediateDirectories: true)
            try """
                variable "name" { type = string }
                variable "type" { type = string }
                resource "aws_ssm_parameter" "this" {
                  name  = var.name
                  type  = var.type
                  value = "v"
                }
                output "name" { value = aws_ssm_parameter.this.name }

                """.write(to: workspace.repo.appendingPathComponent("modules/param/main.tf"), atomically: true, encoding: .utf8)
            try workspace.edit { text in
                text + """
                    units:
                      - name: broken
                        module: ../modules/param
                        inputs: {name: /demo/broken, type: NotAType}
                      - name: after-broken
                        module: ../modules/param
                        inputs: {name: "${broken.name}-after", type: String}
                      - name: independent
                        module: ../modules/param
                        inputs: {name: /demo/independent, type: String}

                    """
            }
            let failing = try await workspace.terrace(["apply", "--auto-approve"])
            #expect(failing.status == 1)
            #expect(failing.stdout.contains("✗ demo/broken failed"), "\(failing.stdout)")
            #expect(failing.stdout.contains("- demo/after-broken not run: depends on failed unit `broken`"))
            #expect(failing.stdout.contains("✓ demo/independent applied"))
            #expect(failing.stdout.contains("demo apply failed in "))
            #expect(failing.stdout.contains("last lines of "))
            let recordText = try String(contentsOf: try await recordFile(aws: aws, folder: workspace.folder), encoding: .utf8)
            #expect(recordText.contains("\"independent\""))
            #expect(!recordText.contains("\"broken\""))
            #expect(!recordText.contains("\"after-broken\""))

            // 7. Destroy: nothing is left but the state bucket.
            let destroyed = try await workspace.terrace(["destroy", "--auto-approve"])
            #expect(destroyed.status == 0, "\(destroyed.stdout)\n\(destroyed.stderr)")
            #expect(try await aws.list(["ec2", "describe-vpcs", "--filters", "Name=cidr,Values=10.20.0.0/16"], "Vpcs").isEmpty)
            #expect(try await aws.list(["route53", "list-hosted-zones"], "HostedZones").isEmpty)
            #expect(try await aws.strings(["eks", "list-clusters"], "clusters").isEmpty)
            #expect(try await aws.list(["secretsmanager", "list-secrets"], "SecretList").isEmpty)
            #expect(try await aws.list(["ssm", "describe-parameters"], "Parameters").isEmpty)
            #expect(try await aws.list(["s3api", "list-buckets"], "Buckets").compactMap { $0["Name"] as? String } == ["quickstart-demo-tfstate"])
        }
    }

    /// Downloads Terrace's record of `demo` into the workspace and returns its file.
    private func recordFile(aws: AWSCLI, folder: URL) async throws -> URL {
        let file = folder.appendingPathComponent("record.json")
        _ = try await aws.json(["s3api", "get-object", "--bucket", "quickstart-demo-tfstate", "--key", "terrace/demo/record.json", file.path])
        return file
    }
}
