package dev.terminus.controlplane.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code /usr/bin/openssl} in a directory and captures exit code and combined output. */
public final class OpenSsl {

    public static final String BINARY = "/usr/bin/openssl";

    /** Holds what one openssl run returned. */
    public record Result(int exitCode, String output) {
    }

    private OpenSsl() {
    }

    /** Runs {@code openssl args...} in {@code dir}; fails the test if it does not finish within 60 seconds. */
    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(BINARY);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl did not finish: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
