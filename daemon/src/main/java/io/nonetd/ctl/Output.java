package io.nonetd.ctl;

import io.nonetd.bus.BusSession;
import io.nonetd.bus.BusStats;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What nonetctl prints: aligned tables for people, JSON for scripts. Pure: values in, text out. */
final class Output {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** One daemon as {@code status} shows it. */
    record DaemonView(String name, long pid, BusStats stats, List<BusSession> sessions) {}

    /** A session and the bus name of the daemon that runs it. */
    record SessionRow(String daemon, BusSession session) {}

    private Output() {}

    static String sessionsTable(List<SessionRow> rows) {
        Table t = new Table("SESSION", "SERVICE", "REMOTE", "MACHINE", "PID", "STARTED", "STATE");
        for (SessionRow r : rows) {
            BusSession s = r.session();
            t.row(s.id, s.service, remote(s), s.machine, s.leaderPid, time(s.startedUsec.longValue()), s.state);
        }
        return t.render();
    }

    static String sessionsJson(List<SessionRow> rows) {
        List<Object> out = new ArrayList<>();
        for (SessionRow r : rows) out.add(session(r.daemon(), r.session()));
        return Json.write(out) + "\n";
    }

    static String statsTable(List<DaemonView> daemons) {
        Table t = new Table("DAEMON", "SERVED", "RUNNING", "QUEUED", "REFUSED", "SPAWN-FAILED", "SPAWN-P50", "SPAWN-P99");
        for (DaemonView d : daemons) {
            BusStats s = d.stats();
            t.row(d.name(), s.served, s.running, s.queued, refused(s), s.spawnFailures, millis(s.spawnP50Usec.longValue()),
                    millis(s.spawnP99Usec.longValue()));
        }
        return t.render();
    }

    static String statsJson(List<DaemonView> daemons) {
        List<Object> out = new ArrayList<>();
        for (DaemonView d : daemons) out.add(Json.obj("daemon", d.name(), "stats", stats(d.stats())));
        return Json.write(out) + "\n";
    }

    static String statusText(List<DaemonView> daemons) {
        StringBuilder out = new StringBuilder();
        for (DaemonView d : daemons) {
            if (out.length() > 0) out.append('\n');
            BusStats s = d.stats();
            out.append(d.name()).append(" (pid ").append(d.pid()).append(")\n");
            out.append("  sessions: ").append(s.running).append(" running, ").append(s.queued).append(" queued, ")
                    .append(s.served).append(" served\n");
            out.append("  refused:  ").append(refused(s));
            if (!s.refusedByReason.isEmpty()) {
                List<String> reasons = new ArrayList<>();
                s.refusedByReason.forEach((k, v) -> reasons.add(k + " " + v));
                out.append(" (").append(String.join(", ", reasons)).append(')');
            }
            out.append('\n');
            out.append("  spawn:    ").append(s.spawnFailures).append(" failed, p50 ").append(millis(s.spawnP50Usec.longValue()))
                    .append(", p99 ").append(millis(s.spawnP99Usec.longValue())).append('\n');
            if (!d.sessions().isEmpty()) {
                List<SessionRow> rows = d.sessions().stream().map(x -> new SessionRow(d.name(), x)).toList();
                out.append('\n');
                sessionsTable(rows).lines().forEach(l -> out.append("  ").append(l).append('\n'));
            }
        }
        return out.toString();
    }

    static String statusJson(List<DaemonView> daemons) {
        List<Object> out = new ArrayList<>();
        for (DaemonView d : daemons) {
            List<Object> sessions = new ArrayList<>();
            for (BusSession s : d.sessions()) sessions.add(session(d.name(), s));
            out.add(Json.obj("daemon", d.name(), "pid", d.pid(), "stats", stats(d.stats()), "sessions", sessions));
        }
        return Json.write(out) + "\n";
    }

    private static Map<String, Object> session(String daemon, BusSession s) {
        return Json.obj("id", s.id, "daemon", daemon, "service", s.service, "remote_address", s.remoteAddress,
                "remote_port", s.remotePort.longValue(), "machine", s.machine, "leader_pid", s.leaderPid.longValue(),
                "started_usec", s.startedUsec.longValue(), "state", s.state);
    }

    private static Map<String, Object> stats(BusStats s) {
        Map<String, Object> refused = new LinkedHashMap<>();
        s.refusedByReason.forEach((k, v) -> refused.put(k, v.longValue()));
        return Json.obj("served", s.served.longValue(), "running", s.running.longValue(), "queued", s.queued.longValue(),
                "refused", refused(s), "refused_by_reason", refused, "spawn_failures", s.spawnFailures.longValue(),
                "spawn_p50_usec", s.spawnP50Usec.longValue(), "spawn_p99_usec", s.spawnP99Usec.longValue());
    }

    private static long refused(BusStats s) {
        return s.refusedByReason.values().stream().mapToLong(Number::longValue).sum();
    }

    /** HOST:PORT, [V6]:PORT, or the address alone for a unix socket peer (port 0). */
    static String remote(BusSession s) {
        long port = s.remotePort.longValue();
        if (port == 0) return s.remoteAddress;
        return (s.remoteAddress.contains(":") ? "[" + s.remoteAddress + "]" : s.remoteAddress) + ":" + port;
    }

    static String time(long usec) {
        return usec == 0 ? "-" : TIME.format(Instant.ofEpochSecond(usec / 1_000_000, (usec % 1_000_000) * 1000));
    }

    static String millis(long usec) {
        return String.format(java.util.Locale.ROOT, "%.1fms", usec / 1000.0);
    }
}
