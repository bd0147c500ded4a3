/**
 * Delivers the certificate event log to configured webhooks: HTTP POST per event, in order, retried with
 * exponential backoff, at-least-once (receivers dedupe on {@code X-Terminus-Event-Id}).
 *
 * <p>Entry point: {@link dev.terminus.controlplane.webhooks.WebhookDispatcher#create}, built from
 * immutable {@link dev.terminus.controlplane.webhooks.WebhookTarget}s and a
 * {@link dev.terminus.controlplane.webhooks.WebhookPolicy} that the configuration loader produces;
 * {@link dev.terminus.controlplane.webhooks.WebhookDispatcher#runOnce()} is what a timer calls and
 * {@link dev.terminus.controlplane.webhooks.WebhookDispatcher#status()} is what the API shows. Per-target
 * cursors and backoff persist in the store's {@code webhook_deliveries} table, so a restart resumes where
 * delivery stopped. Time comes from an injected {@link java.time.Clock}; everything here blocks on the
 * store and the network: never call it on an event loop.
 */
package dev.terminus.controlplane.webhooks;
