package dev.terminus.proxy.tls;

import dev.terminus.proxy.testing.OpenSslClient;
import dev.terminus.proxy.testing.ProxyRig;
import dev.terminus.proxy.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session resumption: on by default (tickets whose keys survive a reload), off on request so that
 * benchmarks measure full handshakes only. Counted from what openssl s_client -reconnect saw.
 */
class SessionResumptionTest {
    private static final Pattern REUSED = Pattern.compile("(?m)^Reused, ");
    private static final Pattern NEW = Pattern.compile("(?m)^New, ");

    @TempDir
    Path dir;

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: res.test\r\nConnection: close\r\n\r\n";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void resumesByDefaultAndAcrossAReload(String version) throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Files2 ec = pki.ecdsa("res-ec", "res.test");
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir,
                ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, ec), null), 60_000)) {
            String session = dir.resolve("session.pem").toString();
            OpenSslClient.Handshake first = OpenSslClient.exchange(rig.port(), "res.test", REQUEST, version,
                    "-sess_out", session);
            assertThat(count(NEW, first.output())).as(first.output()).isEqualTo(1);
            OpenSslClient.Handshake second = OpenSslClient.exchange(rig.port(), "res.test", REQUEST, version,
                    "-sess_in", session);
            assertThat(count(REUSED, second.output())).as(second.output()).isEqualTo(1);

            assertThat(rig.app.runtime().reload().ok()).isTrue();
            OpenSslClient.Handshake after = OpenSslClient.exchange(rig.port(), "res.test", REQUEST, version,
                    "-sess_in", session);
            assertThat(count(REUSED, after.output())).as("ticket keys survive a reload: " + after.output())
                    .isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void offMeansEveryHandshakeIsFull(String version) throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Files2 ec = pki.ecdsa("res-ec", "res.test");
        try (ProxyRig rig = new ProxyRig(ProxyRig.writeConfig(dir,
                "session-resumption: false\n" + ProxyRig.fixedResponse("TLS13-1-2-2021-06", false, ec), null),
                60_000)) {
            String session = dir.resolve("session.pem").toString();
            OpenSslClient.Handshake first = OpenSslClient.exchange(rig.port(), "res.test", REQUEST, version,
                    "-sess_out", session);
            assertThat(first.output()).as(first.output()).contains("hello").doesNotContain("New Session Ticket");
            // With no ticket and no session id the client has nothing resumable and saves nothing;
            // if it saved something, offering it must still give a full handshake.
            if (java.nio.file.Files.exists(Path.of(session))) {
                OpenSslClient.Handshake second = OpenSslClient.exchange(rig.port(), "res.test", REQUEST, version,
                        "-sess_in", session);
                assertThat(count(REUSED, second.output())).as(second.output()).isZero();
                assertThat(count(NEW, second.output())).as(second.output()).isEqualTo(1);
            }
        }
    }

    @Test
    void jdkProviderStartsAndServes() throws Exception {
        // The fallback must at least serve; resumption there is the JDK's business.
        TestPki pki = new TestPki(dir);
        TestPki.Files2 ec = pki.ecdsa("jdk-ec", "jdk.test");
        TestPki.Files2 rsa = pki.rsa("jdk-rsa", "jdk.test");
        try (var rig = new dev.terminus.proxy.testing.TlsRig(dev.terminus.proxy.testing.TlsRig.config(
                "TLS13-1-2-2021-06", true, ec, rsa), TlsProvider.detect(true))) {
            assertThat(rig.runtime.readiness().notes()).anyMatch(n -> n.contains("DEGRADED"));
            OpenSslClient.Handshake h = OpenSslClient.connect(rig.port("https"), "jdk.test");
            assertThat(h.succeeded()).as(h.output()).isTrue();
            assertThat(h.subjectCn()).isEqualTo("jdk-ec");
            OpenSslClient.Handshake rsaOnly = OpenSslClient.connect(rig.port("https"), "jdk.test", "-tls1_2",
                    "-cipher", "ECDHE-RSA-AES128-GCM-SHA256");
            assertThat(rsaOnly.subjectCn()).as(rsaOnly.output()).isEqualTo("jdk-rsa");
            OpenSslClient.Handshake unknown = OpenSslClient.connect(rig.port("https"), "nope.test");
            assertThat(unknown.output()).containsIgnoringCase("unrecognized name");
        }
    }
}
