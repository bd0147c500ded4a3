package dev.terminus.proxy.runtime;

import dev.terminus.proxy.admin.AdminBackend;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.RawResponses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A reload that changes the limits applies them to new connections; open ones keep theirs. */
class LimitsReloadTest {
    @TempDir
    Path dir;

    private Path write(String maxBody) throws IOException {
        Path config = dir.resolve("proxy.yaml");
        Files.writeString(config, "admin: { port: 0 }\n"
                + "limits: { max-body-size: " + maxBody + " }\n"
                + "request-id: { header: X-Trace }\n"
                + "listeners:\n  - name: http\n    port: 0\n    protocol: HTTP\n"
                + "    default-action: { fixed-response: { body: \"ok\\n\" } }\n");
        return config;
    }

    @Test
    void newLimitsApplyToNewConnections() throws Exception {
        try (ProxyRig rig = new ProxyRig(write("1k"), 60_000)) {
            int port = rig.app.listeners().get("http").getPort();
            try (Socket before = new Socket(InetAddress.getLoopbackAddress(), port)) {
                before.setSoTimeout(10_000);
                assertThat(post(before, 100)).startsWith("HTTP/1.1 200 ").containsIgnoringCase("x-trace: ");

                write("10");
                AdminBackend.ReloadResult reload = rig.app.runtime().reload();
                assertThat(reload.ok()).as(reload.message()).isTrue();

                assertThat(post(before, 100)).as("an open connection keeps the limits it started with")
                        .startsWith("HTTP/1.1 200 ");
                try (Socket after = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    after.setSoTimeout(10_000);
                    assertThat(post(after, 100)).startsWith("HTTP/1.1 413 ")
                            .containsIgnoringCase("x-terminus-error: body-too-large");
                }
            }
        }
    }

    /** Sends a POST with a body of {@code size} bytes; returns the response head and body. */
    private static String post(Socket socket, int size) throws IOException {
        socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n"
                + "x".repeat(size)).getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return RawResponses.readOne(socket.getInputStream());
    }
}
