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
