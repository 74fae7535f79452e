package io.nonetd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deterministic fuzzing of {@link ServiceConfigParser}. The promise: whatever the text,
 * {@code parse} either returns a config with a non-empty ExecStart or throws a
 * {@link ConfigException} whose message starts with {@code fuzz.conf:LINE: }, LINE being a real
 * line of the text. Nothing else may escape (no NPE, IndexOutOfBounds, NumberFormatException,
 * StackOverflowError, ...).
 *
 * <p>Mutations run on templates in which {@code @TREE@}, {@code @EMPTY@} and {@code @TMP@} stand
 * for the {@link TempDir} paths, so a (seed, iteration) pair gives the same mutant on every run
 * and machine: {@code ConfigFuzzTest.mutant(seed, iteration)} regenerates it. A failure names
 * the seed and iteration, prints the offending text as a Java string literal, a shrunk version
 * of it and the stack trace.
 */
class ConfigFuzzTest {
    private static final String NAME = "fuzz";
    private static final String FILE = "fuzz.conf";
    private static final Pattern REFUSAL = Pattern.compile("^fuzz\\.conf:(\\d+): .+", Pattern.DOTALL);
    private static final int CASES_PER_SEED = 500;
    private static final int LOAD_CASES = 200;
    private static final int MAX_LONG_LINE = 100_000;

    @TempDir
    static Path tmp;
    /** An OS tree as nspawn wants it: a directory with usr/lib/os-release. */
    static Path tree;
    /** An existing directory that is not an OS tree. */
    static Path empty;

