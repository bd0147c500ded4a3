package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.CaConfig;
import dev.terminus.controlplane.ca.CertificateAuthorityHierarchy;
import dev.terminus.controlplane.ca.CreateRootRequest;
import dev.terminus.controlplane.ca.CreateRootResponse;
import dev.terminus.controlplane.ca.CreateSubordinateRequest;
import dev.terminus.controlplane.ca.CreateSubordinateResponse;
import dev.terminus.controlplane.ca.IssueRequest;
import dev.terminus.controlplane.ca.IssueResponse;
import dev.terminus.controlplane.ca.OcspAnswer;
import dev.terminus.controlplane.ca.RevokedSerial;
import dev.terminus.controlplane.ca.SerialStatus;
import dev.terminus.controlplane.store.CaMaterialStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the private CA hierarchy with its material persisted: created CAs are saved (keys sealed)
 * before the call returns, and {@link #open} restores them after a restart. If saving fails, the
 * in-memory hierarchy is rebuilt from the store, so memory never holds a CA the store lacks.
 * Thread-safe; slow (key generation, I/O): never call it on an event loop.
 */
public final class PrivateCa {

    private static final Logger log = LoggerFactory.getLogger(PrivateCa.class);

    private final CaMaterialStore store;
    private final CaConfig config;
    private final Clock clock;
    private volatile CertificateAuthorityHierarchy hierarchy;

    private PrivateCa(CaMaterialStore store, CaConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.hierarchy = load(store, config, clock);
    }

    /** Opens the CA from {@code store}: restored (and checked) when a root was saved, empty otherwise. */
    public static PrivateCa open(CaMaterialStore store, CaConfig config, Clock clock) {
        return new PrivateCa(store, config, clock);
    }

    /** Creates and saves the root; refusals are the CA library's {@code CaException}s. */
    public synchronized CreateRootResponse createRoot(CreateRootRequest request) {
        CreateRootResponse response = hierarchy.createRoot(request);
        saveOrReload(() -> store.saveRoot(response.credentials()));
        return response;
    }

    /** Creates and saves {@code request.region()}'s subordinate; refusals are {@code CaException}s. */
    public synchronized CreateSubordinateResponse createSubordinate(CreateSubordinateRequest request) {
        CreateSubordinateResponse response = hierarchy.createSubordinate(request);
        saveOrReload(() -> store.saveSubordinate(response.region(), response.credentials()));
        return response;
    }

    /** Issues an end-entity certificate; nothing is stored here (the inventory stores it). */
    public IssueResponse issue(IssueRequest request) {
        return hierarchy.issue(request);
    }

    /** Signs {@code region}'s complete CRL with its subordinate; see {@link CertificateAuthorityHierarchy#signCrl}. */
    public byte[] signCrl(String region, long crlNumber, Instant thisUpdate, Instant nextUpdate, List<RevokedSerial> revoked) {
        return hierarchy.signCrl(region, crlNumber, thisUpdate, nextUpdate, revoked);
    }

    /** Answers an OCSP request; see {@link CertificateAuthorityHierarchy#respondOcsp}. Never throws on bad input. */
    public OcspAnswer respondOcsp(byte[] derRequest, SerialStatus status, Instant now, Duration validity) {
        return hierarchy.respondOcsp(derRequest, status, now, validity);
    }

    /** Returns the root certificate; refuses without one. */
    public X509Certificate root() {
        return hierarchy.root();
    }

    /** Returns {@code region}'s chain: subordinate, then root. */
    public List<X509Certificate> chain(String region) {
        return hierarchy.chain(region);
    }

    /** Returns {@code region}'s chain as PEM, for clients and origins to trust. */
    public String chainPem(String region) {
        return hierarchy.chainPem(region);
    }

    /** Returns the regions with a subordinate, sorted. */
    public SortedSet<String> regions() {
        return hierarchy.regions();
    }

    private void saveOrReload(Runnable save) {
        try {
            save.run();
        } catch (RuntimeException e) {
            log.error("Saving CA material failed; reloading the hierarchy from the store", e);
            hierarchy = load(store, config, clock);
            throw e;
        }
    }

    private static CertificateAuthorityHierarchy load(CaMaterialStore store, CaConfig config, Clock clock) {
        return store.load()
                .map(material -> CertificateAuthorityHierarchy.restore(config, clock, material.root(), material.subordinates()))
                .orElseGet(() -> CertificateAuthorityHierarchy.empty(config, clock));
    }
}
