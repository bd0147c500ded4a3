package dev.terminus.proxy.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts a real {@link AdminServer} on 127.0.0.1 port 0 with a {@link FakeBackend}, a real
 * Prometheus registry and named threads, and tears all of it down.
 */
final class AdminFixture implements AutoCloseable {

    static final String LOOP_THREAD_PREFIX = "admin-test-loop";
    static final String BLOCKING_THREAD_PREFIX = "admin-test-blocking";

    /** Names the event loop flavours the admin server must run on. */
    enum Transport {
        NIO, EPOLL;

        boolean available() {
            return this == NIO || Epoll.isAvailable();
        }

        IoHandlerFactory handlerFactory() {
            return this == NIO ? NioIoHandler.newFactory() : EpollIoHandler.newFactory();
        }
    }

    final MultiThreadIoEventLoopGroup group;
    final ExecutorService blocking;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Counter testCounter = Counter.builder("terminus.test.requests").description("requests seen by the test")
            .tag("listener", "https-443").register(registry);
    final FakeBackend backend;
    final AdminServer server;

    AdminFixture(Transport transport) {
        group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory(LOOP_THREAD_PREFIX),
                transport.handlerFactory());
        AtomicInteger threads = new AtomicInteger();
        blocking = Executors.newFixedThreadPool(2,
                r -> new Thread(r, BLOCKING_THREAD_PREFIX + "-" + threads.incrementAndGet()));
        backend = new FakeBackend(this::onEventLoop);
        try {
            server = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), backend, registry, group, blocking);
        } catch (RuntimeException e) {
            shutdownThreads();
            throw e;
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Returns whether the calling thread is one of this fixture's event loops. */
    boolean onEventLoop() {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            shutdownThreads();
        }
    }

    private void shutdownThreads() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdownNow();
        try {
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
