variable "domain_name" {
  description = "Fully qualified domain name of the public hosted zone to create, e.g. dev.example.com (no trailing dot)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.domain_name)) && length(var.domain_name) <= 253
    error_message = "domain_name must be a lowercase fully qualified DNS name such as dev.example.com, without a trailing dot."
  }
}

variable "parent_domain" {
  description = "Optional name of an existing public hosted zone (e.g. example.com) that domain_name is delegated from. When set, an NS record for domain_name is created in it."
  type        = string
  default     = null

  validation {
    condition     = var.parent_domain == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.parent_domain))
    error_message = "parent_domain must be null or a lowercase fully qualified DNS name such as example.com, without a trailing dot."
  }
}

variable "tags" {
  description = "Additional tags applied to every taggable resource."
  type        = map(string)
  default     = {}
}
