package io.nonetd.daemon;

import io.nonetd.os.ExitStatus;
import io.nonetd.os.TcpInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The journal fields of a session's start and end records, so that
 * {@code journalctl NONETD_SERVICE=echo} or {@code NONETD_SESSION=3fa9c01e} finds them. Pure.
 */
final class SessionRecords {
    private SessionRecords() {}

    static Map<String, String> start(Control.SessionInfo s) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("NONETD_SESSION", s.id());
        f.put("NONETD_SERVICE", s.service());
        f.put("NONETD_MACHINE", s.machine());
        f.put("REMOTE_ADDR", s.remoteAddress());
        if (s.remotePort() > 0) f.put("REMOTE_PORT", Integer.toString(s.remotePort())); // none for unix peers
        return f;
    }

    /**
     * As {@link #start}, plus how it ended. EXIT_CODE and EXIT_STATUS as systemd's own unit
     * records have them: "exited" and the code, or "killed" and the signal number. {@code bytes}
     * is the last TCP_INFO sample, null when there is none (unix sockets, or an early end).
     */
    static Map<String, String> end(Control.SessionInfo s, long durationMicros, ExitStatus status, String reason,
                                   TcpInfo.Snapshot bytes) {
        Map<String, String> f = start(s);
        f.put("NONETD_DURATION_USEC", Long.toString(durationMicros));
        if (status.equals(ExitStatus.UNKNOWN)) {
            f.put("NONETD_EXIT_CODE", "unknown");
        } else {
            f.put("NONETD_EXIT_CODE", status.signal() == 0 ? "exited" : "killed");
            f.put("NONETD_EXIT_STATUS", Integer.toString(status.signal() == 0 ? status.code() : status.signal()));
        }
        f.put("NONETD_END_REASON", reason);
        if (bytes != null) {
            f.put("NONETD_BYTES_IN", Long.toString(bytes.bytesReceived()));
            f.put("NONETD_BYTES_OUT", Long.toString(bytes.bytesAcked()));
        }
        return f;
    }
}
