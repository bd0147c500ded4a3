package dev.terminus.controlplane.api;

import dev.terminus.controlplane.certificates.CertificateService;
import dev.terminus.controlplane.certificates.RevokeCertificateRequest;
import dev.terminus.controlplane.tokens.Role;

import java.util.List;

/**
 * Serves revocation: RevokeCertificate, each region's CRL (RFC 5280, DER) and its OCSP responder
 * (RFC 6960, POST of a DER request). CRL and OCSP are public, as relying parties fetch them without
 * a token; they are the URLs the CA writes into every certificate it issues.
 */
final class RevocationRoutes {
    private final CertificateService service;

    RevocationRoutes(CertificateService service) {
        this.service = service;
    }

    List<Route> routes() {
        return List.of(
                // RevokeCertificate: operator, like the other lifecycle changes; audited like every mutation.
                new Route("POST", "/v1/certificates/{arn}/revoke", Role.OPERATOR, "RevokeCertificate", this::revoke),
                new Route("GET", "/crl/{region}.crl", null, null, this::crl),
                new Route("POST", "/ocsp/{region}", null, null, this::ocsp));
    }

    /** Body of RevokeCertificate: an RFC 5280 reason name such as KEY_COMPROMISE. */
    record RevokeBody(String reason) {
    }

    private Response revoke(Request request) {
        RevokeBody body = Json.read(request.body(), RevokeBody.class);
        String arn = request.path("arn");
        return Response.json(200, service.revokeCertificate(RevokeCertificateRequest.of(arn, body.reason())), arn);
    }

    private Response crl(Request request) {
        return new Response(200, "application/pkix-crl", service.crlPublisher().crl(request.path("region")), null);
    }

    private Response ocsp(Request request) {
        // Malformed requests get a malformedRequest OCSP response, never an exception (RFC 6960 4.2.1).
        return new Response(200, "application/ocsp-response", service.ocspResponder().respond(request.body()), null);
    }
}
