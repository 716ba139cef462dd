#!/usr/bin/env bash
# Builds the Terrace service image offline, without pulling a base image: a minimal Debian root file system made
# with debootstrap from Debian's packages (git, openssh-client, ca-certificates, tini), the release binary with its
# resource bundles, and the host's Terraform, assembled with buildah from scratch. The result has the same layout as
# the Dockerfile's (docs/image.md): same paths, user, environment, entry point and labels.
#
# Usage: bash scripts/build-image.sh [options]   (as root; podman, buildah and debootstrap installed)
#   --binary PATH     the terrace binary (default .build/release/terrace); its resource bundles
#                     terrace_TerraceModules.resources and terrace_TerraceServer.resources must sit next to it.
#                     Build it with `swift build -c release --product terrace --static-swift-stdlib`; a binary
#                     linked against the Swift runtime's shared libraries (a development build) gets those
#                     libraries copied into the image too, with a warning.
#   --terraform PATH  the Terraform binary (default: `command -v terraform`)
#   --tag NAME        the image name (default localhost/terrace:dev)
#   --cache DIR       where the root file system tarball is kept between builds (default /var/cache/terrace-image)
#   --mirror URL      the Debian mirror (default http://deb.debian.org/debian)
#   --suite NAME      the Debian release (default bookworm; its glibc must be at least the build machine's)
#   --version V       org.opencontainers.image.version (default: `terrace --version`)
#   --revision R      org.opencontainers.image.revision (default: `git rev-parse HEAD`, `+dirty` if changed)
#   --source URL      org.opencontainers.image.source (default: the git remote `origin`, else https://terrace.dev)
#
# Prints the image's name, id and size last. CONTAINERS_CONF defaults to deploy/image/containers.conf.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

binary=.build/release/terrace
terraform=$(command -v terraform || true)
tag=localhost/terrace:dev
cache=/var/cache/terrace-image
mirror=http://deb.debian.org/debian
suite=bookworm
version=""
revision=""
source_url=""
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary=$2; shift 2 ;;
        --terraform) terraform=$2; shift 2 ;;
        --tag) tag=$2; shift 2 ;;
        --cache) cache=$2; shift 2 ;;
        --mirror) mirror=$2; shift 2 ;;
        --suite) suite=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        --revision) revision=$2; shift 2 ;;
        --source) source_url=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-image: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

fail() { echo "build-image: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (debootstrap and buildah need it)"
for tool in podman buildah debootstrap; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install podman buildah debootstrap runc uidmap fuse-overlayfs)"
done
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/deploy/image/containers.conf}
# Docker format throughout: OCI image configs have no HEALTHCHECK.
export BUILDAH_FORMAT=docker

binary=$(realpath "$binary" 2>/dev/null) || fail "no terrace binary at the --binary path"
[ -x "$binary" ] || fail "$binary is not executable"
bundle_dir=$(dirname "$binary")
for bundle in terrace_TerraceModules.resources terrace_TerraceServer.resources; do
    [ -d "$bundle_dir/$bundle" ] || fail "$bundle is missing next to $binary (build the terrace product, not just the target)"
done
[ -n "$terraform" ] && [ -x "$terraform" ] || fail "no Terraform binary (pass --terraform PATH)"
terraform=$(realpath "$terraform")

binary_version=$("$binary" --version) || fail "$binary --version failed"
version=${version:-$binary_version}
if [ -z "$revision" ]; then
    revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
    if [ "$revision" != unknown ] && ! git diff --quiet HEAD 2>/dev/null; then revision="$revision+dirty"; fi
