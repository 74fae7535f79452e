package io.nonetd.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a systemd-style INI text into sections and assignments, keeping line numbers.
 * Comments start with '#' or ';'; a trailing backslash continues an assignment on the next line.
 * It knows no key names: {@link ServiceConfigParser} decides what is valid.
 */
public final class Ini {
    /** One {@code Key=value} line. */
    public record Assignment(String key, String value, int line) {}

    /** One {@code [Section]} with its assignments, in file order. */
    public record Section(String name, int line, List<Assignment> assignments) {}

    private static final int MAX_LINE = 64 * 1024;

    private Ini() {}

    public static List<Section> parse(String file, String text) throws ConfigException {
        List<Section> sections = new ArrayList<>();
        Section current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = stripCr(lines[i]);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
            if (trimmed.startsWith("[")) {
                if (!trimmed.endsWith("]") || trimmed.length() < 3) {
                    throw new ConfigException(file, lineNo, null, "bad section header " + quote(trimmed) + ", expected [Name]");
                }
                current = new Section(trimmed.substring(1, trimmed.length() - 1), lineNo, new ArrayList<>());
                sections.add(current);
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(file, lineNo, null, "expected Key=value or [Section], got " + quote(trimmed));
            }
            String key = trimmed.substring(0, eq).strip();
            if (!key.matches("[A-Za-z0-9_-]+")) {
                throw new ConfigException(file, lineNo, null, "bad key name " + quote(key));
            }
            StringBuilder value = new StringBuilder(trimmed.substring(eq + 1).strip());
            while (endsWithContinuation(value) && i + 1 < lines.length) {
                String next = stripCr(lines[++i]).strip();
                if (next.startsWith("#") || next.startsWith(";")) continue; // systemd skips comments in continuations
                value.setLength(value.length() - 1);
                value.append(' ').append(next);
                if (value.length() > MAX_LINE) throw new ConfigException(file, lineNo, key, "value longer than " + MAX_LINE + " bytes");
            }
            if (endsWithContinuation(value)) value.setLength(value.length() - 1);
            if (current == null) {
                throw new ConfigException(file, lineNo, key, "assignment outside of any section; start with [Service]");
            }
            current.assignments().add(new Assignment(key, value.toString().strip(), lineNo));
        }
        return sections;
    }

    private static boolean endsWithContinuation(CharSequence s) {
        int n = s.length();
        if (n == 0 || s.charAt(n - 1) != '\\') return false;
        int backslashes = 0;
        for (int i = n - 1; i >= 0 && s.charAt(i) == '\\'; i--) backslashes++;
        return backslashes % 2 == 1;
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 77) + "..." : s;
        StringBuilder b = new StringBuilder("'");
        for (char c : shown.toCharArray()) {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        return b.append('\'').toString();
    }
}
