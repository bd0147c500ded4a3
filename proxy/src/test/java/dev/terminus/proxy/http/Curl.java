package dev.terminus.proxy.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/** Runs the real {@code curl} binary; every run is bounded by curl's own {@code --max-time}. */
final class Curl {

    private static final int MAX_SECONDS = 60;
    /** Own daemon threads: the common pool may have a single worker on a 2-core machine. */
    private static final Executor PIPES = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "curl-pipe");
        thread.setDaemon(true);
        return thread;
    });

    /** What one curl run printed. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /** What a streaming curl run printed to stdout, counted and checksummed instead of kept. */
    record Streamed(int exitCode, long stdoutBytes, long stdoutCrc, String stderr) {
    }

    private Curl() {
    }

    static Result run(String... args) throws IOException, InterruptedException {
        Process process = start(args);
        process.getOutputStream().close();
        CompletableFuture<String> stderr = readAsync(process.getErrorStream());
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(waitFor(process), stdout, stderr.join());
    }

    /** Runs curl feeding its stdin from {@code writer} on another thread, checksumming stdout. */
    static Streamed stream(Consumer<OutputStream> writer, String... args) throws IOException, InterruptedException {
        Process process = start(args);
        CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
            try (OutputStream in = process.getOutputStream()) {
                writer.accept(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, PIPES);
        CompletableFuture<String> stderr = readAsync(process.getErrorStream());
        CRC32 crc = new CRC32();
        long count = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream out = process.getInputStream()) {
            for (int n; (n = out.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                count += n;
            }
        }
        int exit = waitFor(process);
        feeding.join();
        return new Streamed(exit, count, crc.getValue(), stderr.join());
    }

    private static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.add("--max-time");
        command.add(String.valueOf(MAX_SECONDS));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    private static int waitFor(Process process) throws InterruptedException {
        if (!process.waitFor(MAX_SECONDS + 10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("curl did not finish");
        }
        return process.exitValue();
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, PIPES);
    }
}
