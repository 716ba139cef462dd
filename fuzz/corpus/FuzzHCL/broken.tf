variable {
  type = list(string
}
output "a" "b" {
  value = "unterminated
}
locals { x = [1, 2, 3 }
variable "x" { default = <<EOT
never closed
