import Testing
@testable import TerraceTerraform

@Suite struct TerraformDiagnosticsTests {
    static let providerError = """
        aws_ssm_parameter.this: Creating...

        Error: creating SSM Parameter (/aws/reserved): operation error SSM: PutParameter, https response error StatusCode: 400, api error AccessDeniedException: No access to reserved parameter name: /aws/reserved.

          with aws_ssm_parameter.this,
          on main.tf line 8, in resource "aws_ssm_parameter" "this":
           8: resource "aws_ssm_parameter" "this" {

        Error: second error

        """

    static let lockError = """
        Error: Error acquiring the state lock

        Error message: operation error S3: PutObject, https response error
        StatusCode: 412, RequestID: abc, api error PreconditionFailed: At least one of the pre-conditions you
        specified did not hold
        Lock Info:
          ID:        abc-123
          Path:      state-bucket/infra/unit/terraform.tfstate
          Operation: OperationTypeApply
          Who:       bob@host
          Version:   1.11.4
          Created:   2025-01-01 00:00:00 +0000 UTC
          Info:      


        Terraform acquires a state lock to protect the state from being written
        by multiple users at the same time.
        """

    @Test func firstErrorSummary() {
        #expect(TerraformDiagnostics.errorSummary(in: Self.providerError)
            == "creating SSM Parameter (/aws/reserved): operation error SSM: PutParameter, https response error StatusCode: 400, api error AccessDeniedException: No access to reserved parameter name: /aws/reserved.")
        #expect(TerraformDiagnostics.errorSummary(in: "all good\n") == nil)
    }

    @Test func errorSummaryInsideColouredFrame() {
        let framed = "╷\n│ Error: Invalid value for variable\n│ \n│   on variables.tf line 1:\n╵\n"
        #expect(TerraformDiagnostics.errorSummary(in: framed) == "Invalid value for variable")
    }

    @Test func lockErrorIsRecognisedWithItsInfo() {
        #expect(TerraformDiagnostics.isLockError(Self.lockError))
        #expect(!TerraformDiagnostics.isLockError(Self.providerError))
        #expect(TerraformDiagnostics.lockInfo(in: Self.lockError) == [
            "ID: abc-123", "Path: state-bucket/infra/unit/terraform.tfstate", "Operation: OperationTypeApply",
            "Who: bob@host", "Version: 1.11.4", "Created: 2025-01-01 00:00:00 +0000 UTC",
        ])
        #expect(TerraformDiagnostics.lockMessage(in: Self.lockError)
            == "the state is locked by another run (ID: abc-123, Path: state-bucket/infra/unit/terraform.tfstate, Operation: OperationTypeApply, Who: bob@host, Version: 1.11.4, Created: 2025-01-01 00:00:00 +0000 UTC)")
    }

    @Test(arguments: [
        "Error: reading EC2 VPC: operation error EC2: DescribeVpcs, https response error StatusCode: 400, api error RequestLimitExceeded: Request limit exceeded.",
        "Error: creating IAM Role: ThrottlingException: Rate exceeded",
        "Error: uploading: SlowDown: Please reduce your request rate.",
        "Error: read tcp 10.0.0.1:1234->1.2.3.4:443: read: connection reset by peer",
        "Error: 503 Service Unavailable",
        "Error: creating Lambda Function: TooManyRequestsException: Rate exceeded",
        "Error: dial tcp 1.2.3.4:443: i/o timeout",
    ])
    func transientErrors(output: String) {
        #expect(TerraformDiagnostics.isTransient("aws_vpc.this: Creating...\n\n" + output + "\n"))
    }

    @Test func permanentErrorsAreNotTransient() {
        #expect(!TerraformDiagnostics.isTransient(Self.providerError))
        #expect(!TerraformDiagnostics.isTransient(Self.lockError + "\nStatusCode: 503\n"))
        // A value shown in the plan before the error does not count.
        #expect(!TerraformDiagnostics.isTransient("+ value = \"SlowDown\"\n\nError: Invalid reference\n"))
    }

    @Test func initRequests() {
        #expect(TerraformDiagnostics.needsInit(#"Error: Inconsistent dependency lock file ... run "terraform init" to install"#))
        #expect(!TerraformDiagnostics.needsInit(Self.providerError))
        // A provider folder gone from the plugin cache under a running unit.
        #expect(TerraformDiagnostics.needsInit("Error: Required plugins are not installed\n\nThe installed provider plugins are not consistent"))
    }

    @Test func tailDropsTrailingBlankLines() {
        let text = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n\n  \n"
        let tail = TerraformDiagnostics.tail(of: text)
        #expect(tail.count == 20)
        #expect(tail.first == "line 11")
        #expect(tail.last == "line 30")
        #expect(TerraformDiagnostics.tail(of: "") == [])
    }
}

@Suite struct RetryPolicyTests {
    let throttled = "Error: creating IAM Role: ThrottlingException: Rate exceeded"

    @Test func retriesTransientErrorsWithGrowingDelays() {
        let policy = RetryPolicy.default
        #expect(policy.retryDelay(afterFailures: 1, output: throttled) == .seconds(2))
        #expect(policy.retryDelay(afterFailures: 2, output: throttled) == .seconds(4))
        #expect(policy.retryDelay(afterFailures: 3, output: throttled) == .seconds(8))
        #expect(policy.retryDelay(afterFailures: 4, output: throttled) == nil)
    }

    @Test func delaysAreCapped() {
        let policy = RetryPolicy(maxRetries: 10, baseDelay: .seconds(10), maxDelay: .seconds(25))
        #expect(policy.retryDelay(afterFailures: 2, output: throttled) == .seconds(20))
        #expect(policy.retryDelay(afterFailures: 3, output: throttled) == .seconds(25))
    }

    @Test func neverRetriesPermanentErrorsOrWhenDisabled() {
        #expect(RetryPolicy.default.retryDelay(afterFailures: 1, output: TerraformDiagnosticsTests.providerError) == nil)
        #expect(RetryPolicy.default.retryDelay(afterFailures: 1, output: TerraformDiagnosticsTests.lockError) == nil)
        #expect(RetryPolicy.never.retryDelay(afterFailures: 1, output: throttled) == nil)
    }
}
