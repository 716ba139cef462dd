/// Module sources shared by the declaration-reading tests.
enum HCLFixtures {
    /// A realistic module: every tricky construct the reader must see through.
    static let realisticModule = #"""
# A module for a network.
/* variable "fake_block_comment" {
  default = 1
} */
// variable "fake_line_comment" {

variable "name" {
  type        = string
  description = "The \"name\" of the network, e.g. `net-${var.env}`."

  validation {
    condition     = length(var.name) > 0 && !contains(["}", "{"], var.name)
    error_message = "The name must not be empty: got \"${var.name}\" (see ${format("%s}", "x")})."
    default       = "not the variable's default"
  }
}

variable "tags" {
  description = <<-EOT
    Tags for every resource.
      Indented line.
    EOT
  type = map(string)
  default = {
    "team"  = "platform"
    "brace" = "}"
    nested  = { a = [1, 2, 3] }
  }
}

variable "settings" {
  type = object({
    a = string,
    b = optional(list(number), [])
  })
  nullable = false
  default  = null
}

variable "password" {
  type      = string
  sensitive = true
  description = <<EOF
Line one with ${var.x} and a } brace.
EOF
}

variable one_line { default = 1 }

variable "cidrs" {
  type = list(string)
  default = [
    "10.0.0.0/16", # a comment with "quotes" and {
    "10.1.0.0/16", /* and } a block */
  ]
}

resource "aws_vpc" "this" {
  cidr_block = var.cidrs[0]
  tags = merge(var.tags, {
    Name = "${var.name}-${lookup({ a = "}" }, "a", "")}"
  })
  dynamic "ingress" {
    for_each = var.cidrs
    content {
      cidr = ingress.value
    }
  }
}

locals {
  template = <<-EOT
    variable "inside_heredoc" {
    %{ for c in var.cidrs }${c}%{ endfor }
  EOT
}

output "vpc_id" {
  description = "The VPC's id."
  value       = aws_vpc.this.id
}

output "secret" {
  value     = var.password
  sensitive = true
}
"""#
}
