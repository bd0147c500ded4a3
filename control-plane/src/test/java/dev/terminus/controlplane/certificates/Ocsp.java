package dev.terminus.controlplane.certificates;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** Builds OCSP requests and reads responses with Bouncy Castle, for tests that do not need openssl. */
final class Ocsp {

    private Ocsp() {
    }

    /** Returns a DER request for {@code serial} issued by {@code issuer}, SHA-1 CertID, no nonce. */
    static byte[] request(X509Certificate issuer, BigInteger serial) throws Exception {
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new X509CertificateHolder(issuer.getEncoded()), serial);
        return new OCSPReqBuilder().addRequest(id).build().getEncoded();
    }

    /** Returns the OCSPResponseStatus of {@code der} (0 successful, 1 malformedRequest, 6 unauthorized). */
    static int status(byte[] der) throws Exception {
        return new OCSPResp(der).getStatus();
    }

    /** Returns the single response of a successful {@code der}. */
    static SingleResp single(byte[] der) throws Exception {
        return ((BasicOCSPResp) new OCSPResp(der).getResponseObject()).getResponses()[0];
    }
}
