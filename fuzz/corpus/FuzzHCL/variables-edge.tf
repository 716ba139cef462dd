variable "name" {
  type        = string
  description = "A \"quoted\" name: ${var.prefix} and $${literal} \u00e9"
  default     = null
  nullable    = false
}

variable "tags" {
  type = map(object({
    value = string
    keys  = optional(list(string), [])
  }))
  default = {}
  validation {
    condition     = alltrue([for k, v in var.tags : length(k) > 0])
    error_message = "Tag keys must not be empty."
  }
}

variable "doc" {
  description = <<-EOT
    An indented heredoc with %{ if true }a directive%{ endif }
      and a deeper line.
    EOT
  sensitive   = true
}

/* a block comment { with braces } */
output "id" {
  value       = aws_s3_bucket.this["x"].id # trailing comment
  description = "The bucket's id."
  sensitive   = false
}
