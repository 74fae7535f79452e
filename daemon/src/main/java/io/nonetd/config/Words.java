package io.nonetd.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * systemd's rules for command lines and Environment= values: words separated by whitespace,
 * single and double quotes group (also within a word), C escapes such as {@code \t}, {@code \x41}
 * and {@code \;}; specifiers {@code %%} and {@code %i}; variables {@code ${NAME}} inside a word
 * and {@code $NAME} as a whole word, which splits into several. Errors are
 * IllegalArgumentExceptions whose message the config parser puts after {@code file:line: Key=:}.
 */
public final class Words {
    private Words() {}

    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (word != null) words.add(word.toString());
                word = null;
                continue;
            }
            if (word == null) word = new StringBuilder();
            if (c == '\\') {
                i = unescape(text, i, word);
            } else if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            } else {
                word.append(c);
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unbalanced quotes in " + Ini.quote(text));
        if (word != null) words.add(word.toString());
        return words;
    }

    /** Expands %% and %i (the service's name); any other specifier is refused. */
    public static String expandSpecifiers(String text, String instance) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                b.append(c);
                continue;
            }
            if (i + 1 >= text.length()) throw new IllegalArgumentException("lone '%' at the end; write '%%' for a percent sign");
            char s = text.charAt(++i);
            switch (s) {
                case '%' -> b.append('%');
                case 'i' -> b.append(instance);
                default -> throw new IllegalArgumentException("unsupported specifier '%" + s + "'; only %i and %% are known, write '%%' for a percent sign");
            }
        }
        return b.toString();
    }

    /** Substitutes Environment= variables into ExecStart words, as systemd does at exec time. */
    public static List<String> expandVariables(List<String> words, Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            if (w.matches("\\$[A-Za-z_][A-Za-z0-9_]*")) {
                String v = env.get(w.substring(1));
                if (v != null) out.addAll(List.of(v.strip().split("\\s+")).stream().filter(s -> !s.isEmpty()).toList());
                continue;
            }
            out.add(substitute(w, env));
        }
        return out;
    }

    private static String substitute(String w, Map<String, String> env) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (c == '$' && i + 1 < w.length() && w.charAt(i + 1) == '$') {
                b.append('$');
                i++;
            } else if (c == '$' && i + 1 < w.length() && w.charAt(i + 1) == '{') {
                int end = w.indexOf('}', i);
                if (end < 0) throw new IllegalArgumentException("unterminated '${' in " + Ini.quote(w));
                String name = w.substring(i + 2, end);
                if (!isVariableName(name)) throw new IllegalArgumentException("bad variable name " + Ini.quote(name));
                b.append(env.getOrDefault(name, ""));
                i = end;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public static boolean isVariableName(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    /** Handles the escape starting at text[i] (a backslash); returns the index of its last char. */
    private static int unescape(String text, int i, StringBuilder out) {
        if (i + 1 >= text.length()) throw new IllegalArgumentException("trailing backslash");
        char e = text.charAt(i + 1);
        switch (e) {
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000b');
            case 's' -> out.append(' ');
            case '\\', '"', '\'', ';', ' ' -> out.append(e);
            case 'x' -> { return codePoint(text, i, i + 2, 2, 16, out); }
            case 'u' -> { return codePoint(text, i, i + 2, 4, 16, out); }
            case 'U' -> { return codePoint(text, i, i + 2, 8, 16, out); }
            default -> {
                if (e >= '0' && e <= '7') return codePoint(text, i, i + 1, 3, 8, out);
                throw new IllegalArgumentException("unknown escape '\\" + e + "'; write '\\\\' for a backslash");
            }
        }
        return i + 1;
    }

    /** The escape at text[backslash] whose {@code digits} digits start at {@code start}; returns its last index. */
    private static int codePoint(String text, int backslash, int start, int digits, int radix, StringBuilder out) {
        int end = start + digits;
        if (end > text.length()) throw new IllegalArgumentException("short escape sequence at the end of " + Ini.quote(text));
        String number = text.substring(start, end);
        int cp;
        try {
            if (!number.chars().allMatch(c -> Character.digit(c, radix) >= 0)) throw new NumberFormatException(); // no sign
            cp = Integer.parseInt(number, radix);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("bad escape '" + text.substring(backslash, end) + "'");
        }
        if (cp == 0) throw new IllegalArgumentException("escaped NUL byte is not allowed");
        if (!Character.isValidCodePoint(cp)) throw new IllegalArgumentException("bad code point in '" + text.substring(backslash, end) + "'");
        out.appendCodePoint(cp);
        return end - 1;
    }
}
