variable "name" {
  description = "Infrastructure name. The admin secret is named <name>/terrace/admin, the OIDC client secrets <name>/terrace/oidc/<client>, the IRSA roles <name>-<addon> and the logging bucket <name>-logs-<account id>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.name))
    error_message = "name must be 1-40 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "cluster_name" {
  description = "Optional name of the EKS cluster the add-ons belong to (kubernetes module output cluster_name). Recorded as the terrace/cluster tag of every resource."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Optional KMS key ARN (backend module output kms_key_arn) encrypting the admin secret, the OIDC client secrets and the logging bucket. Null uses the AWS managed aws/secretsmanager key for the secrets and SSE-S3 for the bucket."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN."
  }
}

variable "addons" {
  description = "The manifest's addons section, passed through as-is. Recorded for add-on installation; no resources are derived from it yet."
  type        = any
  default     = {}
}

variable "admin_username" {
  description = "Username stored in the generated admin credentials secret."
  type        = string
  default     = "admin"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_.-]{0,62}$", var.admin_username))
    error_message = "admin_username must be 1-63 characters of lowercase letters, digits, '_', '.' and '-', starting with a letter or '_'."
  }
}

variable "tags" {
  description = "Additional tags applied to every taggable resource."
  type        = map(string)
  default     = {}
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (kubernetes module output oidc_provider_arn). Required when irsa_roles is not empty."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be null or an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer host/path>)."
  }
}

variable "oidc_issuer_url" {
  description = "OIDC issuer URL of the cluster (kubernetes module output oidc_issuer_url), like https://oidc.eks.us-east-1.amazonaws.com/id/ABC. Required when irsa_roles is not empty."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_issuer_url == null || can(regex("^https://[^/\\s]+(/\\S*[^/\\s])?$", var.oidc_issuer_url))
    error_message = "oidc_issuer_url must be null or an https:// URL without a trailing slash (kubernetes module output oidc_issuer_url)."
  }
}

variable "irsa_roles" {
  description = "IAM roles for service accounts (IRSA) by addon name (lowercase letters, digits, '-'). Each becomes the role <name>-<addon>, assumable only by the service account <namespace>/<service_account> through the cluster's OIDC provider, with an inline policy of one Allow statement per entry of statements. In resources, {partition}, {region}, {account_id}, {name} and {logging_bucket_arn} (needs logging_bucket = true) are replaced by the module. A role using {logging_bucket_arn} while kms_key_arn is set also gets kms:Decrypt and kms:GenerateDataKey on that key, through S3 only (statement LoggingBucketKey)."
  type = map(object({
    namespace       = string
    service_account = string
    statements = list(object({
      actions   = list(string)
      resources = list(string)
    }))
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for addon in keys(var.irsa_roles) : can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", addon))])
    error_message = "irsa_roles keys (addon names) must be lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }

  validation {
    condition = alltrue([
      for role in values(var.irsa_roles) :
      can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", role.namespace)) && can(regex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", role.service_account))
    ])
    error_message = "irsa_roles: namespace must be a Kubernetes namespace name (lowercase letters, digits and '-', at most 63 characters) and service_account a Kubernetes object name (lowercase letters, digits, '-' and '.')."
  }

  validation {
    condition = alltrue(flatten([
      for role in values(var.irsa_roles) : concat([length(role.statements) > 0], [
        for statement in role.statements :
        length(statement.actions) > 0 && length(statement.resources) > 0 && alltrue([for text in concat(statement.actions, statement.resources) : trimspace(text) != ""])
      ])
    ]))
    error_message = "irsa_roles: every role needs at least one statement, and every statement at least one action and one resource (none empty)."
  }

  validation {
    condition = alltrue(flatten([
      for role in values(var.irsa_roles) : [
        for statement in role.statements : [
          for resource in statement.resources : [
            for placeholder in regexall("\\{[a-z_]*\\}", resource) :
            contains(["{partition}", "{region}", "{account_id}", "{name}", "{logging_bucket_arn}"], placeholder)
          ]
        ]
      ]
    ]))
    error_message = "irsa_roles: the only placeholders allowed in resources are {partition}, {region}, {account_id}, {name} and {logging_bucket_arn}."
  }
}

variable "logging_bucket" {
  description = "Whether to create a private S3 bucket for logs (Loki), named <name>-logs-<account id>, encrypted with kms_key_arn when set (else SSE-S3). It is emptied and deleted on destroy."
  type        = bool
  default     = false
  nullable    = false
}

variable "oidc_clients" {
  description = "Names of the OIDC confidential clients (such as argocd and grafana) to generate credentials for. Each gets the Secrets Manager secret <name>/terrace/oidc/<client> holding JSON {\"client_id\": \"<client>\", \"client_secret\": \"<48 random lowercase hexadecimal characters>\"}, generated once at creation and kept across plans; the client secret is never an output nor printed. Removing a name deletes its secret at once (no recovery window)."
  type        = set(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for client in var.oidc_clients : can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", client))])
    error_message = "oidc_clients: every client name must be 1-63 characters of lowercase letters, digits and '-', starting and ending with a letter or digit."
  }
}
