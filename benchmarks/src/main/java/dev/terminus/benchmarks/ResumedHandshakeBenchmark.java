package dev.terminus.benchmarks;

import dev.terminus.proxy.tls.SecurityPolicy;
import dev.terminus.proxy.tls.TlsProvider;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.OpenSslSessionStats;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.internal.tcnative.SSL;
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
import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Resumed TLS handshakes in memory, the server built through the proxy's own TLS setup with
 * {@code session-resumption: true} (session tickets under the provider's shared ticket keys, and
 * the session cache). Same shape as {@link HandshakeBenchmark}: client and server engine in one
 * thread, handshakes per second for the pair; after each handshake the server sends the first
 * 17 bytes of a response, which carry BoringSSL's TLS 1.3 tickets for the next resumption (and
 * cost one small record, which the full-handshake benchmark does not send).
 *
 * <p>Every handshake is checked to have resumed, on both engines, or the iteration fails: on
 * BoringSSL with {@code SSL_session_reused}; on the JDK, which has no such API, by the session's
 * creation time, which a resumed session inherits from the handshake that made it. The setup also
 * checks that these checks tell a full handshake from a resumed one, and that the resumed server
 * flight is smaller than the full one by at least the certificate chain, which it does not send.
 *
 * <p>TLS 1.3 resumes with a PSK from a session ticket. For TLS 1.2 the client offers the ticket
 * extension too (BoringSSL clients under Netty do not by default; the JDK's do), so the server
 * may resume from a ticket or from its session cache; on BoringSSL the tear-down prints which
 * (the server context's ticket and cache-hit counters).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResumedHandshakeBenchmark {
    private static final String HOST = "bench.test";
    /** The peer port clients cache their session under; full handshakes in the setup use others. */
    private static final int PORT = 443;
    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);

    @Param({"openssl", "jdk"})
    public String provider;

    @Param({"ecdsa", "rsa"})
    public String key;

    @Param({"TLSv1.3", "TLSv1.2"})
    public String protocol;

    private TlsFixture server;
    private SslContext client;
    private boolean openSsl;
    private final EngineHandshake handshake = new EngineHandshake();
    /** Sessions created before this instant (ms) were made by an earlier handshake. */
    private long primedBefore;
    private long resumed;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        GeneratedCertificates pki = new GeneratedCertificates();
        openSsl = !"jdk".equals(provider);
        TlsProvider p = TlsProvider.detect(!openSsl);
        if (p.isOpenSsl() != openSsl) {
            throw new IllegalStateException("BoringSSL is not available: " + p.fallbackReason());
        }
        GeneratedCertificates.Pem leaf = pki.leaf("bench", "rsa".equals(key), HOST);
        server = TlsFixture.of(p, SecurityPolicy.TLS13_1_2_2021_06, List.of(leaf), true);
        // TLS 1.3 tickets are single-use: every resumption stores new ones. A small client
        // cache keeps the client's cost the same through the run.
        client = BenchClients.of(openSsl, protocol, 16);

        // A full handshake under another port: the reference for the size check, and proof that
        // the reuse check says "full" for a full handshake.
        int fullBytes = handshake(PORT + 1, false);
        // The first handshake under PORT is full too and leaves a session in the client's cache.
        handshake(PORT, false);
        // The JDK check compares creation times in milliseconds: let the clock move on.
        long t = System.currentTimeMillis();
        for (int i = 0; i < 1_000_000 && System.currentTimeMillis() <= t; i++) {
            Thread.onSpinWait();
        }
        primedBefore = System.currentTimeMillis();
        int resumedBytes = handshake(PORT, true);
        int chain = chainBytes(leaf.chain());
        if (fullBytes - resumedBytes < chain) {
            throw new IllegalStateException(String.format(Locale.ROOT, "a resumed handshake's server flight (%d bytes) "
                    + "is not smaller than a full one (%d bytes) by the certificate chain (%d bytes)",
                    resumedBytes, fullBytes, chain));
        }
        System.out.printf(Locale.ROOT, "%n%s %s %s: server sent %d bytes in a full handshake, %d in a resumed one "
                + "(client %d)%n", provider, key, protocol, fullBytes, resumedBytes, handshake.clientBytes());
        resumed = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (openSsl && server.tls.context().sessionContext() instanceof OpenSslServerSessionContext sessions) {
            OpenSslSessionStats s = sessions.stats();
            System.out.printf(Locale.ROOT, "%nserver: %d checked resumptions; BoringSSL counters: "
                            + "%d resumed from a ticket, %d tickets issued, %d session-cache hits, %d misses%n",
                    resumed, s.ticketKeyResume(), s.ticketKeyNew(), s.hits(), s.misses());
        } else {
            System.out.printf(Locale.ROOT, "%nserver: %d checked resumptions%n", resumed);
        }
        ReferenceCountUtil.release(client);
        server.close();
    }

    @Benchmark
    public int resumedHandshake() throws Exception {
        return handshake(PORT, true);
    }

    /** Runs one handshake under the peer port and checks it resumed or not; returns the server's bytes. */
    private int handshake(int port, boolean expectResumed) throws SSLException {
        SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, HOST, port);
        SSLEngine s = server.tls.newEngine(ByteBufAllocator.DEFAULT, HOST);
        try {
            if (openSsl && "TLSv1.2".equals(protocol)) {
                // Netty sets SSL_OP_NO_TICKET on client contexts and clears it only for TLS 1.3.
                SSL.clearOptions(((ReferenceCountedOpenSslEngine) c).sslPointer(), SSL.SSL_OP_NO_TICKET);
            }
            handshake.run(c, s);
            // The client gets its next session's tickets with the first bytes of the response.
            handshake.serverSpeaks(c, s, RESPONSE);
            boolean clientReused = reused(c);
            boolean serverReused = reused(s);
            if (clientReused != expectResumed || serverReused != expectResumed) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "expected a %s handshake, got client reused=%b, server reused=%b (%s, %s %s)",
                        expectResumed ? "resumed" : "full", clientReused, serverReused, s.getSession().getProtocol(),
                        provider, key));
            }
            if (!protocol.equals(s.getSession().getProtocol())) {
                throw new IllegalStateException("negotiated " + s.getSession().getProtocol() + ", not " + protocol);
            }
            if (expectResumed) {
                resumed++;
            }
            return handshake.serverBytes();
        } finally {
            ReferenceCountUtil.release(c);
            ReferenceCountUtil.release(s);
        }
    }

    /** Tells whether the engine's finished handshake resumed a session. */
    private boolean reused(SSLEngine e) {
        if (e instanceof ReferenceCountedOpenSslEngine o) {
            return SSL.isSessionReused(o.sslPointer());
        }
        // The JDK carries a session's creation time through its ticket or cache entry; a full
        // handshake's session is created during that handshake, after primedBefore.
        return e.getSession().getCreationTime() < primedBefore;
    }

    /** Returns the DER size of the PEM chain the server sends in a full handshake. */
    private static int chainBytes(byte[] pem) throws Exception {
        int total = 0;
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
            total += ((X509Certificate) c).getEncoded().length;
        }
        return total;
    }
}
