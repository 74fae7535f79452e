# %post, written out like %systemd_post but without its preset: installing or upgrading nonetd
# enables and starts nothing. Only tell a running systemd about new or changed unit files.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || :
fi
