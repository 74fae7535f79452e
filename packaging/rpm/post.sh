# %post, written out like %systemd_post but without its preset: installing or upgrading nonetd
# enables and starts nothing. Only tell a running systemd about new or changed unit files.
# The launcher's class-data archive (a faster start under socket activation), see /usr/bin/nonetd.
mkdir -p /var/cache/nonetd
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || :
fi
