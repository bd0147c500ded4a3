package dev.terminus.proxy.http;

import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stale keep-alive race through the whole proxy and real curl: a backend that drops a kept-
 * alive connection instead of answering the next request on it. An idempotent request without a
 * body is sent once more on a new connection and succeeds; any other gets 502 upstream-reset.
 */
class StaleConnectionRetryTest {
    private static final String HOST = "terminus.test";

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @ParameterizedTest(name = "{0}, backend {1}")
    @CsvSource({"http1, close", "http1, reset", "h2, close", "h2, reset"})
    void getIsSentAgainOnANewConnectionAndPostGets502(String protocol, String drop) throws Exception {
        int backend = droppingBackend(false, drop.equals("reset"));
        ProxyRig rig = proxy(backend);
        List<String> base = curl(rig, protocol);

        List<String> gets = new ArrayList<>(base);
        gets.addAll(List.of(url(rig, protocol, "/a"), url(rig, protocol, "/b"), url(rig, protocol, "/c")));
        Curl.Result ok = Curl.run(gets.toArray(String[]::new));
        assertThat(ok.exitCode()).as(ok.stderr()).isZero();
        // Every request but the first met a dropped connection and went out again on a new one.
        assertThat(ok.stdout()).isEqualTo("connection 1 GET /a\n=> 200 \nconnection 2 GET /b\n=> 200 \n"
                + "connection 3 GET /c\n=> 200 \n");
        assertThat(rig.count("terminus.upstream.retries", "reason", "stale_connection")).isEqualTo(2.0);

        List<String> post = new ArrayList<>(base);
        post.addAll(List.of(url(rig, protocol, "/d"), "--next"));
        post.addAll(base);
        post.addAll(List.of("-X", "POST", url(rig, protocol, "/e")));
        Curl.Result failed = Curl.run(post.toArray(String[]::new));
        assertThat(failed.exitCode()).as(failed.stderr()).isZero();
        assertThat(failed.stdout()).isEqualTo("connection 4 GET /d\n=> 200 \n502 Bad Gateway: "
                + "the backend closed or reset the connection before answering\n=> 502 upstream-reset\n");
        assertThat(rig.count("terminus.upstream.retries", "reason", "stale_connection")).isEqualTo(2.0);
    }

    @Test
    void aBackendThatClosesRightAfterEachResponseNeverFailsAGet() throws Exception {
        // The backend's close races the next request: either the proxy sees it first and opens a new
        // connection, or the request meets the closed one and is sent again. The client never notices.
        int backend = droppingBackend(true, false);
        ProxyRig rig = proxy(backend);
        List<String> cmd = new ArrayList<>(curl(rig, "http1"));
        for (int i = 0; i < 30; i++) {
            cmd.add(url(rig, "http1", "/" + i));
        }
        Curl.Result r = Curl.run(cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().filter(line -> line.startsWith("=> "))).hasSize(30).allMatch("=> 200 "::equals);
    }

    private ProxyRig proxy(int backendPort) throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Files2 cert = pki.ecdsa("lb", HOST);
        String action = "    default-action: { forward: { host: 127.0.0.1, port: " + backendPort + " } }\n";
        String yaml = "admin:\n  port: 0\nlisteners:\n"
                + "  - name: http\n    port: 0\n    protocol: HTTP\n" + action
                + "  - name: https\n    port: 0\n    certificates: [{ name: lb, chain: " + cert.chain() + ", key: "
                + cert.key() + " }]\n" + action;
        Path config = dir.resolve("proxy.yaml");
        Files.writeString(config, yaml);
        ProxyRig rig = new ProxyRig(config, 60_000);
        closing.add(rig);
        return rig;
    }

    private static List<String> curl(ProxyRig rig, String protocol) {
        List<String> args = new ArrayList<>(List.of("-sS", "-w", "=> %{http_code} %header{x-terminus-error}\n"));
        if (protocol.equals("h2")) {
            args.addAll(List.of("-k", "--http2", "--resolve",
                    HOST + ":" + rig.app.listeners().get("https").getPort() + ":127.0.0.1"));
        } else {
            args.add("--http1.1");
        }
        return args;
    }

    private static String url(ProxyRig rig, String protocol, String path) {
        return protocol.equals("h2")
                ? "https://" + HOST + ":" + rig.app.listeners().get("https").getPort() + path
                : "http://127.0.0.1:" + rig.app.listeners().get("http").getPort() + path;
    }

    /**
     * Starts a backend whose connections answer one request (keep-alive, body
     * {@code "connection N METHOD PATH\n"}) and are then dropped: right
     * after the response when {@code closeAfterResponse}, else when the next request arrives on it,
     * unanswered. {@code reset} drops with a TCP RST instead of a FIN.
     */
    private int droppingBackend(boolean closeAfterResponse, boolean reset) throws InterruptedException {
        AtomicInteger connections = new AtomicInteger();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        closing.add(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (reset) {
                            ch.config().setOption(ChannelOption.SO_LINGER, 0);
                        }
                        ch.pipeline().addLast(new HttpServerCodec(),
                                new AnswerOnce(connections.incrementAndGet(), closeAfterResponse));
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        closing.add(() -> server.close().syncUninterruptibly());
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static final class AnswerOnce extends ChannelInboundHandlerAdapter {
        private final int id;
        private final boolean closeAfterResponse;
        private int requests;
        private String line;

        AnswerOnce(int id, boolean closeAfterResponse) {
            this.id = id;
            this.closeAfterResponse = closeAfterResponse;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    if (++requests > 1) {
                        ctx.close();
                        return;
                    }
                    line = "connection " + id + " " + request.method() + " " + request.uri() + "\n";
                }
                if (msg instanceof LastHttpContent && requests == 1) {
                    ByteBuf body = ByteBufUtil.writeAscii(ctx.alloc(), line);
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.OK, body);
                    // Says keep-alive (HTTP/1.1 default) like a server whose idle timeout is about to fire.
                    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                    var written = ctx.writeAndFlush(response);
                    if (closeAfterResponse) {
                        written.addListener(ChannelFutureListener.CLOSE);
                    }
                }
            } finally {
                if (msg instanceof HttpContent || msg instanceof HttpRequest) {
                    ReferenceCountUtil.release(msg);
                }
            }
        }
    }
}
