# Generated admin credentials, stored in Secrets Manager, never an output. The
# password is made from two uuid(), which Terraform draws from a cryptographic
# random source during apply and never prints (secret_string is sensitive): 48
# lowercase hexadecimal characters, 182 random bits. Not from data
# "aws_secretsmanager_random_password": its id is the password, and Terraform
# logs every data source's id ("Read complete after 0s [id=...]").

locals {
  secret_name = "${var.name}/terrace/admin"

  tags = merge(
    var.tags,
    { Name = local.secret_name },
    var.cluster_name == null ? {} : { "terrace/cluster" = var.cluster_name },
  )
}

resource "aws_secretsmanager_secret" "admin" {
  name                    = local.secret_name
  description             = "Terrace generated admin credentials for ${var.name}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 0

  tags = local.tags
}

resource "aws_secretsmanager_secret_version" "admin" {
  secret_id = aws_secretsmanager_secret.admin.id
  secret_string = jsonencode({
    username = var.admin_username
    password = substr(replace("${uuid()}${uuid()}", "-", ""), 0, 48)
  })

  lifecycle {
    # uuid() is new on every plan: keep the password stored at creation
    # instead of rotating it on every plan.
    ignore_changes = [secret_string]
  }
}

# Generated OIDC client credentials (Keycloak confidential clients such as
# argocd and grafana), one secret per name in var.oidc_clients, for External
# Secrets to deliver to the cluster. Never an output.
#
# The client secret is made like the admin password (two uuid(), 48 lowercase
# hexadecimal characters), for the same reason.

locals {
  oidc_secret_names = { for client in var.oidc_clients : client => "${var.name}/terrace/oidc/${client}" }
}

resource "aws_secretsmanager_secret" "oidc" {
  for_each = local.oidc_secret_names

  name        = each.value
  description = "Terrace generated OIDC client credentials of ${each.key} for ${var.name}"
  kms_key_id  = var.kms_key_arn
  # Destroy, or removing the client from oidc_clients, deletes the secret at
  # once, so that the name can be used again.
  recovery_window_in_days = 0

  tags = merge(local.common_tags, { Name = each.value, "terrace/oidc-client" = each.key })
}

resource "aws_secretsmanager_secret_version" "oidc" {
  for_each = local.oidc_secret_names

  secret_id = aws_secretsmanager_secret.oidc[each.key].id
  secret_string = jsonencode({
    client_id     = each.key
    client_secret = substr(replace("${uuid()}${uuid()}", "-", ""), 0, 48)
  })

  lifecycle {
    # uuid() is new on every plan: keep the secret stored at creation instead
    # of rotating it on every plan, as for the admin password.
    ignore_changes = [secret_string]
  }
}

# IAM roles for service accounts (IRSA): one role per addon, assumable only by
# that addon's service account through the cluster's OIDC provider, with an
# inline policy built from the addon's statements. And an optional private S3
# bucket for logs (Loki).

