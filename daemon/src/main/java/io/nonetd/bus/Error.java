package io.nonetd.bus;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * The D-Bus errors of {@link Daemon1}. dbus-java names an error reply after the exception's class
 * with '$' turned into '.', so these nested classes are the errors {@code io.nonetd.bus.Error.*}.
 */
public final class Error {
    public static final String NO_SUCH_SESSION = "io.nonetd.bus.Error.NoSuchSession";
    public static final String INVALID_ARGS = "io.nonetd.bus.Error.InvalidArgs";
    public static final String RELOAD_FAILED = "io.nonetd.bus.Error.ReloadFailed";
    public static final String FAILED = "io.nonetd.bus.Error.Failed";

    private Error() {}

    /** No running session has that id. */
    public static final class NoSuchSession extends DBusExecutionException {
        public NoSuchSession(String message) {
            super(message);
        }
    }

    /** An argument is out of range (a signal number, a timeout). */
    public static final class InvalidArgs extends DBusExecutionException {
        public InvalidArgs(String message) {
            super(message);
        }
    }

    /** A config file was refused; the message names file:line, and the old config stays. */
    public static final class ReloadFailed extends DBusExecutionException {
        public ReloadFailed(String message) {
            super(message);
        }
    }

    /** The daemon could not carry out the call (its loop did not answer, it is stopping). */
    public static final class Failed extends DBusExecutionException {
        public Failed(String message) {
            super(message);
        }
    }
}
