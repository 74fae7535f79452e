package io.nonetd.container;

import io.nonetd.net.Peer;
import java.util.List;

/**
 * A session that an earlier nonetd started and left running (a restart with --leave-sessions,
 * or a daemon that was killed): found by the nspawn command line nonetd writes. Pure parsing.
 */
public record Leftover(int pid, String id, String machine, Peer peer, long uidBase) {

    /** The leftover described by {@code argv} of process {@code pid}, or null when it is not one of ours. */
    public static Leftover parse(int pid, List<String> argv) {
        if (argv.isEmpty() || !argv.get(0).endsWith("/systemd-nspawn")) return null;
        String machine = null, id = null, addr = null, port = null, uid = "-1", remotePid = "-1", gid = "-1";
        long uidBase = -1;
        for (String a : argv) {
            if (a.equals("--")) break;
            if (a.startsWith("--machine=" + SessionId.MACHINE_PREFIX)) machine = a.substring("--machine=".length());
            else if (a.startsWith("--setenv=NONETD_SESSION=")) id = value(a);
            else if (a.startsWith("--setenv=REMOTE_ADDR=")) addr = value(a);
            else if (a.startsWith("--setenv=REMOTE_PORT=")) port = value(a);
            else if (a.startsWith("--setenv=REMOTE_UID=")) uid = value(a);
            else if (a.startsWith("--setenv=REMOTE_GID=")) gid = value(a);
            else if (a.startsWith("--setenv=REMOTE_PID=")) remotePid = value(a);
            else if (a.startsWith("--private-users=")) uidBase = UidRanges.parseBase(a.substring("--private-users=".length()));
        }
        if (machine == null || id == null || !machine.endsWith("-" + id)) return null;
        try {
            // A session from the warm pool got its peer with the connection, not on the command line.
            Peer peer = addr == null ? Peer.unknown() : addr.equals("unix") ? Peer.unix(Integer.parseInt(remotePid), Integer.parseInt(uid), Integer.parseInt(gid))
                    : addr.contains(":") ? Peer.inet6(addr, Integer.parseInt(port)) : Peer.inet(addr, Integer.parseInt(port));
            return new Leftover(pid, id, machine, peer, uidBase);
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }

    /** Whether this leftover belongs to the service named {@code service}. */
    public boolean belongsTo(String service) {
        return machine.equals(SessionId.machineName(service, id));
    }

    private static String value(String setenv) {
        return setenv.substring(setenv.indexOf('=', "--setenv=".length()) + 1);
    }
}
