import Foundation
import TerraceTestSupport
import Testing

/// The quickstart's whole life against a local AWS API (moto) with the real Terraform and a stand-in cluster (the
/// Kubernetes API test server acting as its controllers): apply, verify through the AWS and Kubernetes APIs, re-apply
/// with no Terraform and no Kubernetes request, change one unit, race two applies, remove a unit, change and remove an
/// app, fail a unit and an app, destroy everything (apps, then Argo CD, then the cluster).
@Suite("End to end: the quickstart against a local AWS API", .serialized, .timeLimit(.minutes(20)))
struct QuickstartLifecycleTests {
    @Test("apply, re-apply, change, lock, remove, fail, destroy")
    func lifecycle() async throws {
        try await MotoServer.with { server in
          try await KubernetesTestServer.with(establishDelay: 0.1, simulateControllers: true, acceptEKSTokens: true, chartCRDs: try KubernetesTestServer.addonChartCRDs()) { cluster in
            let workspace = try QuickstartWorkspace(server: server, cluster: cluster)
            defer { workspace.remove() }
            let aws = workspace.aws

            // 1. Cold apply: everything is created and recorded.
            let first = try await workspace.terrace(["apply", "--auto-approve", "--json"])
            #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
            let allUnits = ["backend", "network", "domain", "kubernetes", "assets", "addons", "argocd", "podinfo", "guestbook"] + Self.addons
            #expect(QuickstartWorkspace.outcomes(first) == Dictionary(uniqueKeysWithValues: allUnits.map { ($0, "applied") }))
            // Addons finish wave by wave, and the team's apps after them all.
            let finished = QuickstartWorkspace.finishedOrder(first)
            let waves: [[String]] = [
                ["cert-manager", "external-secrets", "aws-load-balancer-controller", "ebs-csi"], ["metrics-server", "cloudnative-pg"],
                ["ingress", "external-dns"], ["monitoring", "logging"], ["keycloak"], ["podinfo", "guestbook"],
            ]
            for (earlier, later) in zip(waves, waves.dropFirst()) {
                let last = earlier.compactMap { finished.firstIndex(of: $0) }.max() ?? -1
                let next = later.compactMap { finished.firstIndex(of: $0) }.min() ?? -1
                #expect(last < next, "\(earlier) finish before \(later) start: \(finished)")
            }
            // Every catalogue addon is in the cluster; those that need AWS have their IRSA role, named in their values.
            let roles = try await aws.list(["iam", "list-roles"], "Roles").compactMap { $0["RoleName"] as? String }
            for addon in Self.addonsWithRoles {
                #expect(roles.contains("demo-\(addon)"), "the role of \(addon)")
            }
            // In the cluster: Argo CD managing itself, and the two apps Synced and Healthy, reached with EKS tokens.
            let applications = try #require(try await workspace.applications())
            #expect(applications.keys.sorted() == (["argocd", "guestbook", "podinfo"] + Self.addons).sorted())
            #expect(applications["argocd"]?["spec"]?["source"]?["path"] == "manifests/cluster-install")
            #expect(applications["argocd"]?["status"]?["sync"]?["status"] == "Synced")
            let dnsRole = try await aws.json(["iam", "get-role", "--role-name", "demo-external-dns"]) as? [String: Any]
            let dnsValues = applications["external-dns"]?["spec"]?["source"]?["helm"]?["valuesObject"]
            #expect(dnsValues?["serviceAccount"]?["annotations"]?["eks.amazonaws.com/role-arn"]?.stringValue
                == (dnsRole?["Role"] as? [String: Any])?["Arn"] as? String)
            #expect(dnsValues?["domainFilters"] == ["demo.example.com"] && dnsValues?["txtOwnerId"] == "demo")
            #expect(applications.values.allSatisfy { $0["status"]?["health"]?["status"] == "Healthy" })
            #expect(applications["podinfo"]?["spec"]?["source"]?["helm"]?["valuesObject"]?["ingress"]?["hosts"]?.listValue?.first?["host"]
                == "podinfo.demo.example.com", "templated from the domain's output")
            #expect(applications["guestbook"]?["status"]?["health"]?["status"] == "Healthy")
            #expect(!cluster.log().contains("EKS token refused"))
            let vpcs = try await aws.list(["ec2", "describe-vpcs", "--filters", "Name=cidr,Values=10.20.0.0/16"], "Vpcs")
            #expect(vpcs.count == 1)
            let vpcID = try #require(vpcs.first?["VpcId"] as? String)
            #expect(try await aws.list(["ec2", "describe-subnets", "--filters", "Name=vpc-id,Values=\(vpcID)"], "Subnets").count == 4)
            #expect(try await aws.list(["ec2", "describe-nat-gateways", "--filter", "Name=vpc-id,Values=\(vpcID)"], "NatGateways").count == 1)
            #expect(try await aws.list(["route53", "list-hosted-zones"], "HostedZones").compactMap { $0["Name"] as? String } == ["demo.example.com."])
            #expect(try await aws.strings(["eks", "list-clusters"], "clusters") == ["demo"])
            #expect(try await aws.strings(["eks", "list-nodegroups", "--cluster-name", "demo"], "nodegroups").count == 1)
            #expect(try await aws.list(["iam", "list-open-id-connect-providers"], "OpenIDConnectProviderList").count == 1)
            #expect(try await aws.list(["secretsmanager", "list-secrets"], "SecretList").compactMap { $0["Name"] as? String }.sorted() == ["demo/terrace/admin", "demo/terrace/oidc/argocd", "demo/terrace/oidc/grafana"])
            let stateKeys = try await aws.list(["s3api", "list-objects-v2", "--bucket", "quickstart-demo-tfstate"], "Contents")
                .compactMap { $0["Key"] as? String }
            for unit in ["backend", "network", "domain", "kubernetes", "assets", "addons"] {
                #expect(stateKeys.contains("demo/\(unit)/terraform.tfstate"), "state of \(unit) in the bucket")
            }
            #expect(stateKeys.contains("terrace/demo/record.json"))
            #expect(stateKeys.contains("terrace/demo/kubeconfig"), "the cluster's kubeconfig is kept beside the record")
            #expect(!stateKeys.contains("terrace/demo/terrace.lock"), "the lock is released")

            // Outputs are recorded; the admin password never appears.
            let outputs = try await workspace.terrace(["output", "--json"])
            #expect(outputs.status == 0)
            #expect(outputs.stdout.contains("\"vpc_id\" : \"\(vpcID)\""))
            #expect(!outputs.stdout.lowercased().contains("password"))

            // 2. Apply again: no Terraform runs at all, and the cluster hears nothing.
            workspace.shim.reset()
            let requestsBefore = workspace.clusterRequests().count
            let again = try await workspace.terrace(["apply", "--auto-approve"])
            #expect(again.status == 0)
            #expect(again.stdout.contains("No changes. \(allUnits.count) units unchanged; no Terraform ran."))
            #expect(workspace.shim.invocations().isEmpty)
            #expect(workspace.clusterRequests().count == requestsBefore)

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
            #expect(QuickstartWorkspace.outcomes(removed) == Dictionary(uniqueKeysWithValues: allUnits.map { ($0, $0 == "assets" ? "destroyed" : "unchanged") }))
            let buckets = try await aws.list(["s3api", "list-buckets"], "Buckets").compactMap { $0["Name"] as? String }
            #expect(!buckets.contains("quickstart-demo-assets"))

            // 5b. One app's values change: only its Application is patched.
            try workspace.edit { $0.replacingOccurrences(of: "replicaCount: 2", with: "replicaCount: 3") }
            let marker = workspace.clusterRequests().count
            let revalued = try await workspace.terrace(["apply", "--auto-approve", "--json"])
            #expect(revalued.status == 0, "\(revalued.stderr)")
            #expect(QuickstartWorkspace.outcomes(revalued).filter { $0.value != "unchanged" } == ["podinfo": "applied"])
            let writes = workspace.clusterRequests().dropFirst(marker).filter { !$0.contains(" GET ") }
            #expect(writes.count == 1 && writes.first?.contains("PATCH /apis/argoproj.io/v1alpha1/namespaces/argocd/applications/podinfo?") == true, "\(writes)")
            #expect(try await workspace.applications()?["podinfo"]?["spec"]?["source"]?["helm"]?["valuesObject"]?["replicaCount"] == 3)

            // 5c. An app removed from the manifest: its Application is deleted (its finalizer ran).
            try workspace.edit { text in
                text.replacingOccurrences(
                    of: "  - name: guestbook\n    source: {repo: https://github.com/argoproj/argocd-example-apps.git, path: guestbook, ref: master}\n    dependsOn: [podinfo]\n",
                    with: "")
            }
            let appRemoved = try await workspace.terrace(["apply", "--auto-approve", "--json"])
            #expect(appRemoved.status == 0, "\(appRemoved.stderr)")
            #expect(QuickstartWorkspace.outcomes(appRemoved)["guestbook"] == "destroyed")
            #expect(try await workspace.applications()?.keys.sorted() == (["argocd", "podinfo"] + Self.addons).sorted())

            // 5d. An addon turned off: its Application is deleted and its IRSA role removed; the other roles stay.
            try workspace.edit { $0.replacingOccurrences(of: "  external-dns: {}\n", with: "") }
            let addonRemoved = try await workspace.terrace(["apply", "--auto-approve", "--json"])
            #expect(addonRemoved.status == 0, "\(addonRemoved.stderr)")
            #expect(QuickstartWorkspace.outcomes(addonRemoved)["external-dns"] == "destroyed")
            #expect(QuickstartWorkspace.outcomes(addonRemoved)["addons"] == "applied")
            let rolesLeft = try await aws.list(["iam", "list-roles"], "Roles").compactMap { $0["RoleName"] as? String }
            #expect(!rolesLeft.contains("demo-external-dns") && rolesLeft.contains("demo-cert-manager"))
            #expect(try await workspace.applications()?["external-dns"] == nil)

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
            // An app Argo CD reports Degraded (the stand-in controller's `simulate`), with an app depending on it.
            try workspace.edit { text in
                text.replacingOccurrences(of: "apps:\n", with: """
                    apps:
                      - name: shaky
                        chart: {repo: https://charts.example.com, name: shaky, version: 0.1.0}
                        values: {simulate: Degraded}
                      - name: after-shaky
                        source: {repo: https://git.example.com/deploy.git, path: after}
                        dependsOn: [shaky]

                    """)
            }
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
            #expect(failing.stdout.contains("✗ demo/shaky failed"), "\(failing.stdout)")
            #expect(failing.stdout.contains("app `shaky` failed: Degraded: Deployment shaky has 0 available replicas"), "\(failing.stdout)")
            #expect(failing.stdout.contains("- demo/after-shaky not run: depends on failed unit `shaky`"))
            #expect(failing.stdout.contains("demo apply failed in "))
            #expect(failing.stdout.contains("last lines of "))
            let recordText = try String(contentsOf: try await recordFile(aws: aws, folder: workspace.folder), encoding: .utf8)
            #expect(recordText.contains("\"independent\""))
            #expect(!recordText.contains("\"broken\""))
            #expect(!recordText.contains("\"after-broken\""))

            // 7. Destroy: nothing is left but the state bucket; apps go first, then Argo CD, then the cluster.
            let destroyed = try await workspace.terrace(["destroy", "--auto-approve", "--json"])
            #expect(destroyed.status == 0, "\(destroyed.stdout)\n\(destroyed.stderr)")
            let order = QuickstartWorkspace.finishedOrder(destroyed)
            let position = { (unit: String) in order.firstIndex(of: unit) ?? -1 }
            #expect(position("podinfo") >= 0 && position("shaky") >= 0, "\(order)")
            #expect(position("podinfo") < position("argocd") && position("shaky") < position("argocd"), "\(order)")
            #expect(position("argocd") < position("kubernetes"), "\(order)")
            #expect(try await workspace.applications() == nil, "Argo CD and its CRDs are gone")
            #expect(try await aws.list(["iam", "list-roles"], "Roles").compactMap { $0["RoleName"] as? String }.filter { $0.hasPrefix("demo-") }
                .isEmpty, "the IRSA roles are gone")
            #expect(!stateKeysAfterDestroyContainKubeconfig(try await aws.list(
                ["s3api", "list-objects-v2", "--bucket", "quickstart-demo-tfstate"], "Contents")))
            #expect(try await aws.list(["ec2", "describe-vpcs", "--filters", "Name=cidr,Values=10.20.0.0/16"], "Vpcs").isEmpty)
            #expect(try await aws.list(["route53", "list-hosted-zones"], "HostedZones").isEmpty)
            #expect(try await aws.strings(["eks", "list-clusters"], "clusters").isEmpty)
            #expect(try await aws.list(["secretsmanager", "list-secrets"], "SecretList").isEmpty)
            #expect(try await aws.list(["ssm", "describe-parameters"], "Parameters").isEmpty)
            #expect(try await aws.list(["s3api", "list-buckets"], "Buckets").compactMap { $0["Name"] as? String } == ["quickstart-demo-tfstate"])
          }
        }
    }

    /// The catalogue addons the quickstart enables, and those of them with an IRSA role.
    static let addons = [
        "cert-manager", "external-secrets", "aws-load-balancer-controller", "ebs-csi", "metrics-server", "cloudnative-pg", "ingress",
        "external-dns", "monitoring", "logging", "keycloak",
    ]
    static let addonsWithRoles = ["cert-manager", "external-secrets", "aws-load-balancer-controller", "ebs-csi", "external-dns", "logging"]

    private func stateKeysAfterDestroyContainKubeconfig(_ objects: [[String: Any]]) -> Bool {
        objects.contains { $0["Key"] as? String == "terrace/demo/kubeconfig" }
    }

    /// Downloads Terrace's record of `demo` into the workspace and returns its file.
    private func recordFile(aws: AWSCLI, folder: URL) async throws -> URL {
        let file = folder.appendingPathComponent("record.json")
        _ = try await aws.json(["s3api", "get-object", "--bucket", "quickstart-demo-tfstate", "--key", "terrace/demo/record.json", file.path])
        return file
    }
}
