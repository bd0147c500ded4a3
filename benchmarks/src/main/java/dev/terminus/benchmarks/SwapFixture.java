package dev.terminus.benchmarks;

import dev.terminus.proxy.tls.CertificateIndex;
import dev.terminus.proxy.tls.ListenerTls;
import dev.terminus.proxy.tls.LoadedCertificate;
import dev.terminus.proxy.tls.SecurityPolicy;
import dev.terminus.proxy.tls.ServedCertificate;
import dev.terminus.proxy.tls.TlsProvider;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLEngine;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One listener serving {@code n} certificates named {@code host<i>.swap.test}, published behind
 * an {@link AtomicReference} as the proxy publishes its snapshot, and a reload in which one
 * certificate changed: the one for {@link #CHANGED_NAME} flips between two real, distinct
 * certificates on every {@link #swap}. Everything else is prepared already, as a reload finds it
 * when only one certificate's bytes changed (the proxy reuses key material by fingerprint).
 */
final class SwapFixture implements AutoCloseable {
    static final int CHANGED = 7;
    static final String CHANGED_NAME = "host" + CHANGED + ".swap.test";

    final TlsProvider provider = TlsProvider.detect(false);
    final AtomicReference<ListenerTls> current;
    private final TlsFixture fixture;
    private final List<ServedCertificate> certificates;
    private final ServedCertificate[] versions = new ServedCertificate[2];
    private final String[] serials = new String[2];
    private int flip;

    SwapFixture(int n) throws Exception {
        if (n <= CHANGED) {
            throw new IllegalArgumentException("names: " + n + " (expected: > " + CHANGED + ")");
        }
        fixture = TlsFixture.synthetic(provider, SecurityPolicy.DEFAULT, n, i -> List.of("host" + i + ".swap.test"));
        certificates = fixture.tls.index().certificates();
        GeneratedCertificates pki = new GeneratedCertificates();
        for (int v = 0; v < 2; v++) {
            GeneratedCertificates.Pem pem = pki.leaf("changed-v" + v, false, CHANGED_NAME);
            LoadedCertificate loaded = provider.reader(Clock.systemUTC())
                    .read(pem.name(), pem.chain(), pem.name() + ".pem", pem.key(), pem.name() + ".key");
            versions[v] = fixture.serve(provider, loaded);
            serials[v] = versions[v].serialHex();
        }
        current = new AtomicReference<>(fixture.tls);
    }

    /**
     * Builds the listener's next TLS state with the changed certificate swapped in (a new index
     * and a new context, as {@code SnapshotBuilder} makes per listener) and publishes it.
     */
    ListenerTls swap() throws Exception {
        flip ^= 1;
        List<ServedCertificate> next = new ArrayList<>(certificates);
        next.set(CHANGED, versions[flip]);
        CertificateIndex index = CertificateIndex.build(next, next.get(0), false);
        ListenerTls tls = provider.listener("bench", SecurityPolicy.DEFAULT, true, index, fixture.defaultLoaded);
        current.set(tls);
        return tls;
    }

    /**
     * Checks that the published state serves the version of the changed certificate that the
     * last swap put in, through a real handshake; throws if not.
     */
    void checkServed() throws Exception {
        String expected = serials[flip];
        SslContext client = BenchClients.of(provider.isOpenSsl(), "TLSv1.3", 0);
        SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, CHANGED_NAME, 443);
        SSLEngine s = current.get().newEngine(ByteBufAllocator.DEFAULT, CHANGED_NAME);
        try {
            new EngineHandshake().run(c, s);
            String served = ((X509Certificate) c.getSession().getPeerCertificates()[0]).getSerialNumber().toString(16);
            if (!served.equals(expected)) {
                throw new IllegalStateException("after the swap " + CHANGED_NAME + " got serial " + served
                        + ", expected " + expected);
            }
        } finally {
            ReferenceCountUtil.release(c);
            ReferenceCountUtil.release(s);
        }
    }

    @Override
    public void close() {
        fixture.close();
    }
}
