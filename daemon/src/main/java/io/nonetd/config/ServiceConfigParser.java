package io.nonetd.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a config file into a {@link ServiceConfig}, or refuses it with a {@link ConfigException}
 * that names file:line and the key. Called once at start (and on reload); holds no state.
 */
public final class ServiceConfigParser {
    /** The source of a service given as {@code nonetd -- COMMAND}: there is no file to reload. */
    public static final String COMMAND_LINE = "command line";
    static final long MAX_FILE_BYTES = 1 << 20;
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);
    /** Variables nonetd sets itself; a service may not override them. */
    static final Set<String> RESERVED = Set.of("REMOTE_ADDR", "REMOTE_PORT", "REMOTE_PID", "REMOTE_UID", "REMOTE_GID",
            "NONETD_SESSION", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET");
    private static final Map<String, Set<String>> KEYS = Map.of(
            "Service", Set.of("ExecStart", "Handoff", "Environment", "TimeoutStopSec"),
            "Container", Set.of("Directory", "Volatile", "ReadOnly", "PrivateUsers", "Bind", "BindReadOnly", "TmpfsSize", "Seccomp"),
            "Limits", LimitsParser.KEYS,
            "Pool", Set.of("Warm"));

    private ServiceConfigParser() {}

    /** Loads {@code file}; the service is named after the file, without ".conf". */
    public static ServiceConfig load(Path file) throws ConfigException {
        String name = file.getFileName().toString().replaceFirst("\\.conf$", "");
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) throw new ConfigException(file.toString(), 0, null, "file larger than 1 MiB");
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), 0, null, "file is not valid UTF-8");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, null, "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        return parse(name, file.toString(), text);
    }

    public static ServiceConfig parse(String name, String file, String text) throws ConfigException {
        List<Ini.Section> sections = Ini.parse(file, text);
        Builder b = new Builder(name, file);
        for (Ini.Section s : sections) {
            Set<String> known = KEYS.get(s.name());
            if (known == null) {
                throw new ConfigException(file, s.line(), null, "unknown section [" + s.name() + "], expected [Service], [Container], [Limits] or [Pool]");
            }
            for (Ini.Assignment a : s.assignments()) {
                if (!known.contains(a.key())) {
                    String hint = known.stream().filter(k -> k.equalsIgnoreCase(a.key())).findFirst().map(k -> "; did you mean '" + k + "'?").orElse("");
                    throw new ConfigException(file, a.line(), a.key(), "unknown key in section [" + s.name() + "]" + hint);
                }
                try {
                    b.set(s.name(), a);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(file, a.line(), a.key(), e.getMessage());
                }
            }
        }
        int serviceLine = sections.stream().filter(s -> s.name().equals("Service")).mapToInt(Ini.Section::line).findFirst()
                .orElse(Math.max(1, text.split("\n", -1).length - 1));
        return b.build(serviceLine);
    }

    /** A service from {@code nonetd -- COMMAND ARGS...}: all defaults, stdio handoff. */
    public static ServiceConfig fromCommand(List<String> command) {
        if (command.isEmpty()) throw new IllegalArgumentException("no command after --");
        String base = Path.of(command.get(0)).getFileName().toString();
        return new ServiceConfig(base, COMMAND_LINE,
                new ServiceConfig.Service(List.copyOf(command), ServiceConfig.Handoff.STDIO, Map.of(), DEFAULT_STOP_TIMEOUT),
                new ServiceConfig.Container(null, "yes", false, null, List.of(), true, ServiceConfig.Container.DEFAULT_TMPFS_SIZE),
                ServiceConfig.Limits.DEFAULTS);
    }

    /** Collects assignments in file order; later assignments win, empty ones reset lists. */
    private static final class Builder {
        final String name;
        final String file;
        List<String> execStart;
        int execStartLine;
        ServiceConfig.Handoff handoff = ServiceConfig.Handoff.STDIO;
        final Map<String, String> environment = new LinkedHashMap<>();
        Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        Path directory;
        String volatileMode;
        int volatileLine;
        boolean readOnly;
        String privateUsers;
        final List<ServiceConfig.Bind> binds = new ArrayList<>();
        final LimitsParser limits = new LimitsParser();
        long tmpfsSize = ServiceConfig.Container.DEFAULT_TMPFS_SIZE;
        ServiceConfig.Seccomp seccomp;
        int seccompLine;
        int warm;
        int warmLine;

        Builder(String name, String file) {
            this.name = name;
            this.file = file;
        }

        void set(String section, Ini.Assignment a) {
            String v = a.value();
            if (section.equals("Limits")) {
                limits.set(a.key(), v);
                return;
            }
            switch (a.key()) {
                case "ExecStart" -> {
                    execStart = v.isEmpty() ? null : execLine(v);
                    execStartLine = a.line();
                }
                case "Handoff" -> handoff = Values.handoff(v);
                case "Environment" -> environment(v);
                case "TimeoutStopSec" -> {
                    stopTimeout = TimeSpan.parse(v);
                    if (stopTimeout.isZero() || stopTimeout.compareTo(Duration.ofHours(1)) > 0) {
                        throw new IllegalArgumentException("must be between 1ms and 1h, got " + Ini.quote(v));
                    }
                }
                case "Directory" -> directory = Values.directory(v);
                case "Volatile" -> {
                    volatileMode = v.isEmpty() ? null : Values.volatileMode(v);
                    volatileLine = a.line();
                }
                case "ReadOnly" -> readOnly = Values.bool(v);
                case "TmpfsSize" -> {
                    Long size = LimitsParser.bytes(v);
                    if (size == null) throw new IllegalArgumentException("must be a size such as 64M; 'infinity' would let a session fill the host's memory");
                    tmpfsSize = size;
                }
                case "Seccomp" -> {
                    seccomp = v.isEmpty() ? null : Values.seccomp(v);
                    seccompLine = a.line();
                }
                case "Warm" -> {
                    warm = v.isEmpty() ? 0 : LimitsParser.intIn(v, 0, ServiceConfig.Pool.MAX_WARM);
                    warmLine = a.line();
                }
                case "PrivateUsers" -> privateUsers = v.isEmpty() ? null : Values.privateUsers(v);
                case "Bind", "BindReadOnly" -> {
                    if (v.isEmpty()) binds.clear();
                    else binds.add(Values.bind(v, a.key().equals("BindReadOnly")));
                }
                default -> throw new IllegalStateException("key without a handler: " + a.key());
            }
        }

        private List<String> execLine(String v) {
            List<String> words = Words.split(Words.expandSpecifiers(v, name));
            if (words.isEmpty()) throw new IllegalArgumentException("empty command line");
            String first = words.get(0);
            if (!first.isEmpty() && "@-:+!".indexOf(first.charAt(0)) >= 0) {
                throw new IllegalArgumentException("prefix '" + first.charAt(0) + "' is not supported; give the plain command");
            }
            if (first.isEmpty()) throw new IllegalArgumentException("empty program name");
            if (v.matches("(.*\\s)?;(\\s.*)?")) throw new IllegalArgumentException("only one command line is supported; write '\\;' for a literal semicolon");
            return words;
        }

        private void environment(String v) {
            if (v.isEmpty()) {
                environment.clear();
                return;
            }
            for (String word : Words.split(Words.expandSpecifiers(v, name))) {
                int eq = word.indexOf('=');
                String key = eq < 0 ? word : word.substring(0, eq);
                if (eq < 0 || !Words.isVariableName(key)) {
                    throw new IllegalArgumentException("expected NAME=VALUE, got " + Ini.quote(word));
                }
                if (RESERVED.contains(key)) throw new IllegalArgumentException(key + " is set by nonetd and cannot be overridden");
                environment.put(key, word.substring(eq + 1));
            }
        }

        ServiceConfig build(int serviceLine) throws ConfigException {
            if (execStart == null) throw new ConfigException(file, serviceLine, "ExecStart", "missing in section [Service]; it says what runs in the container");
            List<String> command;
            try {
                command = Words.expandVariables(execStart, environment);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, execStartLine, "ExecStart", e.getMessage());
            }
            if (command.isEmpty()) throw new ConfigException(file, execStartLine, "ExecStart", "expands to an empty command line");
            if (command.get(0).isEmpty()) throw new ConfigException(file, execStartLine, "ExecStart", "expands to an empty program name");
            String mode = volatileMode;
            if (directory == null) {
                if (mode != null && !mode.equals("yes")) {
                    throw new ConfigException(file, volatileLine, "Volatile", "must be 'yes' with the embedded default (no Directory=): '"
                            + mode + "' would expose the host's root directory");
                }
                mode = "yes";
            } else if (mode == null) {
                mode = "overlay"; // writes land in a per-session tmpfs, so sessions never share state
            }
            ServiceConfig.Container container = new ServiceConfig.Container(directory, mode, readOnly, privateUsers, List.copyOf(binds),
                    directory == null || Values.hasShell(directory), tmpfsSize, seccomp);
            if (seccomp == ServiceConfig.Seccomp.PRECOMPILED && !container.unprivilegedUsers()) {
                throw new ConfigException(file, seccompLine, "Seccomp", "'precompiled' turns nspawn's own filter off, which is safe only when "
                        + "root in the container is an unprivileged host uid; set PrivateUsers=pick (or UID:RANGE with UID > 0) in [Container], "
                        + "or use Seccomp=nspawn");
            }
            ServiceConfig.Limits built = limits.build();
            if (warm > built.maxSessions()) {
                throw new ConfigException(file, warmLine, "Warm", "is " + warm + ", more than MaxSessions=" + built.maxSessions()
                        + "; the pool counts against MaxSessions");
            }
            return new ServiceConfig(name, file,
                    new ServiceConfig.Service(List.copyOf(command), handoff, Map.copyOf(environment), stopTimeout),
                    container, built, new ServiceConfig.Pool(warm));
        }
    }
}
