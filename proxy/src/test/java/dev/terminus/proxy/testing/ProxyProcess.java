package dev.terminus.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real proxy ({@code dev.terminus.proxy.cli.ProxyMain}) as a child JVM with the test's
 * class path and the given JVM options, for tests about the process itself (memory bounds, exit
 * status). Its output goes to a file; listener ports are read from its start-up line.
 */
public final class ProxyProcess implements AutoCloseable {
    /** {@code terminus proxy: serving {https=/127.0.0.1:40123, http=/127.0.0.1:40124}, admin on port 40125}. */
    private static final Pattern SERVING = Pattern.compile("terminus proxy: serving \\{(.*)}, admin on port (\\d+)");
    private static final Pattern LISTENER = Pattern.compile("([\\w.-]+)=[^,]*:(\\d+)");

    private final Process process;
    private final Path log;
    private final Map<String, Integer> ports = new HashMap<>();
    private int adminPort;

    /**
     * Starts the proxy on {@code config} and waits until it serves, at most {@code startSeconds}.
     *
     * @throws AssertionError with the proxy's output when it exits or does not serve in time
     */
    public ProxyProcess(Path config, List<String> jvmOptions, Path log, long startSeconds) throws Exception {
        this.log = log;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add("dev.terminus.proxy.cli.ProxyMain");
        cmd.add("--config");
        cmd.add(config.toString());
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(startSeconds);
        while (true) {
            Matcher m = SERVING.matcher(output());
            if (m.find()) {
                Matcher l = LISTENER.matcher(m.group(1));
                while (l.find()) {
                    ports.put(l.group(1), Integer.parseInt(l.group(2)));
                }
                adminPort = Integer.parseInt(m.group(2));
                return;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("the proxy did not start (alive: " + process.isAlive() + "):\n" + output());
            }
            // Polls the child's log file; nothing to wait on in-process.
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    /** Returns the test JVM's class path as a path list the child can use. */
    private static String classPath() {
        // Surefire may run the tests from a manifest-only jar; it also publishes the real class path.
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    public int port(String listener) {
        Integer p = ports.get(listener);
        if (p == null) {
            throw new IllegalArgumentException("listener: " + listener + " (expected one of " + ports.keySet() + ")");
        }
        return p;
    }

    public int adminPort() {
        return adminPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Returns everything the proxy printed so far. */
    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Stops the proxy with SIGTERM (its shutdown hook runs), forcibly after 10 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
