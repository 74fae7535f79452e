package io.nonetd.config;

import static io.nonetd.config.FuzzCorpus.*;

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

/** ConfigFuzzTest's mutator: deterministic (seed, iteration) -> a mutated config template. */
final class ConfigMutator {
    private ConfigMutator() {}

    static final int MAX_LONG_LINE = 100_000;


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

}
