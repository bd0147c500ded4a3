package dev.terminus.controlplane.testing;

import dev.terminus.controlplane.config.ConfigLoader;
import dev.terminus.controlplane.config.ControlPlaneConfig;
import dev.terminus.controlplane.server.ControlPlane;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Runs a real control plane on 127.0.0.1 port 0 over a temporary data directory, and calls it with
 * the JDK's HttpClient trusting only the exported {@code ca-chain.pem}. {@link #users} says which
 * resources use a certificate (bindings arrive later).
 */
public final class ControlPlaneFixture implements AutoCloseable {

    private static final Pattern TOKEN = Pattern.compile("tmn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}");

    public final Path dataDir;
    public final Map<String, List<String>> users = new ConcurrentHashMap<>();
    public final ControlPlaneConfig config;
    public ControlPlane plane;
    public String console;
    private HttpClient http;

    public ControlPlaneFixture(Path dataDir) {
        this(dataDir, config -> config);
    }

    /** Starts with the defaults on port 0, changed by {@code tweak} (e.g. webhooks). */
    public ControlPlaneFixture(Path dataDir, java.util.function.UnaryOperator<ControlPlaneConfig> tweak) {
        this.dataDir = dataDir;
        this.config = tweak.apply(ConfigLoader.defaults(dataDir, Map.of()).withPort(0));
        start();
    }

    /** Starts (or restarts) the control plane on the same data directory. */
    public void start() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream console = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            plane = ControlPlane.start(config, Map.of(), Clock.systemUTC(), arn -> users.getOrDefault(arn, List.of()), console);
        }
        console = captured.toString(StandardCharsets.UTF_8);
        http = HttpClient.newBuilder().sslContext(trusting(caChain())).build();
    }

    /** Returns the admin token the first start printed; fails when this start printed none. */
    public String firstAdminToken() {
        Matcher matcher = TOKEN.matcher(console);
        if (!matcher.find()) {
            throw new AssertionError("no token printed: " + console);
        }
        return matcher.group();
    }

    public Path caChain() {
        return config.caChainFile();
    }

    public String endpoint() {
        return plane.endpoint();
    }

    /** Sends {@code method path} with {@code token} (null: none) and a JSON {@code body} (null: none). */
    public HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Returns {@code arn} percent-encoded for a path segment. */
    public static String encode(String arn) {
        return URLEncoder.encode(arn, StandardCharsets.UTF_8);
    }

    /** Returns an SSL context trusting exactly the certificates in {@code pemFile}. */
    public static SSLContext trusting(Path pemFile) {
        try (var in = Files.newInputStream(pemFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, (X509Certificate) certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Stops the control plane; {@link #start()} brings it back on the same data. */
    public void stop() {
        plane.close();
    }

    @Override
    public void close() {
        stop();
    }
}
