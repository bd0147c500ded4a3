-- Terminus control plane: webhook delivery state, one row per configured target id.

-- cursor_id is the id of the last event the target acknowledged with a 2xx (0: none yet); it only moves
-- forward, and only after the acknowledgement, so a crash in between re-sends (at-least-once).
-- consecutive_failures and next_attempt_at carry the backoff across restarts; last_error is for people.
CREATE TABLE webhook_deliveries (
    target_id VARCHAR(128) PRIMARY KEY,
    cursor_id BIGINT NOT NULL,
    consecutive_failures INT NOT NULL,
    next_attempt_at BIGINT,
    last_error VARCHAR(1000),
    updated_at BIGINT NOT NULL
);
