package dev.terminus.proxy.http;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Counts backend connections over real loopback sockets, on both transports: a connection is
 * counted before the exchange that opened it can send a byte on it, and uncounted once on close.
 */
class UpstreamConnectionCountTest {

    /** The transports the data path runs on. */
    enum Transport {
        NIO, EPOLL;

        boolean available() {
            return this == NIO || Epoll.isAvailable();
        }

        IoHandlerFactory factory() {
            return this == NIO ? NioIoHandler.newFactory() : EpollIoHandler.newFactory();
        }

        /** Returns an unconnected socket channel standing for a client connection of this transport. */
        Channel downstream() {
            return this == NIO ? new NioSocketChannel() : new EpollSocketChannel();
        }
    }

    /** A target that counts what the pool reports about its connections. */
    private static final class CountingTarget implements UpstreamTarget {
        final RouteAction.Forward address;
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger openedEvents = new AtomicInteger();
        final AtomicInteger closedEvents = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);

        CountingTarget(int port) {
            this.address = new RouteAction.Forward("127.0.0.1", port);
        }

        @Override
        public RouteAction.Forward address() {
            return address;
        }

        @Override
        public void connectionOpened(Channel channel) {
            openedEvents.incrementAndGet();
            open.incrementAndGet();
        }

        @Override
        public void connectionClosed(Channel channel) {
            closedEvents.incrementAndGet();
            open.decrementAndGet();
            closed.countDown();
        }
    }

    private MultiThreadIoEventLoopGroup group;

    @AfterEach
    void shutdown() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void connectionIsCountedBeforeTheExchangeSendsOnItAndUncountedOnceOnClose(Transport transport) throws Exception {
        assumeTrue(transport.available(), transport + " is not available on this machine");
        group = new MultiThreadIoEventLoopGroup(1, transport.factory());
        Channel downstream = transport.downstream();
        group.register(downstream).sync();
        try (ServerSocket backend = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            CountingTarget target = new CountingTarget(backend.getLocalPort());
            CompletableFuture<Integer> countWhenExchangeSends = new CompletableFuture<>();

            Future<Upstream> connect = onLoop(downstream, () -> {
                UpstreamPool pool = new UpstreamPool(downstream, HttpLimits.defaults(), UpstreamPool::bootstrapConnect,
                        UpstreamMetrics.NONE);
                Future<Upstream> f = pool.connect(target);
                // As ForwardExchange does: the request goes out from a listener of the connect future.
                f.addListener(done -> countWhenExchangeSends.complete(done.isSuccess() ? target.open.get() : -1));
                return f;
            });
            try (Socket accepted = backend.accept()) {
                // Netty completes the connect promise before it fires channelActive: by then the
                // request may already be at the backend, so the count must already include it.
                assertThat(countWhenExchangeSends.get(10, TimeUnit.SECONDS)).as("connections counted when the request is sent")
                        .isEqualTo(1);
                // channelActive has fired since (same task on the loop): still counted once.
                assertThat(onLoop(downstream, target.openedEvents::get)).isEqualTo(1);
                assertThat(target.open.get()).isEqualTo(1);

                connect.getNow().channel().close().sync();
                assertThat(target.closed.await(10, TimeUnit.SECONDS)).as("connectionClosed reported").isTrue();
                assertThat(onLoop(downstream, target.closedEvents::get)).isEqualTo(1);
                assertThat(target.open.get()).isZero();
                assertThat(target.openedEvents.get()).isEqualTo(1);
            }
        } finally {
            downstream.close().sync();
        }
    }

    /** Runs {@code task} on the downstream channel's event loop and returns its result. */
    private static <T> T onLoop(Channel downstream, Supplier<T> task) throws Exception {
        return downstream.eventLoop().submit(task::get).get(10, TimeUnit.SECONDS);
    }
}
