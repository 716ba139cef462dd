#!/usr/bin/env python3
"""Generates a large Terrace repository for benchmarks.

200 infrastructures x 10 units (2,000 units): the five built-in sections plus five custom units per
infrastructure, built on 10 shared custom modules, with cross-unit references (outputs of built-in and
custom units, through functions) and a dependsOn edge.

With --expressions rich, the custom units' inputs use the whole expression language instead: conditionals,
`for` expressions, template directives, nested templates inside string literals, splats and arithmetic (more than
half of the inputs).

Usage: generate_repo.py OUT_DIR [--infrastructures 200] [--expressions plain|rich]
"""
import argparse
import os
import shutil

MODULES = 10


def module_files(index):
    variables = "\n".join(
        f'variable "{name}" {{\n  description = "{name} of the component."\n  type        = {kind}\n{default}}}\n'
        for name, kind, default in [
            ("name", "string", ""),
            ("vpc_id", "string", ""),
            ("upstream", "string", '  default     = ""\n'),
            ("subnet_ids", "list(string)", "  default     = []\n"),
            ("size", "number", "  default     = 1\n"),
            ("tags", "map(string)", "  default     = {}\n"),
        ]
    )
    main = f"""resource "aws_ssm_parameter" "component" {{
  name  = "/${{var.name}}/component-{index}"
  type  = "String"
  value = jsonencode({{ upstream = var.upstream, size = var.size, subnets = var.subnet_ids }})
  tags  = var.tags
}}
"""
    outputs = "".join(
        f'output "{name}" {{\n  description = "{name} of the component."\n  value       = aws_ssm_parameter.component.{attr}\n}}\n\n'
        for name, attr in [("id", "id"), ("arn", "arn"), ("endpoint", "name")]
    )
    return {"variables.tf": variables, "main.tf": main, "outputs.tf": outputs}


def manifest(i):
    name = f"infra-{i:03d}"
    m = lambda k: f"../../modules/component-{(i + k) % MODULES}"
    return f"""kind: Infrastructure
name: {name}
vars:
  team: team-{i % 7}
  size: {1 + i % 3}
cloud:
  provider: aws
  region: eu-west-1
  endpoint: http://127.0.0.1:5000
backend:
  bucket: bench-{name}-state
network:
  cidr: 10.{i % 250}.0.0/16
  zones: {1 + i % 3}
domain:
  name: {name}.bench.example.com
kubernetes:
  version: "1.31"
  nodes: {{instanceType: t3.large, min: 1, max: {2 + i % 5}}}
addons:
  argocd: {{}}
units:
  - name: app-0
    module: {m(0)}
    inputs:
      name: ${{infra.name}}-app-0
      vpc_id: ${{network.vpc_id}}
      upstream: ${{kubernetes.cluster_name}}
      size: ${{infra.vars.size}}
      tags: {{team: "${{infra.vars.team}}", project: "${{project.name}}"}}
  - name: app-1
    module: {m(1)}
    inputs:
      name: "${{lower(infra.name)}}-app-1"
      vpc_id: ${{network.vpc_id}}
      upstream: ${{app-0.id}}
  - name: app-2
    module: {m(2)}
    inputs:
      name: ${{format("%s-app-%d", infra.name, 2)}}
      vpc_id: ${{network.vpc_id}}
      upstream: ${{app-1.endpoint}}
      subnet_ids: ${{network.private_subnet_ids}}
  - name: app-3
    module: {m(3)}
    inputs:
      name: ${{infra.name}}-app-3
      vpc_id: ${{network.vpc_id}}
      upstream: ${{join(",", [app-0.id, app-2.arn])}}
      tags: {{cidr: "${{cidrsubnet(\\"10.{i % 250}.0.0/16\\", 8, 3)}}"}}
  - name: app-4
    module: {m(4)}
    dependsOn: [app-3, domain]
    inputs:
      name: ${{infra.name}}-app-4
      vpc_id: ${{network.vpc_id}}
      upstream: ${{upper(app-1.arn)}}
"""


def rich_units(i):
    m = lambda k: f"../../modules/component-{(i + k) % MODULES}"
    return f"""units:
  - name: app-0
    module: {m(0)}
    inputs:
      name: '${{infra.vars.size > 1 ? "${{infra.name}}-big" : "${{infra.name}}-small"}}'
      vpc_id: ${{network.vpc_id}}
      upstream: ${{kubernetes.cluster_name}}
      size: ${{infra.vars.size * 2 + 1}}
      tags: '${{{{for k, v in {{team = infra.vars.team, project = project.name}} : k => upper(v)}}}}'
  - name: app-1
    module: {m(1)}
    inputs:
      name: "${{lower(infra.name)}}-app-1"
      vpc_id: ${{network.vpc_id}}
      upstream: '%{{ if infra.vars.size >= 2 }}${{app-0.id}}%{{ else }}none%{{ endif }}'
  - name: app-2
    module: {m(2)}
    inputs:
      name: ${{format("%s-app-%03d", infra.name, infra.vars.size * 2)}}
      vpc_id: ${{network.vpc_id}}
      upstream: ${{app-1.endpoint}}
      subnet_ids: '${{[for i, s in network.private_subnet_ids : s if i < infra.vars.size]}}'
  - name: app-3
    module: {m(3)}
    inputs:
      name: '${{join("-", [for part in split("-", infra.name) : title(part)])}}'
      vpc_id: ${{network.vpc_id}}
      upstream: '${{jsonencode({{Resource = ["${{app-2.arn}}/*", "${{app-0.id}}"], Size = infra.vars.size}})}}'
      tags: '${{{{cidr = cidrsubnet("10.{i % 250}.0.0/16", 8, 3), zones = "%{{ for z in range(3) }}${{z}},%{{ endfor }}"}}}}'
  - name: app-4
    module: {m(4)}
    dependsOn: [app-3, domain]
    inputs:
      name: ${{infra.name}}-app-4
      vpc_id: ${{network.vpc_id}}
      upstream: '${{try(upper(app-1.arn), "none")}}'
      subnet_ids: '${{[for s in network.private_subnet_ids : "${{s}}-${{infra.vars.team}}"]}}'
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--infrastructures", type=int, default=200)
    parser.add_argument("--expressions", choices=["plain", "rich"], default="plain")
    args = parser.parse_args()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    with open(os.path.join(args.out, "terrace.yaml"), "w") as f:
        f.write("kind: Project\nname: bench\nvars:\n  owner: platform\n")
    for index in range(MODULES):
        folder = os.path.join(args.out, "modules", f"component-{index}")
        os.makedirs(folder)
        for file, text in module_files(index).items():
            with open(os.path.join(folder, file), "w") as f:
                f.write(text)
    for i in range(args.infrastructures):
        folder = os.path.join(args.out, "infrastructures", f"team-{i % 20:02d}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"infra-{i:03d}.yaml"), "w") as f:
            text = manifest(i)
            if args.expressions == "rich":
                text = text[: text.index("units:\n")] + rich_units(i)
            f.write(text)
    print(f"generated {args.infrastructures} infrastructures x 10 units in {args.out}")


if __name__ == "__main__":
    main()
