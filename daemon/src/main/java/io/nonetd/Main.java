package io.nonetd;

import io.nonetd.activation.ListenFds;
import io.nonetd.activation.Notifier;
import io.nonetd.bus.BusExport;
import io.nonetd.config.ConfigException;
import io.nonetd.config.ServiceConfig;
import io.nonetd.config.ServiceConfigParser;
import io.nonetd.container.Helper;
import io.nonetd.container.Host;
import io.nonetd.container.Launcher;
import io.nonetd.container.UidRanges;
import io.nonetd.daemon.Daemon;
import io.nonetd.daemon.Listener;
import io.nonetd.log.Journal;
import io.nonetd.log.Log;
import io.nonetd.net.ListenAddress;
import io.nonetd.os.Fd;
import io.nonetd.os.Seccomp;
import io.nonetd.seccomp.FilterCache;
import io.nonetd.os.Poller;
import io.nonetd.os.Sockets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;

/**
 * The only place that reads the environment and exits. The lifecycle, in order: parse options,
 * load config, adopt sockets, serve, stop. Exit codes: 0 stopped cleanly, 1 failed,
 * 2 bad usage, 78 bad configuration (EX_CONFIG).
 */
public final class Main {
    static final int EXIT_FAILURE = 1, EXIT_USAGE = 2, EXIT_CONFIG = 78;
    static final String VERSION = "0.1.0";
    /** The daemon's files at run time: nonetd-helper with the filter, and the uid range locks. */
    static final Path RUNTIME = Path.of("/run/nonetd");

    private Main() {}

    public static void main(String[] args) {
        // jnr-ffi's default generates bytecode for each native interface at load: ~120 ms of a
        // socket-activated start, before the first connection is answered. Its reflection
        // invoker costs nothing at start and a few microseconds a call, next to a container start.
        if (System.getProperty("jnr.ffi.asm.enabled") == null) System.setProperty("jnr.ffi.asm.enabled", "false");
        NativeStub.useCached(cacheDirectory());
        System.exit(run(args));
    }

