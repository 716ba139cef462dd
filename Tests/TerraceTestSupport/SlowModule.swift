/// A Terraform module whose apply takes a while, for tests that stop a service during an apply: an SSM parameter,
/// `sleep` in a `terraform_data` provisioner (built in: nothing to download), then another parameter. Its input is
/// `name`, its output `name`.
public enum SlowModule {
    /// The module's `main.tf`, waiting `seconds` between its two parameters.
    public static func source(sleeping seconds: Int) -> String {
        """
        variable "name" { type = string }
        resource "aws_ssm_parameter" "before" {
          name      = "${var.name}/before"
          type      = "String"
          value     = "1"
          overwrite = true
        }
        resource "terraform_data" "wait" {
          depends_on = [aws_ssm_parameter.before]
          input      = var.name
          provisioner "local-exec" {
            command = "sleep \(seconds)"
          }
        }
        resource "aws_ssm_parameter" "after" {
          depends_on = [terraform_data.wait]
          name       = "${var.name}/after"
          type       = "String"
          value      = "1"
          overwrite  = true
        }
        output "name" { value = aws_ssm_parameter.after.name }

        """
    }
}
