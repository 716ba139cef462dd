variable "name" {
  description = "Infrastructure name. Used for the KMS alias (alias/<name>-terrace) and the Name tag."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.name))
    error_message = "name must be 1-40 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "bucket" {
  description = "Name of the existing Terraform state bucket. Terrace creates it (with versioning) before any Terraform runs; this module only hardens it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket))
    error_message = "bucket must be a valid S3 bucket name (3-63 characters of lowercase letters, digits, dots and hyphens)."
  }
}

variable "tags" {
  description = "Additional tags applied to every taggable resource."
  type        = map(string)
  default     = {}
}

variable "enforce_tls" {
  description = "Deny every non-TLS request to the state bucket. Terrace turns this off only when the cloud endpoint is plain http:// (a local emulator)."
  type        = bool
  default     = true
}
