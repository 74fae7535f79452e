package io.nonetd.config;

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

/** ConfigFuzzTest's starting configs and the values it tries for every key. */
final class FuzzCorpus {
    private FuzzCorpus() {}

    /** Set by ConfigFuzzTest before any test: a temp dir, an OS tree in it, and a directory that is not one. */
    static Path tmp, tree, empty;


    static final List<String> SERVICE_KEYS = List.of("ExecStart", "Handoff", "Environment", "TimeoutStopSec");
    static final List<String> CONTAINER_KEYS = List.of("Directory", "Volatile", "ReadOnly", "PrivateUsers", "Bind", "BindReadOnly", "TmpfsSize");
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
            TmpfsSize=16M
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
            case "MemoryMax", "TmpfsSize" -> SIZES;
            case "CPUQuota" -> PERCENTS;
            default -> INTS;
        };
    }

    static String materialize(String template) {
        return template.replace("@TREE@", tree.toString()).replace("@EMPTY@", empty.toString()).replace("@TMP@", tmp.toString());
    }
}
