package dev.terminus.proxy.http;

import io.netty.channel.Channel;

/**
 * Names one backend a request can be forwarded to and receives what the forwarder observes
 * about it. A plain {@link RouteAction.Forward} is a target with no bookkeeping; a target-group
 * member counts requests, latency and connections. Backend connections are pooled per target,
 * by {@code equals}.
 *
 * <p>Every method is called on a downstream connection's event loop, from many loops at once:
 * implementations must be thread-safe, fast, and must never block.
 */
public interface UpstreamTarget {

    /** Returns where to connect. */
    RouteAction.Forward address();

    /** Returns the name of the target group this target belongs to, or {@code null} (access log). */
    default String groupName() {
        return null;
    }

    /** Returns how to speak TLS to this target, or {@code null} for plain HTTP. */
    default UpstreamTls tls() {
        return null;
    }

    /** Tells whether idle connections to this target may be reused; false once it drains. */
    default boolean reusable() {
        return true;
    }

    /**
     * Tells whether {@link #requestFinished} uses its {@code nanos}; when not, the forwarder reads
     * no clock for it (two clock reads per request saved on a target that keeps no statistics).
     */
    default boolean timesRequests() {
        return true;
    }

    /** Records that a request was assigned to this target. Always followed by one {@link #requestFinished}. */
    default void requestStarted() {
    }

    /**
     * Records the end of a request started with {@link #requestStarted}.
     *
     * @param status the status the client got (the backend's, or the proxy's error), or 0 when
     *               the exchange ended without one (client gone, response cut)
     * @param nanos  time from assignment to the end of the exchange
     */
    default void requestFinished(int status, long nanos) {
    }

    /** Records a backend connection that became active, before any request is sent on it. */
    default void connectionOpened(Channel channel) {
    }

    /** Records the close of a connection reported by {@link #connectionOpened}. */
    default void connectionClosed(Channel channel) {
    }
}
