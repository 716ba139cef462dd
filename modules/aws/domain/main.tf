# Public hosted zone for domain_name, optionally delegated from an existing
# parent zone in the same account.

locals {
  delegate = var.parent_domain != null
}

resource "aws_route53_zone" "this" {
  name    = var.domain_name
  comment = "Managed by Terrace"

  tags = merge(var.tags, { Name = var.domain_name })
}

data "aws_route53_zone" "parent" {
  count = local.delegate ? 1 : 0

  name         = var.parent_domain
  private_zone = false
}

resource "aws_route53_record" "delegation" {
  count = local.delegate ? 1 : 0

  zone_id = data.aws_route53_zone.parent[0].zone_id
  name    = var.domain_name
  type    = "NS"
  ttl     = 300
  records = aws_route53_zone.this.name_servers

  lifecycle {
    precondition {
      condition     = endswith(var.domain_name, ".${var.parent_domain}")
      error_message = "domain_name must be a subdomain of parent_domain to be delegated from it."
    }
  }
}
