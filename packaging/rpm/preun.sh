# %preun, like %systemd_preun: on erase ($1 = 0), not on upgrade, stop everything of nonetd.
# The sockets first, so that no connection starts a daemon again, then the daemons, then the
# per-connection containers they left running (--leave-sessions; machine names "nonetd-*").
# Then drop the enablement links of instances, which would point at the removed template.
if [ "$1" -eq 0 ]; then
    if [ -d /run/systemd/system ]; then
        systemctl stop 'nonetd@*.socket' 'nonetd-*.socket' || :
        systemctl stop 'nonetd@*.service' nonetd.service || :
        if command -v machinectl >/dev/null; then
            for machine in $(machinectl list --no-legend 2>/dev/null | while read -r name _; do
                                 case "$name" in nonetd-*) echo "$name" ;; esac
                             done); do
                machinectl terminate "$machine" || :
            done
        fi
    fi
    for link in /etc/systemd/system/*.wants/nonetd@*; do
        if [ -L "$link" ]; then
            rm -f "$link"
        fi
    done
fi
