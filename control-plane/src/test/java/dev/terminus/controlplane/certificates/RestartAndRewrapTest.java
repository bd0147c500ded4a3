package dev.terminus.controlplane.certificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terminus.controlplane.ca.IssueRequest;
import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.ca.Pem;
import dev.terminus.controlplane.store.Kek;
import dev.terminus.controlplane.store.Store;
import dev.terminus.controlplane.store.StoreException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing and reopening keeps everything; a rewrap moves every key to a new KEK and the old one stops working. */
class RestartAndRewrapTest {

    @TempDir
    Path dir;

    private ServiceFixture fixture;
    private String privateArn;
    private String importedArn;

    @BeforeEach
    void populate() {
        fixture = new ServiceFixture(dir);
        privateArn = fixture.service.requestCertificate(RequestCertificateRequest.of("eu-west-1", "p.example.com")
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1).withTags(Map.of("env", "prod"))).certificateArn();
        KeyPair keys = TestPki.ec();
        TestPki.Issued ca = TestPki.ca("Ext", ServiceFixture.START.minusSeconds(60), ServiceFixture.START.plus(Duration.ofDays(90)));
        importedArn = fixture.service.importCertificate(ImportCertificateRequest.of("us-east-1",
                Pem.write(TestPki.leaf("CN=i.example.com", keys, List.of(), ServiceFixture.START.minusSeconds(60),
                        ServiceFixture.START.plus(Duration.ofDays(60)), ca).certificate()),
                Pem.write(ca.certificate()), Pem.writePrivateKey(keys.getPrivate())).withTags(Map.of("team", "web")))
                .certificateArn();
        fixture.service.deleteCertificate(new DeleteCertificateRequest(fixture.service.requestCertificate(
                RequestCertificateRequest.of("us-east-1", "gone.example.com").withKeyAlgorithm(KeyAlgorithm.EC_prime256v1))
                .certificateArn()));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void ok_restartKeepsCertificatesTagsEventsKeysAndTheCa() {
        String before = fixture.snapshot();
        X509Certificate root = fixture.ca.root();
        List<X509Certificate> westChain = fixture.ca.chain("eu-west-1");

        fixture.close();
        fixture.open(fixture.kek);

        assertThat(fixture.snapshot()).isEqualTo(before);
        assertThat(fixture.service.listTags(new ListTagsRequest(importedArn)).tags()).containsEntry("team", "web");
        assertThat(fixture.eventTypes()).containsExactly(EventType.CERTIFICATE_ISSUED, EventType.CERTIFICATE_IMPORTED,
                EventType.CERTIFICATE_ISSUED, EventType.CERTIFICATE_DELETED);
        assertThat(fixture.ca.root()).isEqualTo(root);
        assertThat(fixture.ca.chain("eu-west-1")).isEqualTo(westChain);
        assertThat(fixture.ca.regions()).containsExactly("eu-west-1", "us-east-1");
        // The restored subordinate still signs: its key came back through the envelope.
        X509Certificate issued = fixture.ca.issue(IssueRequest.of("eu-west-1", "after.example.com")
                .withKeyAlgorithm(KeyAlgorithm.EC_prime256v1)).certificate();
        assertThat(issued.getIssuerX500Principal()).isEqualTo(westChain.get(0).getSubjectX500Principal());
        org.assertj.core.api.Assertions.assertThatCode(() -> issued.verify(westChain.get(0).getPublicKey())).doesNotThrowAnyException();
    }

    @Test
    void ok_rewrapThenReopenWithTheNewKekAndTheOldOneFails() {
        Map<String, byte[]> keys = new TreeMap<>();
        for (String arn : List.of(privateArn, importedArn)) {
            keys.put(arn, fixture.store.certificates().privateKey(arn).getEncoded());
        }
        byte[] rootKey = fixture.store.caMaterial().load().orElseThrow().root().privateKey().getEncoded();
        Kek newKek = Kek.generate();

        // 2 certificates + root + 2 subordinates + the key check.
        assertThat(fixture.store.rewrap(newKek)).isEqualTo(6);
        assertThat(fixture.store.certificates().privateKey(privateArn).getEncoded()).isEqualTo(keys.get(privateArn));
        fixture.close();

        assertThatThrownBy(() -> Store.openEmbedded(dir, fixture.kek)).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.code()).isEqualTo(StoreException.Code.WRONG_KEK);
            assertThat(e.getMessage()).contains("kek: does not unwrap", "(expected: the key-encryption key this data directory"
                    + " was written with; after a rewrap, the new one)");
        });

        fixture.open(newKek);
        keys.forEach((arn, der) -> assertThat(fixture.store.certificates().privateKey(arn).getEncoded()).isEqualTo(der));
        assertThat(fixture.store.caMaterial().load().orElseThrow().root().privateKey().getEncoded()).isEqualTo(rootKey);
        assertThat(fixture.ca.regions()).containsExactly("eu-west-1", "us-east-1");
        assertThat(fixture.service.exportCertificate(new ExportCertificateRequest(privateArn, "pass-phrase".toCharArray()))
                .privateKey()).startsWith("-----BEGIN ENCRYPTED PRIVATE" + " KEY-----");
    }
}
