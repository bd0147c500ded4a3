package dev.terminus.controlplane.certificates;

/** Carries the ARN of the imported certificate (the same ARN on a re-import). */
public record ImportCertificateResponse(String certificateArn) {
}
