package dev.terminus.proxy.admin;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Names the admin endpoints, their paths and the one method each accepts. The table is what
 * tells a 404 (unknown path) from a 405 (known path, wrong method).
 */
enum Endpoint {
    HEALTHZ("/healthz", HttpMethod.GET),
    READYZ("/readyz", HttpMethod.GET),
    METRICS("/metrics", HttpMethod.GET),
    CERTIFICATES("/certificates", HttpMethod.GET),
    TARGETS("/targets", HttpMethod.GET),
    RELOAD("/admin/reload", HttpMethod.POST),
    REOPEN_LOGS("/admin/reopen-logs", HttpMethod.POST);

    private final String path;
    private final HttpMethod method;

    Endpoint(String path, HttpMethod method) {
        this.path = path;
        this.method = method;
    }

    /** Returns the endpoint serving {@code path} (no query string), or {@code null} if none. */
    static Endpoint find(String path) {
        for (Endpoint e : values()) {
            if (e.path.equals(path)) {
                return e;
            }
        }
        return null;
    }

    String path() {
        return path;
    }

    HttpMethod method() {
        return method;
    }
}
