package dev.terminus.controlplane.ca;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the private CA: one root and at most one subordinate per region (AWS Private CA's
 * root → regional subordinate layout). End-entity certificates of region R are signed by R's
 * subordinate. The CAs are one immutable snapshot: a create operation signs outside any lock
 * and then swaps the snapshot whole, re-checking for a concurrent duplicate. Thread-safe; key
 * generation makes every operation slow (RSA-4096: seconds), so never call it on an event loop.
 */
public final class CertificateAuthorityHierarchy {

    private static final Logger log = LoggerFactory.getLogger(CertificateAuthorityHierarchy.class);

    private final CaConfig config;
    private final Clock clock;
    private final SecureRandom random;
    private final CertificateSigner signer;
    private final AtomicReference<Cas> cas;
    private final OcspSigner ocsp = new OcspSigner();

    private CertificateAuthorityHierarchy(CaConfig config, Clock clock, Cas cas) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new SecureRandom();
        this.signer = new CertificateSigner(random);
        this.cas = new AtomicReference<>(cas);
    }

    /** Returns a hierarchy without a root yet; {@link #createRoot} makes it usable. */
    public static CertificateAuthorityHierarchy empty(CaConfig config, Clock clock) {
        return new CertificateAuthorityHierarchy(config, clock, Cas.EMPTY);
    }

    /**
     * Rebuilds a hierarchy from stored credentials, keyed by region. Refuses, with
     * {@link CaException.Code#INVALID_CA_MATERIAL}, a key that does not match its certificate, a
     * root that is not a self-signed CA, or a subordinate that is not a CA signed by the root.
     */
    public static CertificateAuthorityHierarchy restore(CaConfig config, Clock clock, CaCredentials root,
            Map<String, CaCredentials> subordinates) {
        Restore.checkRoot(root);
        Map<String, CaCredentials> checked = new TreeMap<>();
        subordinates.forEach((region, sub) -> {
            Restore.checkSubordinate(Fields.region("region", region), sub, root);
            checked.put(region, sub);
        });
        return new CertificateAuthorityHierarchy(config, clock, new Cas(root, Map.copyOf(checked)));
    }

    /** Creates the self-signed root; refuses if a root exists ({@link CaException.Code#ALREADY_EXISTS}). */
    public CreateRootResponse createRoot(CreateRootRequest request) {
        if (cas.get().root != null) {
            throw rootExists();
        }
        Validity validity = Validity.selfSigned(clock, "validity", request.validity());
        KeyPair keys = request.keyAlgorithm().generate(random);
        X509Certificate certificate = signer.root(request.commonName(), keys, validity);
        CaCredentials root = new CaCredentials(certificate, keys.getPrivate());
        Cas before = cas.getAndUpdate(current -> current.root == null ? new Cas(root, Map.of()) : current);
        if (before.root != null) {
            throw rootExists();
        }
        log.info("Created root CA {} ({}, serial {}, valid until {})", certificate.getSubjectX500Principal().getName(),
                request.keyAlgorithm(), certificate.getSerialNumber().toString(16), validity.notAfter());
        return new CreateRootResponse(certificate, keys.getPrivate());
    }

    /**
     * Creates the subordinate of {@code request.region()}, signed by the root with path length 0.
     * Refuses without a root ({@code NO_ROOT}), when the region already has one ({@code ALREADY_EXISTS})
     * and when its validity would outlast the root ({@code VALIDITY_OUTSIDE_ISSUER}).
     */
    public CreateSubordinateResponse createSubordinate(CreateSubordinateRequest request) {
        String region = request.region();
        Cas current = cas.get();
        CaCredentials root = current.requireRoot();
        if (current.subordinates.containsKey(region)) {
            throw subordinateExists(region);
        }
        Validity validity = Validity.issuedBy(root.certificate(), clock, "validity", request.validity());
        KeyPair keys = request.keyAlgorithm().generate(random);
        X509Certificate certificate = signer.subordinate(request.commonName(), keys.getPublic(), validity, root);
        CaCredentials sub = new CaCredentials(certificate, keys.getPrivate());
        Cas before = cas.getAndUpdate(latest -> latest.subordinates.containsKey(region) ? latest : latest.with(region, sub));
        if (before.subordinates.containsKey(region)) {
            throw subordinateExists(region);
        }
        log.info("Created subordinate CA {} for region {} ({}, serial {}, valid until {})",
                certificate.getSubjectX500Principal().getName(), region, request.keyAlgorithm(),
                certificate.getSerialNumber().toString(16), validity.notAfter());
        return new CreateSubordinateResponse(region, certificate, List.of(root.certificate()), keys.getPrivate());
    }

    /**
     * Issues an end-entity TLS server certificate from the region's subordinate, with a fresh key.
     * Refuses an unknown region ({@code UNKNOWN_REGION}, naming the known ones) and a validity that
     * would outlast the subordinate ({@code VALIDITY_OUTSIDE_ISSUER}).
     */
    public IssueResponse issue(IssueRequest request) {
        Cas current = cas.get();
        CaCredentials issuer = current.subordinate(request.region());
        Validity validity = Validity.issuedBy(issuer.certificate(), clock, "validity", request.validity());
        KeyPair keys = request.keyAlgorithm().generate(random);
        X509Certificate certificate = signer.endEntity(request.dnsNames(), keys.getPublic(), validity, issuer,
                config.crlUrl(request.region()), config.ocspUrl(request.region()));
        log.debug("Issued {} in region {} (serial {})", request.dnsNames(), request.region(),
                certificate.getSerialNumber().toString(16));
        return new IssueResponse(request.region(), certificate,
                List.of(issuer.certificate(), current.requireRoot().certificate()), keys.getPrivate());
    }

    /**
     * Returns the DER of {@code region}'s complete CRL, signed by its subordinate: CRL number
     * {@code crlNumber}, AKI, {@code thisUpdate}/{@code nextUpdate} and one entry per revoked serial.
     * Refuses an unknown region ({@code UNKNOWN_REGION}) and a nextUpdate not after thisUpdate.
     */
    public byte[] signCrl(String region, long crlNumber, Instant thisUpdate, Instant nextUpdate, List<RevokedSerial> revoked) {
        CaCredentials issuer = cas.get().subordinate(region);
        if (!nextUpdate.isAfter(thisUpdate) || crlNumber < 1) {
            throw CaException.invalid("crl", "number " + crlNumber + ", " + thisUpdate + " to " + nextUpdate,
                    "a positive CRL number and nextUpdate after thisUpdate");
        }
        return CrlSigner.sign(issuer, crlNumber, thisUpdate, nextUpdate, revoked);
    }

    /**
     * Answers a DER OCSP request (RFC 6960) for this hierarchy's subordinates, signed by the issuing
     * subordinate, valid from {@code now} for {@code validity}; never throws on bad input: a
     * malformed request gets {@code malformedRequest}, a request for another CA {@code unauthorized}.
     */
    public OcspAnswer respondOcsp(byte[] derRequest, SerialStatus status, Instant now, Duration validity) {
        return ocsp.respond(derRequest, cas.get().subordinates, status, now, validity);
    }

    /** Returns the root certificate, the trust anchor to publish; refuses without a root ({@code NO_ROOT}). */
    public X509Certificate root() {
        return cas.get().requireRoot().certificate();
    }

    /** Returns {@code region}'s chain: its subordinate, then the root; refuses an unknown region. */
    public List<X509Certificate> chain(String region) {
        Cas current = cas.get();
        return List.of(current.subordinate(region).certificate(), current.requireRoot().certificate());
    }

    /** Returns {@code region}'s chain as PEM (subordinate first, then root), for clients and origins to trust. */
    public String chainPem(String region) {
        return Pem.write(chain(region));
    }

    /** Returns the regions that have a subordinate, sorted. */
    public SortedSet<String> regions() {
        return new TreeSet<>(cas.get().subordinates.keySet());
    }

    private static CaException rootExists() {
        return new CaException(CaException.Code.ALREADY_EXISTS, "root: a root CA already exists (expected: at most one root)");
    }

    private static CaException subordinateExists(String region) {
        return new CaException(CaException.Code.ALREADY_EXISTS,
                "region: \"" + region + "\" (expected: a region without a subordinate CA; it already has one)");
    }

    /** Holds one immutable snapshot of the CAs; {@code root} is null until created. */
    private record Cas(CaCredentials root, Map<String, CaCredentials> subordinates) {
        static final Cas EMPTY = new Cas(null, Map.of());

        CaCredentials requireRoot() {
            if (root == null) {
                throw new CaException(CaException.Code.NO_ROOT, "root: none (expected: a root CA; create one first)");
            }
            return root;
        }

        CaCredentials subordinate(String region) {
            CaCredentials sub = subordinates.get(region);
            if (sub == null) {
                throw new CaException(CaException.Code.UNKNOWN_REGION, "region: " + CaException.quote(region)
                        + " (expected: a region with a subordinate CA, one of " + new TreeSet<>(subordinates.keySet())
                        + "; create one with ca create-subordinate --region " + region + ")");
            }
            return sub;
        }

        Cas with(String region, CaCredentials sub) {
            Map<String, CaCredentials> next = new TreeMap<>(subordinates);
            next.put(region, sub);
            return new Cas(root, Map.copyOf(next));
        }
    }
}
