package dev.terminus.controlplane.api;

import dev.terminus.controlplane.tokens.Role;
import java.util.List;

/**
 * Reserves the revocation endpoints, which arrive with the revocation work (RevokeCertificate, the
 * regional CRLs and the OCSP responder): each answers 501 {@code NotImplemented} until then, and
 * is listed in the OpenAPI document so that clients see the shape now. WIRE REVOCATION HERE:
 * replace {@link #notYet} with calls to the revocation library; roles and audit names are final.
 */
final class RevocationRoutes {

    List<Route> routes() {
        return List.of(
                // RevokeCertificate: operator, like the other lifecycle changes; audited like every mutation.
                new Route("POST", "/v1/certificates/{arn}/revoke", Role.OPERATOR, "RevokeCertificate", RevocationRoutes::notYet),
                // CRL (RFC 5280) and OCSP (RFC 6960) are public: relying parties fetch them without a token.
                new Route("GET", "/crl/{region}.crl", null, null, RevocationRoutes::notYet),
                new Route("POST", "/ocsp/{region}", null, null, RevocationRoutes::notYet));
    }

    private static Response notYet(Request request) {
        throw new ApiException(501, ApiErrors.NOT_IMPLEMENTED,
                "revocation: not available yet (expected: it arrives with the revocation work: RevokeCertificate, CRL and OCSP)");
    }
}
