package dev.terminus.proxy;

import dev.terminus.proxy.testing.H2FrameClient;
import dev.terminus.proxy.testing.HoldingBackend;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.RawResponses;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graceful shutdown of the whole proxy ({@link ProxyApplication#close}): listeners stop first,
 * /readyz turns 503, idle connections close, busy HTTP/1.1 ones answer with Connection: close,
 * HTTP/2 ones get GOAWAY; requests in flight finish, up to shutdown-timeout.
 */
class GracefulShutdownTest {
    private static final String HOST = "terminus.test";

    @TempDir
    Path dir;
    TestPki pki;
    HoldingBackend backend;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        pki = new TestPki(dir);
        backend = new HoldingBackend();
        closing.add(backend);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private ProxyRig start(String shutdownTimeout) throws Exception {
        TestPki.Files2 cert = pki.ecdsa("lb", HOST);
        String forward = "    default-action: { forward: { host: 127.0.0.1, port: " + backend.port() + " } }\n";
        Path config = dir.resolve("proxy.yaml");
        Files.writeString(config, "admin: { port: 0 }\n"
                + "limits: { shutdown-timeout: " + shutdownTimeout + " }\n"
                + "listeners:\n"
                + "  - name: https\n    port: 0\n    certificates:\n"
                + "      - { name: lb, chain: " + cert.chain() + ", key: " + cert.key() + " }\n" + forward
                + "  - name: http\n    port: 0\n    protocol: HTTP\n" + forward);
        ProxyRig rig = new ProxyRig(config, 60_000);
        closing.add(rig);
        return rig;
    }

    private static Socket get(int port, String path) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Polls until connecting to {@code port} is refused; bounded. */
    private static boolean awaitRefused(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                LockSupport.parkNanos(5_000_000);
            } catch (ConnectException refused) {
                return true;
            } catch (IOException other) {
                LockSupport.parkNanos(5_000_000);
            }
        }
        return false;
    }

    private static CompletableFuture<Long> closeInBackground(ProxyRig rig) {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            rig.close();
            return (System.nanoTime() - start) / 1_000_000;
        }, runnable -> {
            Thread t = new Thread(runnable, "test-shutdown");
            t.setDaemon(true);
            t.start();
        });
    }

    @Test
    void requestsInFlightFinishWhileNewConnectionsAreRefused() throws Exception {
        ProxyRig rig = start("20s");
        int plain = rig.app.listeners().get("http").getPort();
        int tls = rig.app.listeners().get("https").getPort();

        // An idle kept-alive HTTP/1.1 connection, one busy on HTTP/1.1, one busy stream on HTTP/2.
        Socket idle = get(plain, "/fast");
        closing.add(idle);
        assertThat(RawResponses.readOne(idle.getInputStream())).startsWith("HTTP/1.1 200 ").endsWith("ok\n")
                .doesNotContainIgnoringCase("connection: close");
        Socket busy = get(plain, "/hold/1");
        closing.add(busy);
        H2FrameClient h2 = new H2FrameClient(HOST, tls);
        closing.add(h2);
        int stream = h2.get("/hold/2");
        assertThat(backend.awaitHeld(2, 20)).as("both requests reached the backend").isTrue();

        CompletableFuture<Long> shutdown = closeInBackground(rig);

        assertThat(awaitRefused(plain)).as("the plain listener stops accepting").isTrue();
        assertThat(awaitRefused(tls)).as("the TLS listener stops accepting").isTrue();
        HttpResponse<String> ready = rig.admin("/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("draining");
        idle.setSoTimeout(10_000);
        assertThat(idle.getInputStream().read()).as("the idle connection is closed now").isEqualTo(-1);
        assertThat(h2.await("GOAWAY", 10)).as("HTTP/2 gets GOAWAY naming the stream in flight")
                .isEqualTo("GOAWAY last=" + stream + " error=0");
        assertThat(shutdown).as("shutdown waits for the requests in flight").isNotDone();

        backend.release();

        assertThat(RawResponses.readOne(busy.getInputStream())).startsWith("HTTP/1.1 200 ")
                .containsIgnoringCase("connection: close\r\n").endsWith("held\n");
        assertThat(busy.getInputStream().read()).as("closed after the response").isEqualTo(-1);
        assertThat(h2.await("HEADERS stream=" + stream, 10)).isEqualTo("HEADERS stream=" + stream
                + " :status=200 end=false");
        assertThat(h2.await("DATA stream=" + stream, 10)).isEqualTo("DATA stream=" + stream + " end=true held\n");
        assertThat(h2.awaitClosed(10)).as("the HTTP/2 connection closes once its stream ended").isTrue();
        assertThat(shutdown.get(20, TimeUnit.SECONDS)).as("shutdown took (ms)").isLessThan(20_000L);
    }

    @Test
    void aStuckRequestIsCutAtTheShutdownTimeout() throws Exception {
        ProxyRig rig = start("500ms");
        int plain = rig.app.listeners().get("http").getPort();
        Socket stuck = get(plain, "/hold");
        closing.add(stuck);
        assertThat(backend.awaitHeld(1, 20)).isTrue();

        long took = closeInBackground(rig).get(20, TimeUnit.SECONDS);

        assertThat(took).as("shutdown took (ms)").isBetween(500L, 500L + 4_000L);
        stuck.setSoTimeout(5_000);
        int first;
        try {
            first = stuck.getInputStream().read();
        } catch (IOException reset) {
            first = -1;
        }
        assertThat(first).as("the client got no response, just the close").isEqualTo(-1);
    }
}
