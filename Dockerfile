# The Terrace service image: `terrace serve` with git, ssh and Terraform, for machines with a registry.
#
#   podman build -t terrace \
#     --build-arg VERSION=$(git describe --tags --always) --build-arg REVISION=$(git rev-parse HEAD) \
#     --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) .          (or: docker build …)
#   podman run --rm -p 8080:8080 --read-only -v terrace-data:/var/lib/terrace -e TERRACE_REPO=https://… terrace
#
# Without a registry, scripts/build-image.sh builds the same image offline (debootstrap + buildah; the host's
# Terraform): same base (Debian bookworm), paths, user, environment, entry point, health check and labels. Keep the
# two in step; docs/image.md describes the layout. See also docs/serve.md.

# The dependencies need Swift tools 6.2 or later (swift-subprocess, hummingbird, async-http-client); the
# project is developed with Swift 6.3.
ARG SWIFT_IMAGE=swift:6.3-bookworm
# The runtime image must have the same or a newer glibc than the build image: bookworm builds run on bookworm,
# the base scripts/build-image.sh makes with debootstrap.
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------------------------------------------------
# Build: a release binary with the Swift runtime linked in (debug information stripped, symbols kept), next to its
# resource folders: the built-in modules and the web UI's templates.
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
    && strip --strip-debug /staging/terrace \
    && cp -R .build/release/terrace_TerraceModules.resources /staging/terrace_TerraceModules.resources \
    && cp -R .build/release/terrace_TerraceServer.resources /staging/terrace_TerraceServer.resources \
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
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://terrace.dev

# git and openssh-client: the repository and git module sources; ca-certificates: https for git, S3 and
# Terraform's providers; tini: process 1, which passes SIGTERM to terrace and reaps what Terraform leaves behind.
# The binary itself needs only libc, libstdc++ and zlib, which the base image has.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends ca-certificates git openssh-client tini \
    && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/info/* /usr/share/locale/*

RUN groupadd --gid 10001 terrace \
    && useradd --uid 10001 --gid 10001 --comment Terrace --home-dir /var/lib/terrace --no-create-home \
        --shell /usr/sbin/nologin terrace \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/terrace \
    && install -d -m 0755 /usr/local/libexec/terrace

COPY --from=terraform /usr/local/bin/terraform /usr/local/bin/terraform
# Terrace finds its built-in modules and web UI templates in the resource folders next to its executable.
COPY --from=build /staging/terrace /usr/local/bin/terrace
COPY --from=build /staging/terrace_TerraceModules.resources /usr/local/bin/terrace_TerraceModules.resources
COPY --from=build /staging/terrace_TerraceServer.resources /usr/local/bin/terrace_TerraceServer.resources
COPY --from=build /staging/swift-backtrace-static /usr/local/libexec/terrace/swift-backtrace-static
# The HEALTHCHECK command: GET /healthz (or the path given) on TERRACE_LISTEN's port, with bash's /dev/tcp.
COPY --chmod=0755 deploy/image/terrace-probe /usr/local/bin/terrace-probe

# HOME is the data folder, so Terraform's plugin cache (~/.cache/terrace/plugins), the git module cache and
# ~/.ssh live on the volume and stay writable with a read-only root file system (/tmp needs a tmpfs then).
ENV HOME=/var/lib/terrace \
    TERRACE_DATA=/var/lib/terrace \
    TERRACE_LISTEN=0.0.0.0:8080 \
    CHECKPOINT_DISABLE=1 \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/terrace/swift-backtrace-static \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

LABEL org.opencontainers.image.title=terrace \
    org.opencontainers.image.description="Terrace: infrastructure from git, reconciled by terrace serve" \
    org.opencontainers.image.version=${VERSION} \
    org.opencontainers.image.revision=${REVISION} \
    org.opencontainers.image.source=${SOURCE} \
    org.opencontainers.image.created=${CREATED} \
    org.opencontainers.image.base.name=debian:bookworm

USER 10001:10001
WORKDIR /var/lib/terrace
VOLUME /var/lib/terrace
EXPOSE 8080/tcp
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/usr/local/bin/terrace-probe", "/healthz"]

ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/terrace"]
CMD ["serve"]
