package io.nonetd;

import io.nonetd.net.ListenAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line, parsed. Pure: {@link #parse} throws IllegalArgumentException on misuse. */
record Options(Path config, Path configDir, List<String> command, List<ListenAddress> listen, Path checkConfig,
               boolean leaveSessions, boolean debug, boolean help, boolean version) {

    static final String USAGE = """
            Usage: nonetd [OPTIONS] --config FILE
                   nonetd [OPTIONS] --config-dir DIR
                   nonetd [OPTIONS] -- COMMAND [ARG...]
                   nonetd --check-config FILE

            Runs every accepted connection in its own network-less systemd-nspawn container.
            Listening sockets come from systemd (LISTEN_FDS) or from --listen.

              --config FILE        the service to run (systemd-style INI, see README.md)
              --config-dir DIR     several services: socket FileDescriptorName=NAME uses DIR/NAME.conf
              --listen ADDRESS     bind HOST:PORT, [V6]:PORT or /path.sock ourselves (repeatable)
              --check-config FILE  check a config file and exit (0 when it is good)
              --leave-sessions     on SIGTERM, stop accepting but leave running sessions alone
              --debug              log debug messages
              -- COMMAND [ARG...]  run COMMAND with all defaults, no config file
            """;

    static Options parse(String[] args) {
        Path config = null, configDir = null, check = null;
        List<String> command = null;
        List<ListenAddress> listen = new ArrayList<>();
        boolean leave = false, debug = false, help = false, version = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--" -> {
                    command = List.of(args).subList(i + 1, args.length);
                    if (command.isEmpty()) throw new IllegalArgumentException("no command after --");
                    i = args.length;
                }
                case "--config" -> config = Path.of(value(args, ++i, a));
                case "--config-dir" -> configDir = Path.of(value(args, ++i, a));
                case "--check-config" -> check = Path.of(value(args, ++i, a));
                case "--listen" -> {
                    String v = value(args, ++i, a);
                    try {
                        listen.add(ListenAddress.parse(v));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--listen: " + e.getMessage());
                    }
                }
                case "--leave-sessions" -> leave = true;
                case "--debug" -> debug = true;
                case "-h", "--help" -> help = true;
                case "--version" -> version = true;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        int sources = (config != null ? 1 : 0) + (configDir != null ? 1 : 0) + (command != null ? 1 : 0);
        if (!help && !version && check == null && sources != 1) {
            throw new IllegalArgumentException("give exactly one of --config FILE, --config-dir DIR or -- COMMAND");
        }
        if (configDir != null && !listen.isEmpty()) {
            throw new IllegalArgumentException("--config-dir maps systemd's socket names to files; it cannot be used with --listen");
        }
        return new Options(config, configDir, command, List.copyOf(listen), check, leave, debug, help, version);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }
}
