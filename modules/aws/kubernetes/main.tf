# EKS cluster with a managed node group and an IAM OIDC provider for IRSA.

data "aws_partition" "current" {}

locals {
  policy_prefix = "arn:${data.aws_partition.current.partition}:iam::aws:policy"

  node_desired_size = coalesce(var.node_desired_size, var.node_min_size)

  node_policies = {
    worker = "${local.policy_prefix}/AmazonEKSWorkerNodePolicy"
    cni    = "${local.policy_prefix}/AmazonEKS_CNI_Policy"
    ecr    = "${local.policy_prefix}/AmazonEC2ContainerRegistryReadOnly"
  }

  # Root CA thumbprint of the EKS OIDC issuer endpoints (no tls provider is
  # available to compute it; AWS no longer validates it for EKS issuers).
  oidc_thumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
}

# ---------------------------------------------------------------- IAM roles

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.cluster_name}-eks-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json

  tags = merge(var.tags, { Name = "${var.cluster_name}-eks-cluster" })
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "${local.policy_prefix}/AmazonEKSClusterPolicy"
}

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${var.cluster_name}-eks-node"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json

  tags = merge(var.tags, { Name = "${var.cluster_name}-eks-node" })
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = local.node_policies

  role       = aws_iam_role.node.name
  policy_arn = each.value
}

# ----------------------------------------------------------- security group

# Additional security group attached to the control plane ENIs (EKS also
# creates its own primary cluster security group).
resource "aws_security_group" "cluster" {
  name        = "${var.cluster_name}-eks-cluster"
  description = "Additional security group for the ${var.cluster_name} EKS control plane"
  vpc_id      = var.vpc_id

  egress {
    description = "Allow all outbound traffic"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, { Name = "${var.cluster_name}-eks-cluster" })
}

# ------------------------------------------------------------------ cluster

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = var.subnet_ids
    security_group_ids      = [aws_security_group.cluster.id]
    endpoint_private_access = true
    endpoint_public_access  = true
  }

  dynamic "encryption_config" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      resources = ["secrets"]

      provider {
        key_arn = encryption_config.value
      }
    }
  }

  # Access entries (the EKS API) next to the aws-auth ConfigMap; the admin entry below is explicit, so the
  # creator's implicit one is not made (both would name the same principal).
  dynamic "access_config" {
    for_each = var.admin_access ? [true] : []

    content {
      authentication_mode                         = "API_AND_CONFIG_MAP"
      bootstrap_cluster_creator_admin_permissions = false
    }
  }

  tags = merge(var.tags, { Name = var.cluster_name })

  # The role must keep its policy while EKS creates and deletes the cluster.
  depends_on = [aws_iam_role_policy_attachment.cluster]
}

# ------------------------------------------------- cluster-admin for Terrace

# The identity that runs Terrace (for an assumed role, the role itself) gets cluster-admin through an access entry, so
# Terrace can bootstrap Argo CD and apply apps right after the cluster exists.
data "aws_caller_identity" "current" {
  count = var.admin_access ? 1 : 0
}

data "aws_iam_session_context" "current" {
  count = var.admin_access ? 1 : 0

  arn = data.aws_caller_identity.current[0].arn
}

resource "aws_eks_access_entry" "terrace" {
  count = var.admin_access ? 1 : 0

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = data.aws_iam_session_context.current[0].issuer_arn
  type          = "STANDARD"

  tags = merge(var.tags, { Name = "${var.cluster_name}-terrace" })
}

resource "aws_eks_access_policy_association" "terrace" {
  count = var.admin_access ? 1 : 0

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.terrace[0].principal_arn
  policy_arn    = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

resource "aws_iam_openid_connect_provider" "this" {
  url             = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = [local.oidc_thumbprint]

  tags = merge(var.tags, { Name = "${var.cluster_name}-eks-irsa" })
}

# --------------------------------------------------------------- node group

resource "aws_eks_node_group" "this" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  instance_types  = [var.node_instance_type]
  capacity_type   = "ON_DEMAND"

  scaling_config {
    min_size     = var.node_min_size
    max_size     = var.node_max_size
    desired_size = local.node_desired_size
  }

  tags = merge(var.tags, { Name = "${var.cluster_name}-default" })

  lifecycle {
    # remote_access: moto adds a default remote_access block to every node
    # group; without this every plan would show a forced replacement.
    # desired_size: owned by the cluster autoscaler after creation.
    ignore_changes = [remote_access, scaling_config[0].desired_size]

    precondition {
      condition     = var.node_min_size <= var.node_max_size
      error_message = "node_min_size must be less than or equal to node_max_size."
    }

    precondition {
      condition     = local.node_desired_size >= var.node_min_size && local.node_desired_size <= var.node_max_size
      error_message = "node_desired_size must be between node_min_size and node_max_size."
    }
  }

  # Node IAM permissions must exist before nodes join and until they are gone.
  depends_on = [aws_iam_role_policy_attachment.node]
}
