output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the state bucket and secrets."
  value       = aws_kms_key.this.arn
}

output "kms_key_id" {
  description = "ID of the KMS key encrypting the state bucket and secrets."
  value       = aws_kms_key.this.key_id
}

output "bucket" {
  description = "Name of the Terraform state bucket."
  value       = data.aws_s3_bucket.state.id
}

output "bucket_arn" {
  description = "ARN of the Terraform state bucket."
  value       = data.aws_s3_bucket.state.arn
}
