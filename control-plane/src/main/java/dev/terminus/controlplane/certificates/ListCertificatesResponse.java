package dev.terminus.controlplane.certificates;

import java.util.List;

/** Carries one page of certificates, by ARN; {@code nextToken} is null on the last page. */
public record ListCertificatesResponse(List<CertificateDetail> certificates, String nextToken) {

    /** Copies the list. */
    public ListCertificatesResponse {
        certificates = List.copyOf(certificates);
    }
}
