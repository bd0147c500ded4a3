package dev.terminus.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terminus.controlplane.api.Json;
import dev.terminus.controlplane.ca.Pem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Calls the control plane's API over HTTPS, trusting only the given CA file, with a bearer token.
 * Error answers become {@link ApiCallException}s carrying the stable code; blocking.
 */
final class ApiClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Signals an API refusal: HTTP status, stable code and message. */
    static final class ApiCallException extends RuntimeException {
        private final int status;
        private final String code;

        ApiCallException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        int status() {
            return status;
        }

        String code() {
            return code;
        }
    }

    private final HttpClient http;
    private final String endpoint;
    private final String token;

    private ApiClient(HttpClient http, String endpoint, String token) {
        this.http = http;
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.token = token;
    }

    /** Returns a client of {@code endpoint} that trusts the certificates in {@code caFile}. */
    static ApiClient create(String endpoint, String token, Path caFile) {
        return new ApiClient(HttpClient.newBuilder().sslContext(trusting(caFile)).connectTimeout(Duration.ofSeconds(10)).build(),
                endpoint, token);
    }

    /** Returns an SSL context trusting exactly the certificates of the PEM file {@code caFile}. */
    static SSLContext trusting(Path caFile) {
        List<X509Certificate> certificates;
        try {
            certificates = Pem.readCertificates(Files.readString(caFile, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            throw new TerminusCommand.UsageException("ca-file: " + caFile + " (expected: a readable PEM file of CA certificates,"
                    + " e.g. <data-dir>/ca-chain.pem written by the control plane; " + e.getMessage() + ")");
        }
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                trust.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store from " + caFile, e);
        }
    }

    /** Returns {@code value} percent-encoded for one path segment or query value (':' and '/' included). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return json(builder(path).GET());
    }

    String getText(String path) {
        return sendText(builder(path).GET());
    }

    JsonNode post(String path, Object body) {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the request", e);
        }
        return json(builder(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    JsonNode delete(String path) {
        return json(builder(path).DELETE());
    }

    private HttpRequest.Builder builder(String path) {
        return HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private JsonNode json(HttpRequest.Builder request) {
        String text = sendText(request);
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the API answered something other than JSON: " + e.getMessage(), e);
        }
    }

    private String sendText(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new IllegalStateException("cannot connect to " + endpoint + " (is the control plane running?"
                    + " start it with: ./terminus control-plane)", e);
        } catch (SSLHandshakeException e) {
            throw new IllegalStateException("TLS with " + endpoint + " failed: " + e.getMessage()
                    + " (is --ca-file the control plane's ca-chain.pem?)", e);
        } catch (IOException e) {
            throw new IllegalStateException("calling " + endpoint + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (response.statusCode() >= 400) {
            String code = "HTTP" + response.statusCode();
            String message = response.body();
            try {
                JsonNode error = Json.mapper().readTree(response.body());
                code = error.path("code").asText(code);
                message = error.path("message").asText(message);
            } catch (IOException e) {
                // not a JSON error: keep the raw body
            }
            throw new ApiCallException(response.statusCode(), code, message);
        }
        return response.body();
    }
}
