# The Terrace service image: `terrace serve` with git, ssh and Terraform.
#
#   podman build -t terrace .        (or: docker build -t terrace .)
#   podman run --rm -p 8080:8080 -v terrace-data:/var/lib/terrace -e TERRACE_REPO=https://… terrace
#
# See docs/serve.md. This file has not been built on the development machine (no registry access there), so
# it is untested.

# The dependencies need Swift tools 6.2 or later (swift-subprocess, hummingbird, async-http-client); the
# project is developed with Swift 6.3.
ARG SWIFT_IMAGE=swift:6.3-noble
# The runtime image must have the same or a newer glibc than the build image: noble builds run on noble.
ARG RUNTIME_IMAGE=ubuntu:noble

# ---------------------------------------------------------------------------------------------------------
# Build: a release binary with the Swift runtime linked in, next to its resource folder of built-in modules.
FROM ${SWIFT_IMAGE} AS build
WORKDIR /build

# Dependencies first, so that changing Terrace's own sources does not fetch them again.
COPY Package.swift ./
RUN swift package resolve

# Every path Package.swift names: Sources/, Tests/ (test targets and their support library) and modules/.
COPY Sources ./Sources
COPY Tests ./Tests
COPY modules ./modules
RUN swift build -c release --product terrace --static-swift-stdlib

# .build/release is a symlink to the platform folder; copy through it into a plain staging folder.
RUN mkdir /staging \
    && cp .build/release/terrace /staging/terrace \
    && cp -R .build/release/terrace_TerraceModules.resources /staging/terrace_TerraceModules.resources \
    && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/swift-backtrace-static

# ---------------------------------------------------------------------------------------------------------
# Terraform: downloaded from releases.hashicorp.com, its SHA256SUMS verified against HashiCorp's signing key
# and the archive against SHA256SUMS. curl, unzip and gnupg stay in this stage.
FROM ${RUNTIME_IMAGE} AS terraform
ARG TERRAFORM_VERSION=1.11.4
# HashiCorp's release signing key (https://www.hashicorp.com/security).
ARG HASHICORP_PGP_FINGERPRINT=C874011F0AB405110D02105534365D9472D7468F
# Set by BuildKit and Buildah (amd64, arm64); read from dpkg otherwise.
ARG TARGETARCH

RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends ca-certificates curl gnupg unzip \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /download
RUN set -eu; \
    arch="${TARGETARCH:-$(dpkg --print-architecture)}"; \
    base="https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}"; \
    zip="terraform_${TERRAFORM_VERSION}_linux_${arch}.zip"; \
    sums="terraform_${TERRAFORM_VERSION}_SHA256SUMS"; \
    for file in "$zip" "$sums" "$sums.sig"; do \
        curl -fsSL --retry 5 --retry-connrefused -o "$file" "$base/$file"; \
    done; \
    curl -fsSL --retry 5 --retry-connrefused -o hashicorp.asc https://www.hashicorp.com/.well-known/pgp-key.txt; \
    export GNUPGHOME="$(mktemp -d)"; \
    gpg --batch --quiet --import hashicorp.asc; \
    gpg --batch --export "$HASHICORP_PGP_FINGERPRINT" > "$PWD/hashicorp.gpg"; \
    gpgv --keyring "$PWD/hashicorp.gpg" "$sums.sig" "$sums"; \
    grep " ${zip}\$" "$sums" | sha256sum --check --strict -; \
    unzip -q "$zip" terraform -d /usr/local/bin; \
    /usr/local/bin/terraform version

# ---------------------------------------------------------------------------------------------------------
# Runtime.
FROM ${RUNTIME_IMAGE}

# git and openssh-client: the repository and git module sources; ca-certificates: https for git, S3 and
# Terraform's providers. The binary itself needs only libc, libstdc++ and zlib, which the base image has.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends ca-certificates git openssh-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 terrace \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/terrace --no-create-home \
        --shell /usr/sbin/nologin terrace \
    && mkdir -p /var/lib/terrace \
    && chown 10001:10001 /var/lib/terrace

COPY --from=terraform /usr/local/bin/terraform /usr/local/bin/terraform
# Terrace finds its built-in modules in the resource folder next to its executable.
COPY --from=build /staging/terrace /usr/local/bin/terrace
COPY --from=build /staging/terrace_TerraceModules.resources /usr/local/bin/terrace_TerraceModules.resources
COPY --from=build /staging/swift-backtrace-static /usr/local/libexec/terrace/swift-backtrace-static

# HOME is the data folder, so Terraform's plugin cache (~/.cache/terrace/plugins), the git module cache and
# ~/.ssh live on the volume and stay writable with a read-only root file system.
ENV HOME=/var/lib/terrace \
    TERRACE_DATA=/var/lib/terrace \
    TERRACE_LISTEN=0.0.0.0:8080 \
    CHECKPOINT_DISABLE=1 \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/terrace/swift-backtrace-static

USER 10001:10001
WORKDIR /var/lib/terrace
VOLUME /var/lib/terrace
EXPOSE 8080

ENTRYPOINT ["terrace"]
CMD ["serve"]
