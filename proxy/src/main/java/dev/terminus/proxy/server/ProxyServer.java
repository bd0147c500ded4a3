package dev.terminus.proxy.server;

import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.http.HttpPipelines;
import dev.terminus.proxy.runtime.ProxyRuntime;
import dev.terminus.proxy.runtime.SnapshotHolder;
import dev.terminus.proxy.tls.HandshakeCallback;
import dev.terminus.proxy.tls.HandshakeObserver;
import dev.terminus.proxy.tls.SniCertificateSelector;
import dev.terminus.proxy.tls.TlsMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.concurrent.EventExecutor;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.Socket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Binds the TLS listeners and wires each accepted connection: connection cap, SNI certificate
 * selection, handshake observation, then the application protocol. Connections read the limits
 * from the current snapshot at accept, and the listener's state once, at their ClientHello.
 * Keeps every accepted connection in a group, so that a shutdown can drain them.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final List<Channel> channels;
    private final Map<String, InetSocketAddress> bound;
    /** Downstream connections open now; closed ones leave by themselves. */
    private final ChannelGroup connections;

    private ProxyServer(List<Channel> channels, Map<String, InetSocketAddress> bound, ChannelGroup connections) {
        this.channels = channels;
        this.bound = bound;
        this.connections = connections;
    }

    /**
     * Binds every listener of the runtime's current configuration.
     *
     * @param callbacks gives each listener (by name) what installs the application protocol
     * @throws ServerStartException naming the listener and address when a bind fails
     */
    public static ProxyServer start(ProxyRuntime runtime, Transport transport, EventLoopGroup workers,
                                    TlsMetrics metrics, Function<String, HandshakeCallback> callbacks)
            throws ServerStartException {
        return start(runtime, transport, workers, metrics, callbacks, name -> ch -> {
            throw new IllegalStateException("listener '" + name + "' is plain HTTP but no plain handler was given");
        });
    }

    /**
     * Binds every listener of the runtime's current configuration: TLS listeners get the SNI
     * selector and the handshake observer, plain HTTP ones go straight to {@code plain}.
     *
     * @param callbacks gives each TLS listener (by name) what installs the application protocol
     * @param plain     gives each plain listener (by name) what installs HTTP on a new connection;
     *                  called on the connection's event loop
     * @throws ServerStartException naming the listener and address when a bind fails
     */
    public static ProxyServer start(ProxyRuntime runtime, Transport transport, EventLoopGroup workers,
                                    TlsMetrics metrics, Function<String, HandshakeCallback> callbacks,
                                    Function<String, Consumer<Channel>> plain)
            throws ServerStartException {
        ProxyConfig config = runtime.snapshots().current().config();
        SnapshotHolder holder = runtime.snapshots();
        ConnectionLimiter limiter = new ConnectionLimiter(() -> holder.current().config().limits().maxConnections(),
                metrics);
        ChannelGroup connections = new DefaultChannelGroup("downstream", GlobalEventExecutor.INSTANCE);
        List<Channel> channels = new ArrayList<>();
        Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
        try {
            for (ProxyConfig.Listener l : config.listeners()) {
                String name = l.name();
                HandshakeCallback callback = l.tls() ? callbacks.apply(name) : null;
                Consumer<Channel> plainInit = l.tls() ? null : plain.apply(name);
                ChannelInitializer<Channel> init = new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast("limit", limiter);
                        if (plainInit != null) {
                            plainInit.accept(ch);
                            return;
                        }
                        ProxyConfig.Limits limits = holder.current().config().limits();
                        ch.pipeline()
                                .addLast("sni", new SniCertificateSelector(
                                        () -> holder.current().listener(name).tls(), metrics,
                                        limits.maxClientHelloBytes(), limits.handshakeTimeout().toMillis()))
                                .addLast("handshake", new HandshakeObserver(name, metrics, callback));
                    }
                };
                InetSocketAddress address = new InetSocketAddress(l.address(), l.port());
                List<Channel> sockets;
                try {
                    sockets = bind(transport, workers, address, init);
                } catch (Exception e) {
                    String why = e instanceof BindException || String.valueOf(e.getMessage()).contains("in use")
                            ? "address already in use" : String.valueOf(e.getMessage());
                    throw new ServerStartException("listener '" + name + "': cannot bind " + l.address() + ":"
                            + l.port() + ": " + why, e);
                }
                Channel ch = sockets.get(0);
                channels.addAll(sockets);
                bound.put(name, (InetSocketAddress) ch.localAddress());
                if (l.tls()) {
                    log.info("listener '{}' on {} ({}, {} accept socket(s), policy {}, strict SNI {})", name,
                            ch.localAddress(), transport.name(), sockets.size(), l.policy(), l.strictSni());
                } else {
                    log.info("listener '{}' on {} ({}, {} accept socket(s), plain HTTP)", name, ch.localAddress(),
                            transport.name(), sockets.size());
                }
            }
        } catch (ServerStartException e) {
            channels.forEach(Channel::close);
            throw e;
        }
        runtime.serving(true);
        return new ProxyServer(channels, bound, connections);
    }

    /**
     * Binds one listening socket per event loop with {@code SO_REUSEPORT} where the transport
     * allows it (as nginx's {@code reuseport} and Envoy's default on Linux), so that each
     * connection is accepted on the loop that serves it; otherwise one socket whose accepted
     * connections are spread over the loops. Either way no thread exists only to accept.
     */
    private static List<Channel> bind(Transport transport, EventLoopGroup workers, InetSocketAddress address,
                                      ChannelInitializer<Channel> init) throws InterruptedException {
        List<Channel> sockets = new ArrayList<>();
        try {
            if (!transport.reusePort()) {
                sockets.add(bootstrap(transport, workers, init).bind(address).sync().channel());
                return sockets;
            }
            refuseSharedPort(address);
            InetSocketAddress at = address;
            for (EventExecutor executor : workers) {
                EventLoop loop = (EventLoop) executor;
                ServerBootstrap b = bootstrap(transport, loop, init).option(EpollChannelOption.SO_REUSEPORT, true);
                Channel ch = b.bind(at).sync().channel();
                sockets.add(ch);
                // Port 0 picks a port once; the other loops join that one.
                at = (InetSocketAddress) ch.localAddress();
            }
            return sockets;
        } catch (InterruptedException | RuntimeException e) {
            sockets.forEach(Channel::close);
            throw e;
        }
    }

    /**
     * Fails when something already listens on {@code address}, including another process's
     * {@code SO_REUSEPORT} group that ours would silently join and split connections with (a
     * second proxy started on the same port by mistake): a probe bound without
     * {@code SO_REUSEPORT} gets EADDRINUSE in both cases. The probe never listens nor connects,
     * so closing it leaves nothing behind.
     */
    private static void refuseSharedPort(InetSocketAddress address) {
        if (address.getPort() == 0) {
            return;
        }
        try (Socket probe = new Socket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
        } catch (IOException e) {
            throw new ChannelException(e.getMessage(), e);
        }
    }

    private static ServerBootstrap bootstrap(Transport transport, EventLoopGroup group, ChannelInitializer<Channel> init) {
        return new ServerBootstrap()
                .group(group, group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(init);
    }

    /** Returns the bound address of each listener, by name (port 0 resolved). */
    public Map<String, InetSocketAddress> bound() {
        return bound;
    }

    /** Stops accepting; connections in flight are left to {@link #drain} or the worker group's shutdown. */
    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
    }

    /**
     * Shuts down gracefully: stops accepting, asks every connection to finish (see
     * {@link HttpPipelines#drain}), waits up to {@code timeout} for them to close, then closes the
     * rest at once. Logs the counts at the start and the end. Blocks; call it off the event loops.
     */
    public DrainResult drain(Duration timeout) {
        long start = System.nanoTime();
        close();
        List<Channel> open = new ArrayList<>(connections);
        log.info("shutting down: stopped accepting; draining {} connections (shutdown-timeout {} ms)", open.size(),
                timeout.toMillis());
        open.forEach(HttpPipelines::drain);
        boolean drained = connections.newCloseFuture().awaitUninterruptibly(timeout.toMillis());
        List<Channel> left = new ArrayList<>(connections);
        left.removeIf(ch -> !ch.isOpen());
        if (!drained && !left.isEmpty()) {
            log.warn("shutdown-timeout of {} ms reached: closing {} connections with requests still in flight",
                    timeout.toMillis(), left.size());
            left.forEach(HttpPipelines::closeNow);
            // Closing is quick once asked; the bound only keeps a wedged event loop from hanging exit.
            connections.newCloseFuture().awaitUninterruptibly(2_000);
        } else {
            left = List.of();
        }
        DrainResult result = new DrainResult(open.size(), left.size(),
                Duration.ofNanos(System.nanoTime() - start));
        log.info("shutdown: drained in {} ms; {} connections finished, {} cut at the deadline",
                result.took().toMillis(), result.connections() - result.cut(), result.cut());
        return result;
    }

    /** What a drain did: connections open when it began, those closed at the deadline, time taken. */
    public record DrainResult(int connections, int cut, Duration took) {
    }

    /** Reports a listener that could not start, naming it and its address. */
    public static final class ServerStartException extends Exception {
        public ServerStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
