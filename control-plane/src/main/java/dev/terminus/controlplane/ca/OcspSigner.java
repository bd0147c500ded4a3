package dev.terminus.controlplane.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Answers OCSP requests (RFC 6960) for the subordinates of one hierarchy snapshot: each CertID is
 * matched to a region by issuer name and key hash, and the response is signed by that region's
 * subordinate itself (a CA-designated responder is not needed: RFC 6960 §4.2.2.2 lets the issuing
 * CA sign). Stateless apart from the digest provider; reads revocation state through
 * {@link SerialStatus} on every call, so no answer outlives a revocation.
 */
final class OcspSigner {

    /** At most this many CertIDs per request; RFC 5019 clients send one, a browser a handful. */
    static final int MAX_CERT_IDS = 16;

    private final DigestCalculatorProvider digests;

    OcspSigner() {
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no digest provider", e);
        }
    }

    /**
     * Answers {@code der}: malformedRequest if it does not parse or holds 0 or more than
     * {@link #MAX_CERT_IDS} CertIDs; unauthorized if no CertID names one of {@code subordinates};
     * otherwise a response signed by the first matched region's subordinate, "good", "revoked" or
     * (for CertIDs of another issuer) "unknown" per CertID, valid from {@code now} for {@code validity},
     * echoing the request's nonce.
     */
    OcspAnswer respond(byte[] der, Map<String, CaCredentials> subordinates, SerialStatus status, Instant now,
            Duration validity) {
        List<Req> requests;
        Extension nonce;
        try {
            OCSPReq request = new OCSPReq(der);
            requests = List.of(request.getRequestList());
            nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        } catch (IOException | RuntimeException e) {
            // BC reports garbage as IOException or as ASN.1 runtime exceptions: both are the client's fault.
            return failure(OcspAnswer.Status.MALFORMED_REQUEST);
        }
        if (requests.isEmpty() || requests.size() > MAX_CERT_IDS) {
            return failure(OcspAnswer.Status.MALFORMED_REQUEST);
        }
        List<String> regions = new ArrayList<>();
        String signerRegion = null;
        for (Req req : requests) {
            String region = issuerRegion(req.getCertID(), subordinates).orElse(null);
            regions.add(region);
            signerRegion = signerRegion == null ? region : signerRegion;
        }
        if (signerRegion == null) {
            return failure(OcspAnswer.Status.UNAUTHORIZED);
        }
        CaCredentials signer = subordinates.get(signerRegion);
        try {
            X509CertificateHolder signerHolder = new X509CertificateHolder(signer.certificate().getEncoded());
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(
                    new RespID(signerHolder.getSubjectPublicKeyInfo(), digests.get(CertificateID.HASH_SHA1)));
            // OCSP times are GeneralizedTime; whole seconds keep them comparable to certificate times.
            Instant thisUpdate = now.truncatedTo(ChronoUnit.SECONDS);
            Date nextUpdate = Date.from(thisUpdate.plus(validity));
            for (int i = 0; i < requests.size(); i++) {
                CertificateID id = requests.get(i).getCertID();
                CertificateStatus answer = signerRegion.equals(regions.get(i))
                        ? status(status, signerRegion, id.getSerialNumber())
                        : new UnknownStatus();
                builder.addResponse(id, answer, Date.from(thisUpdate), nextUpdate);
            }
            if (nonce != null) {
                // RFC 6960 §4.4.1 / RFC 8954: echo the client's nonce so it can bind answer to request.
                builder.setResponseExtensions(new Extensions(nonce));
            }
            String algorithm = KeyAlgorithm.of(signer.certificate().getPublicKey()).signatureAlgorithm();
            BasicOCSPResp basic = builder.build(new JcaContentSignerBuilder(algorithm).build(signer.privateKey()),
                    new X509CertificateHolder[] {signerHolder}, Date.from(thisUpdate));
            return new OcspAnswer(OcspAnswer.Status.SUCCESSFUL,
                    new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded());
        } catch (IOException | CertificateEncodingException | OperatorCreationException | OCSPException e) {
            // Our own CA material failed to sign: a broken invariant, not a client error.
            throw new IllegalStateException("cannot sign an OCSP response as " + signer, e);
        }
    }

    private static CertificateStatus status(SerialStatus status, String region, BigInteger serial) {
        return status.revocation(region, serial)
                .<CertificateStatus>map(r -> new RevokedStatus(Date.from(r.revokedAt()), r.reason().code()))
                .orElse(CertificateStatus.GOOD);
    }

    private Optional<String> issuerRegion(CertificateID id, Map<String, CaCredentials> subordinates) {
        for (Map.Entry<String, CaCredentials> sub : subordinates.entrySet()) {
            try {
                if (id.matchesIssuer(new X509CertificateHolder(sub.getValue().certificate().getEncoded()), digests)) {
                    return Optional.of(sub.getKey());
                }
            } catch (OCSPException e) {
                // A hash algorithm we cannot compute: this CertID names no issuer we can recognise.
                return Optional.empty();
            } catch (IOException | CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode CA certificate " + sub.getValue(), e);
            }
        }
        return Optional.empty();
    }

    private static OcspAnswer failure(OcspAnswer.Status status) {
        int code = status == OcspAnswer.Status.MALFORMED_REQUEST ? OCSPRespBuilder.MALFORMED_REQUEST : OCSPRespBuilder.UNAUTHORIZED;
        try {
            return new OcspAnswer(status, new OCSPRespBuilder().build(code, null).getEncoded());
        } catch (IOException | OCSPException e) {
            throw new IllegalStateException("cannot encode an OCSP " + status + " response", e);
        }
    }
}
