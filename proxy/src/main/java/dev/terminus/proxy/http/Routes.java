package dev.terminus.proxy.http;

import io.netty.handler.codec.http.HttpRequest;

/**
 * Chooses the action for a request. Called on the connection's event loop for every request:
 * implementations must be fast and must never block. Today a listener has one action; the
 * load-balancer work adds host and path rules behind this same interface.
 */
@FunctionalInterface
public interface Routes {
    RouteAction route(HttpRequest request);
}
