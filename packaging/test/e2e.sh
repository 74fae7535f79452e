#!/bin/bash
# End-to-end test of the nonetd packages on a booted Debian 12 with systemd as PID 1.
#
#   packaging/test/e2e.sh [DEB] [RPM]     as root; defaults: packaging/target/nonetd_*_amd64.deb, .rpm
#
# lintian and rpmlint check the packages; then a cached debootstrap tree is booted with
# systemd-nspawn (on an overlay, so the cache stays pristine), the .deb is installed with apt,
# the echo example is enabled and used from this host, and the package is purged again. Then the
# same for the .rpm, installed with Debian's rpm, so that its scriptlets run under systemd too.
# Every step prints its number; the last line is "e2e: N passed, M failed". Exit status 0 only
# if every step passed. The container, the overlay and the scratch directory are always removed.
#
# Environment:
#   NONETD_E2E_CACHE   where debootstrap trees are kept (default /var/cache/nonetd-e2e)
#   NONETD_E2E_MIRROR  Debian mirror (default: the host's, from /etc/apt/sources.list*)
#   NONETD_E2E_PORT    port for nonetd@echo.socket (default 7000, or a free one if 7000 is taken)
# Host tools: debootstrap systemd-container lintian rpmlint util-linux iproute2 procps coreutils.
# See packaging/README.md for the steps.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
deb=$(realpath "${1:-$(ls "$repo"/packaging/target/nonetd_*_amd64.deb)}")
rpm=$(realpath "${2:-$(ls "$repo"/packaging/target/nonetd-*.x86_64.rpm)}")

suite=bookworm
# rpm: the .rpm is installed too, with Debian's rpm, to run its scriptlets under a real systemd.
packages=systemd,systemd-sysv,dbus,systemd-container,default-jre-headless,netcat-openbsd,rpm
cache=${NONETD_E2E_CACHE:-/var/cache/nonetd-e2e}
machine=nonetd-e2e

