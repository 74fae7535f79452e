package io.nonetd.os;

import java.io.IOException;

/** A failed system call: which call, on what, and errno's text. */
public final class OsException extends IOException {
    private final int errno;

    public OsException(String call, int errno, String reason) {
        super(call + ": " + reason);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
