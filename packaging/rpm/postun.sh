# %postun, like %systemd_postun (no restart on upgrade: `systemctl restart nonetd@NAME.service`
# when convenient; open sessions survive it). On erase ($1 = 0) also remove the runtime directory and the class-data cache.
if [ "$1" -eq 0 ]; then
    rm -rf /run/nonetd /var/cache/nonetd
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || :
fi
