package dev.terminus.proxy.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client that shows the frames it receives, for what curl cannot show: GOAWAY and the
 * order of frames. Each frame becomes one line, e.g. {@code GOAWAY last=3 error=0},
 * {@code HEADERS stream=3 :status=200 end=false}, {@code DATA stream=3 end=true held\n}.
 */
public final class H2FrameClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final Channel channel;
    private final Recorder recorder = new Recorder();
    private final String authority;

    /** Connects over TLS with ALPN h2 (any certificate accepted) to 127.0.0.1:{@code port}, SNI {@code host}. */
    public H2FrameClient(String host, int port) throws Exception {
        this.authority = host + ":" + port;
        SslContext tls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient().build();
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port), codec, recorder);
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    /** Sends a GET for {@code path} on a new stream; returns the stream's id. */
    public int get(String path) throws Exception {
        Http2FrameStream stream = channel.eventLoop().submit(recorder::newStream).get(10, TimeUnit.SECONDS);
        channel.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path(path)
                .scheme("https").authority(authority), true).stream(stream)).sync();
        return stream.id();
    }

    /** Returns the next frame line that starts with {@code prefix}, skipping others; null after {@code seconds}. */
    public String await(String prefix, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String frame = frames.poll(left, TimeUnit.NANOSECONDS);
            if (frame != null && frame.startsWith(prefix)) {
                return frame;
            }
        }
        return null;
    }

    /** Waits for the connection to close, at most {@code seconds}. */
    public boolean awaitClosed(long seconds) throws InterruptedException {
        return channel.closeFuture().await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Recorder extends Http2ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                record(msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void record(Object msg) {
            if (msg instanceof Http2GoAwayFrame goAway) {
                frames.add("GOAWAY last=" + goAway.lastStreamId() + " error=" + goAway.errorCode());
            } else if (msg instanceof Http2HeadersFrame headers) {
                frames.add("HEADERS stream=" + headers.stream().id() + " :status=" + headers.headers().status()
                        + " end=" + headers.isEndStream());
            } else if (msg instanceof Http2DataFrame data) {
                frames.add("DATA stream=" + data.stream().id() + " end=" + data.isEndStream() + " "
                        + data.content().toString(StandardCharsets.UTF_8));
            } else if (msg instanceof Http2ResetFrame reset) {
                frames.add("RST_STREAM stream=" + reset.stream().id() + " error=" + reset.errorCode());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            frames.add("ERROR " + cause);
            ctx.close();
        }
    }
}
