package dev.terminus.benchmarks;

import dev.terminus.proxy.tls.CertificateException;
import dev.terminus.proxy.tls.CertificateIndex;
import dev.terminus.proxy.tls.CertificateReader;
import dev.terminus.proxy.tls.ListenerTls;
import dev.terminus.proxy.tls.LoadedCertificate;
import dev.terminus.proxy.tls.SecurityPolicy;
import dev.terminus.proxy.tls.ServedCertificate;
import dev.terminus.proxy.tls.TlsProvider;

import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Builds a listener's TLS state through the proxy's own code (reader, provider, index, context),
 * from certificates generated in memory, for benchmarks.
 */
public final class TlsFixture implements AutoCloseable {
    public final ListenerTls tls;
    /** The default certificate as read, with the key material a new context needs. */
    public final LoadedCertificate defaultLoaded;
    private final List<ServedCertificate> served;

    private TlsFixture(ListenerTls tls, LoadedCertificate defaultLoaded, List<ServedCertificate> served) {
        this.tls = tls;
        this.defaultLoaded = defaultLoaded;
        this.served = served;
    }

    /** Builds a listener with resumption off (every handshake full) serving these certificates. */
    public static TlsFixture of(TlsProvider provider, SecurityPolicy policy, List<GeneratedCertificates.Pem> pems)
            throws Exception {
        return of(provider, policy, pems, false);
    }

    /**
     * Builds a listener serving these certificates, the first one the default.
     *
     * @param resumption the listener's {@code session-resumption}: session tickets (with the
     *                   provider's shared ticket keys) and the session cache
     */
    public static TlsFixture of(TlsProvider provider, SecurityPolicy policy, List<GeneratedCertificates.Pem> pems,
                                boolean resumption) throws Exception {
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
        return new TlsFixture(provider.listener("bench", policy, resumption, index, first), first, served);
    }

    /**
     * Builds a listener (resumption off) with {@code count} certificates that differ in their
     * names only: each is one real generated ECDSA certificate and key, presented under the names
     * {@code names} gives it, with its own serial and fingerprint, and prepared by the provider
     * like any other (on BoringSSL, one native credential each). For benchmarks of the SNI index
     * and of snapshot swaps, which read names, key types and expiry but never the key material:
     * generating and signing 100,000 distinct certificates would take minutes of setup. A
     * handshake for one of these names serves the real certificate's chain, not these names.
     */
    public static TlsFixture synthetic(TlsProvider provider, SecurityPolicy policy, int count,
                                       IntFunction<List<String>> names) throws Exception {
        GeneratedCertificates pki = new GeneratedCertificates();
        GeneratedCertificates.Pem real = pki.leaf("synthetic", false, "synthetic.test");
        LoadedCertificate template = provider.reader(Clock.systemUTC())
                .read(real.name(), real.chain(), "synthetic.pem", real.key(), "synthetic.key");
        List<ServedCertificate> served = new ArrayList<>(count);
        LoadedCertificate first = null;
        try {
            for (int i = 0; i < count; i++) {
                LoadedCertificate c = copy(template, "c" + i, names.apply(i), i + 1);
                if (first == null) {
                    first = c;
                }
                served.add(provider.serve(c));
            }
            CertificateIndex index = CertificateIndex.build(served, served.get(0), false);
            return new TlsFixture(provider.listener("bench", policy, false, index, first), first, served);
        } catch (Exception | Error e) {
            served.forEach(ServedCertificate::release);
            throw e;
        }
    }

    /** Returns {@code template}'s key material under another name, names and serial. */
    static LoadedCertificate copy(LoadedCertificate template, String name, List<String> names, long serial) {
        return new LoadedCertificate(name, template.chain(), template.key(), name + ".pem", name + ".key",
                List.copyOf(names), template.keyType(), "synthetic-" + name, BigInteger.valueOf(serial),
                template.notBefore(), template.notAfter());
    }

    /** Prepares one more certificate for a benchmark; {@link #close} releases it with the others. */
    public ServedCertificate serve(TlsProvider provider, LoadedCertificate c) throws CertificateException {
        ServedCertificate s = provider.serve(c);
        served.add(s);
        return s;
    }

    @Override
    public void close() {
        served.forEach(ServedCertificate::release);
    }
}
