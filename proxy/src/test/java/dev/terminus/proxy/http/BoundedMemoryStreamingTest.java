package dev.terminus.proxy.http;

import dev.terminus.proxy.testing.ProxyProcess;
import dev.terminus.proxy.testing.TestPki;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams 1 GiB up and 1 GiB down at the same time through the real proxy, run as its own
 * process with a small heap and little direct memory: the bodies must flow through with
 * backpressure, never be held whole. Generated on the fly and checked by SHA-256 on both ends.
 */
class BoundedMemoryStreamingTest {
    private static final String HOST = "terminus.test";
    private static final long SIZE = 1L << 30;
    private static final int CHUNK = 64 * 1024;
    /** Far below 1 GiB: a body held in memory, on or off heap, kills the proxy. */
    private static final List<String> SMALL_JVM = List.of("-Xmx96m", "-XX:MaxDirectMemorySize=64m",
            "-XX:+ExitOnOutOfMemoryError");
    private static final long CURL_SECONDS = 240;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http1.1", "http2"})
    void oneGibibyteEachWayWithABoundedHeap(String protocol) throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Files2 cert = pki.ecdsa("lb", HOST);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService pipes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "curl-pipe");
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<String> downloadSent = new CompletableFuture<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new StreamingBackend(downloadSent));
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            int backend = ((InetSocketAddress) server.localAddress()).getPort();
            Path config = dir.resolve("proxy.yaml");
            Files.writeString(config, "admin: { port: 0 }\nlisteners:\n  - name: https\n    port: 0\n"
                    + "    certificates: [{ name: lb, chain: " + cert.chain() + ", key: " + cert.key() + " }]\n"
                    + "    default-action: { forward: { host: 127.0.0.1, port: " + backend + " } }\n");

            try (ProxyProcess proxy = new ProxyProcess(config, SMALL_JVM, dir.resolve("proxy.log"), 60)) {
                String base = "https://" + HOST + ":" + proxy.port("https");
                List<String> curl = List.of("curl", "-sS", "--max-time", String.valueOf(CURL_SECONDS),
                        "--" + protocol, "--cacert", pki.caFile().toString(),
                        "--resolve", HOST + ":" + proxy.port("https") + ":127.0.0.1");
                long start = System.nanoTime();

                List<String> up = new ArrayList<>(curl);
                up.addAll(List.of("-T", "-", "-H", "Content-Type: application/octet-stream", base + "/upload"));
                Process upload = new ProcessBuilder(up).start();
                CompletableFuture<String> uploaded = CompletableFuture.supplyAsync(() -> {
                    try (OutputStream in = upload.getOutputStream()) {
                        return generate(in);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, pipes);
                CompletableFuture<String> uploadAnswer = readAll(upload.getInputStream(), pipes);
                CompletableFuture<String> uploadErr = readAll(upload.getErrorStream(), pipes);

                List<String> down = new ArrayList<>(curl);
                down.add(base + "/download");
                Process download = new ProcessBuilder(down).start();
                download.getOutputStream().close();
                CompletableFuture<String> downloaded = CompletableFuture.supplyAsync(() -> digest(
                        download.getInputStream()), pipes);
                CompletableFuture<String> downloadErr = readAll(download.getErrorStream(), pipes);

                assertThat(upload.waitFor(CURL_SECONDS + 10, TimeUnit.SECONDS)).as("upload finished").isTrue();
                assertThat(download.waitFor(CURL_SECONDS + 10, TimeUnit.SECONDS)).as("download finished").isTrue();
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                System.out.printf("%s: 1 GiB up and 1 GiB down at once through the proxy in %d s%n", protocol, seconds);

                String log = proxy.output();
                assertThat(upload.exitValue()).as(uploadErr.join() + log).isZero();
                assertThat(download.exitValue()).as(downloadErr.join() + log).isZero();
                // What the backend counted and hashed is what the client generated, and the other way.
                assertThat(uploadAnswer.get(10, TimeUnit.SECONDS)).isEqualTo(SIZE + " " + uploaded.join() + "\n");
                assertThat(downloaded.get(10, TimeUnit.SECONDS))
                        .isEqualTo(SIZE + " " + downloadSent.get(10, TimeUnit.SECONDS));
                assertThat(proxy.isAlive()).as(log).isTrue();
                assertThat(log).doesNotContain("OutOfMemoryError", "OutOfDirectMemoryError", "LEAK:");
            }
        } finally {
            pipes.shutdownNow();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Writes {@link #SIZE} generated bytes; returns their SHA-256 in hex. */
    private static String generate(OutputStream out) throws IOException {
        Generator g = new Generator();
        MessageDigest sha = sha256();
        byte[] block = new byte[CHUNK];
        for (long left = SIZE; left > 0; left -= CHUNK) {
            g.fill(block);
            sha.update(block);
            out.write(block);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Reads a stream to its end; returns {@code "<bytes> <sha-256 hex>"}. */
    private static String digest(InputStream in) {
        MessageDigest sha = sha256();
        long count = 0;
        byte[] buffer = new byte[CHUNK];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                count += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count + " " + HexFormat.of().formatHex(sha.digest());
    }

    private static CompletableFuture<String> readAll(InputStream in, ExecutorService pipes) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, pipes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deterministic pseudo-random bytes, {@link #CHUNK} at a time. */
    private static final class Generator {
        private final SplittableRandom random = new SplittableRandom(20_240_601);

        void fill(byte[] block) {
            ByteBuffer view = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < block.length; i += 8) {
                view.putLong(i, random.nextLong());
            }
        }
    }

    /**
     * {@code /download}: streams {@link #SIZE} generated bytes, only while the connection can take
     * more. {@code /upload}: hashes the body as it comes and answers {@code "<bytes> <sha-256>"}.
     */
    private static final class StreamingBackend extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<String> downloadSent;
        private MessageDigest sha;
        private long count;
        private Generator generator;
        private long sent;
        private boolean writing;
        private final byte[] block = new byte[CHUNK];
        private boolean keepAlive;

        StreamingBackend(CompletableFuture<String> downloadSent) {
            this.downloadSent = downloadSent;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    keepAlive = HttpUtil.isKeepAlive(request);
                    sha = sha256();
                    count = 0;
                    if (request.uri().startsWith("/download")) {
                        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, SIZE)
                                .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                        ctx.write(response);
                        generator = new Generator();
                        sent = 0;
                        writeMore(ctx);
                    }
                }
                if (msg instanceof HttpContent content && generator == null) {
                    for (ByteBuf b = content.content(); b.isReadable(); ) {
                        int n = Math.min(b.readableBytes(), block.length);
                        b.readBytes(block, 0, n);
                        sha.update(block, 0, n);
                        count += n;
                    }
                    if (content instanceof LastHttpContent) {
                        ByteBuf body = ByteBufUtil.writeAscii(ctx.alloc(),
                                count + " " + HexFormat.of().formatHex(sha.digest()) + "\n");
                        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                HttpResponseStatus.OK, body);
                        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                        HttpUtil.setKeepAlive(response, keepAlive);
                        ctx.writeAndFlush(response);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void writeMore(ChannelHandlerContext ctx) {
            if (writing) {
                // Re-entered from the flush below when it drained the buffer: that loop goes on.
                return;
            }
            writing = true;
            try {
                do {
                    while (sent < SIZE && ctx.channel().isWritable()) {
                        generator.fill(block);
                        sha.update(block);
                        ctx.write(new DefaultHttpContent(ctx.alloc().buffer(CHUNK).writeBytes(block)));
                        sent += CHUNK;
                    }
                    if (sent == SIZE) {
                        generator = null;
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                        downloadSent.complete(HexFormat.of().formatHex(sha.digest()));
                        return;
                    }
                    ctx.flush();
                } while (ctx.channel().isWritable());
            } finally {
                writing = false;
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (generator != null && ctx.channel().isWritable()) {
                writeMore(ctx);
            }
            ctx.fireChannelWritabilityChanged();
        }
    }
}
