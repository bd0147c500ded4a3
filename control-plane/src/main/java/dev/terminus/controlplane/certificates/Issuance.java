package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.CaException;
import dev.terminus.controlplane.ca.IssueRequest;
import dev.terminus.controlplane.ca.IssueResponse;
import dev.terminus.controlplane.ca.KeyAlgorithm;
import dev.terminus.controlplane.store.CertificateRecord;
import dev.terminus.controlplane.store.CertificateStore;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;

/** Issues PRIVATE certificates from the private CA and stores them: first issuance and renewal under the same ARN. */
final class Issuance {

    private final CertificateStore store;
    private final PrivateCa ca;
    private final String account;
    private final Clock clock;

    Issuance(CertificateStore store, PrivateCa ca, String account, Clock clock) {
        this.store = store;
        this.ca = ca;
        this.account = account;
        this.clock = clock;
    }

    /** Issues and stores a new certificate; refuses a region without a subordinate CA with {@code INVALID_PARAMETER}. */
    RequestCertificateResponse request(RequestCertificateRequest request) {
        IssueResponse issued = issue(request.issueRequest());
        CertificateArn arn = CertificateArn.generate(request.region(), account);
        Instant now = clock.instant();
        CertificateRecord record = Records.create(arn, CertificateType.PRIVATE,
                CertificateFacts.of(issued.certificate(), request.keyAlgorithm()), issued.certificate(), issued.chain(),
                request.validity().toString(), now);
        store.insert(record, issued.privateKey(), request.tags(), Records.event(now, EventType.CERTIFICATE_ISSUED,
                arn.toString(), "issued " + record.domainName() + " (serial " + record.serial() + ", until " + record.notAfter() + ")"));
        return new RequestCertificateResponse(arn.toString());
    }

    /**
     * Issues a fresh certificate and key for {@code record}'s names, algorithm and validity, and
     * stores them under the same ARN with renewal status SUCCESS. Throws {@link CaException} when
     * the CA refuses (the caller records the failure).
     */
    CertificateRecord renew(CertificateRecord record) {
        List<String> others = new ArrayList<>(record.subjectAlternativeNames());
        others.remove(record.domainName());
        Period validity = record.validity() == null ? IssueRequest.DEFAULT_VALIDITY : Period.parse(record.validity());
        KeyAlgorithm algorithm = record.keyAlgorithm();
        IssueResponse issued = ca.issue(new IssueRequest(record.region(), record.domainName(), others, algorithm, validity));
        Instant now = clock.instant();
        CertificateRecord renewed = Records.replace(record, CertificateFacts.of(issued.certificate(), algorithm),
                issued.certificate(), issued.chain(), now,
                new CertificateRecord.Renewal(RenewalStatus.SUCCESS.name(), null, now, 0, null));
        return store.update(renewed, issued.privateKey(), Records.event(now, EventType.CERTIFICATE_RENEWED, record.arn(),
                "renewed (serial " + record.serial() + " -> " + renewed.serial() + ", until " + renewed.notAfter() + ")"));
    }

    private IssueResponse issue(IssueRequest request) {
        try {
            return ca.issue(request);
        } catch (CaException e) {
            // UNKNOWN_REGION, NO_ROOT and VALIDITY_OUTSIDE_ISSUER are all problems with what was asked for.
            throw new CertificateException(ErrorCode.INVALID_PARAMETER, e.getMessage(), e);
        }
    }
}
