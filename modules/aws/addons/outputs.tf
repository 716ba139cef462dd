output "admin_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the admin credentials (JSON with username and password)."
  value       = aws_secretsmanager_secret.admin.arn
}

output "admin_secret_name" {
  description = "Name of the Secrets Manager secret holding the admin credentials."
  value       = aws_secretsmanager_secret.admin.name
}

output "admin_username" {
  description = "Admin username stored in the secret. The password is only available from Secrets Manager."
  value       = var.admin_username
}

output "oidc_client_secret_names" {
  description = "Names of the Secrets Manager secrets holding the OIDC client credentials (JSON with client_id and client_secret), by client name (empty when oidc_clients is). Names only: the client secrets are only available from Secrets Manager."
  value       = { for client, secret in aws_secretsmanager_secret.oidc : client => secret.name }
}

output "role_arns" {
  description = "ARNs of the IRSA roles by addon name (empty when irsa_roles is), for the eks.amazonaws.com/role-arn annotation of each addon's service account."
  value       = { for addon, role in aws_iam_role.irsa : addon => role.arn }
}

output "logging_bucket" {
  description = "Name of the S3 bucket for logs, or null without logging_bucket."
  value       = one(aws_s3_bucket.logs[*].bucket)
}

output "logging_bucket_arn" {
  description = "ARN of the S3 bucket for logs, or null without logging_bucket."
  value       = one(aws_s3_bucket.logs[*].arn)
}
