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
