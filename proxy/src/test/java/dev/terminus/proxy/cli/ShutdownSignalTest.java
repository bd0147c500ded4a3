package dev.terminus.proxy.cli;

import dev.terminus.proxy.testing.HoldingBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real process: {@code ProxyMain} in a child JVM gets SIGTERM while a request is in flight,
 * finishes that request, and exits 0.
 */
class ShutdownSignalTest {
    @TempDir
    Path dir;

    @Test
    void sigtermDrainsTheRequestInFlightThenExitsZero() throws Exception {
        try (HoldingBackend backend = new HoldingBackend()) {
            Path config = dir.resolve("proxy.yaml");
            Files.writeString(config, "admin: { port: 0 }\n"
                    + "limits: { shutdown-timeout: 20s }\n"
                    + "listeners:\n  - name: http\n    port: 0\n    protocol: HTTP\n"
                    + "    default-action: { forward: { host: 127.0.0.1, port: " + backend.port() + " } }\n");
            Process proxy = new ProcessBuilder(javaCommand(), "-Xmx256m", "-cp", classPath(),
                    ProxyMain.class.getName(), "--config", config.toString())
                    .redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            StringBuffer log = new StringBuffer();
            Thread reader = pump(proxy.getInputStream(), lines, log);
            try {
                String serving = awaitLine(lines, "terminus proxy: serving", 60);
                assertThat(serving).as(log.toString()).isNotNull();
                Matcher m = Pattern.compile("http=/127\\.0\\.0\\.1:(\\d+)").matcher(serving);
                assertThat(m.find()).as(serving).isTrue();
                int port = Integer.parseInt(m.group(1));

                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout(30_000);
                    client.getOutputStream().write("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                    assertThat(backend.awaitHeld(1, 30)).as(log.toString()).isTrue();

                    // SIGTERM, as Process.destroy() sends it; through the handle, because
                    // Process.destroy() also closes our end of the pipe and the drain's log with it.
                    assertThat(proxy.toHandle().destroy()).isTrue();

                    assertThat(awaitLine(lines, "shutting down: stopped accepting; draining 1 connections", 30))
                            .as(log.toString()).isNotNull();
                    assertThat(proxy.isAlive()).as("the process waits for the request in flight").isTrue();
                    backend.release();

                    String response = readAll(client.getInputStream());
                    assertThat(response).startsWith("HTTP/1.1 200 OK\r\n")
                            .containsIgnoringCase("connection: close\r\n").endsWith("held\n");
                }
                assertThat(proxy.waitFor(30, TimeUnit.SECONDS)).as(log.toString()).isTrue();
                reader.join(5_000);
                assertThat(proxy.exitValue()).as(log.toString()).isZero();
                assertThat(log.toString()).contains("drained in", "1 connections finished, 0 cut");
            } finally {
                proxy.destroyForcibly();
            }
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test class path: surefire passes it in a property when it launches through a manifest-only jar. */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        assertThat(cp.split(File.pathSeparator)).as("class path").anyMatch(e -> e.contains("netty"));
        return cp;
    }

    private static Thread pump(InputStream in, BlockingQueue<String> lines, StringBuffer log) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "proxy-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Returns the first line containing {@code text}, or null after {@code seconds}. */
    private static String awaitLine(BlockingQueue<String> lines, String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
        }
        return null;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
