variable "name" {
  description = "Infrastructure name. The admin secret is named <name>/terrace/admin."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.name))
    error_message = "name must be 1-40 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "cluster_name" {
  description = "Optional name of the EKS cluster the add-ons belong to (kubernetes module output cluster_name). Recorded as a tag on the admin secret."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Optional KMS key ARN (backend module output kms_key_arn) encrypting the admin secret. Null uses the AWS managed aws/secretsmanager key."
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
