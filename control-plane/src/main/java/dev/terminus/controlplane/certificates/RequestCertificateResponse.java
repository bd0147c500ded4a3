package dev.terminus.controlplane.certificates;

/** Carries the ARN of the newly issued PRIVATE certificate. */
public record RequestCertificateResponse(String certificateArn) {
}
