# Hardens the Terraform state bucket that Terrace creates before any Terraform
# runs, and provides the KMS key used for state and secrets encryption.
# The bucket itself is deliberately NOT managed here.

data "aws_s3_bucket" "state" {
  bucket = var.bucket
}

locals {
  tags = merge(var.tags, { Name = "${var.name}-terrace" })
}

resource "aws_kms_key" "this" {
  description             = "Terrace state and secrets encryption key for ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 7

  tags = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-terrace"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = data.aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket = data.aws_s3_bucket.state.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "state" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      data.aws_s3_bucket.state.arn,
      "${data.aws_s3_bucket.state.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  # Only where TLS can be used: an emulator reached over plain http:// could never satisfy the policy, and
  # everyone (Terraform included) would be locked out of the state.
  count = var.enforce_tls ? 1 : 0

  bucket = data.aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state.json

  # S3 rejects concurrent bucket configuration changes; apply the policy after
  # the public access block settles.
  depends_on = [aws_s3_bucket_public_access_block.state]
}
