variable "cluster_name" {
  description = "Name of the EKS cluster. Also prefixes the IAM roles, security group and node group."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must be 1-40 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane, e.g. 1.31."
  type        = string
  default     = "1.31"

  validation {
    condition     = can(regex("^1\\.[0-9]{1,2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a Kubernetes minor version such as 1.31."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the cluster runs in (network module output vpc_id)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private subnet IDs for the control plane ENIs and the worker nodes (network module output private_subnet_ids). EKS requires subnets in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids must be a non-empty list of subnet IDs such as subnet-0123456789abcdef0."
  }
}

variable "kms_key_arn" {
  description = "Optional KMS key ARN (backend module output kms_key_arn) used for envelope encryption of Kubernetes secrets. Null disables secrets encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN."
  }
}

variable "node_instance_type" {
  description = "EC2 instance type of the managed node group."
  type        = string
  default     = "t3.medium"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.node_instance_type))
    error_message = "node_instance_type must be an EC2 instance type such as t3.medium."
  }
}

variable "node_min_size" {
  description = "Minimum number of worker nodes."
  type        = number
  default     = 1

  validation {
    condition     = var.node_min_size >= 0 && floor(var.node_min_size) == var.node_min_size
    error_message = "node_min_size must be a whole number >= 0."
  }
}

variable "node_max_size" {
  description = "Maximum number of worker nodes (must be >= node_min_size)."
  type        = number
  default     = 3

  validation {
    condition     = var.node_max_size >= 1 && floor(var.node_max_size) == var.node_max_size
    error_message = "node_max_size must be a whole number >= 1."
  }
}

variable "node_desired_size" {
  description = "Initial number of worker nodes; null means node_min_size. Only used at creation: later changes (e.g. by the cluster autoscaler) are ignored."
  type        = number
  default     = null

  validation {
    condition     = var.node_desired_size == null || try(var.node_desired_size >= 0 && floor(var.node_desired_size) == var.node_desired_size, false)
    error_message = "node_desired_size must be null or a whole number >= 0."
  }
}

variable "tags" {
  description = "Additional tags applied to every taggable resource."
  type        = map(string)
  default     = {}
}

variable "admin_access" {
  description = "Grant the identity that runs Terrace cluster-admin through an EKS access entry (authentication mode API_AND_CONFIG_MAP, AmazonEKSClusterAdminPolicy). Set false on AWS emulators without EKS access entries (moto 5.2)."
  type        = bool
  default     = true
}
