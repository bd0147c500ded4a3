package dev.terminus.controlplane.api;

import java.nio.charset.StandardCharsets;

/** Holds an answer: status, content type, body, and the target (ARN or token id) the audit log records, if any. */
record Response(int status, String contentType, byte[] body, String target) {

    static final String JSON = "application/json";

    /** Returns a JSON answer of {@code value}. */
    static Response json(int status, Object value) {
        return new Response(status, JSON, Json.write(value), null);
    }

    /** Returns a JSON answer of {@code value}, audited against {@code target}. */
    static Response json(int status, Object value, String target) {
        return new Response(status, JSON, Json.write(value), target);
    }

    /** Returns a text answer of {@code contentType}. */
    static Response text(int status, String contentType, String body) {
        return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8), null);
    }
}
