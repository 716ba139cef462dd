/// The files `terrace init` writes: a project, one infrastructure using every section, and a custom module.
enum StarterRepo {
    /// The starter's files by repo-relative path, for a project named `name`.
    static func files(name: String) -> [(path: String, contents: String)] {
        [
            ("terrace.yaml", """
            # Project-wide settings (optional file). See the manifest reference in Terrace's README.
            kind: Project
            name: \(name)
            vars:
              owner: platform-team
            terraform:
              binary: terraform   # or tofu
              parallelism: 4

            """),
            ("infrastructures/dev.yaml", """
            # One infrastructure: each section becomes a unit backed by a module Terrace ships.
            kind: Infrastructure
            name: dev
            vars:
              environment: dev
            cloud:
              provider: aws
              region: us-east-1
              # endpoint: http://127.0.0.1:5000   # send every AWS API call to one URL (emulators)
            backend:
              bucket: \(String("\(name)-dev-tfstate".prefix(63)))
            network:
              cidr: 10.0.0.0/16
              zones: 2
            domain:
              name: dev.example.com
            kubernetes:
              version: "1.31"
              nodes:
                instanceType: t3.medium
                min: 1
                max: 3
            addons: {}                # addon name -> settings; Argo CD is always bootstrapped in the cluster
            # apps:                   # the team's apps, one Argo CD Application each (docs/in-cluster.md)
            #   - name: web
            #     chart: {repo: https://charts.example.com, name: web, version: 1.0.0}
            #     values: {host: "web.${domain.name}"}
            units:
              - name: assets
                module: ../modules/assets
                inputs:
                  bucket_name: "${project.name}-${infra.name}-assets"
                  vpc_id: ${network.vpc_id}
                  route_table_ids: ${network.private_route_table_ids}
                  tags:
                    owner: ${project.vars.owner}
                    environment: ${infra.vars.environment}

            """),
            ("modules/assets/variables.tf", """
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

            """),
            ("modules/assets/main.tf", """
            data "aws_region" "current" {}

            resource "aws_s3_bucket" "assets" {
              bucket = var.bucket_name
              tags   = var.tags
            }

            resource "aws_vpc_endpoint" "s3" {
              vpc_id            = var.vpc_id
              service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
              vpc_endpoint_type = "Gateway"
              route_table_ids   = var.route_table_ids
              tags              = var.tags
            }

            """),
            ("modules/assets/outputs.tf", """
            output "bucket_name" {
              description = "Name of the assets bucket."
              value       = aws_s3_bucket.assets.bucket
            }

            output "bucket_arn" {
              description = "ARN of the assets bucket."
              value       = aws_s3_bucket.assets.arn
            }

            """),
            (".gitignore", """
            .terrace/

            """),
        ]
    }
}
