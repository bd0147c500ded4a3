package dev.terminus.proxy.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLSession;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/** A Netty TLS client for handshakes that the openssl binary cannot make (post-quantum groups). */
public final class NettyTlsClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    /** The outcome of one handshake: the session on success, the cause on failure. */
    public record Outcome(SSLSession session, Throwable cause) {
        public boolean succeeded() {
            return session != null;
        }

        public String subjectCn() throws Exception {
            X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
            return leaf.getSubjectX500Principal().getName().replaceFirst("^CN=", "").replaceFirst(",.*", "");
        }
    }

    /** Connects to 127.0.0.1:port with SNI {@code serverName} and waits for the handshake, at most 10 s. */
    public Outcome handshake(SslContext context, int port, String serverName) throws InterruptedException {
        SslHandler[] handler = new SslHandler[1];
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        handler[0] = context.newHandler(c.alloc(), serverName, port);
                        c.pipeline().addLast(handler[0]);
                        // A refused handshake is an expected outcome here; it is read from the future.
                        c.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
        try {
            Future<Channel> hs = handler[0].handshakeFuture();
            if (!hs.await(10, TimeUnit.SECONDS)) {
                return new Outcome(null, new AssertionError("handshake did not finish in 10 s"));
            }
            return hs.isSuccess() ? new Outcome(handler[0].engine().getSession(), null) : new Outcome(null, hs.cause());
        } finally {
            ch.close().sync();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
