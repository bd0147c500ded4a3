package dev.terminus.proxy.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Serves the proxy's admin port: plain HTTP/1.1 with {@code /healthz}, {@code /readyz},
 * {@code /metrics}, {@code /certificates}, {@code /targets}, {@code POST /admin/reload} and
 * {@code POST /admin/reopen-logs}. Runs on the caller's
 * event loop group, which it never shuts down; {@link #close()} closes the listening socket and
 * every admin connection, and waits for both.
 */
public final class AdminServer implements AutoCloseable {

    /** Admin requests are tiny; anything larger is refused with 413 by the aggregator. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final Channel serverChannel;
    private final ChannelGroup channels;
    private final int port;

    private AdminServer(Channel serverChannel, ChannelGroup channels) {
        this.serverChannel = serverChannel;
        this.channels = channels;
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Binds the admin port and returns once it accepts connections.
     *
     * @param bind             address to listen on; port 0 picks a free port, see {@link #port()}
     * @param backend          what the endpoints report and do
     * @param registry         the registry {@code /metrics} scrapes; admin request counts land here too
     * @param group            event loops for accepting and serving; epoll groups get an epoll
     *                         server channel, any other group an NIO one
     * @param blockingExecutor runs {@link AdminBackend#reload()} and {@link AdminBackend#reopenLogs()};
     *                         must not be an event loop
     * @throws UncheckedIOException caused by a {@link BindException} naming {@code bind} when the
     *                              address is in use or cannot be bound
     */
    public static AdminServer start(InetSocketAddress bind, AdminBackend backend, PrometheusMeterRegistry registry,
                                    EventLoopGroup group, Executor blockingExecutor) {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        if (blockingExecutor instanceof EventExecutorGroup) {
            // reload() reads files; running it on an event loop would stall every connection there.
            throw new IllegalArgumentException("blockingExecutor: " + blockingExecutor
                    + " (expected: an executor whose threads are not event loops)");
        }
        ChannelGroup channels = new DefaultChannelGroup("admin", GlobalEventExecutor.INSTANCE);
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(ServerChannels.forGroup(group))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast(
                                new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new AdminHandler(backend, registry, blockingExecutor));
                    }
                })
                .bind(bind)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw bindFailure(bind, bound.cause());
        }
        channels.add(bound.channel());
        return new AdminServer(bound.channel(), channels);
    }

    private static UncheckedIOException bindFailure(InetSocketAddress bind, Throwable cause) {
        String address = hostPort(bind);
        String message = inUse(cause)
                ? "admin port " + address + " is already in use"
                : "cannot bind admin port " + address + ": " + cause.getMessage();
        BindException bindException = new BindException(message);
        bindException.initCause(cause);
        return new UncheckedIOException(message, bindException);
    }

    /** Says whether {@code cause} is EADDRINUSE, from the JDK (BindException) or epoll (errno text). */
    private static boolean inUse(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Returns the port the admin server listens on, useful when it was started on port 0. */
    public int port() {
        return port;
    }

    /** Returns the listening channel's type, so tests can see which transport was chosen. */
    Class<? extends Channel> serverChannelType() {
        return serverChannel.getClass();
    }

    /** Closes the listening socket and all admin connections, and waits until they are closed. */
    @Override
    public void close() {
        channels.close().awaitUninterruptibly();
        serverChannel.closeFuture().awaitUninterruptibly();
    }
}
