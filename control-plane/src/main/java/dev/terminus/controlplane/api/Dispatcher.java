package dev.terminus.controlplane.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.terminus.controlplane.api.ApiErrors.ApiError;
import dev.terminus.controlplane.store.AuditLog;
import dev.terminus.controlplane.store.AuditLog.AuditEntry;
import dev.terminus.controlplane.tokens.ApiTokens;
import dev.terminus.controlplane.tokens.ApiTokens.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every request: read the body (413 above {@link #MAX_BODY_BYTES}), route (404/405), authenticate
 * the bearer token (401) and check its role (403), call the handler, map failures to JSON errors, and
 * append an audit row for audited routes before answering. Runs on the API's worker threads, which may block.
 */
final class Dispatcher implements HttpHandler {

    /** The largest request body: an import's 2 MiB chain limit plus its certificate, key and JSON escaping. */
    static final int MAX_BODY_BYTES = 3 * 1024 * 1024;
    static final String ANONYMOUS = "anonymous";
    private static final long DRAIN_BYTES = 4L * MAX_BODY_BYTES;
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final List<Route> routes;
    private final ApiTokens tokens;
    private final AuditLog audit;
    private final Clock clock;
    private final AtomicLong auditFailures = new AtomicLong();

    Dispatcher(List<Route> routes, ApiTokens tokens, AuditLog audit, Clock clock) {
        this.routes = List.copyOf(routes);
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Route route = null;
        Caller caller = null;
        Map<String, String> path = Map.of();
        Response response;
        try {
            // Read the body first, whatever the outcome: the JDK server stalls the connection when a
            // handler answers without consuming what the client is still sending.
            byte[] body = body(exchange);
            List<String> segments = segments(exchange.getRequestURI().getRawPath());
            Set<String> allowed = new LinkedHashSet<>();
            for (Route candidate : routes) {
                Map<String, String> match = candidate.match(segments);
                if (match != null) {
                    allowed.add(candidate.method());
                    if (route == null && candidate.method().equals(exchange.getRequestMethod())) {
                        route = candidate;
                        path = match;
                    }
                }
            }
            if (route == null) {
                if (!allowed.isEmpty()) {
                    exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
                    throw new ApiException(405, ApiErrors.METHOD_NOT_ALLOWED, exchange.getRequestMethod() + " "
                            + exchange.getRequestURI().getRawPath() + " (expected: one of " + allowed + ")");
                }
                throw new ApiException(404, ApiErrors.UNKNOWN_ROUTE, "path: " + exchange.getRequestURI().getRawPath()
                        + " (expected: a route of /openapi.json)");
            }
            if (route.role() != null) {
                caller = authenticate(exchange);
                if (!caller.role().includes(route.role())) {
                    throw new ApiException(403, ApiErrors.FORBIDDEN, "token " + caller.tokenId() + " has role "
                            + caller.role().wireName() + " (expected: " + route.role().wireName() + " or above for "
                            + route.method() + " " + route.template() + ")");
                }
            }
            response = route.handler().handle(new Request(path, query(exchange.getRequestURI().getRawQuery()), body, caller));
        } catch (Throwable failure) {
            ApiError error = ApiErrors.of(failure);
            if (error.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"terminus\"");
            }
            response = Response.json(error.status(), Map.of("code", error.code(), "message", error.message()));
        }
        if (route != null && route.operation() != null) {
            record(route, caller, path, response);
        }
        send(exchange, response);
    }

    /** Returns how many audit rows failed to be written (each one also logged). */
    long auditFailures() {
        return auditFailures.get();
    }

    private Caller authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, ApiErrors.UNAUTHORIZED, "Authorization: missing (expected: Bearer <token>;"
                    + " create one with: terminus control-plane token create --role reader)");
        }
        return tokens.authenticate(header.substring(7).strip()).orElseThrow(() -> new ApiException(401,
                ApiErrors.UNAUTHORIZED, "Authorization: unknown or malformed token (expected: a token this control plane issued)"));
    }

    private void record(Route route, Caller caller, Map<String, String> path, Response response) {
        String target = response.target() != null ? response.target() : path.getOrDefault("arn", path.get("id"));
        String result = response.status() < 400 ? "OK" : errorCode(response);
        try {
            audit.append(new AuditEntry(0, clock.instant(), caller == null ? ANONYMOUS : caller.tokenId(), route.operation(),
                    target, result, response.status()));
        } catch (RuntimeException e) {
            // The call already happened; failing the answer would make the caller retry it.
            auditFailures.incrementAndGet();
            log.error("Could not write the audit row for {} {} ({}): {}", route.operation(), target, result, e.toString());
        }
    }

    private static String errorCode(Response response) {
        try {
            return Json.mapper().readTree(response.body()).path("code").asText("Error");
        } catch (IOException e) {
            return "Error";
        }
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                // Read (a bounded amount of) the rest so that the client, still sending, receives the 413.
                byte[] buffer = new byte[64 * 1024];
                long drained = 0;
                for (int read = 0; read >= 0 && drained < DRAIN_BYTES; read = in.read(buffer)) {
                    drained += read;
                }
                throw tooLarge();
            }
            return body;
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(413, ApiErrors.REQUEST_TOO_LARGE, "body: more than " + MAX_BODY_BYTES
                + " bytes (expected: at most " + MAX_BODY_BYTES + ")");
    }

    private static List<String> segments(String rawPath) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        List<String> segments = new ArrayList<>(List.of(path.substring(1).split("/", -1)));
        if (segments.size() > 1 && segments.get(segments.size() - 1).isEmpty()) {
            segments.remove(segments.size() - 1); // a trailing slash names the same resource
        }
        return segments;
    }

    private static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = PercentDecoder.decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : PercentDecoder.decode(pair.substring(equals + 1));
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        // Answers may carry tokens or encrypted keys: never cache them.
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        exchange.close();
    }
}