host_mirror() {
    # The first Debian archive URI the host uses (one-line or deb822 format), not security.
    grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
            /etc/apt/sources.list.d/*.sources 2>/dev/null | tr -d ' ' | sed 's#/$##' | head -n1 || true
}
mirror=${NONETD_E2E_MIRROR:-$(host_mirror)}
mirror=${mirror:-http://deb.debian.org/debian}
tree_key=$(printf '%s\n' "$suite" minbase "$mirror" "$packages" | sha256sum | cut -c1-16)
tree=$cache/$tree_key

scratch=
nspawn_pid=
leader=
port=
t0=$SECONDS
passed=0
failed=0

log() { echo "e2e: $*"; }

# --- cleanup: always runs --------------------------------------------------------------------

cleanup() {
    local rc=$?
    set +e
    if [ -n "$scratch" ] && [ -z "$nspawn_pid" ] && [ -s "$scratch/nspawn.pid" ]; then
        read -r nspawn_pid < "$scratch/nspawn.pid"
        read -r leader < "$scratch/leader.pid" 2>/dev/null
    fi
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        # SIGTERM makes nspawn power the container off (SIGRTMIN+3 to its systemd).
        # Again every 5 s: a signal that arrives before systemd has set up its handlers is lost.
        for i in $(seq 0 149); do
            kill -0 "$nspawn_pid" 2>/dev/null || break
            [ $((i % 25)) -eq 0 ] && kill -TERM "$nspawn_pid" 2>/dev/null
            sleep 0.2
        done
        if kill -0 "$nspawn_pid" 2>/dev/null; then
            log "cleanup: container did not power off in 30 s, killing it"
            # Killing the PID namespace's init kills everything in it, nested containers too.
            [ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null
            kill -KILL "$nspawn_pid" 2>/dev/null
            for _ in $(seq 1 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
        fi
    fi
    if [ -n "$scratch" ]; then
        if mountpoint -q "$scratch/root"; then
            umount "$scratch/root" || umount -l "$scratch/root"
        fi
        if findmnt -rn -o TARGET | grep -q "^$scratch"; then
            log "cleanup: mounts left under $scratch:"; findmnt -rn -o TARGET | grep "^$scratch"
            rc=1
        fi
        rm -rf "$scratch"
    fi
    if pgrep -f -- "--machine=$machine( |$)" >/dev/null; then
        log "cleanup: processes left:"; pgrep -af -- "--machine=$machine( |$)"
        rc=1
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers ---------------------------------------------------------------------------------

step_no=0
# step TITLE FUNCTION: runs one numbered step in a subshell; the first failure ends the test.
# (Not `if ( ... )`: bash ignores set -e inside a condition.) State that later steps need is
# passed through files in $scratch; open connections are opened in the main shell and inherited.
step() {
    local title=$1 fn=$2 start=$SECONDS rc
    step_no=$((step_no + 1))
    log "$step_no. $title"
    set +e
    ( set -euo pipefail; "$fn" )
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        log "$step_no. ok ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1))
        log "$step_no. FAILED: $title"
        finish
    fi
}

finish() {
    log "total time $((SECONDS - t0)) s"
    echo "e2e: $passed passed, $failed failed"
    [ "$failed" -eq 0 ] || exit 1
    exit 0
}

# inside CMD...: runs CMD inside the booted container, in all its namespaces, with a clean env.
inside() {
    timeout "${IN_TIMEOUT:-60}" nsenter -t "$leader" -a \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 SYSTEMD_PAGER= "$@"
}

fail() { echo "e2e:    $*" >&2; return 1; }

# A TCP client from the host, with bash's /dev/tcp: connect FDVAR, send FD LINE, expect FD LINE.
connect() {
    local -n fdvar=$1
    exec {fdvar}<>"/dev/tcp/127.0.0.1/$port"
}
send() { printf '%s\n' "$2" >&"$1"; }
expect() {
    local line
    IFS= read -r -t 20 line <&"$1" || fail "no reply on fd $1 within 20 s (expected '$2')" || return 1
    [ "$line" = "$2" ] || fail "got '$line', expected '$2'"
}

port_listening() { ss -Hltn "sport = :$1" | grep -q .; }

# --- steps -----------------------------------------------------------------------------------

lintian_clean() {
    local out rc=0
    out=$(timeout 300 lintian --fail-on error --pedantic -I "$deb" 2>&1) || rc=$?
    echo "$out" | grep -v 'running with root privileges' | sed 's/^/e2e:    /' || true
    [ "$rc" -eq 0 ] || fail "lintian exit status $rc"
    ! echo "$out" | grep -q '^E:' || fail "lintian reports errors"
}

rpmlint_clean() {
    local out rc=0
    out=$(timeout 300 rpmlint -r "$repo/packaging/rpm/rpmlintrc" "$rpm" 2>&1) || rc=$?
    echo "$out" | grep -E '^[^ ]+: [EW]: |errors,' | sed 's/^/e2e:    /' || true
    # rpmlint exits 64 on errors (66 when also badness is over the threshold).
    [ "$rc" -eq 0 ] || fail "rpmlint exit status $rc"
    echo "$out" | grep -q ' 0 errors, ' || fail "rpmlint reports errors"
}

tree_ready() {
    if [ -e "$tree/.nonetd-e2e-complete" ]; then
        log "   reusing $tree"
        return
    fi
    mkdir -p "$cache"
    # Another run may be building the same tree: wait for it. The lock is held on the fd until
    # this step's subshell exits.
    exec {lock}>"$cache/.lock"
    flock -w 900 "$lock" || fail "timed out waiting for $cache/.lock"
    if [ -e "$tree/.nonetd-e2e-complete" ]; then return; fi
    log "   debootstrap $suite from $mirror into $tree (takes a minute or so)"
    rm -rf "$tree.partial"
    local start=$SECONDS
    if ! timeout 1200 debootstrap --variant=minbase --include="$packages" "$suite" "$tree.partial" "$mirror" \
            > "$cache/$tree_key.log" 2>&1; then
        tail -n 20 "$cache/$tree_key.log"
        fail "debootstrap failed; log: $cache/$tree_key.log"
    fi
    # apt may need to fetch dependencies of later package versions.
    timeout 300 chroot "$tree.partial" apt-get update -q >> "$cache/$tree_key.log" 2>&1 || true
    touch "$tree.partial/.nonetd-e2e-complete"
    rm -rf "$tree"
    mv "$tree.partial" "$tree"
    log "   debootstrap took $((SECONDS - start)) s, $(du -sh "$tree" | cut -f1)"
}

boot() {
    mkdir "$scratch/upper" "$scratch/work" "$scratch/root"
    mount -t overlay overlay -o "lowerdir=$tree,upperdir=$scratch/upper,workdir=$scratch/work" "$scratch/root"
    cp "$deb" "$rpm" "$scratch/root/root/"
    # Host network shared (no --private-network), so the host reaches the socket on 127.0.0.1.
    # --register=no --keep-unit: this host's systemd may not be PID 1 (no machined, no bus).
    systemd-nspawn -q -b -D "$scratch/root" --machine="$machine" --register=no --keep-unit \
        < /dev/null > "$scratch/console.log" 2>&1 &
    nspawn_pid=$!
    echo "$nspawn_pid" > "$scratch/nspawn.pid"
    # The container's PID 1 is the child of the nspawn process that runs systemd in a PID
    # namespace of its own (nspawn's short-lived helper children come and go first).
    local host_pidns child
    host_pidns=$(readlink /proc/self/ns/pid)
    for _ in $(seq 1 100); do
        for child in $(pgrep -P "$nspawn_pid" || true); do
            if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ] \
                    && [ "$(readlink "/proc/$child/ns/pid" 2>/dev/null)" != "$host_pidns" ]; then
                leader=$child
            fi
        done
        [ -n "$leader" ] && break
        kill -0 "$nspawn_pid" 2>/dev/null || { cat "$scratch/console.log"; fail "nspawn exited"; return 1; }
        sleep 0.1
    done
    [ -n "$leader" ] || fail "no container PID 1 under nspawn $nspawn_pid"
    echo "$leader" > "$scratch/leader.pid"
    # Until systemd inside has opened its private socket, systemctl cannot connect; retry.
    local state= deadline=$((SECONDS + 120))
    while [ "$SECONDS" -lt "$deadline" ]; do
        state=$(IN_TIMEOUT=120 inside systemctl is-system-running --wait 2>/dev/null) || true
        case "$state" in running|degraded|maintenance|stopping) break ;; esac
        sleep 0.2
    done
    log "   system state: $state"
    case "$state" in
        running) ;;
        degraded) inside systemctl --failed --no-legend | sed 's/^/e2e:    failed unit: /' ;;
        *) tail -n 30 "$scratch/console.log"; fail "container did not boot: '$state'" ;;
    esac
}

install_deb() {
    inside apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "/root/$(basename "$deb")" 2>&1 \
        | grep -v '^(Reading database' | tail -n 4 | sed 's/^/e2e:    /'
    inside dpkg-query -W -f='${Status} ${Version}\n' nonetd | grep -q '^install ok installed' \
        || fail "nonetd is not installed"
    inside dpkg -L nonetd > "$scratch/files"
    inside dpkg-query -W -f='${Conffiles}\n' nonetd | grep -q '/etc/nonetd/echo.conf' \
        || fail "/etc/nonetd/echo.conf is not a conffile"
}

nothing_started() {
    local units
    units=$(inside systemctl list-units --all --plain --no-legend 'nonetd*')
    [ -z "$units" ] || fail "units loaded or running after install: $units"
    local links
    links=$(inside find /etc/systemd/system -name 'nonetd*' -type l)
    [ -z "$links" ] || fail "install enabled something: $links"
    for u in nonetd@echo.socket nonetd@echo.service nonetd.service; do
        local state
        state=$(inside systemctl is-enabled "$u" || true)
        case "$state" in disabled|static|indirect) ;; *) fail "$u is '$state' after install" ;; esac
    done
    local pid container_pidns jvms=
    container_pidns=$(readlink "/proc/$leader/ns/pid")
    for pid in $(pgrep -f /usr/share/nonetd/nonetd.jar || true); do
        if [ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" = "$container_pidns" ]; then
            jvms+="$(ps -o pid=,etimes=,args= -p "$pid" | cut -c1-160)"$'\n'
        fi
    done
    [ -z "$jvms" ] || fail "a nonetd JVM runs after install: $jvms"
}

units_verify() {
    local out
    out=$(inside systemd-analyze verify --man=no nonetd@echo.socket nonetd@echo.service nonetd.service \
          /usr/share/doc/nonetd/examples/nonetd-echo.socket 2>&1) || fail "verify failed: $out"
    [ -z "$out" ] || fail "systemd-analyze verify: $out"
}

launcher_runs() {
    local out
    out=$(inside nonetd --check-config /etc/nonetd/echo.conf 2>&1) || fail "nonetd --check-config failed: $out"
    echo "$out" | sed 's/^/e2e:    /'
}

enable_socket() {
    if [ -n "${NONETD_E2E_PORT:-}" ] || port_listening 7000; then
        local p=${NONETD_E2E_PORT:-17000}
        while [ -z "${NONETD_E2E_PORT:-}" ] && port_listening "$p"; do p=$((p + 1)); done
        log "   port 7000 is taken on this host; nonetd@echo.socket listens on $p (drop-in in /etc)"
        inside mkdir -p /etc/systemd/system/nonetd@echo.socket.d
        # Same file name as the packaged drop-in, so this one replaces it.
        printf '[Socket]\nListenStream=%s\n' "$p" | inside tee /etc/systemd/system/nonetd@echo.socket.d/listen.conf >/dev/null
        inside systemctl daemon-reload
    fi
    inside systemctl enable --now nonetd@echo.socket 2>&1 | sed 's/^/e2e:    /'
    inside systemctl is-active --quiet nonetd@echo.socket || fail "nonetd@echo.socket is not active"
    port=$(inside systemctl show -P Listen nonetd@echo.socket | sed -E 's/.*:([0-9]+) \(Stream\).*/\1/')
    echo "$port" > "$scratch/port"
    port_listening "$port" || fail "nothing listens on port $port"
    log "   listening on $port"
}

