#!/bin/sh
# Builds the OS tree that examples/image/image.conf runs from: Debian 12 (bookworm), minbase,
# plus lua5.4, which the host does not need to have. As root; needs debootstrap and about a
# minute and 150 MB. Does nothing if the tree is already there; delete it to rebuild.
#
#   build-image.sh [DIR]        DIR defaults to /var/lib/machines/nonetd-example-image
#
# MIRROR= picks another Debian mirror (default http://deb.debian.org/debian).
set -eu
DIR=${1:-/var/lib/machines/nonetd-example-image}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
MARKER=etc/nonetd-example-image

if [ -e "$DIR/$MARKER" ]; then
    echo "$DIR is already built; delete it to rebuild" >&2
    exit 0
fi
mkdir -p "$(dirname "$DIR")"
# One builder at a time; a second one waits and then finds the tree built.
exec 9>"$DIR.lock"
flock 9
if [ -e "$DIR/$MARKER" ]; then
    exit 0
fi
if [ -e "$DIR" ]; then
    echo "$DIR exists but was not built by this script (no /$MARKER); move it away first" >&2
    exit 1
fi

# Build beside the target and rename at the end, so that a half-built tree is never used.
tmp="$DIR.building"
rm -rf --one-file-system "$tmp"
trap 'rm -rf --one-file-system "$tmp"' EXIT
debootstrap --variant=minbase --include=lua5.4 bookworm "$tmp" "$MIRROR"
# Package lists and downloaded .debs are only needed to install more; the image is rebuilt instead.
rm -rf "$tmp"/var/lib/apt/lists/* "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/cache/apt/*.bin
# A file only this image has, so that a service (and the test) can tell it runs from here.
echo "nonetd example image, built $(date -u +%Y-%m-%dT%H:%M:%SZ) by examples/image/build-image.sh" > "$tmp/$MARKER"
mv "$tmp" "$DIR"
trap - EXIT
echo "built $DIR" >&2
