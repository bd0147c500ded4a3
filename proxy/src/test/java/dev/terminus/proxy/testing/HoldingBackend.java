package dev.terminus.proxy.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 backend whose {@code /hold} requests wait until {@link #release} (at most
 * 60 s), after signalling {@link #held}; every other path answers {@code ok} at once. For tests
 * that need a request in flight at a moment they choose.
 */
public final class HoldingBackend implements AutoCloseable {
    static {
        // The JDK server writes head and body separately; without TCP_NODELAY, Nagle and the
        // peer's delayed ACK add ~40 ms to every response.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One permit per /hold request that arrived. */
    public final Semaphore held = new Semaphore(0);
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "holding-backend");
        t.setDaemon(true);
        return t;
    });
    private final HttpServer server;

    public HoldingBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Lets every held request, and every later one, answer. */
    public void release() {
        release.countDown();
    }

    /** Waits until {@code count} /hold requests have arrived, at most {@code seconds}. */
    public boolean awaitHeld(int count, long seconds) throws InterruptedException {
        return held.tryAcquire(count, seconds, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String body = "ok\n";
            if (exchange.getRequestURI().getPath().startsWith("/hold")) {
                held.release();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                body = "held\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
