package dev.terminus.proxy.http;

/**
 * Chooses the target of one request among several backends (a target group, or target groups
 * weighted against each other). Called on the connection's event loop for every forwarded
 * request: implementations must be fast, allocation-light and must never block.
 */
@FunctionalInterface
public interface UpstreamGroup {

    /**
     * Picks a target, avoiding {@code avoid} when another one can take the request.
     *
     * @param avoid a target that just failed for this request, or {@code null}
     * @return the target, or {@code null} when no target may take the request (the proxy
     *         answers 503 {@code no-healthy-target})
     */
    UpstreamTarget pick(UpstreamTarget avoid);
}
