package dev.terminus.proxy.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket echo backend and a WebSocket client, both Netty's own implementation of RFC 6455,
 * for tests that put the proxy between them.
 */
public final class WebSockets {
    /** Frames up to this size pass whole, so that one large frame crosses the proxy in many reads. */
    public static final int MAX_FRAME = 1024 * 1024;

    private WebSockets() {
    }

    /**
     * Starts a loopback backend that upgrades {@code /ws} and echoes every text and binary frame,
     * answers the close handshake and closes, and answers any other request 200 {@code ok}
     * (health checks). Plain HTTP, loopback port 0.
     */
    public static Server echoServer() throws InterruptedException {
        return echoServer(null);
    }

    /** Same as {@link #echoServer()}, over TLS with {@code tls} when it is not null. */
    public static Server echoServer(SslContext tls) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws")
                                        .decoderConfig(WebSocketDecoderConfig.newBuilder()
                                                .maxFramePayloadLength(MAX_FRAME).build())
                                        .build()),
                                new Echo());
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        return new Server(group, server);
    }

    /** A running backend; close stops it. */
    public record Server(EventLoopGroup group, Channel channel) implements AutoCloseable {
        public int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static final class Echo extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(((WebSocketFrame) msg).retain());
            } else if (msg instanceof FullHttpRequest request) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("ok\n", StandardCharsets.US_ASCII));
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 3);
                HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
                ctx.writeAndFlush(response);
            }
        }
    }

    /** A frame as the client received it, copied out of its buffer. */
    public record Received(boolean text, byte[] payload, int closeStatus) {
        public String textPayload() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** A WebSocket client connection; every received frame lands in {@link #received}. */
    public static final class Client implements AutoCloseable {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        public final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        private final CompletableFuture<Void> handshake = new CompletableFuture<>();
        private Channel channel;

        /**
         * Connects to 127.0.0.1:port over TLS (HTTP/1.1 only: no ALPN) with SNI {@code host},
         * and waits for the handshake to end, at most 10 s.
         */
        public Client(SslContext tls, String host, int port, String path) throws Exception {
            URI uri = URI.create("wss://" + host + ":" + port + path);
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port), new HttpClientCodec(),
                                    new HttpObjectAggregator(64 * 1024),
                                    new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                            .webSocketUri(uri).version(WebSocketVersion.V13)
                                            .customHeaders(new DefaultHttpHeaders())
                                            .maxFramePayloadLength(MAX_FRAME)
                                            // The test reads the server's close frame itself.
                                            .handleCloseFrames(false)
                                            .handshakeTimeoutMillis(10_000).build()),
                                    new Collector());
                        }
                    }).connect("127.0.0.1", port).sync().channel();
            handshake.get(15, TimeUnit.SECONDS);
        }

        public void sendText(String text) {
            channel.writeAndFlush(new TextWebSocketFrame(text));
        }

        public void sendBinary(byte[] bytes) {
            channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
        }

        public void sendClose(int status, String reason) {
            channel.writeAndFlush(new CloseWebSocketFrame(status, reason));
        }

        /** Returns the next frame, or fails after 10 s without one. */
        public Received next() throws InterruptedException {
            Received r = received.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no frame within 10 s");
            }
            return r;
        }

        /** Waits up to 10 s for the connection to close; returns whether it did. */
        public boolean awaitClosed() throws InterruptedException {
            return channel.closeFuture().await(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }

        private final class Collector extends SimpleChannelInboundHandler<WebSocketFrame> {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                    handshake.complete(null);
                } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                    handshake.completeExceptionally(new AssertionError("WebSocket handshake timed out"));
                }
                super.userEventTriggered(ctx, evt);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                byte[] bytes = ByteBufUtil.getBytes(frame.content());
                int status = frame instanceof CloseWebSocketFrame close ? close.statusCode() : -1;
                received.add(new Received(frame instanceof TextWebSocketFrame, bytes, status));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                handshake.completeExceptionally(cause);
                ctx.close();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                handshake.completeExceptionally(new AssertionError("closed before the WebSocket handshake ended"));
                ctx.fireChannelInactive();
            }
        }
    }
}
