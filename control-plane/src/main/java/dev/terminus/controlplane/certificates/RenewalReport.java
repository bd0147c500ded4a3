package dev.terminus.controlplane.certificates;

/** Counts what one {@link RenewalScheduler#runOnce()} did: renewals, failed attempts, expiry notices, expirations, skipped races. */
public record RenewalReport(int renewed, int failed, int notified, int expired, int conflicts) {
}
