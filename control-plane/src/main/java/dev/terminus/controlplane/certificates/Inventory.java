package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.CaException;
import dev.terminus.controlplane.ca.Pem;
import dev.terminus.controlplane.store.CertificateQuery;
import dev.terminus.controlplane.store.CertificateRecord;
import dev.terminus.controlplane.store.CertificateStore;
import dev.terminus.controlplane.store.EventLog;
import dev.terminus.controlplane.store.RevocationStore;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Answers and changes what the inventory holds: describe, list, export, delete, tags and the event log. */
final class Inventory {

    private final CertificateStore store;
    private final EventLog events;
    private final CertificateUsers users;
    private final Clock clock;
    private final RevocationStore revocations;

    Inventory(CertificateStore store, EventLog events, CertificateUsers users, Clock clock, RevocationStore revocations) {
        this.store = store;
        this.events = events;
        this.users = users;
        this.clock = clock;
        this.revocations = revocations;
    }

    DescribeCertificateResponse describe(DescribeCertificateRequest request) {
        CertificateRecord record = find(request.certificateArn());
        return new DescribeCertificateResponse(detail(record));
    }

    ListCertificatesResponse list(ListCertificatesRequest request) {
        Instant horizon = request.expiringWithinDays() == null ? null
                : clock.instant().plus(Duration.ofDays(request.expiringWithinDays()));
        CertificateQuery query = new CertificateQuery(request.region(), names(request.statuses()), names(request.types()),
                request.keyAlgorithms(), horizon, request.nextToken(), request.maxItems());
        List<CertificateRecord> page = store.list(query);
        String next = page.size() == request.maxItems() ? page.get(page.size() - 1).arn() : null;
        return new ListCertificatesResponse(page.stream().map(this::detail).toList(), next);
    }

    ExportCertificateResponse export(ExportCertificateRequest request) {
        CertificateRecord record = find(request.certificateArn());
        if (!CertificateType.PRIVATE.name().equals(record.type())) {
            throw CertificateException.invalid("certificateArn", record.arn(), "a PRIVATE certificate (this one is "
                    + record.type() + "; only private-CA certificates can be exported)");
        }
        PrivateKey key = store.privateKey(record.arn());
        char[] passphrase = request.passphrase();
        try {
            return new ExportCertificateResponse(record.certificatePem(), record.chainPem(),
                    Pem.writeEncryptedPrivateKey(key, passphrase));
        } catch (CaException e) {
            throw new CertificateException(ErrorCode.INVALID_PARAMETER, e.getMessage(), e);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    DeleteCertificateResponse delete(DeleteCertificateRequest request) {
        CertificateRecord record = find(request.certificateArn());
        List<String> inUseBy = users.usersOf(record.arn());
        if (!inUseBy.isEmpty()) {
            throw CertificateException.of(ErrorCode.RESOURCE_IN_USE, "certificateArn", record.arn(),
                    "a certificate no resource uses; in use by " + inUseBy + " (unbind it first)");
        }
        store.delete(record.arn(), Records.event(clock.instant(), EventType.CERTIFICATE_DELETED, record.arn(),
                "deleted " + record.domainName() + " (" + record.type() + ", serial " + record.serial() + ")"));
        return new DeleteCertificateResponse(record.arn());
    }

    AddTagsResponse addTags(AddTagsRequest request) {
        find(request.certificateArn());
        Set<String> keys = new HashSet<>(store.tags(request.certificateArn()).keySet());
        keys.addAll(request.tags().keySet());
        if (keys.size() > Tags.MAX_TAGS) {
            throw CertificateException.invalid("tags", keys.size() + " tags after adding", "at most " + Tags.MAX_TAGS
                    + " per certificate");
        }
        store.putTags(request.certificateArn(), request.tags());
        return new AddTagsResponse(store.tags(request.certificateArn()));
    }

    RemoveTagsResponse removeTags(RemoveTagsRequest request) {
        find(request.certificateArn());
        store.removeTags(request.certificateArn(), request.keys());
        return new RemoveTagsResponse(store.tags(request.certificateArn()));
    }

    ListTagsResponse listTags(ListTagsRequest request) {
        find(request.certificateArn());
        return new ListTagsResponse(store.tags(request.certificateArn()));
    }

    ReadEventsResponse readEvents(ReadEventsRequest request) {
        List<CertificateEvent> read = events.readAfter(request.afterId(), request.limit()).stream().map(Records::event).toList();
        return new ReadEventsResponse(read, read.isEmpty() ? request.afterId() : read.get(read.size() - 1).id());
    }

    private CertificateDetail detail(CertificateRecord record) {
        // Only REVOKED rows have a ledger entry worth showing: one extra read for those alone.
        RevocationStore.Revocation revocation = CertificateStatus.REVOKED.name().equals(record.status())
                ? revocations.findByArn(record.arn()).orElse(null) : null;
        return Records.detail(record, users.usersOf(record.arn()), revocation);
    }

    private CertificateRecord find(String arn) {
        return store.find(arn).orElseThrow(() -> notFound(arn));
    }

    static CertificateException notFound(String arn) {
        return CertificateException.of(ErrorCode.RESOURCE_NOT_FOUND, "certificateArn", arn, "an existing certificate");
    }

    private static Set<String> names(Set<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).collect(Collectors.toSet());
    }
}
