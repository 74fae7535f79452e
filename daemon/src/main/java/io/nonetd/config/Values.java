package io.nonetd.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Parsers for single values; each throws IllegalArgumentException with a message for the user. */
final class Values {
    private Values() {}

    static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on", "1" -> true;
            case "no", "false", "off", "0" -> false;
            default -> throw new IllegalArgumentException("invalid boolean " + Ini.quote(v) + ", expected yes or no");
        };
    }

    static ServiceConfig.Handoff handoff(String v) {
        return switch (v) {
            case "stdio" -> ServiceConfig.Handoff.STDIO;
            case "listen-fds" -> ServiceConfig.Handoff.LISTEN_FDS;
            default -> throw new IllegalArgumentException("invalid value " + Ini.quote(v) + ", expected 'stdio' or 'listen-fds'");
        };
    }

    static ServiceConfig.Seccomp seccomp(String v) {
        return switch (v) {
            case "nspawn" -> ServiceConfig.Seccomp.NSPAWN;
            case "precompiled" -> ServiceConfig.Seccomp.PRECOMPILED;
            default -> throw new IllegalArgumentException("invalid value " + Ini.quote(v) + ", expected 'nspawn' or 'precompiled'");
        };
    }

    /** nspawn's --volatile= modes. */
    static String volatileMode(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on", "1" -> "yes";
            case "no", "false", "off", "0" -> "no";
            case "state", "overlay" -> v.toLowerCase(Locale.ROOT);
            default -> throw new IllegalArgumentException("invalid value " + Ini.quote(v) + ", expected yes, no, state or overlay");
        };
    }

    /** nspawn's --private-users= values: yes, no, pick, identity, UID or UID:RANGE. */
    static String privateUsers(String v) {
        String l = v.toLowerCase(Locale.ROOT);
        switch (l) {
            case "yes", "true", "on", "1": return "yes";
            case "no", "false", "off", "0": return "no";
            case "pick", "identity": return l;
            default:
                if (l.matches("\\d{1,10}(:\\d{1,10})?")) return l;
                throw new IllegalArgumentException("invalid value " + Ini.quote(v) + ", expected yes, no, pick, identity, UID or UID:RANGE");
        }
    }

    static ServiceConfig.Bind bind(String v, boolean readOnly) {
        String[] parts = v.split(":", -1);
        if (parts.length > 2) throw new IllegalArgumentException("expected SOURCE[:DESTINATION], got " + Ini.quote(v) + " (paths with ':' are not supported)");
        String src = parts[0];
        String dst = parts.length == 2 ? parts[1] : src;
        for (String p : new String[] {src, dst}) {
            if (!p.startsWith("/")) throw new IllegalArgumentException("path " + Ini.quote(p) + " is not absolute");
            if (p.contains(",") || p.contains("\\")) throw new IllegalArgumentException("path " + Ini.quote(p) + " contains ',' or '\\'");
        }
        if (!Files.exists(Path.of(src))) throw new IllegalArgumentException("source " + Ini.quote(src) + " does not exist");
        if (dst.equals("/")) throw new IllegalArgumentException("cannot bind over the container's root");
        return new ServiceConfig.Bind(src, dst, readOnly);
    }

    /** Directory=: an absolute path to an OS tree, as nspawn requires (it looks for os-release). */
    static Path directory(String v) {
        if (v.isEmpty()) return null;
        Path p = Path.of(v);
        if (!p.isAbsolute()) throw new IllegalArgumentException("path " + Ini.quote(v) + " is not absolute");
        if (p.normalize().toString().equals("/")) {
            throw new IllegalArgumentException("'/' would hand the host's root to the service; leave Directory= empty for the embedded default");
        }
        if (!Files.isDirectory(p)) throw new IllegalArgumentException("directory " + Ini.quote(v) + " does not exist");
        if (!Files.exists(p.resolve("usr/lib/os-release")) && !Files.exists(p.resolve("etc/os-release"))) {
            throw new IllegalArgumentException(Ini.quote(v) + " is not an OS tree: it has neither usr/lib/os-release nor etc/os-release");
        }
        return p;
    }

    /** Whether an image has a /bin/sh; its symlinks (bin -> usr/bin, sh -> dash) are relative in Debian trees. */
    static boolean hasShell(Path image) {
        return Files.isExecutable(image.resolve("bin/sh")) || Files.isExecutable(image.resolve("usr/bin/sh"));
    }
}
