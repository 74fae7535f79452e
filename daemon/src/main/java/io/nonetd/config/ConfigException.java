package io.nonetd.config;

/**
 * A configuration file that nonetd refuses, with the place to fix it:
 * {@code FILE:LINE: KEY=: what is wrong}.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final String key;
    private final String problem;

    public ConfigException(String file, int line, String key, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (key == null ? "" : key + "=: ") + problem);
        this.file = file;
        this.line = line;
        this.key = key;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    /** The key involved, or null for a problem with a line or section. */
    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }
}
