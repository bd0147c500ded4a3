package dev.terminus.proxy.balancing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;

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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP backend that answers its own name. {@code /health} answers {@link #healthStatus};
 * {@code /hold} waits until {@link #release} (bounded at 30 s), after signalling {@link #held}.
 * It can be stopped (closing every connection) and started again on the same port.
 */
final class Backend implements AutoCloseable {
    static {
        // The JDK server writes head and body separately; without TCP_NODELAY, Nagle and the
        // peer's delayed ACK add ~40 ms to every response.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    final String name;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger healthChecks = new AtomicInteger();
    final AtomicInteger healthStatus = new AtomicInteger(200);
    /** One permit per /hold request that arrived. */
    final Semaphore held = new Semaphore(0);
    private volatile CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "backend");
        t.setDaemon(true);
        return t;
    });
    /** Serves HTTPS with this context when not null. */
    private final SSLContext tls;
    private int port;
    private HttpServer server;

    Backend(String name) throws IOException {
        this(name, null);
    }

    /** Starts a backend that speaks HTTPS with {@code tls}, or plain HTTP when it is null. */
    Backend(String name, SSLContext tls) throws IOException {
        this.name = name;
        this.tls = tls;
        start(0);
    }

    int port() {
        return port;
    }

    synchronized void start(int wanted) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted);
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 128);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(address, 128);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    /** Stops at once: the listening socket and every connection close. */
    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    void release() {
        CountDownLatch r = release;
        release = new CountDownLatch(1);
        r.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/health")) {
                healthChecks.incrementAndGet();
                send(exchange, healthStatus.get(), "health " + name + "\n");
                return;
            }
            requests.incrementAndGet();
            if (path.startsWith("/hold")) {
                CountDownLatch r = release;
                held.release();
                try {
                    r.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            send(exchange, 200, name + "\n");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        stop();
        release();
        threads.shutdownNow();
    }
}
