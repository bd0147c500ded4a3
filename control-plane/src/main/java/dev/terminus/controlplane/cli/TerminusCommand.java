package dev.terminus.controlplane.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Roots the command tree: {@code control-plane}, {@code ca}, {@code cert}, {@code events} and {@code token}. */
@Command(name = "terminus", mixinStandardHelpOptions = true, version = "terminus control plane 0.1",
        description = "Terminus control plane: run it, and manage certificates through its API.",
        subcommands = {ControlPlaneCommand.class, CaCommand.class, CertCommand.class, EventsCommand.class,
                TokenCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 refused by a rule or failed (the code and message say which), 2 bad usage."})
public final class TerminusCommand implements Runnable {

    /** Exit codes, as the launcher documents them. */
    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    /** Returned by the server command while it keeps serving on other threads: the launcher's JVM must stay up. */
    static final int SERVING = -1;

    final Map<String, String> environment;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    TerminusCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Returns the configured command line: output streams, exit codes and the failure handler. */
    static CommandLine commandLine(Map<String, String> environment, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new TerminusCommand(environment));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExitCodeExceptionMapper(failure -> failure instanceof CommandLine.ParameterException ? USAGE : REFUSED);
        commandLine.setExecutionExceptionHandler(new Failures());
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (see --help)");
    }

    /** Prints a failure as one line and picks the exit code: 1 for refusals and failures, 2 for usage errors. */
    static final class Failures implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception failure, CommandLine commandLine, CommandLine.ParseResult parsed) {
            PrintWriter err = commandLine.getErr();
            if (failure instanceof CommandLine.ParameterException usage) {
                err.println("terminus: " + usage.getMessage());
                usage.getCommandLine().usage(err);
                return USAGE;
            }
            if (failure instanceof UsageException usage) {
                err.println("terminus: " + usage.getMessage());
                return USAGE;
            }
            if (failure instanceof ApiClient.ApiCallException refused) {
                err.println("terminus: " + refused.code() + ": " + refused.getMessage());
                return REFUSED;
            }
            err.println("terminus: " + (failure.getMessage() == null ? failure.toString() : failure.getMessage()));
            return REFUSED;
        }
    }

    /** Signals bad usage that picocli cannot see (a missing token, an unreadable input file): exit 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