    static int run(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("nonetd: " + e.getMessage() + "\n\n" + Options.USAGE);
            return EXIT_USAGE;
        }
        if (options.help()) {
            System.out.print(Options.USAGE);
            return 0;
        }
        if (options.version()) {
            System.out.println("nonetd " + VERSION);
            return 0;
        }
        if (options.debug()) Log.enableDebug();
        try {
            if (options.checkConfig() != null) {
                ServiceConfigParser.load(options.checkConfig());
                System.out.println(options.checkConfig() + ": OK");
                return 0;
            }
            return serve(options);
        } catch (ConfigException e) {
            Log.error(e.getMessage());
            return EXIT_CONFIG;
        } catch (IOException | IllegalArgumentException e) {
            Log.error(e.getMessage());
            return EXIT_FAILURE;
        }
    }

    private static int serve(Options options) throws ConfigException, IOException {
        // On a thread of its own while the sockets and configs are set up (under socket activation
        // the first client waits for all of it): load libc's binding, then the filter (cached).
        java.util.concurrent.FutureTask<Seccomp.Program> filter = new java.util.concurrent.FutureTask<>(() -> {
            Sockets.warmUp();
            return FilterCache.load(cacheDirectory());
        });
        Thread compiler = new Thread(filter, "start-up");
        compiler.setDaemon(true);
        compiler.start();
        Host host = Host.detect();
        if (host.nspawn() == null) {
            Log.error("systemd-nspawn not found in /usr/bin or /bin; install the systemd-container package");
            return EXIT_FAILURE;
        }
        List<ListenFds.Passed> passed = ListenFds.parse(System.getenv(), ProcessHandle.current().pid());
        List<Listener> listeners = passed.isEmpty() ? bind(options) : adopt(passed, options);
        if (listeners.isEmpty()) {
            Log.error("No sockets to listen on: start nonetd through a systemd .socket unit, or give --listen ADDRESS");
            return EXIT_USAGE;
        }
        Log.info("nonetd " + VERSION + " starting: " + listeners.size() + " socket(s), "
                + (host.systemdBooted() ? "systemd is PID 1: containers get their own scope" : "systemd is not PID 1: nspawn runs with --register=no --keep-unit"));
        String limits = "TasksMax=, MemoryMax=, CPUQuota= are enforced by " + host.limitsMechanism();
        if (host.systemdBooted() || host.cgroups() != null) Log.info(limits);
        else Log.warning(limits);
        Log.useJournal(Journal.fromEnvironment(System.getenv())); // session records with fields; see Log.record
        Helper helper = helper(listeners.stream().map(Listener::service).distinct().toList(), filter);
        Launcher launcher = new Launcher(host, helper, new UidRanges(RUNTIME.resolve("uid")));
        try (Poller poller = new Poller(); Notifier notifier = Notifier.fromEnvironment(System.getenv(), ProcessHandle.current().pid())) {
            Daemon daemon = new Daemon(poller, host, launcher, listeners, options.leaveSessions(), notifier);
            Signal.handle(new Signal("TERM"), s -> daemon.requestStop("SIGTERM"));
            Signal.handle(new Signal("INT"), s -> daemon.requestStop("SIGINT"));
            Signal.handle(new Signal("HUP"), s -> daemon.requestReload());
            // The D-Bus API, named after the first service; no system bus leaves it off.
            try (BusExport bus = BusExport.start(daemon.control(), listeners.get(0).service().name())) {
                daemon.serve();
            }
        } finally {
            if (helper != null) helper.remove();
        }
        return 0;
    }

    /**
     * nonetd-helper and the compiled syscall filter, when a service needs them (fast spawn or a
     * warm pool). Without them sessions are just as confined, under nspawn's filter, only slower:
     * a warning, unless the config asked for Seccomp=precompiled explicitly.
     */
    private static Helper helper(List<ServiceConfig> services, java.util.concurrent.Future<Seccomp.Program> filter) throws IOException {
        boolean wanted = services.stream().anyMatch(s -> s.container().effectiveSeccomp() == ServiceConfig.Seccomp.PRECOMPILED || s.pool().warm() > 0);
        if (!wanted) return null;
        String explicit = services.stream().filter(s -> s.container().seccomp() == ServiceConfig.Seccomp.PRECOMPILED)
                .map(s -> s.source()).findFirst().orElse(null);
        Path binary = Helper.findBinary();
        if (binary == null) {
            return unavailable(explicit, "nonetd-helper is neither next to the jar nor at " + Helper.INSTALLED);
        }
        byte[] bpf = null;
        try {
            Seccomp.Program program = filter.get();
            bpf = program.bpf();
            Log.info("Syscall filter ready: " + bpf.length / 8 + " BPF instructions"
                    + (program.unknown().isEmpty() ? "" : ", " + program.unknown().size() + " listed syscalls unknown on this architecture"));
        } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : e.toString();
            if (explicit != null) throw new IOException("Seccomp=precompiled in " + explicit + ", but the filter cannot be compiled: " + why);
            Log.warning("Failed to compile the syscall filter: " + why + "; sessions use nspawn's filter");
        }
        try {
            return Helper.prepare(RUNTIME, binary, bpf);
        } catch (IOException e) {
            return unavailable(explicit, "cannot set up " + RUNTIME + ": " + e.getMessage());
        }
    }

    /** systemd's CacheDirectory= ($CACHE_DIRECTORY), else /var/cache/nonetd when it exists; null: no cache. */
    static Path cacheDirectory() {
        String fromSystemd = System.getenv("CACHE_DIRECTORY");
        if (fromSystemd != null && !fromSystemd.isEmpty()) return Path.of(fromSystemd.split(":")[0]);
        Path dflt = Path.of("/var/cache/nonetd");
        return java.nio.file.Files.isDirectory(dflt) ? dflt : null;
    }

    private static Helper unavailable(String explicit, String why) throws IOException {
        if (explicit != null) throw new IOException("Seccomp=precompiled in " + explicit + ", but " + why);
        Log.warning(why + ": sessions use nspawn's filter and start cold (no warm pool)");
        return null;
    }

    private static List<Listener> adopt(List<ListenFds.Passed> passed, Options options) throws ConfigException, IOException {
        if (!options.listen().isEmpty()) Log.warning("systemd passed " + passed.size() + " socket(s); ignoring --listen");
        List<Listener> listeners = new ArrayList<>();
        // Load every config before adopting: a bad file must refuse to start before anything is accepted.
        List<ServiceConfig> services = new ArrayList<>();
        for (ListenFds.Passed p : passed) services.add(serviceFor(options, p.name()));
        for (int i = 0; i < passed.size(); i++) {
            Fd fd = Sockets.adopt(passed.get(i).fd());
            listeners.add(new Listener(fd, Sockets.localAddress(fd) + " (fd " + fd.fd() + ", '" + passed.get(i).name() + "')", services.get(i)));
        }
        return listeners;
    }

    private static List<Listener> bind(Options options) throws ConfigException, IOException {
        ServiceConfig service = serviceFor(options, null);
        List<Listener> listeners = new ArrayList<>();
        for (ListenAddress a : options.listen()) {
            listeners.add(new Listener(Sockets.listen(a, 128), a.toString(), service));
        }
        return listeners;
    }

    private static ServiceConfig serviceFor(Options options, String fdName) throws ConfigException {
        if (options.command() != null) return ServiceConfigParser.fromCommand(options.command());
        if (options.config() != null) return ServiceConfigParser.load(options.config());
        if (fdName == null || fdName.equals("unknown") || !fdName.matches("[A-Za-z0-9_.@-]+")) {
            throw new IllegalArgumentException("--config-dir needs every socket to have FileDescriptorName=NAME; got '" + fdName + "'");
        }
        return ServiceConfigParser.load(options.configDir().resolve(fdName + ".conf"));
    }
}
