package dev.terminus.proxy.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Starts loopback servers on port 0 for integration tests and stops them all on close. */
final class TestServers implements AutoCloseable {

    /** Socket transports a test proxy can run on. */
    enum Transport { NIO, EPOLL }

    private final List<EventLoopGroup> groups = new ArrayList<>();
    private final List<Channel> servers = new ArrayList<>();
    /** Backend connections accepted so far by echo backends, numbered from 1. */
    final AtomicInteger backendConnections = new AtomicInteger();

    /** Starts a backend that answers with the request head it received, or echoes the body at /echo-body. */
    InetSocketAddress echoBackend() throws InterruptedException {
        return bind(Transport.NIO, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                        new EchoHandler(backendConnections.incrementAndGet()));
            }
        });
    }

    /** Starts a backend that accepts connections and reads them, but never answers. */
    InetSocketAddress silentBackend() throws InterruptedException {
        return bind(Transport.NIO, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        });
    }

    /** Returns a loopback port that was free a moment ago and now refuses connections. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts a plain-text proxy listener. */
    InetSocketAddress plainProxy(Transport transport, Routes routes, HttpLimits limits) throws InterruptedException {
        return bind(transport, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                HttpPipelines.configure(ch.pipeline(), null, info(ch, "http", null), routes, limits);
            }
        });
    }

    /** Returns a self-signed certificate for {@code host} that clients can also trust as its own CA. */
    static X509Bundle selfSigned(String host) throws Exception {
        return new CertificateBuilder().subject("CN=" + host).addSanDnsName(host)
                .setIsCertificateAuthority(true).buildSelfSigned();
    }

    /**
     * Returns a server context for {@link #tlsProxy} (OpenSSL, HTTP/2-safe ciphers) that offers h2 and
     * http/1.1 by ALPN, as the TLS layer does. The caller releases it.
     */
    static SslContext alpnServerContext(X509Bundle cert) throws SSLException {
        return SslContextBuilder.forServer(cert.getKeyPair().getPrivate(), cert.getCertificatePath())
                .sslProvider(SslProvider.OPENSSL)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    /** Returns {@link #alpnServerContext(X509Bundle)} for a new self-signed certificate for {@code host}. */
    static SslContext alpnServerContext(String host) throws Exception {
        return alpnServerContext(selfSigned(host));
    }

    /** Starts a TLS proxy listener that negotiates h2 or http/1.1 by ALPN, as the TLS layer does. */
    InetSocketAddress tlsProxy(Transport transport, SslContext sslContext, Routes routes, HttpLimits limits)
            throws InterruptedException {
        return bind(transport, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(sslContext.newHandler(ch.alloc()),
                        new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
                                HttpPipelines.configure(ctx.pipeline(), protocol, info(ch, "https", session),
                                        routes, limits);
                            }
                        });
            }
        });
    }

    private static ConnectionInfo info(SocketChannel ch, String scheme, SSLSession session) {
        return new ConnectionInfo(ch.remoteAddress(), ch.localAddress().getPort(), scheme, null,
                session == null ? null : session.getProtocol(), session == null ? null : session.getCipherSuite());
    }

    private InetSocketAddress bind(Transport transport, ChannelHandler childHandler) throws InterruptedException {
        boolean epoll = transport == Transport.EPOLL;
        if (epoll) {
            Epoll.ensureAvailability();
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        groups.add(group);
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Channel server = new ServerBootstrap().group(group).channel(type).childHandler(childHandler)
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        servers.add(server);
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        for (Channel server : servers) {
            server.close().syncUninterruptibly();
        }
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Answers with the request head as text, or streams the request body back at /echo-body. */
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final int connectionId;
        private boolean echoBody;
        private boolean keepAlive;
        private StringBuilder head;

        EchoHandler(int connectionId) {
            this.connectionId = connectionId;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                keepAlive = HttpUtil.isKeepAlive(request);
                echoBody = request.uri().endsWith("/echo-body");
                head = new StringBuilder().append("connection-id: ").append(connectionId).append('\n')
                        .append(request.method()).append(' ').append(request.uri()).append('\n');
                for (Map.Entry<String, String> field : request.headers()) {
                    head.append(field.getKey().toLowerCase(Locale.ROOT)).append(": ").append(field.getValue()).append('\n');
                }
                if (echoBody) {
                    DefaultHttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setTransferEncodingChunked(response, true);
                    HttpUtil.setKeepAlive(response, keepAlive);
                    ctx.writeAndFlush(response);
                }
            }
            if (!(msg instanceof HttpContent content)) {
                return;
            }
            boolean last = content instanceof LastHttpContent;
            if (echoBody) {
                ctx.writeAndFlush(content);
                // Stop reading while the proxy cannot take the echo, so the test exercises backpressure.
                ctx.channel().config().setAutoRead(ctx.channel().isWritable());
                return;
            }
            content.release();
            if (last) {
                ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), head);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                HttpUtil.setKeepAlive(response, keepAlive);
                ctx.writeAndFlush(response);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }
    }
}