    @BeforeAll
    static void images() throws IOException {
        tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("usr/lib"));
        Files.writeString(tree.resolve("usr/lib/os-release"), "ID=debian\n");
        empty = Files.createDirectories(tmp.resolve("empty"));
    }

    // ---------------------------------------------------------------- corpus and dictionaries

    static final List<String> SERVICE_KEYS = List.of("ExecStart", "Handoff", "Environment", "TimeoutStopSec");
    static final List<String> CONTAINER_KEYS = List.of("Directory", "Volatile", "ReadOnly", "PrivateUsers", "Bind", "BindReadOnly");
    static final List<String> LIMITS_KEYS = List.of("MaxSessions", "MaxSessionsPerSource", "SourcePrefixIPv4", "SourcePrefixIPv6",
            "RateLimit", "RateBurst", "QueueMax", "QueueTimeoutSec", "RefuseMessage", "RuntimeMaxSec", "IdleTimeoutSec",
            "MemoryMax", "TasksMax", "CPUQuota");
    static final List<String> ALL_KEYS = Stream.of(SERVICE_KEYS, CONTAINER_KEYS, LIMITS_KEYS).flatMap(List::stream).toList();

    /** Valid configs; every mutant starts from one (or two, spliced). Backslashes are literal in the files. */
    static final List<String> CORPUS = List.of(
            // every [Service] and [Container] key, with quotes, escapes, specifiers and variables
            """
            # full service
            [Service]
            ExecStart=/usr/bin/app --name=%i "two words" 'it\\'s' a\\;b \\x41\\t\\u00e9\\101 100%% $FLAGS ${GREETING}-x $$HOME
            Handoff=listen-fds
            Environment=FLAGS="-v -q" GREETING=hi "QUOTED=a b"
            Environment=LANG=C.UTF-8 EMPTY=
            TimeoutStopSec=1min 30s
            [Container]
            Directory=@TREE@
            Volatile=state
            ReadOnly=yes
            PrivateUsers=pick
            Bind=/tmp
            BindReadOnly=/etc/hostname:/etc/host-name
            """,
            "[Service]\nExecStart=/bin/cat\n",
            "[Service]\nExecStart=/bin/cat",
            // the embedded default spelled out, Container first
            """
            [Container]
            Directory=
            Volatile=yes
            ReadOnly=no
            PrivateUsers=1000:65536
            Bind=/tmp:/mnt/scratch
            Bind=
            BindReadOnly=/etc/hostname
            [Service]
            ExecStart=/bin/sh -c "echo \\"$1\\" %%i" sh %i
            Handoff=stdio
            TimeoutStopSec=500ms
            """,
            // comments, blank lines, spaces around '=', continuations (with a comment inside one)
            """
            ; comment
               # indented comment

            [Service]
            ExecStart = /usr/bin/env \\
                A=1 \\
                /bin/cat
            # a comment between assignments
            Environment=A=1 \\
              B=2
            TimeoutStopSec = 2s
            Environment=
            Environment=C=3
            [Container]
            Directory=@TREE@/
            Volatile=overlay
            """,
            // the same with CRLF line ends
            "; comment\r\n[Service]\r\nExecStart = /usr/bin/env \\\r\n    A=1 \\\r\n    /bin/cat\r\nEnvironment=A=1 \\\r\n  B=2\r\n"
                    + "TimeoutStopSec=2s\r\n[Container]\r\nDirectory=@TREE@\r\nVolatile=overlay\r\n",
            // variables and escapes
            """
            [Service]
            Environment=PROG=/bin/echo ARGS="one two" NAME=%i PCT=100%%
            ExecStart=$PROG $ARGS ${NAME}.${PCT} $$ $${X} "${ARGS}" '$ARGS' \\x24 \\U0001F600 \\u00e9 \\101\\102 \\\\ \\" \\' \\s x\\;y
            TimeoutStopSec=3600
            """,
            // [Limits], every key
            """
            [Service]
            ExecStart=/bin/cat
            [Limits]
            MaxSessions=10
            MaxSessionsPerSource=2
            SourcePrefixIPv4=24
            SourcePrefixIPv6=64
            RateLimit=0.5
            RateBurst=5
            QueueMax=0
            QueueTimeoutSec=1s
            RefuseMessage="busy, try later" \\x21
            RuntimeMaxSec=1h
            IdleTimeoutSec=infinity
            MemoryMax=1G
            TasksMax=64
            CPUQuota=50%
            """,
            """
            [Container]
            Directory=@TREE@
            Volatile=no
            ReadOnly=true
            PrivateUsers=identity
            BindReadOnly=/etc/hostname:/etc/hostname
            Bind=/tmp:/tmp/x
            [Service]
            ExecStart="/usr/bin/my prog" %%i%i
            TimeoutStopSec=1h
            Handoff=stdio
            """,
            """
            [Service]
            ExecStart=/bin/cat
            ExecStart=
            ExecStart=/bin/tac -s '\\n'
            [Container]
            Volatile=yes
            PrivateUsers=0
            ReadOnly=off
            [Service]
            TimeoutStopSec=1ms
            """);

    static final List<String> COMMANDS = List.of("/bin/cat", "\"\"", "''", "\"\" x", "'' x", "%i", "%%", "%", "%x", "x%", "%%%",
            "$", "$$", "$A", "${", "${}", "${A", "${1}", "${A}", "${A}x", "$A$B", "${A}${B}", "$FLAGS", "${FLAGS}", "$$A", "$${A}",
            "\\", "\\\\", "\\x", "\\x4", "\\x41", "\\x00", "\\xZZ", "\\0", "\\000", "\\101", "\\189", "\\8", "\\19z", "\\1x2",
            "\\uD800", "\\uDFFF", "\\U0010FFFF", "\\U00110000", "\\UFFFFFFFF", "\\U-0000001", "\\x-1", "\\x+1", "\\q", "\\;", ";",
            "a ; b", "a\\;b", "-/bin/cat", "@/bin/cat", ":/bin/cat", "+/bin/cat", "!/bin/cat", "!!/bin/cat", "'unterminated",
            "\"unterminated", "a\"b\"c", "\"a'b\"", "'a\"b'", "x=1", "\t/bin/cat", "\u00a0/bin/cat", "/bin/cat\u2028x",
            "/bin/cat \\", "/bin/cat \\x4", "/bin/cat \\08 x", "\\x41\\x42", "'\\''", "\"\\\"\"", "/bin/\0cat", "\uD800", "\uDC00x",
            "\uD83D\uDE00", "$\u00e9", "${\u00e9}", "${A B}", "'${A'}", "\\s", "\\ ");
    static final List<String> ENVS = List.of("A=1", "A=", "=1", "A", "1A=2", "_=x", "a-b=1", "A==", "A=1 A=2", "REMOTE_ADDR=x",
            "LISTEN_FDS=3", "NOTIFY_SOCKET=/x", "A=\"b c\"", "\"A=1\" B=2", "A=${B}", "A=$B", "A=%i", "A=%", "A=%%", "A='x",
            "A=\\", "A=\\x", "\\x41=1", "\\101=1", "\\189=1", "A=\\189", "É=1", "A\u00a0B=1", "A=\u2028", "A=\0", "FLAGS=", "FLAGS=\"  \"");
    static final List<String> HANDOFFS = List.of("stdio", "listen-fds", "STDIO", "Listen-Fds", "listen_fds", "stdio stdio", "");
    static final List<String> SPANS = List.of("0", "0s", "1", "1ns", "0.5us", "1us", "1ms", "3600", "3600s", "3600.000000001",
            "3601s", "1h", "1h 1ms", "1min30s", "1min 30s", "5 s", "5sec 5", "5 min", "5S", "5xs", "-5s", "+5s", "1e3s", "1.5.5s",
            "1.", ".5", "1.m", "infinity", "", "99999999999999999999", "1000000000000", "1000000000001", "1000000000000d",
            "1000000000000 1000000000000", "1000000000000d 1000000000000d", "1000000000000d 1s", "9223372036854775807us",
            "9.9999999999999999999e20", "0.0000000000000000000000001s", "\u0661s", "１s", "5\u00a0s", "5\u2003s", "5s\u2003",
            "1" + "0".repeat(400), "0." + "0".repeat(400) + "1", "1 ".repeat(2000), "1s".repeat(2000));
    static final List<String> DIRS = List.of("@TREE@", "@TREE@/", "@TREE@/.", "@TREE@//", "@TREE@/usr/..", "@TREE@/usr",
            "@TREE@/usr/lib/os-release", "@EMPTY@", "@TMP@", "", "/", "//", "/.", "/..", "/tmp/..", "/proc/self", "/proc/self/root",
            "/nonexistent", "relative", "./x", "~", "/tmp\0", "@TREE@\0", "/\uD800", "/\u00e9", "/" + "a".repeat(300),
            "/" + "a/".repeat(3000), "/dev/null", "/etc/hostname");
    static final List<String> BOOLS = List.of("yes", "no", "YES", "No", "true", "false", "on", "off", "1", "0", "2", "-1", "y",
            "", "İ", "yes no", "ﬁ");
    static final List<String> VOLATILES = List.of("yes", "no", "state", "overlay", "Overlay", "STATE", "true", "0", "", "tmpfs");
    static final List<String> USERS = List.of("yes", "no", "pick", "identity", "PICK", "0", "1000", "1000:65536", "0:0", ":",
            "1:", ":1", "1:2:3", "4294967295", "4294967296:4294967296", "9999999999", "99999999999", "1234567890:1234567890",
            "-1", "+1", "1e3", "\u0661", "１", "", "pick:1");
    static final List<String> BINDS = List.of("/tmp", "/tmp/", "/etc/hostname", "/etc/hostname:/etc/host-name", "/tmp:/",
            "/tmp:/a:/b", "/tmp:", ":/tmp", "/tmp:rel", "rel", "/", "/:/x", "/tmp\0", "/tm\0p:/x", "/tmp,ro", "/tmp:/a,b",
            "/tmp\\x", "/nonexistent", "@TREE@", "@TREE@:/srv", "@EMPTY@:/mnt", "/" + "a".repeat(5000), "/tmp:/" + "b".repeat(5000),
            "/\uD800", "/tmp:/\uDC00", "/tmp::", "::", "/tmp:/tmp:/tmp");
    static final List<String> INTS = List.of("0", "1", "-1", "-0", "+1", "007", "32", "33", "128", "129", "100000", "100001",
            "1000000", "4194304", "4194305", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "99999999999999999999999999", "1e3", "0x10", "1_000", "1.5", "",
            "infinity", "Infinity", " 1", "\u0661\u0662", "１２", "1 2");
    static final List<String> RATES = List.of("0", "0.5", "1", "1000000", "1000001", "1e6", "1e-300", "4.9e-324", "-1", "-0",
            "NaN", "Infinity", "-Infinity", "infinity", "0x1p3", "1e309", "1d", "1f", ".", "", "1,5");
    static final List<String> SIZES = List.of("1M", "1K", "1048576", "1048575", "0M", "-1M", "1.5G", "1MB", "M", "K", "infinity",
            "INFINITY", "512m", "8796093022208T", "8796093022207T", "9223372036854775807K", "9223372036854775807",
            "9223372036854775808", "1P", "", "1 M");
    static final List<String> PERCENTS = List.of("50%", "0%", "1%", "100000%", "100001%", "%", "-5%", "5", "1e2%", "%%", "5 %",
            "9999999999999999999%", "infinity", "");
    /** Characters and short strings that matter to some layer of the parser. */
    static final List<String> SPECIALS = List.of("\"", "'", "\\", "%", "$", "{", "}", "=", "[", "]", ":", ";", "#", " ", "\t",
            "\n", "\r", "\r\n", "\0", "\u0001", "\u007f", "\u00e9", "\u00a0", "\u0085", "\u2028", "\u2029", "\u3000", "\uFEFF",
            "\uD83D\uDE00", "\uD800", "\uDC00", "\uDBFF\uDBFF", "\uFFFF", "\uFFFE", ",", "/", "~", "0", "9", "-", "+", ".", "e",
            "%i", "%%", "$$", "${", "${A}", "$A", "\\x", "\\u", "\\U", "\\0", "\\\n", "\u0661", "İ");
    static final List<String> ESCAPES = List.of("\\x", "\\x4", "\\x41", "\\xZZ", "\\x00", "\\x-1", "\\x+1", "\\x 1", "\\u", "\\u00",
            "\\u0041", "\\uD800", "\\uDFFF", "\\u-001", "\\U0010FFFF", "\\U00110000", "\\UFFFFFFFF", "\\U7FFFFFFF", "\\U-0000001",
            "\\0", "\\00", "\\000", "\\001", "\\101", "\\377", "\\777", "\\8", "\\18", "\\189", "\\1x2", "\\7 7", "\\q", "\\",
            "\\\\", "\\;", "\\s", "\\a", "\\ ", "\\%", "\\$", "\\\u00e9", "\\\uD800", "\\\n", "\\\r\n");
    static final List<String> REPEAT_UNITS = List.of("\\", "\\\\", "\\x41", "\\101", "\\u00e9", "\\U0001F600", "%%", "%i", "%",
            "$$", "${A}", "$A ", "${", "}", "''", "\"\"", "\\'", "\\\"", "\\;", "\\\n", "\\\r\n", "'\\''", "[", "]", "=", "\"'",
            "a ", " ", "9", "1s ", "\uD800", "\u00e9", "#");
    static final List<String> HEADERS = List.of("[Service]", "[Container]", "[Limits]", "[service]", "[SERVICE]", "[ Service ]",
            "[Service ]", "[]", "[ ]", "[[Service]]", "[Service", "Service]", "[Service]x", "[Service] # c", "[Unit]", "[Install]",
            "[X-Foo]", "[Ser\0vice]", "[Serv\u00edce]", "[%i]", "[=]", "[\uD800]", "  [Container]  ", "[Limits]\r", "[", "]", "[[]");
    static final List<String> ALL_VALUES = Stream.of(COMMANDS, ENVS, HANDOFFS, SPANS, DIRS, BOOLS, VOLATILES, USERS, BINDS, INTS,
            RATES, SIZES, PERCENTS).flatMap(List::stream).distinct().toList();

    static List<String> valuesFor(String key) {
        return switch (key) {
            case "ExecStart", "RefuseMessage" -> COMMANDS;
            case "Environment" -> ENVS;
            case "Handoff" -> HANDOFFS;
            case "TimeoutStopSec", "QueueTimeoutSec", "RuntimeMaxSec", "IdleTimeoutSec" -> SPANS;
            case "Directory" -> DIRS;
            case "Volatile" -> VOLATILES;
            case "ReadOnly" -> BOOLS;
            case "PrivateUsers" -> USERS;
            case "Bind", "BindReadOnly" -> BINDS;
            case "RateLimit" -> RATES;
            case "MemoryMax" -> SIZES;
            case "CPUQuota" -> PERCENTS;
            default -> INTS;
        };
    }

    static String materialize(String template) {
        return template.replace("@TREE@", tree.toString()).replace("@EMPTY@", empty.toString()).replace("@TMP@", tmp.toString());
    }

    // ---------------------------------------------------------------- the mutator

    /** The mutant for one (seed, iteration), with the temp paths filled in; use it to reproduce a failure. */
    static String mutant(long seed, int iteration) {
        return materialize(mutantTemplate(seed, iteration));
    }

    static String mutantTemplate(long seed, int iteration) {
        Random r = new Random(mix(seed, iteration));
        String t = pick(r, CORPUS);
        if (r.nextInt(10) == 0) t = splice(t, pick(r, CORPUS), r);
        int n = 1;
        while (n < 8 && r.nextInt(2) == 0) n++;
        for (int i = 0; i < n; i++) t = mutateOnce(t, r);
        return t;
    }

    /** SplitMix64 finalizer, so that neighbouring iterations get unrelated Random streams. */
    static long mix(long seed, int iteration) {
        long z = seed * 0x9E3779B97F4A7C15L + iteration + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static String mutateOnce(String t, Random r) {
        switch (r.nextInt(22)) {
            case 0, 1: { // flip 1-3 bits in UTF-16 chars (creates surrogates, controls, anything)
                if (t.isEmpty()) return String.valueOf((char) r.nextInt(0x10000));
                char[] c = t.toCharArray();
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    int i = r.nextInt(c.length);
                    c[i] ^= (char) (1 << r.nextInt(r.nextBoolean() ? 8 : 16));
                }
                return new String(c);
            }
            case 2: { // replace a char by a random byte value
                if (t.isEmpty()) return String.valueOf((char) r.nextInt(256));
                int i = r.nextInt(t.length());
                return t.substring(0, i) + (char) r.nextInt(256) + t.substring(i + 1);
            }
            case 3: { // flip a byte of the UTF-8 encoding; the decoder turns broken sequences into U+FFFD
                byte[] b = t.getBytes(StandardCharsets.UTF_8);
                if (b.length == 0) return t;
                b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                return new String(b, StandardCharsets.UTF_8);
            }
            case 4, 5: { // insert 1-3 special characters
                StringBuilder s = new StringBuilder(t);
                for (int k = 1 + r.nextInt(3); k > 0; k--) s.insert(r.nextInt(s.length() + 1), pick(r, SPECIALS));
                return s.toString();
            }
            case 6: { // delete a range
                if (t.isEmpty()) return t;
                int i = r.nextInt(t.length());
                int len = 1 + r.nextInt(r.nextBoolean() ? 3 : Math.max(1, t.length() - i));
                return t.substring(0, i) + t.substring(Math.min(t.length(), i + len));
            }
            case 7: { // duplicate a line, up to many times
                List<String> lines = lines(t);
                int i = r.nextInt(lines.size());
                int times = r.nextInt(10) == 0 ? 1 + r.nextInt(2000) : 1;
                for (int k = 0; k < times; k++) lines.add(i, lines.get(i));
                return String.join("\n", lines);
            }
            case 8: { // delete a line
                List<String> lines = lines(t);
                lines.remove(r.nextInt(lines.size()));
                return String.join("\n", lines);
            }
            case 9: { // swap two lines
                List<String> lines = lines(t);
                int i = r.nextInt(lines.size()), j = r.nextInt(lines.size());
                String a = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, a);
                return String.join("\n", lines);
            }
            case 10: // truncate
                return t.substring(0, r.nextInt(t.length() + 1));
            case 11:
                return mangleKey(t, r);
            case 12:
                return mangleSection(t, r);
            case 13:
                return longLine(t, r);
            case 14, 15:
                return replaceValue(t, r);
            case 16: { // add an assignment of any key with an interesting value somewhere
                List<String> lines = lines(t);
                String key = pick(r, ALL_KEYS);
                lines.add(r.nextInt(lines.size() + 1), key + "=" + pick(r, r.nextInt(3) == 0 ? ALL_VALUES : valuesFor(key)));
                return String.join("\n", lines);
            }
            case 17: { // deep repetition of escapes, specifiers, quotes
                String unit = pick(r, REPEAT_UNITS);
                int times = 1 + r.nextInt(r.nextBoolean() ? 50 : 20_000);
                return insertIntoValue(t, unit.repeat(times), r);
            }
            case 18: { // line ends: CRLF, CR, continuations, missing or extra newlines
                return switch (r.nextInt(8)) {
                    case 0 -> t.replace("\n", "\r\n");
                    case 1 -> t.replace("\n", "\r");
                    case 2 -> t.replaceFirst("\n", "\r");
                    case 3 -> t.endsWith("\n") ? t.substring(0, t.length() - 1) : t + "\n\n\n";
                    case 4 -> t.replace("\r\n", "\n");
                    default -> {
                        List<String> lines = lines(t);
                        int i = r.nextInt(lines.size());
                        lines.set(i, lines.get(i) + pick(r, List.of("\\", "\\\r", "\r", "\\\\", " \\", "\\ ", "\r\r")));
                        yield String.join("\n", lines);
                    }
                };
            }
            case 19:
                return insertIntoValue(t, pick(r, ESCAPES), r);
            case 20: { // append a value fragment to an assignment
                return insertIntoValue(t, " " + pick(r, ALL_VALUES), r);
            }
            default: // negative and huge numbers where numbers are
                return replaceNumber(t, r);
        }
    }

    static String mangleKey(String t, Random r) {
        List<String> lines = lines(t);
        int i = assignmentLine(lines, r);
        if (i < 0) return t;
        String line = lines.get(i);
        int eq = line.indexOf('=');
        String key = line.substring(0, eq);
        String rest = line.substring(eq);
        String k = switch (r.nextInt(16)) {
            case 0 -> pick(r, ALL_KEYS);
            case 1 -> key.toLowerCase();
            case 2 -> key.toUpperCase();
            case 3 -> key + "x";
            case 4 -> key.length() > 1 ? key.substring(1) : "";
            case 5 -> key.length() > 2 ? key.substring(0, 2) + " " + key.substring(2) : " ";
            case 6 -> "";
            case 7 -> "-";
            case 8 -> key + "\0";
            case 9 -> "K\u00e9y";
            case 10 -> key.repeat(1 + r.nextInt(2000));
            case 11 -> "0";
            case 12 -> key + "=";
            case 13 -> "#" + key;
            case 14 -> "[" + key;
            default -> randomAscii(r, 1 + r.nextInt(12));
        };
        if (r.nextInt(8) == 0) rest = rest.substring(1); // no '=' at all
        lines.set(i, k + rest);
        return String.join("\n", lines);
    }

    static String mangleSection(String t, Random r) {
        List<String> lines = lines(t);
        List<Integer> headers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).strip().startsWith("[")) headers.add(i);
        String h = pick(r, HEADERS);
        if (r.nextInt(8) == 0) h = "[" + "[".repeat(r.nextInt(5000)) + "Service" + "]".repeat(r.nextInt(5000)) + "]";
        if (headers.isEmpty() || r.nextInt(3) == 0) lines.add(r.nextInt(lines.size() + 1), h);
        else lines.set(pick(r, headers), h);
        return String.join("\n", lines);
    }

    static String longLine(String t, Random r) {
        int len = r.nextInt(4) == 0 ? 1 + r.nextInt(MAX_LONG_LINE) : 1 + r.nextInt(2000);
        String unit = r.nextInt(4) == 0 ? String.valueOf((char) r.nextInt(0x10000)) : pick(r, REPEAT_UNITS);
        StringBuilder s = new StringBuilder(len + unit.length());
        while (s.length() < len) s.append(unit);
        s.setLength(len);
        String big = s.toString();
        List<String> lines = lines(t);
        switch (r.nextInt(5)) {
            case 0 -> lines.add(r.nextInt(lines.size() + 1), pick(r, ALL_KEYS) + "=" + big);
            case 1 -> lines.add(r.nextInt(lines.size() + 1), "[" + big + "]");
            case 2 -> lines.add(r.nextInt(lines.size() + 1), big.replace("=", "") + "=x");
            case 3 -> { return insertIntoValue(t, big, r); }
            default -> {
                int at = r.nextInt(t.length() + 1);
                return t.substring(0, at) + big + t.substring(at);
            }
        }
        return String.join("\n", lines);
    }

    static String replaceValue(String t, Random r) {
        List<String> lines = lines(t);
        int i = assignmentLine(lines, r);
        if (i < 0) return t + "\nExecStart=" + pick(r, COMMANDS);
        String line = lines.get(i);
        int eq = line.indexOf('=');
        String key = line.substring(0, eq).strip();
        String v = pick(r, r.nextInt(3) == 0 ? ALL_VALUES : valuesFor(key));
        if (r.nextInt(4) == 0) v = v + " " + pick(r, valuesFor(key));
        lines.set(i, line.substring(0, eq + 1) + v);
        return String.join("\n", lines);
    }

    static String insertIntoValue(String t, String s, Random r) {
        List<String> lines = lines(t);
        int i = assignmentLine(lines, r);
        if (i < 0) {
            int at = r.nextInt(t.length() + 1);
            return t.substring(0, at) + s + t.substring(at);
        }
        String line = lines.get(i);
        int eq = line.indexOf('=');
        int at = switch (r.nextInt(3)) {
            case 0 -> eq + 1; // at the start of the value
            case 1 -> line.length();
            default -> eq + 1 + r.nextInt(line.length() - eq);
        };
        lines.set(i, line.substring(0, at) + s + line.substring(at));
        return String.join("\n", lines);
    }

    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final List<String> NUMBERS = List.of("-1", "-0", "0", "-9223372036854775808", "9223372036854775807",
            "9223372036854775808", "18446744073709551616", "99999999999999999999999999999999", "1" + "0".repeat(400), "2147483648",
            "4294967296", "1e309", "NaN", "-", "00000000000000000000001");

    static String replaceNumber(String t, Random r) {
        Matcher m = NUMBER.matcher(t);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) spans.add(new int[] {m.start(), m.end()});
        if (spans.isEmpty()) return t + "\nTimeoutStopSec=" + pick(r, NUMBERS);
        int[] s = pick(r, spans);
        return t.substring(0, s[0]) + pick(r, NUMBERS) + t.substring(s[1]);
    }

    static String splice(String a, String b, Random r) {
        List<String> la = lines(a), lb = lines(b);
        List<String> out = new ArrayList<>(la.subList(0, r.nextInt(la.size() + 1)));
        out.addAll(lb.subList(r.nextInt(lb.size() + 1), lb.size()));
        return String.join("\n", out);
    }

    static int assignmentLine(List<String> lines, Random r) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.indexOf('=') > 0 && !l.strip().startsWith("[")) candidates.add(i);
        }
        return candidates.isEmpty() ? -1 : pick(r, candidates);
    }

    static List<String> lines(String t) {
        return new ArrayList<>(Arrays.asList(t.split("\n", -1)));
    }

    static String randomAscii(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append((char) (0x20 + r.nextInt(0x5f)));
        return b.toString();
    }

    static <T> T pick(Random r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }

    // ---------------------------------------------------------------- the oracle

    /** What went wrong with one input; null means the promise held. */
    record Problem(String what, Throwable thrown) {
        String signature() {
            return what.replaceAll("\\d+", "N") + " @ " + (thrown == null ? "" : thrown.getClass().getName() + " " + origin(thrown));
        }
    }

    static Problem check(String text) {
        ServiceConfig c;
        try {
            c = ServiceConfigParser.parse(NAME, FILE, text);
        } catch (ConfigException e) {
            String m = e.getMessage();
            Matcher mm = REFUSAL.matcher(m == null ? "" : m);
            if (!mm.lookingAt()) return new Problem("refusal message does not start with 'fuzz.conf:LINE: ': " + literal(m, 300), e);
            int lines = text.split("\n", -1).length;
            String n = mm.group(1);
            if (n.length() > 9 || Integer.parseInt(n) < 1 || Integer.parseInt(n) > lines) {
                return new Problem("refusal names line " + n + " but the text has " + lines + " lines: " + literal(m, 300), e);
            }
            return null;
        } catch (Throwable t) { // anything else escaping parse() breaks the promise, Errors included
            return new Problem("uncaught " + t.getClass().getName() + ": " + literal(String.valueOf(t.getMessage()), 300), t);
        }
        if (c == null || c.service() == null || c.service().execStart() == null || c.service().execStart().isEmpty()) {
            return new Problem("parse succeeded with an empty ExecStart: " + c, null);
        }
        return null;
    }

    record Failure(String where, String text, Problem problem) {}

    /** Fails with every distinct problem: where it was found, the text, a shrunk text and the stack trace. */
    static void report(String title, int total, List<Failure> failures) {
        if (failures.isEmpty()) return;
        Map<String, List<Failure>> bySignature = new LinkedHashMap<>();
        for (Failure f : failures) bySignature.computeIfAbsent(f.problem().signature(), k -> new ArrayList<>()).add(f);
        StringBuilder b = new StringBuilder();
        b.append(failures.size()).append(" of ").append(total).append(' ').append(title).append(" broke the promise; ")
                .append(bySignature.size()).append(" distinct problem(s)\n");
        int n = 0;
        for (List<Failure> group : bySignature.values()) {
            Failure f = group.get(0);
            b.append("\n=== problem ").append(++n).append(" (").append(group.size()).append(" case(s)): ").append(f.problem().what()).append('\n');
            b.append("first case: ").append(f.where()).append('\n');
            b.append("text (").append(f.text().length()).append(" chars): ").append(literal(f.text(), 2000)).append('\n');
            String small = shrink(f.text(), f.problem().signature());
            b.append("shrunk (").append(small.length()).append(" chars): ").append(literal(small, 2000)).append('\n');
            b.append("other cases: ").append(group.stream().skip(1).limit(10).map(Failure::where).collect(Collectors.joining("; "))).append('\n');
            if (f.problem().thrown() != null) b.append(stackTrace(f.problem().thrown()));
        }
        Throwable first = failures.get(0).problem().thrown();
        fail(b.toString(), first);
    }

    /** Greedy delta debugging: drop lines, then ever smaller chunks, while the same problem remains. */
    static String shrink(String text, String signature) {
        long budget = 20_000_000; // characters parsed; bounds the time spent on huge texts
        String cur = text;
        List<String> lines = lines(cur);
        for (int i = lines.size() - 1; i >= 0 && budget > 0 && lines.size() > 1; i--) {
            List<String> l = new ArrayList<>(lines);
            l.remove(i);
            String cand = String.join("\n", l);
            budget -= cand.length() + 100;
            if (same(cand, signature)) {
                lines = l;
                cur = cand;
            }
        }
        for (int chunk = Math.max(1, cur.length() / 2); chunk >= 1 && budget > 0; chunk /= 2) {
            for (int at = 0; at + chunk <= cur.length() && budget > 0; ) {
                String cand = cur.substring(0, at) + cur.substring(at + chunk);
                budget -= cand.length() + 100;
                if (same(cand, signature)) cur = cand;
                else at += chunk;
            }
        }
        return cur;
    }

    private static boolean same(String text, String signature) {
        Problem p = check(text);
        return p != null && p.signature().equals(signature);
    }

    /** The first frame in nonetd's code, i.e. where the problem came from. */
    static String origin(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("io.nonetd.") && !e.getClassName().endsWith("ConfigFuzzTest")
                    && !e.getClassName().endsWith("ConfigException")) {
                return e.getClassName().replace("io.nonetd.config.", "") + "." + e.getMethodName() + ":" + e.getLineNumber();
            }
        }
        return "?";
    }

    static String stackTrace(Throwable t) {
        StringBuilder b = new StringBuilder(t.toString().length() > 500 ? t.toString().substring(0, 500) + "..." : t.toString()).append('\n');
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("org.junit") || e.getClassName().startsWith("jdk.internal.reflect")) break;
            b.append("\tat ").append(e).append('\n');
        }
        return b.toString();
    }

    /** The text as a Java string literal, to paste into a test; long texts keep head and tail. */
    static String literal(String s, int max) {
        if (s == null) return "null";
        if (s.length() > max) {
            return literal(s.substring(0, max / 2), max) + " + /* " + (s.length() - max) + " chars omitted */ "
                    + literal(s.substring(s.length() - max / 2), max);
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    // ---------------------------------------------------------------- the tests

    @Test
    void corpusIsValidAndCoversEveryKey() throws Exception {
        assertEquals(LimitsParser.KEYS, Set.copyOf(LIMITS_KEYS));
        for (String template : CORPUS) {
            String text = materialize(template);
            ServiceConfig c = ServiceConfigParser.parse(NAME, FILE, text);
            assertFalse(c.service().execStart().isEmpty(), text);
        }
        String all = String.join("\n", CORPUS);
        for (String key : ALL_KEYS) assertTrue(all.contains("\n" + key + "=") || all.contains("\n" + key + " ="), key);
        ServiceConfig full = ServiceConfigParser.parse(NAME, FILE, materialize(CORPUS.get(0)));
        assertEquals(List.of("/usr/bin/app", "--name=fuzz", "two words", "it's", "a;b", "A\t\u00e9A", "100%", "-v", "-q", "hi-x", "$HOME"),
                full.service().execStart());
        assertEquals(tree, full.container().directory());
        assertTrue(ServiceConfigParser.parse(NAME, FILE, materialize(CORPUS.get(3))).container().embedded());
    }

    /** Guards the fuzzer itself: mutants must not all die in the INI layer, or the value parsers go untested. */
    @Test
    void mutantsReachTheValueParsers() {
        int accepted = 0, keyed = 0;
        for (int i = 0; i < CASES_PER_SEED; i++) {
            try {
                ServiceConfigParser.parse(NAME, FILE, mutant(1, i));
                accepted++;
            } catch (ConfigException e) {
                if (e.key() != null) keyed++;
            } catch (RuntimeException e) {
                // reported by mutatedConfigsAreParsedOrRefusedWithFileAndLine
            }
        }
        assertTrue(accepted >= CASES_PER_SEED / 20, "only " + accepted + " mutants parse");
        assertTrue(keyed >= CASES_PER_SEED / 5, "only " + keyed + " refusals name a key");
        assertEquals(mutantTemplate(7, 42), mutantTemplate(7, 42));
    }

    /** 12 seeds x 500 mutants = 6000 mutated configs. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mutatedConfigsAreParsedOrRefusedWithFileAndLine(long seed) {
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < CASES_PER_SEED; i++) {
            String text = mutant(seed, i);
            Problem p = check(text);
            if (p != null) failures.add(new Failure("seed=" + seed + " iteration=" + i + " (regenerate: ConfigFuzzTest.mutant(" + seed + ", " + i + "))", text, p));
        }
        report("mutated configs of seed " + seed, CASES_PER_SEED, failures);
    }

    static Stream<String> allKeys() {
        return ALL_KEYS.stream();
    }

    /**
     * Every key with every interesting value of every kind, plain and quoted; the key's own kind of
     * values also twice and across a continuation line: ~24 x 750 configs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("allKeys")
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyKeyWithEveryHostileValue(String key) {
        String section = SERVICE_KEYS.contains(key) ? "Service" : CONTAINER_KEYS.contains(key) ? "Container" : "Limits";
        String head = key.equals("ExecStart") ? "[Service]\n" : "[Service]\nExecStart=/bin/cat\n" + (section.equals("Service") ? "" : "[" + section + "]\n");
        if (key.equals("Volatile")) head += "Directory=@TREE@\n";
        List<Failure> failures = new ArrayList<>();
        int total = 0;
        List<String> own = valuesFor(key);
        for (String v : ALL_VALUES) {
            List<String> variants = own.contains(v)
                    ? List.of(key + "=" + v, key + "=\"" + v + "\"", key + "=" + v + " " + v, key + "=" + v + "\\\n" + v)
                    : List.of(key + "=" + v, key + "=\"" + v + "\"");
            for (String line : variants) {
                String text = materialize(head + line + "\n");
                total++;
                Problem p = check(text);
                if (p != null) failures.add(new Failure("key=" + key + " value=" + literal(v, 80), text, p));
            }
        }
        report("configs with hostile values for " + key, total, failures);
    }

    /** Minimal inputs the fuzzer found; kept so that they stay fixed. */
    @ParameterizedTest
    @ValueSource(strings = {
            "[Service]\nExecStart=\\19t",          // seed 1 iteration 168, shrunk
            "[Service]\nEnvironment=\\1=1",        // seed 2 iteration 56, shrunk
            "[Limits]\nRefuseMessage=\\0\\0",     // everyKeyWithEveryHostileValue(RefuseMessage), shrunk
            "[Service]\nExecStart=/bin/cat\nEnvironment=\\08x\n",
    })
    void foundByTheFuzzer(String text) {
        Problem p = check(text);
        if (p != null) report("regression inputs", 1, List.of(new Failure("foundByTheFuzzer", text, p)));
    }

    @Test
    void loadRefusesInvalidUtf8NamingThePath() throws IOException {
        byte[][] invalid = {{(byte) 0xff}, {(byte) 0xfe}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xc1, (byte) 0xbf},
                {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xf8}};
        Random r = new Random(0xB17E5L);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byte[] body = i % 2 == 0 ? randomBytes(r, r.nextInt(4097))
                    : materialize(pick(r, CORPUS)).getBytes(StandardCharsets.UTF_8); // a real config with one bad byte sequence
            byte[] bad = invalid[r.nextInt(invalid.length)];
            int at = r.nextInt(body.length + 1);
            byte[] bytes = new byte[body.length + bad.length];
            System.arraycopy(body, 0, bytes, 0, at);
            System.arraycopy(bad, 0, bytes, at, bad.length);
            System.arraycopy(body, at, bytes, at + bad.length, body.length - at);
            Path f = tmp.resolve("bytes-" + i + ".conf");
            Files.write(f, bytes);
            try {
                ServiceConfigParser.load(f);
                failures.add(f + ": accepted invalid UTF-8");
            } catch (ConfigException e) {
                if (!e.getMessage().startsWith(f + ": ")) failures.add("i=" + i + ": " + literal(e.getMessage(), 300));
            } catch (Throwable t) {
                failures.add("i=" + i + ": uncaught " + stackTrace(t));
            }
        }
        Path big = tmp.resolve("big.conf");
        Files.write(big, randomBytes(r, (1 << 20) + 1));
        ConfigException e = assertThrows(ConfigException.class, () -> ServiceConfigParser.load(big));
        assertEquals(big + ": file larger than 1 MiB", e.getMessage());
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void loadOfMutatedFilesNamesPathAndLine() throws IOException {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < LOAD_CASES; i++) {
            String text = mutant(1000, i);
            Path f = tmp.resolve("mutant-" + i + ".conf");
            Files.write(f, text.getBytes(StandardCharsets.UTF_8)); // lone surrogates become '?'
            String written = Files.readString(f);
            try {
                ServiceConfig c = ServiceConfigParser.load(f);
                if (c.service().execStart().isEmpty()) failures.add("mutant(1000, " + i + "): empty ExecStart");
            } catch (ConfigException e) {
                Matcher m = Pattern.compile("^" + Pattern.quote(f.toString()) + ":(\\d+): .+", Pattern.DOTALL).matcher(e.getMessage());
                boolean ok = m.lookingAt() && m.group(1).length() < 10 && Integer.parseInt(m.group(1)) >= 1
                        && Integer.parseInt(m.group(1)) <= written.split("\n", -1).length;
                if (!ok) failures.add("mutant(1000, " + i + ") " + literal(written, 500) + ": " + literal(e.getMessage(), 300));
            } catch (Throwable t) {
                failures.add("mutant(1000, " + i + ") " + literal(written, 2000) + ": uncaught " + stackTrace(t));
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + LOAD_CASES + " files:\n" + String.join("\n", failures));
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