locals {
  # Tags of every resource but the admin secret, which keeps local.tags (the
  # OIDC client secrets add their own Name).
  common_tags = merge(
    var.tags,
    var.cluster_name == null ? {} : { "terrace/cluster" = var.cluster_name },
  )

  # Account, partition and region are only read when something uses them, so
  # that the default configuration reads and stores nothing more than before.
  needs_context = length(var.irsa_roles) > 0 || var.logging_bucket
  partition     = one(data.aws_partition.current[*].partition)
  region        = one(data.aws_region.current[*].name)
  account_id    = one(data.aws_caller_identity.current[*].account_id)

  # <name>-logs-<account id>: at most 40 + 6 + 12 = 58 characters, so always a
  # valid S3 bucket name (3-63 characters), unique per account.
  logging_bucket_name = var.logging_bucket ? "${var.name}-logs-${local.account_id}" : null
  logging_bucket_arn  = var.logging_bucket ? "arn:${local.partition}:s3:::${local.logging_bucket_name}" : null

  # The issuer without its scheme, as IAM names it in condition keys
  # (oidc.eks.<region>.amazonaws.com/id/<id>). Empty without an issuer: the
  # roles' preconditions then report the missing input.
  oidc_issuer = var.oidc_issuer_url == null ? "" : trimprefix(var.oidc_issuer_url, "https://")

  # The addons that use the logging bucket ({logging_bucket_arn} in a resource).
  uses_logging_bucket = {
    for addon, role in var.irsa_roles :
    addon => anytrue([for statement in role.statements : anytrue([for resource in statement.resources : strcontains(resource, "{logging_bucket_arn}")])])
  }

  # The addons' statements with the placeholders of their resources replaced
  # (partition, region and account are read whenever there is a role).
  # {logging_bucket_arn} without a bucket is left as is: the role policy's
  # precondition reports it before anything is created. An addon using the
  # bucket encrypted with kms_key_arn also gets the key, through S3 only:
  # without it, S3 refuses to write or read its objects.
  irsa_statements = {
    for addon, role in var.irsa_roles : addon => concat([
      for statement in role.statements : {
        Effect = "Allow"
        Action = statement.actions
        Resource = [
          for resource in statement.resources :
          replace(replace(replace(replace(replace(resource,
            "{partition}", local.partition),
            "{region}", local.region),
            "{account_id}", local.account_id),
            "{name}", var.name),
          "{logging_bucket_arn}", coalesce(local.logging_bucket_arn, "{logging_bucket_arn}"))
        ]
      }
      ], local.uses_logging_bucket[addon] && var.logging_bucket && var.kms_key_arn != null ? [{
        Sid       = "LoggingBucketKey"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = [var.kms_key_arn]
        Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
    }] : [])
  }
}

data "aws_partition" "current" {
  count = local.needs_context ? 1 : 0
}

data "aws_region" "current" {
  count = local.needs_context ? 1 : 0
}

data "aws_caller_identity" "current" {
  count = local.needs_context ? 1 : 0
}

resource "aws_iam_role" "irsa" {
  for_each = var.irsa_roles

  name        = "${var.name}-${each.key}"
  description = "Terrace IRSA role of addon ${each.key} (service account ${each.value.namespace}/${each.value.service_account})"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_issuer}:sub" = "system:serviceaccount:${each.value.namespace}:${each.value.service_account}"
          "${local.oidc_issuer}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })

  tags = merge(local.common_tags, { Name = "${var.name}-${each.key}", "terrace/addon" = each.key })

  lifecycle {
    precondition {
      condition     = var.oidc_provider_arn != null && var.oidc_issuer_url != null
      error_message = "irsa_roles[\"${each.key}\"] needs the cluster's OIDC provider: set oidc_provider_arn and oidc_issuer_url (kubernetes module outputs of those names)."
    }

    precondition {
      condition     = var.oidc_provider_arn == null || var.oidc_issuer_url == null || endswith(coalesce(var.oidc_provider_arn, "-"), ":oidc-provider/${local.oidc_issuer}")
      error_message = "oidc_provider_arn and oidc_issuer_url name different OIDC providers: the provider ARN must end with :oidc-provider/<issuer without https://>."
    }

    precondition {
      condition     = length("${var.name}-${each.key}") <= 64
      error_message = "irsa_roles[\"${each.key}\"]: the role name ${var.name}-${each.key} is longer than IAM's 64 characters; use a shorter addon name."
    }
  }
}

resource "aws_iam_role_policy" "irsa" {
  for_each = var.irsa_roles

  name = each.key
  role = aws_iam_role.irsa[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.irsa_statements[each.key]
  })

  lifecycle {
    precondition {
      condition     = var.logging_bucket || !local.uses_logging_bucket[each.key]
      error_message = "irsa_roles[\"${each.key}\"] uses {logging_bucket_arn} in its resources, but there is no logging bucket: set logging_bucket = true."
    }
  }
}

resource "aws_s3_bucket" "logs" {
  count = var.logging_bucket ? 1 : 0

  bucket = local.logging_bucket_name
  # Logs do not outlive the infrastructure: destroy empties the bucket.
  force_destroy = true

  tags = merge(local.common_tags, { Name = local.logging_bucket_name })
}

resource "aws_s3_bucket_public_access_block" "logs" {
  count = var.logging_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  count = var.logging_bucket ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}