service_diagnostics() {
    inside systemctl status --no-pager -n 30 nonetd@echo.service 2>&1 | sed 's/^/e2e:    /' || true
}

echo_round_trip() {
    local c
    connect c
    send "$c" "hello from the host"
    expect "$c" "hello from the host" || { service_diagnostics; return 1; }
    exec {c}>&-
    inside systemctl is-active --quiet nonetd@echo.service || fail "nonetd@echo.service is not active"
    # jffi's stub is kept in the unit's CacheDirectory= (extracted once, see NativeStub), never in
    # /tmp, which may be noexec; the JVM's mappings show where it came from.
    local pid
    pid=$(inside systemctl show -P MainPID nonetd@echo.service)
    inside grep -q ' /var/cache/nonetd/jffi-[0-9-]*/libjffi' "/proc/$pid/maps" \
        || fail "the JVM (pid $pid) did not load jffi from /var/cache/nonetd (CacheDirectory=)"
    # Fast spawn under systemd as PID 1: the session ran through nonetd-helper with nonetd's filter.
    local i
    for i in $(seq 1 50); do
        inside journalctl -u nonetd@echo.service --no-pager | grep -q 'session start: .*fast spawn' && break
        [ "$i" = 50 ] && { service_diagnostics; fail "the session did not start with fast spawn"; }
        sleep 0.2
    done
}

