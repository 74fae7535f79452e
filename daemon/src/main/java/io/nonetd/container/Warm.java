package io.nonetd.container;

import io.nonetd.cgroup.SessionCgroup;
import io.nonetd.config.ServiceConfig;
import io.nonetd.os.Child;
import io.nonetd.os.Fd;

/**
 * A container of the warm pool: started before its connection, with nonetd-helper waiting in it
 * for exactly one connection on {@code channel}. Confined like a cold one (same nspawn flags,
 * cgroups, uid range, filter); only its fd 3 differs until the handoff. {@link Launcher#handoff}
 * turns it into a {@link Session}; until then the daemon's pool owns it.
 */
public record Warm(String id, ServiceConfig config, String machine, Child child, Fd output, SessionCgroup cgroup, long uidBase,
                   Fd channel) {
    /** "[3fa9c01e]", the prefix of every log line about this container. */
    public String tag() {
        return "[" + id + "]";
    }
}
