package dev.terminus.proxy.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Keeps the backend connections of one downstream connection: opens them on the downstream
 * event loop and keeps kept-alive ones for the next request to the same backend. Confined to
 * that event loop, so it needs no locks; HTTP/2 streams of one connection share one pool.
 */
final class UpstreamPool {

    /** Opens a connection to a backend; tests replace it to run without sockets. */
    @FunctionalInterface
    interface Connector {
        ChannelFuture connect(Channel downstream, RouteAction.Forward target,
                              ChannelInitializer<Channel> initializer, HttpLimits limits);
    }

    /** Bounds idle connections per downstream connection; an HTTP/1.1 one needs one at most. */
    private static final int MAX_IDLE = 8;

    private final Channel downstream;
    private final HttpLimits limits;
    private final Connector connector;
    private final UpstreamMetrics metrics;
    private final ArrayDeque<Upstream> idle = new ArrayDeque<>(2);
    private boolean closed;

    UpstreamPool(Channel downstream, HttpLimits limits, Connector connector, UpstreamMetrics metrics) {
        this.downstream = downstream;
        this.limits = limits;
        this.connector = connector;
        this.metrics = metrics;
    }

    UpstreamMetrics metrics() {
        return metrics;
    }

    /** Returns an idle, open connection to {@code target} attached to {@code listener}, or null. */
    Upstream acquire(UpstreamTarget target, Upstream.Listener listener) {
        Upstream first = idle.peekFirst();
        if (first != null && first.target().reusable() && first.tls() == first.target().tls()
                && first.target().equals(target) && first.isActive()) {
            // The common case (one backend per connection), without an iterator per request;
            // the loop below would pick the same connection.
            idle.pollFirst();
            first.attach(listener);
            return first;
        }
        for (Iterator<Upstream> it = idle.iterator(); it.hasNext(); ) {
            Upstream upstream = it.next();
            if (!upstream.target().reusable() || upstream.tls() != upstream.target().tls()) {
                // Its target drains, or a reload changed how to speak TLS to it: finish with it
                // rather than carry it to the delay's end or reuse a connection the new settings refuse.
                it.remove();
                upstream.close();
                continue;
            }
            if (upstream.target().equals(target) && upstream.isActive()) {
                it.remove();
                upstream.attach(listener);
                return upstream;
            }
        }
        return null;
    }

    /**
     * Opens a new connection to {@code target}. The future completes once the connection can carry
     * a request (after the TLS handshake for an HTTPS target), with no exchange attached yet; it
     * fails with the connect or handshake failure. The connection counts with {@code target}
     * (see {@link UpstreamTarget#connectionOpened}) before the future completes, so before any
     * request is sent on it.
     */
    Future<Upstream> connect(UpstreamTarget target) {
        UpstreamTls tls = target.tls();
        Upstream upstream = new Upstream(this, target, tls, limits.idleTimeoutMillis());
        HttpLimits l = limits;
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tls != null) {
                    // The handshake must finish within the connect timeout too: to the client,
                    // a backend that accepts but never completes TLS is one that cannot be reached.
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), target.address(), l.connectTimeoutMillis()));
                }
                ch.pipeline().addLast("http", new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(l.maxInitialLineLength())
                                .setMaxHeaderSize(l.maxHeaderSize()),
                        false, false));
                ch.pipeline().addLast("upstream", upstream);
            }
        };
        ChannelFuture connecting = connector.connect(downstream, target.address(), init, limits);
        Promise<Upstream> ready = downstream.eventLoop().newPromise();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
                return;
            }
            // Netty runs a connect future's listeners before the channel's channelActive: count
            // the connection here, ahead of the request the caller sends once this completes.
            upstream.opened(connecting.channel());
            SslHandler ssl = tls == null ? null : connecting.channel().pipeline().get(SslHandler.class);
            if (ssl == null) {
                ready.trySuccess(upstream);
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    ready.trySuccess(upstream);
                } else {
                    ready.tryFailure(h.cause());
                    connecting.channel().close();
                }
            });
        });
        return ready;
    }

    /** Takes a connection back after a complete exchange; keeps it only if it is still usable. */
    void release(Upstream upstream) {
        if (upstream.tunneled()) {
            throw new IllegalStateException("a tunneled connection cannot go back to the pool");
        }
        upstream.detach();
        if (closed || !upstream.isActive() || !upstream.target().reusable() || idle.size() >= MAX_IDLE) {
            upstream.close();
            return;
        }
        idle.push(upstream);
    }

    /** Forgets a connection that closed. */
    void remove(Upstream upstream) {
        idle.remove(upstream);
    }

    /** Closes every idle connection and refuses to keep more; called when downstream closes. */
    void close() {
        closed = true;
        while (!idle.isEmpty()) {
            idle.pop().close();
        }
    }

    /**
     * Connects with a {@link Bootstrap} on the downstream channel's own event loop, with the
     * socket class of the same transport, so both sides of an exchange share one thread.
     */
    static ChannelFuture bootstrapConnect(Channel downstream, RouteAction.Forward target,
                                          ChannelInitializer<Channel> initializer, HttpLimits limits) {
        Channel transport = downstream;
        while (transport instanceof Http2StreamChannel && transport.parent() != null) {
            transport = transport.parent();
        }
        return new Bootstrap()
                .group(transport.eventLoop())
                .channel(socketChannelClass(transport))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, limits.connectTimeoutMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, transport.alloc())
                .resolver(OffloadedResolverGroup.INSTANCE)
                .handler(initializer)
                .connect(address(target));
    }

    /** Picks the socket class of the downstream transport: epoll for epoll, NIO otherwise. */
    static Class<? extends Channel> socketChannelClass(Channel transport) {
        if (transport instanceof EpollSocketChannel) {
            return EpollSocketChannel.class;
        }
        return NioSocketChannel.class;
    }

    /** Builds a resolved address for an IP literal, so it never reaches a resolver. */
    static InetSocketAddress address(RouteAction.Forward target) {
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(target.host());
        if (ip != null) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(target.host(), ip), target.port());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("unreachable: the address length was checked", e);
            }
        }
        return InetSocketAddress.createUnresolved(target.host(), target.port());
    }
}
