package dev.terminus.benchmarks;

import dev.terminus.proxy.tls.CertificateIndex;
import dev.terminus.proxy.tls.CertificateReader;
import dev.terminus.proxy.tls.ListenerTls;
import dev.terminus.proxy.tls.LoadedCertificate;
import dev.terminus.proxy.tls.SecurityPolicy;
import dev.terminus.proxy.tls.ServedCertificate;
import dev.terminus.proxy.tls.TlsProvider;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a listener's TLS state through the proxy's own code (reader, provider, index, context),
 * from certificates generated in memory, for benchmarks.
 */
public final class TlsFixture implements AutoCloseable {
    public final ListenerTls tls;
    private final List<ServedCertificate> served;

    private TlsFixture(ListenerTls tls, List<ServedCertificate> served) {
        this.tls = tls;
        this.served = served;
    }

    /** Builds a listener with resumption off (every handshake full) serving these certificates. */
    public static TlsFixture of(TlsProvider provider, SecurityPolicy policy, List<GeneratedCertificates.Pem> pems)
            throws Exception {
        CertificateReader reader = provider.reader(Clock.systemUTC());
        List<ServedCertificate> served = new ArrayList<>(pems.size());
        LoadedCertificate first = null;
        for (GeneratedCertificates.Pem p : pems) {
            LoadedCertificate loaded = reader.read(p.name(), p.chain(), p.name() + ".pem", p.key(), p.name() + ".key");
            if (first == null) {
                first = loaded;
            }
            served.add(provider.serve(loaded));
        }
        CertificateIndex index = CertificateIndex.build(served, served.get(0), false);
        return new TlsFixture(provider.listener("bench", policy, false, index, first), served);
    }

    @Override
    public void close() {
        served.forEach(ServedCertificate::release);
    }
}
