package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import java.util.Set;

/**
 * Lists certificates (ACM's {@code ListCertificates}): every given filter must match; null or
 * empty filters match all. {@code expiringWithinDays} keeps certificates whose notAfter is at most
 * that many days away (expired ones included). Pages hold at most {@code maxItems} (default 100);
 * pass the previous response's {@code nextToken} for the next page.
 */
public record ListCertificatesRequest(String region, Set<CertificateStatus> statuses, Set<CertificateType> types,
        Set<KeyAlgorithm> keyAlgorithms, Integer expiringWithinDays, Integer maxItems, String nextToken) {

    public static final int DEFAULT_MAX_ITEMS = 100;
    public static final int MAX_ITEMS = 1000;

    /** Applies defaults and validates ranges. */
    public ListCertificatesRequest {
        if (region != null) {
            CertificateArn.region(region, "region");
        }
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        types = types == null ? Set.of() : Set.copyOf(types);
        keyAlgorithms = keyAlgorithms == null ? Set.of() : Set.copyOf(keyAlgorithms);
        if (expiringWithinDays != null && (expiringWithinDays < 0 || expiringWithinDays > 36_500)) {
            throw CertificateException.invalid("expiringWithinDays", expiringWithinDays, "0 to 36500");
        }
        maxItems = maxItems == null ? DEFAULT_MAX_ITEMS : maxItems;
        if (maxItems < 1 || maxItems > MAX_ITEMS) {
            throw CertificateException.invalid("maxItems", maxItems, "1 to " + MAX_ITEMS);
        }
        if (nextToken != null) {
            CertificateArn.parse("nextToken", nextToken);
        }
    }

    /** Returns a request for every certificate, first page. */
    public static ListCertificatesRequest all() {
        return new ListCertificatesRequest(null, null, null, null, null, null, null);
    }

    /** Returns a copy filtered to {@code region}. */
    public ListCertificatesRequest inRegion(String region) {
        return new ListCertificatesRequest(region, statuses, types, keyAlgorithms, expiringWithinDays, maxItems, nextToken);
    }

    /** Returns a copy filtered to {@code statuses}. */
    public ListCertificatesRequest withStatuses(CertificateStatus... statuses) {
        return new ListCertificatesRequest(region, Set.of(statuses), types, keyAlgorithms, expiringWithinDays, maxItems, nextToken);
    }

    /** Returns a copy filtered to {@code types}. */
    public ListCertificatesRequest withTypes(CertificateType... types) {
        return new ListCertificatesRequest(region, statuses, Set.of(types), keyAlgorithms, expiringWithinDays, maxItems, nextToken);
    }

    /** Returns a copy filtered to {@code keyAlgorithms}. */
    public ListCertificatesRequest withKeyAlgorithms(KeyAlgorithm... keyAlgorithms) {
        return new ListCertificatesRequest(region, statuses, types, Set.of(keyAlgorithms), expiringWithinDays, maxItems, nextToken);
    }

    /** Returns a copy keeping certificates expiring within {@code days}. */
    public ListCertificatesRequest expiringWithin(int days) {
        return new ListCertificatesRequest(region, statuses, types, keyAlgorithms, days, maxItems, nextToken);
    }

    /** Returns a copy with a page size and the token of the page to read. */
    public ListCertificatesRequest page(int maxItems, String nextToken) {
        return new ListCertificatesRequest(region, statuses, types, keyAlgorithms, expiringWithinDays, maxItems, nextToken);
    }
}
