package dev.terminus.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real client programs (openssl, curl) with a bound on their run time. */
public final class Commands {
    private Commands() {
    }

    /** What a finished command printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {
    }

    /** Runs the command with empty standard input; fails the test if it runs over 30 seconds. */
    public static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> copy(p.getInputStream(), out));
        pump.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        pump.join(5_000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // The process ended; what was read is kept.
        }
    }
}
