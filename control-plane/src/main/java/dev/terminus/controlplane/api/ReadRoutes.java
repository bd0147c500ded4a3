package dev.terminus.controlplane.api;

import dev.terminus.controlplane.certificates.CertificateService;
import dev.terminus.controlplane.certificates.PrivateCa;
import dev.terminus.controlplane.certificates.ReadEventsRequest;
import dev.terminus.controlplane.store.AuditLog;
import dev.terminus.controlplane.tokens.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Serves the read-only endpoints: health, the OpenAPI document, CA chains, the event log and the audit log. */
final class ReadRoutes {

    static final String OPENAPI_RESOURCE = "/dev/terminus/controlplane/api/openapi.json";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_AUDIT_LIMIT = 1000;

    private final CertificateService service;
    private final PrivateCa ca;
    private final AuditLog audit;
    private final byte[] openApi;

    ReadRoutes(CertificateService service, PrivateCa ca, AuditLog audit) {
        this.service = service;
        this.ca = ca;
        this.audit = audit;
        this.openApi = openApiDocument();
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/healthz", null, null, r -> Response.json(200, Map.of("status", "ok"))),
                new Route("GET", "/openapi.json", null, null, r -> new Response(200, Response.JSON, openApi, null)),
                new Route("GET", "/v1/ca/{region}/chain", Role.READER, null, this::chain),
                // A region's subordinate CA: admin, like the CA itself; audited.
                new Route("POST", "/v1/ca/{region}", Role.ADMIN, "CreateSubordinate", this::createSubordinate),
                new Route("GET", "/v1/events", Role.READER, null, this::events),
                new Route("GET", "/v1/audit", Role.ADMIN, null, this::audit));
    }

    private Response createSubordinate(Request request) {
        String region = request.path("region");
        ca.createSubordinate(dev.terminus.controlplane.ca.CreateSubordinateRequest.of(region));
        return Response.json(201, Map.of("region", region, "chain", ca.chainPem(region)), region);
    }

    private Response chain(Request request) {
        return Response.text(200, "application/pem-certificate-chain", ca.chainPem(request.path("region")));
    }

    private Response events(Request request) {
        request.onlyQuery(Set.of("after", "limit"));
        Integer limit = request.integer("limit");
        return Response.json(200, service.readEvents(new ReadEventsRequest(after(request), limit == null ? DEFAULT_LIMIT : limit)));
    }

    private Response audit(Request request) {
        request.onlyQuery(Set.of("after", "limit"));
        Integer limit = request.integer("limit");
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_AUDIT_LIMIT) {
            throw ApiException.invalid("limit: " + size + " (expected: 1 to " + MAX_AUDIT_LIMIT + ")");
        }
        List<AuditLog.AuditEntry> entries = audit.readAfter(after(request), size);
        long next = entries.isEmpty() ? after(request) : entries.get(entries.size() - 1).id();
        return Response.json(200, Map.of("entries", entries, "nextAfterId", next));
    }

    private static long after(Request request) {
        String after = request.query("after");
        try {
            return after == null ? 0 : Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("after: \"" + after + "\" (expected: an event id, 0 for the start)");
        }
    }

    private static byte[] openApiDocument() {
        try (InputStream in = ReadRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + OPENAPI_RESOURCE + " (a packaging bug)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
