import Foundation
import Testing
import TerraceCore
import TerraceTestSupport
import TerraceTerraform

/// The built-in `addons` module's IRSA roles, logging bucket and OIDC client secrets, applied by the real Terraform
/// binary and AWS provider against moto's local AWS API on 127.0.0.1, and checked through the AWS API (the AWS CLI).
///
/// Skipped when Terraform, the offline provider mirror, moto or the AWS CLI is missing.
@Suite(.enabled(if: endToEndToolsAvailable, "needs terraform, the provider mirror, moto and the aws CLI"))
struct AddonRolesTests {
    /// `modules/aws/addons` of this source tree.
    static let module = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../modules/aws/addons").standardizedFileURL.path
    /// The cluster's OIDC issuer, as the kubernetes module outputs it.
    static let issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    /// The issuer as IAM condition keys name it.
    static let issuerHost = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"

    /// external-dns: one zone's records (a placeholder) and listing everything.
    static let externalDNS: Value = [
        "namespace": "external-dns", "service_account": "external-dns-sa",
        "statements": [
            ["actions": ["route53:ChangeResourceRecordSets"], "resources": ["arn:{partition}:route53:::hostedzone/Z123"]],
            ["actions": ["route53:ListHostedZones", "route53:ListResourceRecordSets"], "resources": ["*"]],
        ],
    ]

    /// loki: the logging bucket and its objects, plus a parameter named with every other placeholder.
    static let loki: Value = [
        "namespace": "monitoring", "service_account": "loki",
        "statements": [
            ["actions": ["s3:ListBucket"], "resources": ["{logging_bucket_arn}"]],
            ["actions": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "resources": ["{logging_bucket_arn}/*"]],
            ["actions": ["ssm:GetParameter"], "resources": ["arn:{partition}:ssm:{region}:{account_id}:parameter/{name}/loki"]],
        ],
    ]

    /// The OIDC clients' secret names, as `oidc_client_secret_names` gives them.
    static func oidcSecretNames(_ clients: [String]) -> Value {
        .map(Dictionary(uniqueKeysWithValues: clients.map { ($0, Value.string("e2e/terrace/oidc/\($0)")) }))
    }

