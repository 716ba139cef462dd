output "zone_id" {
  description = "ID of the public hosted zone."
  value       = aws_route53_zone.this.zone_id
}

output "name" {
  description = "Domain name of the hosted zone (without trailing dot)."
  value       = trimsuffix(aws_route53_zone.this.name, ".")
}

output "name_servers" {
  description = "Name servers of the hosted zone; delegate to these from the parent domain when parent_domain is not set."
  value       = aws_route53_zone.this.name_servers
}
