package io.nonetd.ctl;

import java.util.List;
import java.util.Map;

/**
 * nonetctl's command line, parsed. Pure: {@link #parse} throws IllegalArgumentException on misuse,
 * with a message that names the argument.
 */
record CtlArgs(String command, String name, String session, int signal, long timeoutSeconds, boolean json, boolean help) {
    static final String USAGE = """
            Usage: nonetctl [--json] COMMAND [ARGS]

            Talks to the running nonetd daemons over the system bus (names io.nonetd.Daemon.*).

            Commands:
              list                     the running sessions of every daemon
              status [NAME]            each daemon (or the one named NAME): pid, counters, sessions
              kill SESSION [--signal SIG]  signal a session's container (default TERM, which stops it)
              shell SESSION            a root shell inside a session's container (nsenter), for debugging
              stats [NAME]             counters: served, running, queued, refused, spawn times
              reload [NAME]            reread every config file (as systemctl reload does)
              drain [NAME] [--timeout SEC]  stop accepting, let sessions finish for SEC (default 30),
                                       stop the rest; the daemon then exits

            NAME is a daemon's bus name or its instance (its first service's name).
            Options:
              --json                   machine-readable output
              -h, --help               this text

            Exit status: 0 ok, 1 failure, 2 bad usage, 3 no daemon running or no such session,
            4 access denied (kill, reload and drain need root).
            """;

    static final int DEFAULT_DRAIN_SECONDS = 30;
    private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "KILL", 9, "USR1", 10, "USR2", 12,
            "TERM", 15, "CONT", 18, "STOP", 19);
    private static final List<String> COMMANDS = List.of("list", "status", "kill", "shell", "stats", "reload", "drain");

    static CtlArgs parse(String[] args) {
        String command = null, name = null, session = null;
        Integer signal = null;
        Long timeout = null;
        boolean json = false, help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--json" -> json = true;
                case "-h", "--help" -> help = true;
                case "--signal", "-s" -> signal = parseSignal(value(args, ++i, a));
                case "--timeout" -> timeout = parseSeconds(value(args, ++i, a));
                default -> {
                    if (a.startsWith("-")) throw new IllegalArgumentException("unknown option '" + a + "'");
                    if (command == null) {
                        if (!COMMANDS.contains(a)) throw new IllegalArgumentException("unknown command '" + a + "'");
                        command = a;
                    } else if ((command.equals("kill") || command.equals("shell")) && session == null) {
                        session = a;
                    } else if (List.of("status", "stats", "reload", "drain").contains(command) && name == null) {
                        name = a;
                    } else {
                        throw new IllegalArgumentException("unexpected argument '" + a + "' for '" + command + "'");
                    }
                }
            }
        }
        if (help) return new CtlArgs(command, name, session, 15, DEFAULT_DRAIN_SECONDS, json, true);
        if (command == null) throw new IllegalArgumentException("no command given");
        if ((command.equals("kill") || command.equals("shell")) && session == null) throw new IllegalArgumentException(command + " needs a SESSION id");
        if (signal != null && !command.equals("kill")) throw new IllegalArgumentException("--signal is only for 'kill'");
        if (timeout != null && !command.equals("drain")) throw new IllegalArgumentException("--timeout is only for 'drain'");
        return new CtlArgs(command, name, session, signal == null ? 15 : signal, timeout == null ? DEFAULT_DRAIN_SECONDS : timeout, json, false);
    }

    /** A number (1..64) or a name with or without SIG: TERM, SIGKILL, hup. */
    static int parseSignal(String s) {
        String upper = s.toUpperCase(java.util.Locale.ROOT);
        if (upper.startsWith("SIG")) upper = upper.substring(3);
        Integer named = SIGNALS.get(upper);
        if (named != null) return named;
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= 64) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException("--signal: invalid signal '" + s + "', expected 1..64 or one of " + String.join(", ", new java.util.TreeSet<>(SIGNALS.keySet())));
    }

    static long parseSeconds(String s) {
        try {
            long n = Long.parseLong(s);
            if (n >= 0 && n <= 86_400) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException("--timeout: invalid value '" + s + "', expected seconds 0..86400");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }
}