fi
source_url=${source_url:-$(git remote get-url origin 2>/dev/null || echo https://terrace.dev)}
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# --- The root file system, cached as a tarball keyed by everything that goes into it. ----------------------------
packages=git,openssh-client,ca-certificates,tini
# "v2": the recipe below; change it when the recipe changes, so cached tarballs are not reused.
key=$(printf '%s\n' "$suite" "$mirror" "$packages" "v2" "$(dpkg --print-architecture)" | sha256sum | cut -c1-16)
rootfs_tar=$cache/rootfs-$suite-$key.tar
start=$(date +%s)
if [ ! -s "$rootfs_tar" ]; then
    echo "build-image: debootstrap $suite ($packages) from $mirror"
    mkdir -p "$cache"
    work=$(mktemp -d "$cache/rootfs.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    debootstrap --variant=minbase --include="$packages" "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
        || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log above)"; }
    fs=$work/rootfs
    # What a service image does not need: package lists and archives, documentation, manual pages, locales.
    rm -rf "$fs"/var/cache/apt/archives/*.deb "$fs"/var/lib/apt/lists/* "$fs"/var/log/* \
        "$fs"/usr/share/doc/* "$fs"/usr/share/man/* "$fs"/usr/share/info/* "$fs"/usr/share/locale/* \
        "$fs"/usr/share/lintian "$fs"/usr/share/linda "$fs"/var/cache/debconf/*-old
    # The service user, as the Dockerfile creates it: uid and gid 10001, home = the data volume, no shell.
    echo "terrace:x:10001:10001:Terrace:/var/lib/terrace:/usr/sbin/nologin" >>"$fs/etc/passwd"
    echo "terrace:x:10001:" >>"$fs/etc/group"
    echo "terrace:!:19000::::::" >>"$fs/etc/shadow"
    echo "terrace:!::" >>"$fs/etc/gshadow"
    install -d -o 10001 -g 10001 -m 0750 "$fs/var/lib/terrace"
    install -d -m 0755 "$fs/usr/local/libexec/terrace"
    : >"$fs/etc/machine-id"
    # Written beside the cache and renamed: a concurrent or interrupted build never sees half a tarball.
    tar --numeric-owner --xattrs -C "$fs" -cf "$work/rootfs.tar" .
    mv "$work/rootfs.tar" "$rootfs_tar"
    rm -rf "$work"
    trap - EXIT
    echo "build-image: root file system in $(( $(date +%s) - start )) s, cached at $rootfs_tar"
else
    echo "build-image: root file system from the cache ($rootfs_tar)"
fi

# --- The image. ---------------------------------------------------------------------------------------------------
container=$(buildah from --quiet scratch)
trap 'buildah rm "$container" >/dev/null 2>&1 || true' EXIT
buildah add --quiet "$container" "$rootfs_tar" / >/dev/null
mount=$(buildah mount "$container")
install -m 0755 "$binary" "$mount/usr/local/bin/terrace"
# Debug information off (about 90 MB); the symbol table stays, so backtraces still name functions.
if command -v strip >/dev/null; then strip --strip-debug "$mount/usr/local/bin/terrace"; fi
cp -R "$bundle_dir/terrace_TerraceModules.resources" "$bundle_dir/terrace_TerraceServer.resources" "$mount/usr/local/bin/"
chmod -R a+rX,go-w "$mount"/usr/local/bin/terrace_*.resources
install -m 0755 "$terraform" "$mount/usr/local/bin/terraform"

# A binary linked against the Swift runtime's shared libraries (not --static-swift-stdlib): copy the ones it loads
# from outside the root file system to the same paths, so its RUNPATH finds them. Development builds only.
swift_libs=$(ldd "$binary" | awk '$3 ~ /^\// {print $3}' | grep '/swift/' || true)
if [ -n "$swift_libs" ]; then
    echo "build-image: warning: $binary is not linked with --static-swift-stdlib; copying $(echo "$swift_libs" | wc -l) Swift runtime libraries into the image (development build)" >&2
    for lib in $swift_libs; do
        install -D -m 0644 "$lib" "$mount$lib"
    done
fi
# Swift's backtracer, for readable crash reports (SWIFT_BACKTRACE below); from the toolchain that built the binary.
backtracer=""
for candidate in /usr/libexec/swift/linux/swift-backtrace-static "$(dirname "$(dirname "$(command -v swift 2>/dev/null || echo /x/x)")")/libexec/swift/linux/swift-backtrace-static"; do
    if [ -x "$candidate" ]; then backtracer=$candidate; break; fi
done
if [ -n "$backtracer" ]; then
    install -m 0755 "$backtracer" "$mount/usr/local/libexec/terrace/swift-backtrace-static"
else
    echo "build-image: warning: swift-backtrace-static not found; crash reports will lack symbolicated backtraces" >&2
fi
buildah umount "$container" >/dev/null
# Every library the binaries need must resolve inside the image, and both must run there (as the service's user).
missing=$(buildah run "$container" -- /bin/sh -c 'ldd /usr/local/bin/terrace /usr/local/bin/terraform 2>&1 || true' | grep 'not found' || true)
[ -z "$missing" ] || fail "libraries missing in the image: $missing"
[ "$(buildah run --user 10001:10001 "$container" -- /usr/local/bin/terrace --version)" = "$binary_version" ] \
    || fail "terrace --version does not run inside the image"
buildah run --user 10001:10001 "$container" -- /usr/local/bin/terraform version >/dev/null \
    || fail "terraform does not run inside the image"

# Configuration: identical to the Dockerfile's runtime stage.
buildah config \
    --user 10001:10001 \
    --workingdir /var/lib/terrace \
    --env HOME=/var/lib/terrace \
    --env TERRACE_DATA=/var/lib/terrace \
    --env TERRACE_LISTEN=0.0.0.0:8080 \
    --env CHECKPOINT_DISABLE=1 \
    --env SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/terrace/swift-backtrace-static \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --volume /var/lib/terrace \
    --port 8080/tcp \
    --entrypoint '["/usr/bin/tini", "--", "/usr/local/bin/terrace"]' \
    --cmd serve \
    --healthcheck 'CMD /usr/local/bin/terrace-probe /healthz' \
    --healthcheck-interval 30s --healthcheck-timeout 5s --healthcheck-start-period 30s --healthcheck-retries 3 \
    --label org.opencontainers.image.title=terrace \
    --label "org.opencontainers.image.description=Terrace: infrastructure from git, reconciled by terrace serve" \
    --label "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.revision=$revision" \
    --label "org.opencontainers.image.source=$source_url" \
    --label "org.opencontainers.image.created=$created" \
    --label org.opencontainers.image.base.name=debian:$suite \
    "$container"
buildah copy --quiet --chmod 0755 "$container" deploy/image/terrace-probe /usr/local/bin/terrace-probe >/dev/null

# Docker format: OCI image configs have no HEALTHCHECK.
image=$(buildah commit --quiet --format docker --rm "$container" "$tag")
trap - EXIT
size=$(podman image inspect --format '{{.Size}}' "$tag")
echo "build-image: built $tag ($image) in $(( $(date +%s) - start )) s: $(( size / 1000000 )) MB"
echo "$tag"
