variable "name" {
  description = "Infrastructure name. Prefixes the Name tag of every network resource."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.name))
    error_message = "name must be 1-40 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC (prefix /16 to /24). Each zone gets a public and a private subnet of 1/16 of this block."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.cidr))
    error_message = "cidr must be a valid IPv4 CIDR block, e.g. 10.0.0.0/16."
  }

  validation {
    condition     = can(regex("/(1[6-9]|2[0-4])$", var.cidr))
    error_message = "cidr prefix length must be between /16 and /24 (VPC limits, and room for 16 subnets)."
  }
}

variable "zones" {
  description = "Number of availability zones to spread subnets over (1-6)."
  type        = number
  default     = 2

  validation {
    condition     = var.zones >= 1 && var.zones <= 6 && floor(var.zones) == var.zones
    error_message = "zones must be a whole number between 1 and 6."
  }
}

variable "tags" {
  description = "Additional tags applied to every taggable resource."
  type        = map(string)
  default     = {}
}
