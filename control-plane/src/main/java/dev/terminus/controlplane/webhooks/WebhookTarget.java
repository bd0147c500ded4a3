package dev.terminus.controlplane.webhooks;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names one receiver of the event log: a stable {@code id} that keys its persisted cursor (so the URL can
 * move without re-sending or losing events), the {@code url} to POST to, an optional HMAC {@code secret}
 * (null: requests are not signed) and where a new target's cursor starts.
 */
public record WebhookTarget(String id, URI url, String secret, StartAt startAt) {

    /** Says which events a target that has no persisted cursor yet receives. */
    public enum StartAt {
        /** Every event in the log, from the first. */
        EARLIEST,
        /** Only events appended after the target is first registered, like an EventBridge rule; the default. */
        LATEST
    }

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Validates the fields; refuses credentials in the URL, which {@link WebhookStatus} would show. */
    public WebhookTarget {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id: " + id
                    + " (expected: 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit)");
        }
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null) {
            throw new IllegalArgumentException("url: " + url + " (expected: an absolute http or https URL with a host)");
        }
        if (url.getUserInfo() != null) {
            throw new IllegalArgumentException("url: <redacted> (expected: no user info; use the secret to sign instead)");
        }
        if (secret != null && secret.isBlank()) {
            throw new IllegalArgumentException("secret: <blank> (expected: null for unsigned requests, or a non-blank secret)");
        }
        Objects.requireNonNull(startAt, "startAt");
    }

    /** Returns an unsigned target that starts at the newest event. */
    public static WebhookTarget of(String id, URI url) {
        return new WebhookTarget(id, url, null, StartAt.LATEST);
    }

    /** Returns this target signing its requests with {@code secret}. */
    public WebhookTarget withSecret(String secret) {
        return new WebhookTarget(id, url, Objects.requireNonNull(secret, "secret"), startAt);
    }

    /** Returns this target starting, when it has no cursor yet, at {@code startAt}. */
    public WebhookTarget withStartAt(StartAt startAt) {
        return new WebhookTarget(id, url, secret, startAt);
    }

    /** Returns the fields with the secret redacted, so that logging a target never leaks it. */
    @Override
    public String toString() {
        return "WebhookTarget[id=" + id + ", url=" + url + ", secret=" + (secret == null ? "none" : "<redacted>")
                + ", startAt=" + startAt + "]";
    }
}
