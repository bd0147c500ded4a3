package dev.terminus.controlplane.api;

import dev.terminus.controlplane.store.ApiTokenStore.TokenRecord;
import dev.terminus.controlplane.tokens.ApiTokens;
import dev.terminus.controlplane.tokens.Role;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Serves token management for admins: create (the secret is in this answer only), list (never secrets), delete. */
final class TokenRoutes {

    /** Asks for a token with {@code role} (reader, operator, admin) and an optional note. */
    record CreateBody(String role, String description) {
    }

    /** Shows a token without its secret or hash. */
    record TokenView(String id, String role, String description, Instant createdAt, String createdBy) {
        static TokenView of(TokenRecord record) {
            return new TokenView(record.id(), record.role(), record.description(), record.createdAt(), record.createdBy());
        }
    }

    private final ApiTokens tokens;

    TokenRoutes(ApiTokens tokens) {
        this.tokens = tokens;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/v1/tokens", Role.ADMIN, null, this::list),
                new Route("POST", "/v1/tokens", Role.ADMIN, "CreateToken", this::create),
                new Route("DELETE", "/v1/tokens/{id}", Role.ADMIN, "DeleteToken", this::delete));
    }

    private Response list(Request request) {
        return Response.json(200, Map.of("tokens", tokens.list().stream().map(TokenView::of).toList()));
    }

    private Response create(Request request) {
        CreateBody body = Json.read(request.body(), CreateBody.class);
        ApiTokens.Created created;
        try {
            created = tokens.create(Role.parse("role", body.role()), body.description(), request.caller().tokenId());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        return Response.json(201, Map.of("token", created.token(), "tokenInfo", TokenView.of(created.record())),
                created.record().id());
    }

    private Response delete(Request request) {
        tokens.delete(request.path("id"));
        return Response.json(200, Map.of("id", request.path("id")));
    }
}
