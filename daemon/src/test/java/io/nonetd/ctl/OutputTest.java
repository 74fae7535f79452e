package io.nonetd.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nonetd.bus.BusSession;
import io.nonetd.bus.BusStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Test;

class OutputTest {
    static final String D = "io.nonetd.Daemon.echo";
    static final BusSession TCP = new BusSession("3fa9c01e", "echo", "127.0.0.1", "nonetd-echo-3fa9c01e", new UInt32(49450), new UInt32(7208),
            "running", new UInt64(1_700_000_000_500_000L));
    static final BusSession V6 = new BusSession("0badf00d", "echo", "::1", "nonetd-echo-0badf00d", new UInt32(5), new UInt32(7), "stopping",
            new UInt64(0));
    static final BusStats STATS = new BusStats(new UInt64(12), new UInt32(2), new UInt32(1), new TreeMap<>(Map.of("rate", new UInt64(3),
            "queue-full", new UInt64(1))), new UInt64(0), new UInt64(1500), new UInt64(42_000));

    @Test
    void sessionsTable() {
        assertEquals("""
                SESSION   SERVICE  REMOTE           MACHINE               PID   STARTED               STATE
                3fa9c01e  echo     127.0.0.1:49450  nonetd-echo-3fa9c01e  7208  2023-11-14 22:13:20Z  running
                0badf00d  echo     [::1]:5          nonetd-echo-0badf00d  7     -                     stopping
                """, Output.sessionsTable(List.of(new Output.SessionRow(D, TCP), new Output.SessionRow(D, V6))));
    }

    @Test
    void sessionsJson() {
        assertEquals("[{\"id\":\"3fa9c01e\",\"daemon\":\"io.nonetd.Daemon.echo\",\"service\":\"echo\",\"remote_address\":\"127.0.0.1\","
                + "\"remote_port\":49450,\"machine\":\"nonetd-echo-3fa9c01e\",\"leader_pid\":7208,\"started_usec\":1700000000500000,"
                + "\"state\":\"running\"}]\n", Output.sessionsJson(List.of(new Output.SessionRow(D, TCP))));
    }

    @Test
    void stats() {
        List<Output.DaemonView> v = List.of(new Output.DaemonView(D, 99, STATS, List.of()));
        assertEquals("""
                DAEMON                 SERVED  RUNNING  QUEUED  REFUSED  SPAWN-FAILED  SPAWN-P50  SPAWN-P99
                io.nonetd.Daemon.echo  12      2        1       4        0             1.5ms      42.0ms
                """, Output.statsTable(v));
        assertEquals("[{\"daemon\":\"io.nonetd.Daemon.echo\",\"stats\":{\"served\":12,\"running\":2,\"queued\":1,\"refused\":4,"
                + "\"refused_by_reason\":{\"queue-full\":1,\"rate\":3},\"spawn_failures\":0,\"spawn_p50_usec\":1500,\"spawn_p99_usec\":42000}}]\n",
                Output.statsJson(v));
    }

    @Test
    void status() {
        List<Output.DaemonView> v = List.of(new Output.DaemonView(D, 99, STATS, List.of(TCP)));
        assertEquals("""
                io.nonetd.Daemon.echo (pid 99)
                  sessions: 2 running, 1 queued, 12 served
                  refused:  4 (queue-full 1, rate 3)
                  spawn:    0 failed, p50 1.5ms, p99 42.0ms

                  SESSION   SERVICE  REMOTE           MACHINE               PID   STARTED               STATE
                  3fa9c01e  echo     127.0.0.1:49450  nonetd-echo-3fa9c01e  7208  2023-11-14 22:13:20Z  running
                """, Output.statusText(v));
        assertEquals(true, Output.statusJson(v).startsWith("[{\"daemon\":\"io.nonetd.Daemon.echo\",\"pid\":99,\"stats\":{\"served\":12,"));
    }

    @Test
    void unixPeersHaveNoPort() {
        assertEquals("uid 1000", Output.remote(new BusSession("a", "s", "uid 1000", "m", new UInt32(0), new UInt32(1), "running", new UInt64(0))));
    }
}
