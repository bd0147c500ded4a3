package dev.terminus.controlplane.cli;

import java.io.PrintWriter;
import java.util.Map;

/** Runs the {@code terminus} control-plane commands and exits with their status (0 ok, 1 refused or failed, 2 bad usage). */
public final class Main {

    private Main() {
    }

    /** Runs {@code args} with the process environment and exits. */
    public static void main(String[] args) {
        int status = run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (status != TerminusCommand.SERVING) {
            System.exit(status);
        }
    }

    /** Runs {@code args} against {@code environment}, writing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
        return TerminusCommand.commandLine(environment, out, err).execute(args);
    }
}
