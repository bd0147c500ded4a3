package dev.terminus.controlplane.tokens;

import dev.terminus.controlplane.store.ApiTokenStore;
import dev.terminus.controlplane.store.ApiTokenStore.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Creates and checks bearer API tokens. A token reads {@code tmn_<id>_<secret>}: a 12-hex-digit id
 * (what the audit log shows) and 256 random bits. Only the SHA-256 of the whole token is stored,
 * so the store cannot give a token back; the secret is shown once, at creation. Thread-safe, blocking.
 */
public final class ApiTokens {

    /** The creator recorded for tokens made at first start or by the local command. */
    public static final String LOCAL = "local";
    private static final Pattern SHAPE = Pattern.compile("tmn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}");
    private static final int MAX_DESCRIPTION = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiTokenStore store;
    private final Clock clock;

    /** Returns the token service over {@code store}. */
    public ApiTokens(ApiTokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Holds a newly created token: its record (no secret) and the token itself, to show once. */
    public record Created(TokenRecord record, String token) {
        @Override
        public String toString() {
            return "Created[id=" + record.id() + ", role=" + record.role() + ", token=(hidden)]";
        }
    }

    /** Holds who called: token id and role. */
    public record Caller(String tokenId, Role role) {
    }

    /** Creates a token with {@code role}; {@code createdBy} is the creating token's id or {@link #LOCAL}. */
    public Created create(Role role, String description, String createdBy) {
        String note = description == null ? "" : description.strip();
        if (note.length() > MAX_DESCRIPTION) {
            throw new IllegalArgumentException("description: " + note.length() + " characters (expected: at most "
                    + MAX_DESCRIPTION + ")");
        }
        byte[] idBytes = new byte[6];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(idBytes);
        RANDOM.nextBytes(secret);
        String id = HexFormat.of().formatHex(idBytes);
        String token = "tmn_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        TokenRecord record = new TokenRecord(id, hash(token), role.wireName(), note, clock.instant(), createdBy);
        store.insert(record);
        return new Created(record, token);
    }

    /** Returns the caller a presented token belongs to, or empty for a malformed or unknown token. */
    public Optional<Caller> authenticate(String token) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        // The lookup is by the hash of a 256-bit secret, so its timing reveals nothing usable about other tokens.
        return store.findByHash(hash(token)).map(r -> new Caller(r.id(), Role.parse("role", r.role())));
    }

    /** Returns every token, without secrets. */
    public List<TokenRecord> list() {
        return store.list();
    }

    /** Deletes the token {@code id}; the store refuses an unknown id with {@code NOT_FOUND}. */
    public void delete(String id) {
        store.delete(id);
    }

    /** Returns whether no token exists yet. */
    public boolean none() {
        return store.count() == 0;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
