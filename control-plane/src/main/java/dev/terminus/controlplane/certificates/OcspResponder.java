package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.OcspAnswer;
import dev.terminus.controlplane.ca.RevocationReason;
import dev.terminus.controlplane.ca.RevokedSerial;
import dev.terminus.controlplane.store.RevocationStore;
import java.math.BigInteger;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers OCSP requests (RFC 6960) for every region's subordinate CA, as a library the HTTP API
 * exposes at {@code CaConfig.ocspUrl(region)}. Each answer reads the revocation ledger, so nothing
 * outlives a revocation. A serial that is not revoked is "good" (RFC 6960 §2.2: good means "not
 * revoked"); a request for no CA of ours is {@code unauthorized} (RFC 5019 §2.2.3, what public
 * responders send), a CertID of another issuer inside a request we answer is "unknown".
 * Thread-safe; blocks on the store: never call it on an event loop.
 */
public final class OcspResponder {

    private final RevocationStore store;
    private final PrivateCa ca;
    private final RevocationConfig config;
    private final Clock clock;
    private final Map<OcspAnswer.Status, AtomicLong> counts = new EnumMap<>(OcspAnswer.Status.class);

    OcspResponder(RevocationStore store, PrivateCa ca, RevocationConfig config, Clock clock) {
        this.store = store;
        this.ca = ca;
        this.config = config;
        this.clock = clock;
        for (OcspAnswer.Status status : OcspAnswer.Status.values()) {
            counts.put(status, new AtomicLong());
        }
    }

    /** Returns the DER OCSPResponse for the DER OCSPRequest {@code derRequest}; never throws on bad input. */
    public byte[] respond(byte[] derRequest) {
        OcspAnswer answer = ca.respondOcsp(derRequest == null ? new byte[0] : derRequest, this::revocation,
                clock.instant(), config.ocspValidity());
        counts.get(answer.status()).incrementAndGet();
        return answer.der();
    }

    /** Returns how many answers had {@code status} since start (malformed requests are counted here). */
    public long count(OcspAnswer.Status status) {
        return counts.get(status).get();
    }

    private Optional<RevokedSerial> revocation(String region, BigInteger serial) {
        // Serials are stored as CertificateFacts writes them: lower-case hex without leading zeros.
        return store.find(region, serial.toString(16))
                .map(r -> new RevokedSerial(serial, r.revokedAt(), RevocationReason.valueOf(r.reason())));
    }
}