# The next steps share one connection, $held, opened by the main shell.
session_visible() {
    send "$held" "first line"
    expect "$held" "first line" || { service_diagnostics; return 1; }
    local machines
    machines=$(inside machinectl list --no-legend | awk '{print $1}')
    echo "$machines" | sed 's/^/e2e:    machine: /'
    echo "$machines" | grep -q '^nonetd-' || fail "no nonetd-* machine while a session is open"
    # The D-Bus API on the real system bus: nonetctl finds the daemon and the open session.
    local sessions
    sessions=$(inside nonetctl list 2>&1) || { echo "$sessions" | sed 's/^/e2e:    /'; fail "nonetctl list failed"; }
    echo "$sessions" | sed 's/^/e2e:    nonetctl: /'
    echo "$sessions" | grep -q 'nonetd-echo-' || fail "nonetctl list does not show the open session"
}

restart_keeps_session() {
    local before after c
    before=$(inside systemctl show -P MainPID nonetd@echo.service)
    inside systemctl restart nonetd@echo.service
    after=$(inside systemctl show -P MainPID nonetd@echo.service)
    [ "$before" != "$after" ] || fail "MainPID did not change on restart ($before)"
    log "   daemon pid $before -> $after"
    send "$held" "after restart"
    expect "$held" "after restart" || fail "the open session broke on restart"
    connect c
    send "$c" "new connection"
    expect "$c" "new connection" || fail "a new connection failed after restart"
    exec {c}>&-
}

