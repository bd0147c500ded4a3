package dev.terminus.proxy.testing;

import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.http.RouteAction;
import dev.terminus.proxy.runtime.ProxyRuntime;
import dev.terminus.proxy.server.ProxyServer;
import dev.terminus.proxy.server.Transport;
import dev.terminus.proxy.tls.HandshakeCallback;
import dev.terminus.proxy.tls.TlsMetrics;
import dev.terminus.proxy.tls.TlsProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the TLS part of the proxy on loopback port 0 with a given configuration, for tests that
 * look at handshakes only. After the handshake the connection is left idle until the client ends it.
 */
public final class TlsRig implements AutoCloseable {
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final ProxyRuntime runtime;
    public final ProxyServer server;
    private final EventLoopGroup workers;

    public TlsRig(ProxyConfig config, TlsProvider provider) throws Exception {
        this(config, provider, (ctx, ssl, sni) -> { });
    }

    public TlsRig(ProxyConfig config, TlsProvider provider, HandshakeCallback callback) throws Exception {
        runtime = new ProxyRuntime(null, config, provider, Clock.systemUTC(), registry);
        Transport transport = Transport.detect();
        workers = transport.newGroup(2);
        server = ProxyServer.start(runtime, transport, workers, new TlsMetrics(registry), name -> callback);
    }

    public int port(String listener) {
        return server.bound().get(listener).getPort();
    }

    /** Returns the summed count of a counter over all series matching the tags. */
    public double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        server.close();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        runtime.close();
    }

    /** Builds a one-listener configuration on port 0 with a fixed response. */
    public static ProxyConfig config(String policy, boolean strict, TestPki.Files2 defaultCert, TestPki.Files2... others) {
        return config(new ProxyConfig.Limits(10_000, Duration.ofSeconds(10), 16_384), policy, strict, defaultCert,
                others);
    }

    /** Builds a one-listener configuration on port 0 with the given limits. */
    public static ProxyConfig config(ProxyConfig.Limits limits, String policy, boolean strict,
                                     TestPki.Files2 defaultCert, TestPki.Files2... others) {
        List<ProxyConfig.Certificate> certs = new ArrayList<>();
        certs.add(new ProxyConfig.Certificate(defaultCert.id(), defaultCert.chain(), defaultCert.key()));
        for (TestPki.Files2 f : others) {
            certs.add(new ProxyConfig.Certificate(f.id(), f.chain(), f.key()));
        }
        return new ProxyConfig(null, new ProxyConfig.Admin("127.0.0.1", 0), List.of(new ProxyConfig.Listener(
                "https", "127.0.0.1", 0, policy, strict, true, defaultCert.id(), certs,
                new RouteAction.FixedResponse(200, "text/plain", "ok\n"))), limits);
    }
}
