package io.nonetd.config;

import static io.nonetd.config.ConfigMutator.*;
import static io.nonetd.config.FuzzCorpus.*;
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
        FuzzCorpus.tmp = tmp;
        FuzzCorpus.tree = tree;
        FuzzCorpus.empty = empty;
    }


    // ---------------------------------------------------------------- the mutator
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
