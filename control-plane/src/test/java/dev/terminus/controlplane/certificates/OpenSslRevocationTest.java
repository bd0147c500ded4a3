package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.testing.MutableClock;
import dev.terminus.controlplane.testing.OpenSsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.Pem;
import dev.terminus.controlplane.ca.RevocationReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asks the real OpenSSL about revocation: does it read and verify the CRL, does {@code verify
 * -crl_check} refuse the revoked leaf only, and does {@code openssl ocsp} accept our responses?
 * The clock is the current time, because openssl checks CRL and OCSP times against it.
 */
class OpenSslRevocationTest {

    private static final String REGION = "us-east-1";

    @TempDir
    Path dir;

    private ServiceFixture fixture;
    private String good;
    private String revoked;

    @BeforeEach
    void issueAndRevoke() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(OpenSsl.BINARY)), "openssl is not installed");
        fixture = new ServiceFixture(dir.resolve("data"), new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS)),
                CertificatesConfig.of(ServiceFixture.ACCOUNT));
        good = request("good.example.com");
        revoked = request("revoked.example.com");
        fixture.service.revokeCertificate(new RevokeCertificateRequest(revoked, RevocationReason.KEY_COMPROMISE));
        Files.writeString(dir.resolve("root.pem"), Pem.write(fixture.ca.root()));
        Files.writeString(dir.resolve("sub.pem"), Pem.write(fixture.ca.chain(REGION).get(0)));
        Files.writeString(dir.resolve("chain.pem"), fixture.ca.chainPem(REGION));
        Files.writeString(dir.resolve("good.pem"), fixture.store.certificates().find(good).orElseThrow().certificatePem());
        Files.writeString(dir.resolve("revoked.pem"), fixture.store.certificates().find(revoked).orElseThrow().certificatePem());
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void ok_opensslReadsAndVerifiesTheCrlAndRefusesTheRevokedLeaf() throws Exception {
        Files.write(dir.resolve("crl.der"), fixture.service.crlPublisher().crl(REGION));

        OpenSsl.Result text = openssl("crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text");
        assertThat(text.exitCode()).as(text.output()).isZero();
        assertThat(text.output()).contains("Serial Number: " + serial(revoked)).contains("Key Compromise")
                .contains("X509v3 CRL Number:").contains("X509v3 Authority Key Identifier:").contains("Next Update:")
                .doesNotContain(serial(good));
        OpenSsl.Result signature = openssl("crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "chain.pem", "-noout");
        assertThat(signature.exitCode()).as(signature.output()).isZero();
        assertThat(signature.output()).contains("verify OK");

        assertThat(openssl("crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem").exitCode()).isZero();
        OpenSsl.Result refused = openssl("verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem",
                "-untrusted", "sub.pem", "revoked.pem");
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("certificate revoked");
        OpenSsl.Result accepted = openssl("verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem",
                "-untrusted", "sub.pem", "good.pem");
        assertThat(accepted.exitCode()).as(accepted.output()).isZero();
        assertThat(accepted.output()).contains("good.pem: OK");
    }

    @Test
    void ok_opensslOcspSeesGoodAndRevokedWithoutNonce() throws Exception {
        OpenSsl.Result goodAnswer = ocsp("good.pem", false);
        assertThat(goodAnswer.output()).contains("good.pem: good").contains("Response verify OK")
                .contains("Cert Status: good").contains("Next Update:");

        OpenSsl.Result revokedAnswer = ocsp("revoked.pem", false);
        assertThat(revokedAnswer.output()).contains("revoked.pem: revoked").contains("Response verify OK")
                .contains("Reason: keyCompromise").contains("Revocation Time:");
    }

    @Test
    void ok_opensslOcspGetsItsNonceBack() throws Exception {
        OpenSsl.Result answer = ocsp("good.pem", true);
        assertThat(answer.output()).contains("Cert Status: good").contains("Response verify OK").contains("OCSP Nonce:")
                .doesNotContain("Nonce Verify error").doesNotContain("WARNING: no nonce in response");
    }

    @Test
    void fail_garbageRequestGetsMalformedRequest() throws Exception {
        Files.write(dir.resolve("resp.der"), fixture.service.ocspResponder().respond("garbage".getBytes()));
        OpenSsl.Result answer = openssl("ocsp", "-respin", "resp.der", "-resp_text", "-noverify");
        assertThat(answer.output()).contains("malformedrequest");
    }

    /** Has openssl build a request for {@code leaf}, answers it, and has openssl verify the answer. */
    private OpenSsl.Result ocsp(String leaf, boolean nonce) throws Exception {
        OpenSsl.Result request = nonce
                ? openssl("ocsp", "-issuer", "sub.pem", "-cert", leaf, "-reqout", "req.der")
                : openssl("ocsp", "-issuer", "sub.pem", "-cert", leaf, "-reqout", "req.der", "-no_nonce");
        assertThat(request.exitCode()).as(request.output()).isZero();
        Files.write(dir.resolve("resp.der"), fixture.service.ocspResponder().respond(Files.readAllBytes(dir.resolve("req.der"))));
        // With -cert, openssl builds a new request (and a new nonce) to check against; without it,
        // -reqin makes it check the response against the very request it sent, nonce included.
        OpenSsl.Result answer = nonce
                ? openssl("ocsp", "-reqin", "req.der", "-respin", "resp.der", "-issuer", "sub.pem", "-CAfile", "chain.pem",
                        "-resp_text")
                : openssl("ocsp", "-respin", "resp.der", "-issuer", "sub.pem", "-CAfile", "chain.pem", "-cert", leaf,
                        "-resp_text", "-no_nonce");
        assertThat(answer.exitCode()).as(answer.output()).isZero();
        // Neither a nonce warning nor "Status times invalid": thisUpdate/nextUpdate are accepted.
        assertThat(answer.output()).doesNotContain("WARNING").doesNotContain("invalid");
        return answer;
    }

    private OpenSsl.Result openssl(String... args) throws Exception {
        return OpenSsl.run(dir, args);
    }

    private String request(String domain) {
        return fixture.service.requestCertificate(RequestCertificateRequest.of(REGION, domain)
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1).withValidity(Period.ofDays(30))).certificateArn();
    }

    /** Returns the serial as openssl prints it: upper-case hex, whole bytes. */
    private String serial(String arn) {
        String hex = fixture.store.certificates().find(arn).orElseThrow().serial().toUpperCase();
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }
}
