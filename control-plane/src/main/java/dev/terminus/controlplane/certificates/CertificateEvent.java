package dev.terminus.controlplane.certificates;

import java.time.Instant;

/** Records one thing that happened to a certificate; {@code id} orders the log, {@code detail} is for people. */
public record CertificateEvent(long id, Instant at, EventType type, String certificateArn, String detail) {
}