# leaves_nothing WHAT: after removal, nothing of the package is left: no file it installed (list
# in $scratch/files), no unit, no enablement link, no runtime directory, no socket, no session.
leaves_nothing() {
    local what=$1 left=() path
    while IFS= read -r path; do
        if [ -e "$tree$path" ]; then continue; fi   # in the pristine tree already: not ours
        if inside test -e "$path"; then left+=("$path"); fi
    done < "$scratch/files"
    [ "${#left[@]}" -eq 0 ] || fail "$what left files of the package: ${left[*]}"
    local units
    # (list-unit-files exits 1 when nothing matches)
    units=$(inside systemctl list-unit-files --no-legend 'nonetd*') || true
    [ -z "$units" ] || fail "unit files left: $units"
    units=$(inside systemctl list-units --all --plain --no-legend 'nonetd*')
    [ -z "$units" ] || fail "units still loaded: $units"
    local links
    links=$(inside find /etc/systemd/system -name 'nonetd*' -type l)
    [ -z "$links" ] || fail "enablement links left: $links"
    ! inside test -e /run/nonetd || fail "/run/nonetd left"
    ! port_listening "$port" || fail "port $port still listening after $what"
    # Removal also ends the sessions the daemon left running (--leave-sessions).
    local line
    ( trap '' PIPE; send "$held" "still there?" ) 2>/dev/null || true
    if IFS= read -r -t 10 line <&"$held"; then fail "the open session still answers after $what: '$line'"; fi
    ! inside machinectl list --no-legend | grep -q '^nonetd-' || fail "nonetd-* machines left after $what"
}

purge_deb() {
    inside apt-get purge -y -q -o Dpkg::Use-Pty=0 nonetd 2>&1 | grep -v '^(Reading database' | tail -n 3 | sed 's/^/e2e:    /'
    ! inside dpkg-query -W nonetd >/dev/null 2>&1 || fail "dpkg still knows nonetd after the purge"
    leaves_nothing "apt-get purge"
}

install_rpm() {
    # Debian's rpm wants --force-debian. --nodeps: the Requires: are Fedora/RHEL names
    # (java-17-headless, systemd-container); here .debs provide them.
    inside rpm -i --nodeps --force-debian "/root/$(basename "$rpm")" 2>&1 | sed 's/^/e2e:    /'
    inside rpm -q nonetd | sed 's/^/e2e:    /'
    inside rpm -ql nonetd > "$scratch/files"
    inside rpm -q --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' nonetd | grep -qx '/etc/nonetd/echo.conf cn' \
        || fail "/etc/nonetd/echo.conf is not %config(noreplace)"
}

erase_rpm() {
    inside rpm -e nonetd 2>&1 | sed 's/^/e2e:    /'
    ! inside rpm -q nonetd >/dev/null || fail "nonetd is still installed"
    leaves_nothing "rpm -e"
}

# --- main ------------------------------------------------------------------------------------

[ "$(id -u)" = 0 ] || { echo "e2e: needs root (debootstrap, mount, systemd-nspawn)" >&2; exit 2; }
# One run at a time: runs share the machine name and the port.
exec {run_lock}>/run/lock/nonetd-e2e.lock
flock -w 1200 "$run_lock" || { echo "e2e: another run holds /run/lock/nonetd-e2e.lock" >&2; exit 2; }
log "packages: $(basename "$deb") $(basename "$rpm")"
log "tree: $tree ($suite, $packages)"

scratch=$(mktemp -d /var/tmp/nonetd-e2e.XXXXXX)

step "lintian: no errors" lintian_clean
step "rpmlint: no errors" rpmlint_clean
step "Debian tree cached or built" tree_ready
step "boot the tree with systemd-nspawn -b" boot
read -r nspawn_pid < "$scratch/nspawn.pid"
read -r leader < "$scratch/leader.pid"
step "apt-get install the .deb" install_deb
step "installing enabled and started nothing" nothing_started
step "systemd-analyze verify the installed units" units_verify
step "the launcher runs the jar (nonetd --check-config)" launcher_runs
step "systemctl enable --now nonetd@echo.socket" enable_socket
read -r port < "$scratch/port"
step "echo from the host" echo_round_trip
# If connecting fails, held stays empty and the next step fails on it.
held=
exec {held}<>"/dev/tcp/127.0.0.1/$port" || held=
step "an open session shows as a nonetd-* machine" session_visible
step "restarting the daemon keeps the open session" restart_keeps_session
step "apt-get purge leaves nothing behind" purge_deb
exec {held}>&-

# The .rpm, on the same booted Debian: its scriptlets run under systemd as on RHEL.
step "rpm -i the .rpm" install_rpm
step "installing the .rpm enabled and started nothing" nothing_started
step "rpm: systemctl enable --now nonetd@echo.socket" enable_socket
step "rpm: echo from the host" echo_round_trip
exec {held}<>"/dev/tcp/127.0.0.1/$port" || held=
step "rpm: an open session shows as a nonetd-* machine" session_visible
step "rpm -e leaves nothing behind" erase_rpm
exec {held}>&-
finish
