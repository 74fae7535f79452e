#!/bin/bash
# Checks units/ offline, without root and without a running systemd:
#   1. every directive except Description= and Documentation= has a comment right above it
#      (STYLE.md: units are documentation);
#   2. `systemd-analyze verify` accepts the units, instantiated as nonetd@echo with the echo
#      example's drop-in, in a scratch root that also holds the launcher as /usr/bin/nonetd
#      (verify checks that ExecStart= is executable);
#   3. an instance without a Listen drop-in is refused (the documented behaviour).
# Any output of systemd-analyze is a failure: it warns about unknown or bad settings but exits 0.
# Run by `mvn test` in packaging/; needs systemd-analyze (package systemd).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
units=$repo/units
failed=0

fail() { echo "verify-units: FAIL: $*" >&2; failed=1; }

echo "verify-units: 1. a comment above every non-default directive"
for f in "$units"/*.socket "$units"/*.service; do
    prev=
    lineno=0
    while IFS= read -r line; do
        lineno=$((lineno + 1))
        case "$line" in
            Description=*|Documentation=*) ;;
            [A-Z]*=*)
                case "$prev" in
                    '#'*) ;;
                    *) fail "$(basename "$f"):$lineno: '$line' has no comment saying why" ;;
                esac ;;
        esac
        prev=$line
    done < "$f"
done

root=$(mktemp -d /tmp/nonetd-verify.XXXXXX)
trap 'rm -rf "$root"' EXIT
unitdir=$root/usr/lib/systemd/system
mkdir -p "$unitdir" "$root/usr/bin" "$root/etc/nonetd"
# The targets and slices our units depend on implicitly (sockets.target, sysinit.target, ...).
for d in /usr/lib/systemd/system /lib/systemd/system; do
    if [ -d "$d" ]; then cp -a "$d/." "$unitdir/"; break; fi
done
rm -rf "$unitdir"/nonetd*
mkdir "$unitdir/nonetd@echo.socket.d"
cp "$units"/nonetd@.socket "$units"/nonetd@.service "$units"/nonetd.service "$units"/nonetd-echo.socket "$unitdir/"
cp "$repo/examples/echo/listen.conf" "$unitdir/nonetd@echo.socket.d/listen.conf"
install -m 0755 "$repo/packaging/bin/nonetd" "$root/usr/bin/nonetd"
# ExecReload= runs /bin/sh, which verify looks for inside the scratch root too.
mkdir -p "$root/bin"
install -m 0755 "$(readlink -f /bin/sh)" "$root/bin/sh"
cp "$repo/examples/echo/echo.conf" "$root/etc/nonetd/echo.conf"

echo "verify-units: 2. systemd-analyze verify"
if ! out=$(timeout 60 systemd-analyze verify --man=no --root="$root" \
        nonetd@echo.socket nonetd@echo.service nonetd.service nonetd-echo.socket 2>&1) || [ -n "$out" ]; then
    fail "systemd-analyze verify:"$'\n'"$out"
fi

echo "verify-units: 3. an instance without ListenStream= is refused"
if out=$(timeout 60 systemd-analyze verify --man=no --root="$root" nonetd@nolisten.socket 2>&1) \
        || [[ "$out" != *"has no Listen setting"* ]]; then
    fail "nonetd@nolisten.socket was not refused for lack of a Listen setting:"$'\n'"$out"
fi

if [ "$failed" -ne 0 ]; then
    echo "verify-units: FAILED" >&2
    exit 1
fi
echo "verify-units: OK"
