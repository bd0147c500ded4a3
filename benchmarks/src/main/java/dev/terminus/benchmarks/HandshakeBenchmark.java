package dev.terminus.benchmarks;

import dev.terminus.proxy.tls.SecurityPolicy;
import dev.terminus.proxy.tls.TlsProvider;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.net.ssl.SSLEngine;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Full TLS handshakes in memory, client and server engine in one thread, the server built through
 * the proxy's own TLS setup (context per policy, credentials offered per connection by SNI).
 * Reported as handshakes per second for the pair; the server's share is about half for ECDSA and
 * more for RSA. Resumption is off, so every handshake is full. The client offers an X25519 key
 * share, as {@code compare.sh}'s load generator does (see {@link BenchClients}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBenchmark {
    @Param({"openssl", "jdk"})
    public String provider;

    @Param({"ecdsa", "rsa"})
    public String key;

    @Param({"TLSv1.3", "TLSv1.2"})
    public String protocol;

    private TlsFixture server;
    private SslContext client;
    private final EngineHandshake handshake = new EngineHandshake();
    private int port;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        GeneratedCertificates pki = new GeneratedCertificates();
        TlsProvider p = TlsProvider.detect("jdk".equals(provider));
        server = TlsFixture.of(p, SecurityPolicy.TLS13_1_2_2021_06,
                List.of(pki.leaf("bench", "rsa".equals(key), "bench.test")));
        client = BenchClients.of(!"jdk".equals(provider), protocol, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    @Benchmark
    public int fullHandshake() throws Exception {
        // A new peer port each time: clients cache sessions by host and port, and every handshake
        // here must be a full one (the JDK client would otherwise resume TLS 1.2 sessions).
        port = (port + 1) & 0xffff;
        SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, "bench.test", port);
        SSLEngine s = server.tls.newEngine(ByteBufAllocator.DEFAULT, "bench.test");
        try {
            return handshake.run(c, s);
        } finally {
            ReferenceCountUtil.release(c);
            ReferenceCountUtil.release(s);
        }
    }
}
