package dev.terminus.controlplane.api;

import dev.terminus.controlplane.certificates.AddTagsRequest;
import dev.terminus.controlplane.certificates.CertificateService;
import dev.terminus.controlplane.certificates.ListTagsRequest;
import dev.terminus.controlplane.certificates.RemoveTagsRequest;
import dev.terminus.controlplane.tokens.Role;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Serves a certificate's tags: list, add (or overwrite), remove by key ({@code ?key=a&key=b}). */
final class TagRoutes {

    private static final String TAGS = "/v1/certificates/{arn}/tags";

    /** Carries the tags to add or overwrite. */
    record TagsBody(Map<String, String> tags) {
    }

    private final CertificateService service;

    TagRoutes(CertificateService service) {
        this.service = service;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", TAGS, Role.READER, null, this::list),
                new Route("POST", TAGS, Role.OPERATOR, "AddTags", this::add),
                new Route("DELETE", TAGS, Role.OPERATOR, "RemoveTags", this::remove));
    }

    private Response list(Request request) {
        return Response.json(200, service.listTags(new ListTagsRequest(request.path("arn"))));
    }

    private Response add(Request request) {
        TagsBody body = Json.read(request.body(), TagsBody.class);
        return Response.json(200, service.addTags(new AddTagsRequest(request.path("arn"), body.tags())));
    }

    private Response remove(Request request) {
        request.onlyQuery(Set.of("key"));
        // Not split at commas: a tag key may contain one.
        List<String> keys = request.query().getOrDefault("key", List.of());
        return Response.json(200, service.removeTags(new RemoveTagsRequest(request.path("arn"), new LinkedHashSet<>(keys))));
    }
}
