#!/usr/bin/env bash
# Builds the STAND-IN images that the real-node cluster (up.sh --real-node) serves from its
# local registry under the names dist/ uses, because no image can be pulled from Docker Hub
# here. They are not the real images; they reproduce what decides whether a pod starts: nginx:1.14.2,
# rgederin/fib-client-standalone-k8s, the pod sandbox (pause) and busybox:1.35.0. What each one
# reproduces and what it does not: kit/docs/cluster.md ("The images are stand-ins").
#
# The images are OCI layouts in $IMAGE_DIR, keyed by a hash of this script and
# kit/lab/cluster/images/, so only the first run (or a change) builds, most of the time
# mmdebstrap fetching Debian packages. Needs root, mmdebstrap, umoci and catatonit.
# Usage: kit/lab/cluster/images.sh        (prints the OCI layout path last)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

IMAGES_SRC="$CLUSTER_DIR/images"
inputs_hash=$({ cat "${BASH_SOURCE[0]}"; find "$IMAGES_SRC" -type f -print0 | sort -z | xargs -0 cat; } | sha256sum | cut -c1-16)
IMAGE_DIR="$CACHE_DIR/images/$inputs_hash"
OCI="$IMAGE_DIR/oci"
if [[ -f "$IMAGE_DIR/complete" ]]; then
  log "stand-in images: already built ($IMAGE_DIR)"
  echo "$OCI"
  exit 0
fi
for tool in mmdebstrap umoci catatonit; do
  command -v "$tool" >/dev/null || {
    echo "images.sh: $tool is needed to build the stand-in images (apt-get install mmdebstrap umoci catatonit)" >&2
    exit 1
  }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-sandbox-images.XXXXXX")
trap 'rm -rf "$work"' EXIT
started=$SECONDS

# 1. The base: a minimal Debian with nginx, set up as the official nginx image is. The
# official image is debian:*-slim plus nginx.org's package; Debian's nginx-light stands in.
log "[1/5] stand-in images: Debian bookworm + nginx-light, busybox-static with mmdebstrap (fetches packages)"
mmdebstrap --variant=essential --include=nginx-light,busybox-static --format=tar --skip=output/dev \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='echo "nginx:x:101:" >>"$1"/etc/group' \
  --customize-hook='echo "nginx:x:101:101:nginx user:/nonexistent:/bin/false" >>"$1"/etc/passwd' \
  --customize-hook='rm -rf "$1"/etc/nginx/sites-enabled "$1"/etc/nginx/sites-available "$1"/var/www "$1"/var/log/nginx/*' \
  --customize-hook='mkdir -p "$1"/etc/nginx/conf.d "$1"/usr/share/nginx/html "$1"/var/cache/nginx' \
  --customize-hook='ln -sf /dev/stdout "$1"/var/log/nginx/access.log && ln -sf /dev/stderr "$1"/var/log/nginx/error.log' \
  --customize-hook="cp '$IMAGES_SRC/nginx.conf' \"\$1\"/etc/nginx/nginx.conf" \
  bookworm "$work/rootfs.tar" http://deb.debian.org/debian

log "[2/5] stand-in images: base layer"
umoci init --layout "$work/oci"
umoci new --image "$work/oci:base"
umoci unpack --image "$work/oci:base" "$work/bundle" >/dev/null
# busybox is for the probe image only; the nginx images get none, as the official one has none.
tar -xf "$work/rootfs.tar" -C "$work/bundle/rootfs" --exclude=./bin/busybox --exclude=./usr/bin/busybox
umoci repack --image "$work/oci:base" "$work/bundle"
umoci config --image "$work/oci:base" --author "k8s-sandbox (stand-in)" \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.cmd nginx --config.cmd -g --config.cmd 'daemon off;' --config.stopsignal SIGTERM

# nginx_image TAG PORT DIR: the base plus DIR's default.conf and index.html, serving on PORT.
nginx_image() {
  local tag=$1 port=$2 dir=$IMAGES_SRC/$3
  umoci config --image "$work/oci:base" --tag "$tag" --config.exposedports "$port/tcp" \
    --config.label "org.opencontainers.image.description=k8s-sandbox stand-in, built locally; not the published image"
  umoci insert --image "$work/oci:$tag" "$dir/default.conf" /etc/nginx/conf.d/default.conf
  umoci insert --image "$work/oci:$tag" "$dir/index.html" /usr/share/nginx/html/index.html
}
log "[3/5] stand-in images: nginx:1.14.2 and rgederin/fib-client-standalone-k8s"
nginx_image nginx-1.14.2 80 nginx
nginx_image fib-client 3000 fib-client

log "[4/5] stand-in images: pause (catatonit -P)"
umoci new --image "$work/oci:pause"
umoci insert --image "$work/oci:pause" "$(command -v catatonit)" /pause
umoci config --image "$work/oci:pause" --config.entrypoint /pause --config.entrypoint -P --config.user 65535:65535

# As the official busybox image is: the one static binary, a link per applet, a /tmp.
log "[5/5] stand-in images: busybox:1.35.0 (Debian's busybox-static)"
umoci new --image "$work/oci:busybox"
umoci unpack --image "$work/oci:busybox" "$work/busybox" >/dev/null
mkdir -p "$work/busybox/rootfs/bin" && mkdir -m 1777 "$work/busybox/rootfs/tmp"
# With merged /usr the package's /bin/busybox is ./usr/bin/busybox in the tar.
member=$(tar -tf "$work/rootfs.tar" | awk '/^\.\/(usr\/)?bin\/busybox$/ && !found { print; found = 1 }')
tar -xOf "$work/rootfs.tar" "$member" >"$work/busybox/rootfs/bin/busybox"
chmod 755 "$work/busybox/rootfs/bin/busybox"
for applet in $("$work/busybox/rootfs/bin/busybox" --list); do
  [[ -e $work/busybox/rootfs/bin/$applet ]] || ln -s busybox "$work/busybox/rootfs/bin/$applet"
done
umoci repack --image "$work/oci:busybox" "$work/busybox"
umoci config --image "$work/oci:busybox" --author "k8s-sandbox (stand-in)" --config.env PATH=/bin \
  --config.cmd sh --config.label "org.opencontainers.image.description=k8s-sandbox stand-in, built locally; not the published image"
umoci gc --layout "$work/oci"

mkdir -p "$IMAGE_DIR"
rm -rf "$OCI"
mv "$work/oci" "$OCI"
touch "$IMAGE_DIR/complete"
# Builds from earlier versions of the inputs are of no further use.
find "$CACHE_DIR/images" -mindepth 1 -maxdepth 1 ! -name "$inputs_hash" -exec rm -rf {} +
log "stand-in images built in $((SECONDS - started))s: $(du -sh "$OCI" | cut -f1) in $OCI"
echo "$OCI"
