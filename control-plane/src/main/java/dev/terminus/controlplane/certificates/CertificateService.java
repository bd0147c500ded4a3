package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.store.Store;
import dev.terminus.controlplane.store.StoreException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs the certificate inventory with ACM's semantics: one method per operation, each taking one
 * request record and returning one response record. Every refusal is a
 * {@link CertificateException} with a stable {@link ErrorCode}, and a refused call changes nothing.
 * Thread-safe; calls block on the store and the CA: never call them on an event loop.
 */
public final class CertificateService {

    private final Issuance issuance;
    private final Importer importer;
    private final Inventory inventory;
    private final RenewalScheduler renewal;
    private final CrlPublisher crls;
    private final OcspResponder ocsp;
    private final Revoker revoker;

    private CertificateService(Store store, PrivateCa ca, CertificatesConfig config, Clock clock, CertificateUsers users,
            RevocationConfig revocation) {
        this.issuance = new Issuance(store.certificates(), ca, config.account(), clock);
        this.importer = new Importer(store.certificates(), config.account(), clock);
        this.inventory = new Inventory(store.certificates(), store.events(), users, clock, store.revocations());
        this.renewal = new RenewalScheduler(store.certificates(), issuance, config, clock);
        this.crls = new CrlPublisher(store.revocations(), ca, revocation, clock);
        this.ocsp = new OcspResponder(store.revocations(), ca, revocation, clock);
        this.revoker = new Revoker(store.certificates(), store.revocations(), crls, clock);
    }

    /** Returns a service over {@code store} and {@code ca}; it does not own them (closing the store is the caller's). */
    public static CertificateService create(Store store, PrivateCa ca, CertificatesConfig config, Clock clock,
            CertificateUsers users) {
        return create(store, ca, config, clock, users, RevocationConfig.DEFAULTS);
    }

    /** Returns a service as {@link #create(Store, PrivateCa, CertificatesConfig, Clock, CertificateUsers)}, with {@code revocation} settings. */
    public static CertificateService create(Store store, PrivateCa ca, CertificatesConfig config, Clock clock,
            CertificateUsers users, RevocationConfig revocation) {
        return new CertificateService(Objects.requireNonNull(store, "store"), Objects.requireNonNull(ca, "ca"),
                Objects.requireNonNull(config, "config"), Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(users, "users"), Objects.requireNonNull(revocation, "revocation"));
    }

    /** Issues a PRIVATE certificate from the region's subordinate CA. */
    public RequestCertificateResponse requestCertificate(RequestCertificateRequest request) {
        return call(() -> issuance.request(request));
    }

    /** Imports (or re-imports under the same ARN) a certificate with its chain and key, after every import check. */
    public ImportCertificateResponse importCertificate(ImportCertificateRequest request) {
        return call(() -> importer.importCertificate(request));
    }

    /** Describes one certificate. */
    public DescribeCertificateResponse describeCertificate(DescribeCertificateRequest request) {
        return call(() -> inventory.describe(request));
    }

    /** Lists certificates matching the filters, one page at a time. */
    public ListCertificatesResponse listCertificates(ListCertificatesRequest request) {
        return call(() -> inventory.list(request));
    }

    /** Exports a PRIVATE certificate, its chain and its key encrypted under the caller's passphrase. */
    public ExportCertificateResponse exportCertificate(ExportCertificateRequest request) {
        return call(() -> inventory.export(request));
    }

    /** Deletes a certificate; refuses with {@code RESOURCE_IN_USE}, naming the users, while it is bound. */
    public DeleteCertificateResponse deleteCertificate(DeleteCertificateRequest request) {
        return call(() -> inventory.delete(request));
    }

    /** Adds or overwrites tags. */
    public AddTagsResponse addTags(AddTagsRequest request) {
        return call(() -> inventory.addTags(request));
    }

    /** Removes tags by key. */
    public RemoveTagsResponse removeTags(RemoveTagsRequest request) {
        return call(() -> inventory.removeTags(request));
    }

    /** Lists a certificate's tags. */
    public ListTagsResponse listTags(ListTagsRequest request) {
        return call(() -> inventory.listTags(request));
    }

    /** Reads the event log after a cursor. */
    public ReadEventsResponse readEvents(ReadEventsRequest request) {
        return call(() -> inventory.readEvents(request));
    }

    /**
     * Revokes a PRIVATE certificate's current serial and re-publishes its region's CRL; refuses
     * IMPORTED ({@code InvalidParameter}), unknown ({@code ResourceNotFound}) and already revoked
     * ({@code RequestAlreadyProcessed}) certificates. Renewal skips it from then on.
     */
    public RevokeCertificateResponse revokeCertificate(RevokeCertificateRequest request) {
        return call(() -> revoker.revoke(request));
    }

    /** Returns the CRL publisher: {@link CrlPublisher#crl(String)} serves, a timer calls {@link CrlPublisher#runOnce()}. */
    public CrlPublisher crlPublisher() {
        return crls;
    }

    /** Returns the OCSP responder. */
    public OcspResponder ocspResponder() {
        return ocsp;
    }

    /** Returns the managed-renewal scheduler; a timer calls its {@link RenewalScheduler#runOnce()}. */
    public RenewalScheduler renewalScheduler() {
        return renewal;
    }

    private static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (StoreException e) {
            // A concurrent delete or update between our read and our write: report it as the caller's race.
            switch (e.code()) {
                case NOT_FOUND -> throw new CertificateException(ErrorCode.RESOURCE_NOT_FOUND, e.getMessage(), e);
                case CONFLICT -> throw new CertificateException(ErrorCode.CONFLICT, e.getMessage(), e);
                default -> throw e;
            }
        }
    }
}
