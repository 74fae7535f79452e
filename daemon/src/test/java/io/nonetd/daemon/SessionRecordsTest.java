package io.nonetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nonetd.os.ExitStatus;
import io.nonetd.os.TcpInfo;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionRecordsTest {
    private static final Control.SessionInfo TCP = new Control.SessionInfo("3fa9c01e", "echo", "127.0.0.1", 49450,
            "nonetd-echo-3fa9c01e", 7208, Instant.EPOCH, "running");
    private static final Control.SessionInfo UNIX = new Control.SessionInfo("0badf00d", "echo", "unix", 0,
            "nonetd-echo-0badf00d", 7209, Instant.EPOCH, "running");

    @Test
    void startNamesSessionServiceAndPeer() {
        assertEquals(Map.of("NONETD_SESSION", "3fa9c01e", "NONETD_SERVICE", "echo", "NONETD_MACHINE", "nonetd-echo-3fa9c01e",
                "REMOTE_ADDR", "127.0.0.1", "REMOTE_PORT", "49450"), SessionRecords.start(TCP));
    }

    @Test
    void endAddsDurationStatusReasonAndBytes() {
        Map<String, String> f = SessionRecords.end(TCP, 84_000, new ExitStatus(0, 0), "exited", new TcpInfo.Snapshot(5, 6, 7, 1234, 3));
        assertEquals("84000", f.get("NONETD_DURATION_USEC"));
        assertEquals("exited", f.get("NONETD_EXIT_CODE"));
        assertEquals("0", f.get("NONETD_EXIT_STATUS"));
        assertEquals("exited", f.get("NONETD_END_REASON"));
        assertEquals("6", f.get("NONETD_BYTES_IN"));
        assertEquals("7", f.get("NONETD_BYTES_OUT"));
        assertEquals("3fa9c01e", f.get("NONETD_SESSION"));
    }

    @Test
    void killedSessionsCarryTheSignalNumber() {
        Map<String, String> f = SessionRecords.end(TCP, 1, new ExitStatus(-1, 9), "RuntimeMaxSec=1s reached", null);
        assertEquals("killed", f.get("NONETD_EXIT_CODE"));
        assertEquals("9", f.get("NONETD_EXIT_STATUS"));
        assertEquals("RuntimeMaxSec=1s reached", f.get("NONETD_END_REASON"));
    }

    @Test
    void unixPeersAndUnknownStatusOmitWhatTheyLack() {
        Map<String, String> f = SessionRecords.end(UNIX, 1, ExitStatus.UNKNOWN, "exited", null);
        assertEquals("unix", f.get("REMOTE_ADDR"));
        assertEquals(null, f.get("REMOTE_PORT"));
        assertEquals("unknown", f.get("NONETD_EXIT_CODE"));
        assertEquals(null, f.get("NONETD_EXIT_STATUS"));
        assertEquals(null, f.get("NONETD_BYTES_IN"));
        assertEquals(null, f.get("NONETD_BYTES_OUT"));
    }
}
