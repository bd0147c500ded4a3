package dev.terminus.controlplane.webhooks;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Receives webhooks on 127.0.0.1, port 0: records each request, answers the scripted statuses in turn
 * (then 200), optionally runs a hook first, e.g. to hold the answer on a latch. Handlers run on one thread.
 */
final class Receiver implements AutoCloseable {

    /** One received request. */
    record Request(String method, Headers headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Runnable beforeAnswer = () -> { };
    private int defaultStatus = 200;

    private Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    static Receiver start() {
        try {
            return new Receiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the hook URL. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** Answers {@code codes} to the next requests, in order, then the default status. */
    synchronized Receiver answer(Integer... codes) {
        statuses.addAll(List.of(codes));
        return this;
    }

    /** Answers {@code code} once the scripted statuses are used up. */
    synchronized Receiver byDefault(int code) {
        defaultStatus = code;
        return this;
    }

    /** Runs {@code hook} on the handler thread before each answer. */
    Receiver beforeAnswer(Runnable hook) {
        beforeAnswer = hook;
        return this;
    }

    /** Holds every answer until this receiver closes, or at most 30 s: a receiver that never answers. */
    Receiver hang() {
        return beforeAnswer(() -> await(closed));
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Returns the X-Terminus-Event-Id of each request, in arrival order. */
    synchronized List<String> eventIds() {
        return requests.stream().map(r -> r.header("X-Terminus-Event-Id")).toList();
    }

    /** Waits, at most 30 s, until {@code count} requests have arrived; returns whether they did. */
    synchronized boolean awaitRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (requests.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status;
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestHeaders(), body));
                notifyAll();
                status = statuses.isEmpty() ? defaultStatus : statuses.poll();
            }
            beforeAnswer.run();
            exchange.sendResponseHeaders(status, -1);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            // Bounded, so that a broken test fails instead of hanging the build.
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
