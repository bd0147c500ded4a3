package dev.terminus.proxy.runtime;

import dev.terminus.proxy.tls.ServedCertificate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Exposes how long each served certificate has left, re-registered whenever a snapshot is
 * published. Per-certificate series are capped so that a listener with 100,000 certificates
 * does not produce a 100,000-line scrape; the per-listener minimum always covers all of them.
 */
final class CertificateGauges {
    static final int MAX_SERIES_PER_LISTENER = 1_000;

    private final MeterRegistry registry;
    private final Clock clock;
    private final List<Meter> registered = new ArrayList<>();

    CertificateGauges(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Replaces the gauges with those of the snapshot. Called under the runtime's update lock. */
    void update(ProxySnapshot snapshot) {
        registered.forEach(registry::remove);
        registered.clear();
        for (ProxySnapshot.Listener l : snapshot.listeners().values()) {
            if (l.tls() == null) {
                continue;
            }
            String listener = l.config().name();
            List<ServedCertificate> certs = l.tls().index().certificates();
            for (int i = 0; i < certs.size() && i < MAX_SERIES_PER_LISTENER; i++) {
                ServedCertificate c = certs.get(i);
                long notAfter = c.notAfter().toEpochMilli();
                registered.add(Gauge.builder("terminus.certificate.expiry.seconds",
                                () -> (notAfter - clock.millis()) / 1000.0)
                        .description("Seconds until the certificate expires (negative: expired)")
                        .tag("listener", listener).tag("certificate", c.name()).tag("serial", c.serialHex())
                        .register(registry));
            }
            long min = certs.stream().mapToLong(c -> c.notAfter().toEpochMilli()).min().orElse(Long.MAX_VALUE);
            registered.add(Gauge.builder("terminus.certificate.min.expiry.seconds",
                            () -> (min - clock.millis()) / 1000.0)
                    .description("Seconds until the listener's first certificate expires")
                    .tag("listener", listener).register(registry));
            registered.add(Gauge.builder("terminus.certificates", certs, List::size)
                    .description("Certificates a listener serves").tag("listener", listener).register(registry));
        }
    }
}
