package dev.terminus.controlplane.api;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.certificates.CertificateService;
import dev.terminus.controlplane.certificates.CertificateStatus;
import dev.terminus.controlplane.certificates.CertificateType;
import dev.terminus.controlplane.certificates.DeleteCertificateRequest;
import dev.terminus.controlplane.certificates.DescribeCertificateRequest;
import dev.terminus.controlplane.certificates.ExportCertificateRequest;
import dev.terminus.controlplane.certificates.ImportCertificateRequest;
import dev.terminus.controlplane.certificates.ListCertificatesRequest;
import dev.terminus.controlplane.certificates.RequestCertificateRequest;
import dev.terminus.controlplane.tokens.Role;
import java.time.Period;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Serves the certificate operations: request, import, re-import, list, describe, export and delete. */
final class CertificateRoutes {

    private static final String CERTIFICATES = "/v1/certificates";
    private static final String ONE = CERTIFICATES + "/{arn}";
    private static final Set<String> LIST_PARAMETERS = Set.of("region", "status", "type", "keyAlgorithm",
            "expiringWithinDays", "maxItems", "nextToken");

    /** Asks for a PRIVATE certificate; null fields take ACM's defaults (RSA_2048, 395 days). */
    record RequestBody(String region, String domainName, List<String> subjectAlternativeNames, String keyAlgorithm,
            Integer validityDays, Map<String, String> tags) {
    }

    /** Imports a certificate with its chain and clear private key (PEM). */
    record ImportBody(String region, String certificate, String certificateChain, String privateKey, Map<String, String> tags) {
    }

    /** Re-imports under an existing IMPORTED ARN. */
    record ReimportBody(String certificate, String certificateChain, String privateKey) {
    }

    /** Carries the export passphrase (4 to 128 characters). */
    record ExportBody(String passphrase) {
        @Override
        public String toString() {
            return "ExportBody[passphrase=(hidden)]";
        }
    }

    private final CertificateService service;

    CertificateRoutes(CertificateService service) {
        this.service = service;
    }

    List<Route> routes() {
        return List.of(
                new Route("POST", CERTIFICATES, Role.OPERATOR, "RequestCertificate", this::request),
                new Route("GET", CERTIFICATES, Role.READER, null, this::list),
                new Route("POST", CERTIFICATES + "/import", Role.OPERATOR, "ImportCertificate", this::importCertificate),
                new Route("GET", ONE, Role.READER, null, this::describe),
                new Route("DELETE", ONE, Role.ADMIN, "DeleteCertificate", this::delete),
                new Route("POST", ONE + "/reimport", Role.OPERATOR, "ReimportCertificate", this::reimport),
                new Route("POST", ONE + "/export", Role.ADMIN, "ExportCertificate", this::export));
    }

    private Response request(Request request) {
        RequestBody body = Json.read(request.body(), RequestBody.class);
        Period validity = body.validityDays() == null ? null : Period.ofDays(body.validityDays());
        String arn = service.requestCertificate(new RequestCertificateRequest(body.region(), body.domainName(),
                body.subjectAlternativeNames(), keyAlgorithm("keyAlgorithm", body.keyAlgorithm()), validity, body.tags()))
                .certificateArn();
        return Response.json(201, Map.of("certificateArn", arn), arn);
    }

    private Response importCertificate(Request request) {
        ImportBody body = Json.read(request.body(), ImportBody.class);
        String arn = service.importCertificate(new ImportCertificateRequest(body.region(), null, body.certificate(),
                body.certificateChain(), body.privateKey(), body.tags())).certificateArn();
        return Response.json(201, Map.of("certificateArn", arn), arn);
    }

    private Response reimport(Request request) {
        ReimportBody body = Json.read(request.body(), ReimportBody.class);
        String arn = service.importCertificate(ImportCertificateRequest.reimport(request.path("arn"), body.certificate(),
                body.certificateChain(), body.privateKey())).certificateArn();
        return Response.json(200, Map.of("certificateArn", arn));
    }

    private Response list(Request request) {
        request.onlyQuery(LIST_PARAMETERS);
        ListCertificatesRequest query = new ListCertificatesRequest(request.query("region"),
                enums("status", request.queryAll("status"), CertificateStatus.class),
                enums("type", request.queryAll("type"), CertificateType.class),
                request.queryAll("keyAlgorithm").stream().map(v -> keyAlgorithm("keyAlgorithm", v)).collect(Collectors.toSet()),
                request.integer("expiringWithinDays"), request.integer("maxItems"), request.query("nextToken"));
        return Response.json(200, service.listCertificates(query));
    }

    private Response describe(Request request) {
        return Response.json(200, service.describeCertificate(new DescribeCertificateRequest(request.path("arn"))));
    }

    private Response export(Request request) {
        ExportBody body = Json.read(request.body(), ExportBody.class);
        char[] passphrase = body.passphrase() == null ? null : body.passphrase().toCharArray();
        try {
            return Response.json(200, service.exportCertificate(new ExportCertificateRequest(request.path("arn"), passphrase)));
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    private Response delete(Request request) {
        return Response.json(200, service.deleteCertificate(new DeleteCertificateRequest(request.path("arn"))));
    }

    /** Parses an ACM key algorithm name such as {@code EC_prime256v1}; null stays null. */
    static KeyAlgorithm keyAlgorithm(String field, String value) {
        return value == null ? null : parse(field, value, KeyAlgorithm.class);
    }

    private static <E extends Enum<E>> Set<E> enums(String field, List<String> values, Class<E> type) {
        Set<E> parsed = EnumSet.noneOf(type);
        values.forEach(v -> parsed.add(parse(field, v, type)));
        return parsed;
    }

    private static <E extends Enum<E>> E parse(String field, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        throw ApiException.invalid(field + ": \"" + value + "\" (expected: one of "
                + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")) + ")");
    }
}
