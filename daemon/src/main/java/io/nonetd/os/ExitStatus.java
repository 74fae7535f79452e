package io.nonetd.os;

/** How a child ended: an exit code, or the signal that killed it. */
public record ExitStatus(int code, int signal) {
    /** The status of a process that was not our child: it went to its parent. */
    public static final ExitStatus UNKNOWN = new ExitStatus(-1, -1);

    static ExitStatus fromWaitStatus(int status) {
        int termsig = status & 0x7f;
        if (termsig == 0) return new ExitStatus((status >> 8) & 0xff, 0);
        return new ExitStatus(-1, termsig);
    }

    public boolean success() {
        return signal == 0 && code == 0;
    }

    @Override
    public String toString() {
        if (this.equals(UNKNOWN)) return "exit status unknown (not our child)";
        return signal == 0 ? "exit status " + code : "killed by signal " + signal + " (" + Signals.name(signal) + ")";
    }
}
