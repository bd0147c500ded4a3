package dev.terminus.controlplane.certificates;

/** Confirms the deletion of {@code certificateArn}. */
public record DeleteCertificateResponse(String certificateArn) {
}
