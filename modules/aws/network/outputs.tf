output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, one per availability zone, in zone order."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone, in zone order."
  value       = aws_subnet.private[*].id
}

output "nat_gateway_id" {
  description = "ID of the NAT gateway (in the first public subnet) used by the private subnets."
  value       = aws_nat_gateway.this.id
}

output "availability_zones" {
  description = "Availability zones used by the subnets."
  value       = local.azs
}

output "public_route_table_ids" {
  description = "IDs of the public route tables (default route to the internet gateway)."
  value       = [aws_route_table.public.id]
}

output "private_route_table_ids" {
  description = "IDs of the private route tables (default route to the NAT gateway), e.g. for gateway VPC endpoints."
  value       = [aws_route_table.private.id]
}
