package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.store.CertificateRecord;
import dev.terminus.controlplane.store.CertificateStore;
import java.time.Clock;
import java.time.Instant;

/** Imports certificates: checks everything first, then stores in one transaction, so a refusal changes nothing. */
final class Importer {

    private final CertificateStore store;
    private final String account;
    private final Clock clock;

    Importer(CertificateStore store, String account, Clock clock) {
        this.store = store;
        this.account = account;
        this.clock = clock;
    }

    /** Imports, or re-imports under an existing IMPORTED ARN with the same key algorithm. */
    ImportCertificateResponse importCertificate(ImportCertificateRequest request) {
        Instant now = clock.instant();
        CertificateRecord existing = request.certificateArn() == null ? null : existing(request.certificateArn());
        ImportChecks.Checked checked = ImportChecks.check(request.certificate(), request.certificateChain(),
                request.privateKey(), now);
        CertificateFacts facts = checked.facts();
        if (existing == null) {
            CertificateArn arn = CertificateArn.generate(request.region(), account);
            CertificateRecord record = Records.create(arn, CertificateType.IMPORTED, facts, checked.leaf(), checked.chain(),
                    null, now);
            store.insert(record, checked.key(), request.tags(), Records.event(now, EventType.CERTIFICATE_IMPORTED,
                    arn.toString(), "imported " + facts.domainName() + " (serial " + facts.serial() + ", until "
                            + facts.notAfter() + ")"));
            return new ImportCertificateResponse(arn.toString());
        }
        if (existing.keyAlgorithm() != facts.keyAlgorithm()) {
            throw CertificateException.invalid("certificate", "key algorithm " + facts.keyAlgorithm(),
                    "the key algorithm of " + existing.arn() + ", " + existing.keyAlgorithm() + " (a re-import keeps the key type)");
        }
        CertificateRecord record = Records.replace(existing, facts, checked.leaf(), checked.chain(), now, existing.renewal());
        store.update(record, checked.key(), Records.event(now, EventType.CERTIFICATE_IMPORTED, existing.arn(),
                "re-imported " + facts.domainName() + " (serial " + existing.serial() + " -> " + facts.serial()
                        + ", until " + facts.notAfter() + ")"));
        return new ImportCertificateResponse(existing.arn());
    }

    private CertificateRecord existing(String arn) {
        CertificateRecord record = store.find(arn).orElseThrow(() -> Inventory.notFound(arn));
        if (!CertificateType.IMPORTED.name().equals(record.type())) {
            throw CertificateException.invalid("certificateArn", arn, "an IMPORTED certificate (this one is " + record.type()
                    + "; PRIVATE certificates renew themselves)");
        }
        return record;
    }
}
