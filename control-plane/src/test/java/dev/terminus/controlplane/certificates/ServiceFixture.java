package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.testing.MutableClock;

import dev.terminus.controlplane.ca.CaConfig;
import dev.terminus.controlplane.ca.CreateRootRequest;
import dev.terminus.controlplane.ca.CreateSubordinateRequest;
import dev.terminus.controlplane.store.Kek;
import dev.terminus.controlplane.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a certificate service on a real embedded store in a temporary directory, with a private
 * CA (EC P-384 root, subordinates for us-east-1 and eu-west-1), a movable clock and settable users.
 */
final class ServiceFixture implements AutoCloseable {

    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    static final String ACCOUNT = "123456789012";
    static final CaConfig CA_CONFIG = CaConfig.of("http://127.0.0.1:8089");

    final Path dataDir;
    final Kek kek;
    final Clock clock;
    final Map<String, List<String>> users = new ConcurrentHashMap<>();
    final CertificatesConfig config;
    Store store;
    PrivateCa ca;
    CertificateService service;

    ServiceFixture(Path dataDir, Clock clock, CertificatesConfig config) {
        this.dataDir = dataDir;
        this.kek = Kek.generate();
        this.clock = clock;
        this.config = config;
        open(kek);
        ca.createRoot(CreateRootRequest.of("Terminus Test Root"));
        ca.createSubordinate(CreateSubordinateRequest.of("us-east-1"));
        ca.createSubordinate(CreateSubordinateRequest.of("eu-west-1"));
    }

    ServiceFixture(Path dataDir) {
        this(dataDir, new MutableClock(START), CertificatesConfig.of(ACCOUNT));
    }

    /** Opens the store, CA and service on the data directory with {@code key}. */
    void open(Kek key) {
        store = Store.openEmbedded(dataDir, key);
        ca = PrivateCa.open(store.caMaterial(), CA_CONFIG, clock);
        service = CertificateService.create(store, ca, config, clock, arn -> users.getOrDefault(arn, List.of()));
    }

    MutableClock mutableClock() {
        return (MutableClock) clock;
    }

    /** Returns every certificate, all tags and all events: what a refused call must leave unchanged. */
    String snapshot() {
        StringBuilder out = new StringBuilder();
        for (CertificateDetail detail : service.listCertificates(ListCertificatesRequest.all()).certificates()) {
            out.append(detail).append(service.listTags(new ListTagsRequest(detail.certificateArn())).tags()).append('\n');
            out.append(java.util.Arrays.hashCode(store.certificates().privateKey(detail.certificateArn()).getEncoded())).append('\n');
        }
        service.readEvents(new ReadEventsRequest(0, 1000)).events().forEach(e -> out.append(e).append('\n'));
        return out.toString();
    }


    CertificateDetail describe(String arn) {
        return service.describeCertificate(new DescribeCertificateRequest(arn)).certificate();
    }

    List<EventType> eventTypes() {
        return service.readEvents(new ReadEventsRequest(0, 1000)).events().stream().map(CertificateEvent::type).toList();
    }

    @Override
    public void close() {
        store.close();
    }
}
