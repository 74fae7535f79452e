package io.nonetd.net;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client of one connection, as the daemon saw it when it accepted. For unix sockets the
 * kernel's SO_PEERCRED credentials stand in for address and port.
 */
public record Peer(Family family, String address, int port, int pid, int uid, int gid) {
    /** UNKNOWN: a session adopted from an earlier daemon that had handed it over from its warm pool. */
    public enum Family { INET, INET6, UNIX, UNKNOWN }

    public static Peer inet(String address, int port) {
        return new Peer(Family.INET, address, port, -1, -1, -1);
    }

    public static Peer inet6(String address, int port) {
        return new Peer(Family.INET6, address, port, -1, -1, -1);
    }

    public static Peer unix(int pid, int uid, int gid) {
        return new Peer(Family.UNIX, "unix", 0, pid, uid, gid);
    }

    public static Peer unknown() {
        return new Peer(Family.UNKNOWN, "unknown", 0, -1, -1, -1);
    }

    /** The variables a service sees: REMOTE_ADDR and REMOTE_PORT, or the peer's credentials. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REMOTE_ADDR", address);
        if (family == Family.UNKNOWN) return env;
        if (family == Family.UNIX) {
            env.put("REMOTE_PID", Integer.toString(pid));
            env.put("REMOTE_UID", Integer.toString(uid));
            env.put("REMOTE_GID", Integer.toString(gid));
        } else {
            env.put("REMOTE_PORT", Integer.toString(port));
        }
        return env;
    }

    @Override
    public String toString() {
        return switch (family) {
            case INET -> address + ":" + port;
            case INET6 -> "[" + address + "]:" + port;
            case UNIX -> "unix(pid=" + pid + ",uid=" + uid + ",gid=" + gid + ")";
            case UNKNOWN -> "unknown";
        };
    }

    /** Java prints 0:0:0:0:0:0:0:1; people and systemd write ::1. */
    public static String compact(String v6) {
        String s = v6.replaceFirst("%.*$", "");
        String[] parts = s.split(":", -1);
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) j++;
                if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) return s;
        String head = String.join(":", Arrays.copyOfRange(parts, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(parts, bestStart + bestLen, parts.length));
        return head + "::" + tail;
    }
}
