package dev.terminus.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Starts the admin server on each transport, and checks how starting it fails. */
class AdminServerTransportTest {

    @ParameterizedTest
    @EnumSource(AdminFixture.Transport.class)
    void servesOnTheGroupsOwnTransport(AdminFixture.Transport transport) throws Exception {
        assumeTrue(transport.available(), transport + " is not available on this machine");
        try (AdminFixture admin = new AdminFixture(transport);
             RawHttp http = new RawHttp(admin.server.port())) {
            assertThat(admin.server.serverChannelType()).isEqualTo(
                    transport == AdminFixture.Transport.EPOLL ? EpollServerSocketChannel.class
                            : NioServerSocketChannel.class);

            http.send("GET /healthz HTTP/1.1\r\nHost: admin\r\n\r\n");
            assertThat(http.read().body()).isEqualTo("ok");
            http.send("POST /admin/reload HTTP/1.1\r\nHost: admin\r\nContent-Length: 0\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
            assertThat(admin.backend.reloadRanOnEventLoop).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(AdminFixture.Transport.class)
    void bindFailureNamesTheAddressInUse(AdminFixture.Transport transport) throws Exception {
        assumeTrue(transport.available(), transport + " is not available on this machine");
        try (AdminFixture admin = new AdminFixture(transport);
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());

            assertThatThrownBy(() -> AdminServer.start(address, admin.backend, admin.registry, admin.group,
                    admin.blocking))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(BindException.class)
                    .hasMessage("admin port 127.0.0.1:" + taken.getLocalPort() + " is already in use");
        }
    }

    @Test
    void refusesAnEventLoopAsTheBlockingExecutor() {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThatThrownBy(() -> AdminServer.start(new InetSocketAddress("127.0.0.1", 0),
                    new FakeBackend(() -> false), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    group, (Executor) group))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("blockingExecutor: ");
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void choosesNioForAnyNonEpollGroup() {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThat(ServerChannels.forGroup(group)).isEqualTo(NioServerSocketChannel.class);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
