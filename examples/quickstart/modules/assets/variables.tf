variable "bucket_name" {
  description = "Name of the assets bucket."
  type        = string
}

variable "vpc_id" {
  description = "VPC that reaches the bucket through a gateway endpoint."
  type        = string
}

variable "route_table_ids" {
  description = "Route tables the S3 gateway endpoint is attached to."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
