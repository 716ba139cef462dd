#!/usr/bin/env bash
# Sourced by the scripts: a local AWS API (moto's server) on 127.0.0.1:${MOTO_PORT:-5000}, dummy credentials,
# and Terraform pointed at the machine's offline provider mirror.
#
# A user's own TF_CLI_CONFIG_FILE is left alone when it names an existing file; otherwise a CLI config with a
# filesystem_mirror is written to .terrace/cli.tfrc and named by TF_CLI_CONFIG_FILE for the commands run here.

MOTO_PORT="${MOTO_PORT:-5000}"
MOTO_URL="http://127.0.0.1:${MOTO_PORT}"
mkdir -p .terrace

moto_ready() {
  python3 - "$MOTO_URL" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)
PY
}

if ! moto_ready; then
  if ! python3 -c "import moto.server, flask" >/dev/null 2>&1; then
    echo "==> installing moto[server] from PyPI"
    python3 -m pip install -q 'moto[server]'
  fi
  echo "==> starting moto's server on ${MOTO_URL} (log: .terrace/moto.log)"
  MOTO_IAM_LOAD_MANAGED_POLICIES=true MOTO_ACM_VALIDATION_WAIT=0 \
    nohup python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" > .terrace/moto.log 2>&1 &
  echo $! > .terrace/moto.pid
  for _ in $(seq 1 100); do moto_ready && break; sleep 0.2; done
  moto_ready || { echo "moto's server did not start; see .terrace/moto.log" >&2; exit 1; }
fi

export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_EC2_METADATA_DISABLED=true

if [ -z "${TF_CLI_CONFIG_FILE:-}" ] || [ ! -f "${TF_CLI_CONFIG_FILE}" ]; then
  mirror=""
  for candidate in "${TERRACE_TF_MIRROR:-}" /opt/tf-plugins "$HOME/.terraform.d/plugins" "$HOME/.local/share/terraform/plugins" \
                   /usr/local/share/terraform/plugins /usr/share/terraform/plugins; do
    if [ -n "$candidate" ] && [ -d "$candidate/registry.terraform.io/hashicorp/aws" ]; then mirror="$candidate"; break; fi
  done
  if [ -n "$mirror" ]; then
    cat > .terrace/cli.tfrc <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
TFRC
    export TF_CLI_CONFIG_FILE="$PWD/.terrace/cli.tfrc"
  fi
fi