    @Test func rolesFollowTheMapAndTheBucketIsPrivate() async throws {
        try await Self.withModule { setup in
            let (executor, aws, timed) = (setup.executor, setup.aws, setup.timed)
            // The cluster's OIDC provider and the backend's KMS key, as the kubernetes and backend modules make them.
            async let providerCall = aws.text([
                "iam", "create-open-id-connect-provider", "--url", Self.issuer, "--client-id-list", "sts.amazonaws.com",
                "--thumbprint-list", "9e99a48a9960b14926bb7f3b02e22da2b0ab7280",
            ])
            async let keyCall = aws.text(["kms", "create-key", "--description", "addons test"])
            let provider = try #require(Self.object(try await providerCall)["OpenIDConnectProviderArn"] as? String)
            let key = try #require(Self.object(Self.object(try await keyCall)["KeyMetadata"])["Arn"] as? String)
            let account = try #require(provider.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init))
            let inputs: [String: Value] = [
                "name": "e2e", "cluster_name": "e2e-cluster", "kms_key_arn": .string(key),
                "oidc_provider_arn": .string(provider), "oidc_issuer_url": .string(Self.issuer), "logging_bucket": true,
            ]

            // Both roles, the bucket and two OIDC clients' secrets, in one apply.
            let both = setup.job(inputs.merging([
                "irsa_roles": ["external-dns": Self.externalDNS, "loki": Self.loki], "oidc_clients": ["argocd", "grafana"],
            ]) { $1 })
            let outputs = try await timed("apply (init + apply + output)") { try await executor.apply(both) { _ in } }
            let bucket = "e2e-logs-\(account)"
            let bucketARN = "arn:aws:s3:::\(bucket)"
            #expect(outputs.values["logging_bucket"] == .string(bucket))
            #expect(outputs.values["logging_bucket_arn"] == .string(bucketARN))
            #expect(outputs.values["admin_secret_name"] == "e2e/terrace/admin")
            #expect(outputs.values["admin_username"] == "admin")
            #expect(outputs.values["oidc_client_secret_names"] == Self.oidcSecretNames(["argocd", "grafana"]))
            #expect(outputs.sensitive.isEmpty, "\(outputs.sensitive)")

            let found = try await timed("check through the AWS API") {
                try await aws.texts([
                    "external-dns role": ["iam", "get-role", "--role-name", "e2e-external-dns"],
                    "external-dns policies": ["iam", "list-role-policies", "--role-name", "e2e-external-dns"],
                    "external-dns policy": ["iam", "get-role-policy", "--role-name", "e2e-external-dns", "--policy-name", "external-dns"],
                    "loki role": ["iam", "get-role", "--role-name", "e2e-loki"],
                    "loki policies": ["iam", "list-role-policies", "--role-name", "e2e-loki"],
                    "loki policy": ["iam", "get-role-policy", "--role-name", "e2e-loki", "--policy-name", "loki"],
                    "public access": ["s3api", "get-public-access-block", "--bucket", bucket],
                    "encryption": ["s3api", "get-bucket-encryption", "--bucket", bucket],
                    "argocd secret": ["secretsmanager", "get-secret-value", "--secret-id", "e2e/terrace/oidc/argocd"],
                    "admin secret": ["secretsmanager", "get-secret-value", "--secret-id", "e2e/terrace/admin"],
                    "grafana secret": ["secretsmanager", "get-secret-value", "--secret-id", "e2e/terrace/oidc/grafana"],
                    "argocd description": ["secretsmanager", "describe-secret", "--secret-id", "e2e/terrace/oidc/argocd"],
                    "state": ["s3", "cp", "s3://\(setup.stateBucket)/\(both.stateKey)", "-"],
                ])
            }
            // What `terraform output -json` prints for the unit, in full (the working directory as the apply left it).
            let outputText = try await timed("terraform output -json") { try await setup.outputJSON(both) }

            // Each role: its ARN in role_arns, assumable only by its own service account through that provider.
            let roles: [(addon: String, namespace: String, serviceAccount: String)] = [
                ("external-dns", "external-dns", "external-dns-sa"), ("loki", "monitoring", "loki"),
            ]
            var arns: [String: Value] = [:]
            for role in roles {
                let description = Self.object(Self.object(found[role.addon + " role"])["Role"])
                arns[role.addon] = .string(description["Arn"] as? String ?? "")
                #expect(description["RoleName"] as? String == "e2e-\(role.addon)")
                let trust = Self.document(description["AssumeRolePolicyDocument"])
                let statements = trust["Statement"] as? [[String: Any]] ?? []
                #expect(statements.count == 1, "\(role.addon): \(trust)")
                let statement = statements.first ?? [:]
                #expect(Set(statement.keys) == ["Effect", "Principal", "Action", "Condition"], "\(role.addon): \(statement)")
                #expect(statement["Effect"] as? String == "Allow")
                #expect(Self.strings(statement["Action"]) == ["sts:AssumeRoleWithWebIdentity"])
                let principal = Self.object(statement["Principal"])
                #expect(Set(principal.keys) == ["Federated"])
                #expect(Self.strings(principal["Federated"]) == [provider])
                let condition = Self.object(statement["Condition"])
                #expect(Set(condition.keys) == ["StringEquals"])
                #expect(
                    Self.object(condition["StringEquals"]).mapValues { Self.strings($0) } == [
                        "\(Self.issuerHost):sub": ["system:serviceaccount:\(role.namespace):\(role.serviceAccount)"],
                        "\(Self.issuerHost):aud": ["sts.amazonaws.com"],
                    ], "\(role.addon): \(condition)")
                #expect(Self.strings(Self.object(found[role.addon + " policies"])["PolicyNames"]) == [role.addon])
            }
            #expect(outputs.values["role_arns"] == .map(arns))
            #expect(arns["loki"] == .string("arn:aws:iam::\(account):role/e2e-loki"))

            // Each inline policy: one Allow statement per given statement, its actions and resolved resources; loki, which
            // uses the bucket encrypted with the KMS key, also gets that key (through S3 only), external-dns does not.
            let expected: [String: [[Set<String>]]] = [
                "external-dns": [
                    [["route53:ChangeResourceRecordSets"], ["arn:aws:route53:::hostedzone/Z123"]],
                    [["route53:ListHostedZones", "route53:ListResourceRecordSets"], ["*"]],
                ],
                "loki": [
                    [["s3:ListBucket"], [bucketARN]],
                    [["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [bucketARN + "/*"]],
                    [["ssm:GetParameter"], ["arn:aws:ssm:us-east-1:\(account):parameter/e2e/loki"]],
                ],
            ]
            for (addon, statements) in expected {
                let policy = Self.document(Self.object(found[addon + " policy"])["PolicyDocument"])
                let all = policy["Statement"] as? [[String: Any]] ?? []
                let given = all.filter { $0["Sid"] == nil }
                #expect(given.allSatisfy { Set($0.keys) == ["Effect", "Action", "Resource"] && $0["Effect"] as? String == "Allow" }, "\(addon): \(policy)")
                #expect(given.map { [Set(Self.strings($0["Action"])), Set(Self.strings($0["Resource"]))] } == statements, "\(addon): \(policy)")
                #expect(!all.flatMap { Self.strings($0["Resource"]) }.contains { $0.contains("{") || $0.contains("}") })
                let added = all.filter { $0["Sid"] != nil }
                guard addon == "loki" else {
                    #expect(added.isEmpty, "\(addon): \(policy)")
                    continue
                }
                #expect(added.count == 1, "\(addon): \(policy)")
                let keyStatement = added.first ?? [:]
                #expect(Set(keyStatement.keys) == ["Sid", "Effect", "Action", "Resource", "Condition"], "\(keyStatement)")
                #expect(keyStatement["Sid"] as? String == "LoggingBucketKey")
                #expect(keyStatement["Effect"] as? String == "Allow")
                #expect(Set(Self.strings(keyStatement["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey"])
                #expect(Self.strings(keyStatement["Resource"]) == [key])
                let via = Self.object(keyStatement["Condition"])
                #expect(Set(via.keys) == ["StringEquals"])
                #expect(Self.object(via["StringEquals"]).mapValues { Self.strings($0) } == ["kms:ViaService": ["s3.us-east-1.amazonaws.com"]])
            }

            // The bucket: private and encrypted with the given key.
            let block = Self.object(Self.object(found["public access"])["PublicAccessBlockConfiguration"])
            for setting in ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] {
                #expect(block[setting] as? Bool == true, "\(setting): \(block)")
            }
            let rules = Self.object(Self.object(found["encryption"])["ServerSideEncryptionConfiguration"])["Rules"] as? [[String: Any]] ?? []
            let encryption = Self.object(rules.first?["ApplyServerSideEncryptionByDefault"])
            #expect(rules.count == 1)
            #expect(encryption["SSEAlgorithm"] as? String == "aws:kms")
            #expect(encryption["KMSMasterKeyID"] as? String == key)

            // Each OIDC client's secret: JSON with its client_id and a generated 48-character client_secret (no
            // punctuation), encrypted with the given key, tagged like the admin secret; its value in no output.
            var clientSecrets: [String: String] = [:]
            var argocdVersion = ""
            for client in ["argocd", "grafana"] {
                let stored = Self.object(found[client + " secret"])
                #expect(stored["Name"] as? String == "e2e/terrace/oidc/\(client)")
                let credentials = Self.object(stored["SecretString"])
                #expect(Set(credentials.keys) == ["client_id", "client_secret"], "\(client): \(credentials.keys.sorted())")
                #expect(credentials["client_id"] as? String == client)
                let secret = credentials["client_secret"] as? String ?? ""
                #expect(secret.count == 48, "\(client): \(secret.count) characters")
                #expect(secret.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.alphanumerics.contains($0) }, "\(client): punctuation")
                clientSecrets[client] = secret
                if client == "argocd" { argocdVersion = stored["VersionId"] as? String ?? "" }
            }
            // The admin password: generated the same way, never printed either.
            let admin = Self.object(Self.object(found["admin secret"])["SecretString"])
            let adminPassword = admin["password"] as? String ?? ""
            #expect(admin["username"] as? String == "admin")
            #expect(adminPassword.count == 48 && adminPassword.allSatisfy(\.isHexDigit), "the admin password is not 48 hex digits")
            clientSecrets["admin password"] = adminPassword
            let distinct = clientSecrets["argocd"] != clientSecrets["grafana"]
            #expect(distinct, "argocd and grafana have the same client secret")
            let described = Self.object(found["argocd description"])
            #expect(described["KmsKeyId"] as? String == key)
            #expect(described["DeletedDate"] == nil)
            let secretTags = (described["Tags"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) { tags, tag in
                if let name = tag["Key"] as? String { tags[name] = tag["Value"] as? String }
            }
            // The module's tags (the provider's default terrace:* tags aside).
            #expect(
                secretTags.filter { !$0.key.hasPrefix("terrace:") }
                    == ["Name": "e2e/terrace/oidc/argocd", "terrace/cluster": "e2e-cluster", "terrace/oidc-client": "argocd"],
                "\(secretTags)")
            let stateOutputs = Self.object(found["state"])["outputs"]
            #expect(
                Self.object(Self.object(stateOutputs)["oidc_client_secret_names"])["value"] as? [String: String]
                    == ["argocd": "e2e/terrace/oidc/argocd", "grafana": "e2e/terrace/oidc/grafana"], "\(stateOutputs ?? "none")")
            let stateOutputsText = stateOutputs.flatMap { try? JSONSerialization.data(withJSONObject: $0) }
                .map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(outputText.contains("\"oidc_client_secret_names\""))
            for (client, secret) in clientSecrets where !secret.isEmpty {
                // Found or not, never printed: a failure message must not show the secret either.
                let (inOutput, inStateOutputs) = (outputText.contains(secret), stateOutputsText.contains(secret))
                #expect(!inOutput, "terraform output -json shows \(client)'s client secret")
                #expect(!inStateOutputs, "the state's outputs hold \(client)'s client secret")
            }

            // external-dns leaves the map and grafana the clients: their role and secret go, loki's and argocd's stay.
            // This apply's plan (a second plan of everything else) changes nothing but those removals: argocd's client
            // secret is the one stored at creation, not the new one the data source read.
            let lokiOnly = setup.job(inputs.merging(["irsa_roles": ["loki": Self.loki], "oidc_clients": ["argocd"]]) { $1 })
            let logBefore = (try? String(contentsOfFile: executor.logPath(for: lokiOnly), encoding: .utf8)) ?? ""
            let after = try await timed("apply without external-dns and grafana") { try await executor.apply(lokiOnly) { _ in } }
            #expect(after.values["role_arns"] == .map(["loki": arns["loki"] ?? .null]))
            #expect(after.values["logging_bucket"] == .string(bucket))
            #expect(after.values["oidc_client_secret_names"] == Self.oidcSecretNames(["argocd"]))
            let applyLog = String(try String(contentsOfFile: executor.logPath(for: lokiOnly), encoding: .utf8).dropFirst(logBefore.count))
            let changes = applyLog.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("# ") && !$0.hasPrefix("# (") }
            #expect(
                Set(changes) == [
                    "# aws_iam_role.irsa[\"external-dns\"] will be destroyed",
                    "# aws_iam_role_policy.irsa[\"external-dns\"] will be destroyed",
                    "# aws_secretsmanager_secret.oidc[\"grafana\"] will be destroyed",
                    "# aws_secretsmanager_secret_version.oidc[\"grafana\"] will be destroyed",
                ], "\(changes)")
            let planLine = applyLog.split(separator: "\n").first { $0.hasPrefix("Plan: ") }.map(String.init)
            #expect(planLine == "Plan: 0 to add, 0 to change, 4 to destroy.")
            let remaining = try await timed("list roles and secrets") {
                try await aws.texts([
                    "roles": ["iam", "list-roles"], "secrets": ["secretsmanager", "list-secrets"],
                    "argocd secret": ["secretsmanager", "get-secret-value", "--secret-id", "e2e/terrace/oidc/argocd"],
                ])
            }
            #expect(Self.names(remaining["roles"], "Roles", "RoleName").filter { $0.hasPrefix("e2e-") } == ["e2e-loki"])
            #expect(Set(Self.names(remaining["secrets"], "SecretList", "Name")) == ["e2e/terrace/admin", "e2e/terrace/oidc/argocd"])
            let argocd = Self.object(remaining["argocd secret"])
            let unchanged = Self.object(argocd["SecretString"])["client_secret"] as? String == clientSecrets["argocd"]
            #expect(unchanged, "argocd's client secret changed")
            #expect(argocd["VersionId"] as? String == argocdVersion)

            // destroy: the roles, the bucket and the secret are gone.
            try await timed("destroy") { try await executor.destroy(lokiOnly) { _ in } }
            let left = try await timed("list what is left") {
                try await aws.texts([
                    "roles": ["iam", "list-roles"], "buckets": ["s3api", "list-buckets"], "secrets": ["secretsmanager", "list-secrets"],
                ])
            }
            let roleNames = Self.names(left["roles"], "Roles", "RoleName")
            let bucketNames = Self.names(left["buckets"], "Buckets", "Name")
            let secretNames = Self.names(left["secrets"], "SecretList", "Name")
            #expect(roleNames.filter { $0.hasPrefix("e2e-") }.isEmpty, "\(roleNames)")
            #expect(bucketNames == [setup.stateBucket], "\(bucketNames)")
            #expect(secretNames.isEmpty, "\(secretNames)")

            // Terrace's log of the unit (init, both applies, outputs, destroy) never shows a client secret.
            let log = try String(contentsOfFile: executor.logPath(for: lokiOnly), encoding: .utf8)
            for (client, secret) in clientSecrets where !secret.isEmpty {
                let inLog = log.contains(secret)
                #expect(!inLog, "the unit's log shows \(client)'s client secret")
            }
        }
    }

    @Test func loggingBucketPlaceholderNeedsTheBucket() async throws {
        try await Self.withModule { setup in
            let (executor, timed) = (setup.executor, setup.timed)
            let job = setup.job([
                "name": "e2e", "logging_bucket": false,
                "oidc_provider_arn": .string("arn:aws:iam::123456789012:oidc-provider/\(Self.issuerHost)"),
                "oidc_issuer_url": .string(Self.issuer),
                "irsa_roles": ["loki": Self.loki],
            ])
            do {
                let summary = try await timed("plan (init + plan)") { try await executor.plan(job) { _ in } }
                Issue.record("the plan passed: \(summary)")
            } catch let failure as UnitFailure {
                #expect(failure.code == .terraform)
                #expect(failure.phase == .plan)
                #expect(failure.message == "Resource precondition failed")
                // Terraform wraps the message's lines: compare with whitespace collapsed.
                let log = try String(contentsOfFile: executor.logPath(for: job), encoding: .utf8)
                let words = log.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                #expect(words.contains(
                    "irsa_roles[\"loki\"] uses {logging_bucket_arn} in its resources, but there is no logging bucket: set logging_bucket = true."))
            }
        }
    }
}

extension AddonRolesTests {
    /// What a test works with: an executor for the addons module against a fresh moto server (the state bucket made),
    /// the AWS CLI against the same server, and a recorder of step durations.
    struct Setup {
        /// The executor.
        let executor: TerraformExecutor
        /// The AWS CLI against moto.
        let aws: CLI
        /// Records how long each step takes (printed at the end, never asserted).
        let timed: StepTimer
        /// The bucket holding the state.
        let stateBucket = "terrace-state"

        /// The job applying the addons module with `inputs`.
        func job(_ inputs: [String: Value]) -> UnitJob {
            Fixtures.job(
                module: AddonRolesTests.module, infrastructure: "e2e", unit: "addons", inputs: inputs, endpoint: aws.endpoint,
                region: "us-east-1", bucket: stateBucket, lockTimeoutSeconds: 5)
        }

        /// What `terraform output -json` prints in `job`'s working directory (after an apply), with the executor's
        /// environment: the harness's offline CLI configuration and moto's credentials, no metadata service.
        func outputJSON(_ job: UnitJob) async throws -> String {
            let output = try await CommandRunner.runExecutable(
                "/usr/bin/env", ["terraform", "output", "-no-color", "-json"],
                in: URL(fileURLWithPath: executor.workingDirectory(for: job)), environment: executor.environment)
            guard output.status == 0 else { throw HarnessError("terraform output -json failed: \(output.stderr)") }
            return output.stdout
        }
    }

    /// The AWS CLI against moto, returning what it prints.
    struct CLI: Sendable {
        /// moto's endpoint.
        let endpoint: String
        /// Credentials and region moto accepts.
        let environment: [String: String]

        /// Runs `aws <arguments> --output json` and returns its standard output.
        func text(_ arguments: [String]) async throws -> String {
            let output = try await CommandRunner.runExecutable(
                "/usr/bin/env", ["aws", "--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"] + arguments,
                in: FileManager.default.temporaryDirectory, environment: environment)
            guard output.status == 0 else { throw HarnessError("aws \(arguments.joined(separator: " ")) failed: \(output.stderr)") }
            return output.stdout
        }

        /// Runs several commands at once; returns their standard outputs by label.
        func texts(_ calls: [String: [String]]) async throws -> [String: String] {
            try await withThrowingTaskGroup(of: (String, String).self) { group in
                for (label, arguments) in calls { group.addTask { (label, try await text(arguments)) } }
                var results: [String: String] = [:]
                for try await (label, text) in group { results[label] = text }
                return results
            }
        }
    }

    /// Records how long labelled steps take, for the test's printed report.
    final class StepTimer: @unchecked Sendable {
        private let lock = NSLock()
        private var steps: [(String, Duration)] = []

        /// Runs `body` and records its duration under `label`.
        func callAsFunction<T>(_ label: String, _ body: () async throws -> T) async rethrows -> T {
            let start = ContinuousClock.now
            defer {
                let elapsed = ContinuousClock.now - start
                lock.withLock { steps.append((label, elapsed)) }
            }
            return try await body()
        }

        /// `label: 1.2 sec; …`.
        var report: String {
            lock.withLock { steps }
                .map { "\($0.0): \($0.1.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))" }
                .joined(separator: "; ")
        }
    }

    /// Runs `body` with a fresh moto server, its state bucket and an executor for the addons module; stops the server
    /// and removes every file afterwards, then prints the step durations.
    static func withModule(test: String = #function, _ body: (Setup) async throws -> Void) async throws {
        let root = try Fixtures.temporaryFolder(test)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let harness = try TerraformHarness.environment(in: root + "/terraform")
        let timed = StepTimer()
        try await MotoServer.with { server in
            let setup = Setup(
                executor: TerraformExecutor(
                    binary: .terraform, workRoot: root + "/work", logRoot: root + "/logs",
                    environment: harness.merging(server.environment) { _, moto in moto }, retryPolicy: .never),
                aws: CLI(endpoint: server.endpoint, environment: server.environment), timed: timed)
            _ = try await timed("create the state bucket") {
                try await setup.aws.text(["s3api", "create-bucket", "--bucket", setup.stateBucket])
            }
            try await body(setup)
        }
        print("AddonRolesTests.\(test) timings: " + timed.report)
    }

    /// The JSON object in `value` (a JSON text or an already decoded object); empty when it is none.
    static func object(_ value: Any?) -> [String: Any] {
        if let text = value as? String {
            return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
        return value as? [String: Any] ?? [:]
    }

    /// An IAM policy document: decoded already by the CLI, or a JSON text, URL-encoded or not.
    static func document(_ value: Any?) -> [String: Any] {
        if let text = value as? String, !text.hasPrefix("{") { return object(text.removingPercentEncoding) }
        return object(value)
    }

    /// A policy element that may be one string or a list of strings, as a list.
    static func strings(_ value: Any?) -> [String] {
        if let text = value as? String { return [text] }
        return value as? [String] ?? []
    }

    /// The `key` list of objects in a JSON text, each object's `field` string.
    static func names(_ text: String?, _ key: String, _ field: String) -> [String] {
        (object(text)[key] as? [[String: Any]] ?? []).compactMap { $0[field] as? String }
    }
}
