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
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

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
    private final ArrayDeque<Upstream> idle = new ArrayDeque<>(2);
    private boolean closed;

    UpstreamPool(Channel downstream, HttpLimits limits, Connector connector) {
        this.downstream = downstream;
        this.limits = limits;
        this.connector = connector;
    }

    /** Returns an idle, open connection to {@code target} attached to {@code listener}, or null. */
    Upstream acquire(UpstreamTarget target, Upstream.Listener listener) {
        for (Iterator<Upstream> it = idle.iterator(); it.hasNext(); ) {
            Upstream upstream = it.next();
            if (!upstream.target().reusable()) {
                // Its target drains: finish with it rather than carry it to the delay's end.
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
     * Starts a new connection to {@code target}; its events go to {@code listener}. The connection
     * counts with {@code target} before the listeners the caller adds to the returned future run.
     */
    ChannelFuture connect(UpstreamTarget target, Upstream.Listener listener) {
        Upstream upstream = new Upstream(this, target, listener);
        HttpLimits l = limits;
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("http", new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(l.maxInitialLineLength())
                                .setMaxHeaderSize(l.maxHeaderSize()),
                        false, false));
                ch.pipeline().addLast("idle",
                        new IdleStateHandler(0, 0, l.idleTimeoutMillis(), TimeUnit.MILLISECONDS));
                ch.pipeline().addLast("upstream", upstream);
            }
        };
        ChannelFuture connecting = connector.connect(downstream, target.address(), init, limits);
        // Added before the caller's listener, which sends the request: listeners run in order.
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                upstream.opened(connecting.channel());
            }
        });
        return connecting;
    }

    /** Takes a connection back after a complete exchange; keeps it only if it is still usable. */
    void release(Upstream upstream) {
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
