package io.nonetd.activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sd_listen_fds(3) protocol, as pure logic: which fds systemd passed and their names.
 * Main calls it once at start with the real environment and pid.
 */
public final class ListenFds {
    /** The first passed fd, SD_LISTEN_FDS_START. */
    public static final int START = 3;

    /** One passed socket: its fd number and its FileDescriptorName= ("unknown" when unnamed). */
    public record Passed(int fd, String name) {}

    private ListenFds() {}

    /**
     * Returns the passed fds, or an empty list when none are meant for {@code pid}: no
     * LISTEN_PID, or one that names another process (a parent's variables we inherited).
     */
    public static List<Passed> parse(Map<String, String> env, long pid) {
        String listenPid = env.get("LISTEN_PID");
        if (listenPid == null) return List.of();
        long forPid;
        try {
            forPid = Long.parseLong(listenPid.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LISTEN_PID is not a number: '" + listenPid + "'");
        }
        if (forPid != pid) return List.of();
        String countText = env.get("LISTEN_FDS");
        if (countText == null) throw new IllegalArgumentException("LISTEN_PID is set but LISTEN_FDS is not");
        int count;
        try {
            count = Integer.parseInt(countText.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LISTEN_FDS is not a number: '" + countText + "'");
        }
        if (count < 0 || count > 4096) throw new IllegalArgumentException("LISTEN_FDS out of range 0..4096: " + count);
        String namesText = env.get("LISTEN_FDNAMES");
        String[] names = namesText == null ? null : namesText.split(":", -1);
        if (names != null && names.length != count) {
            throw new IllegalArgumentException("LISTEN_FDNAMES has " + names.length + " names for " + count + " fds: '" + namesText + "'");
        }
        List<Passed> passed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = names == null || names[i].isEmpty() ? "unknown" : names[i];
            passed.add(new Passed(START + i, name));
        }
        return passed;
    }
}
