package dev.terminus.controlplane.certificates;

/** Carries one certificate's details. */
public record DescribeCertificateResponse(CertificateDetail certificate) {
}
