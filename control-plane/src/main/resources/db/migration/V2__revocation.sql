-- Terminus control plane, schema version 2: revocation ledger and published CRLs.

-- One row per revoked serial of a region's subordinate CA. Rows outlive the certificate's deletion:
-- a revoked certificate stays on its CA's CRL until it expires (RFC 5280 §3.3), whatever the inventory holds.
CREATE TABLE revocations (
    region VARCHAR(32) NOT NULL,
    serial VARCHAR(64) NOT NULL,
    certificate_arn VARCHAR(200) NOT NULL,
    revoked_at BIGINT NOT NULL,
    reason VARCHAR(32) NOT NULL,
    not_after BIGINT NOT NULL,
    PRIMARY KEY (region, serial)
);

CREATE INDEX revocations_arn ON revocations (certificate_arn);

-- The latest CRL of each region; crl_number only grows (RFC 5280 §5.2.3), also across restarts.
CREATE TABLE crls (
    region VARCHAR(32) PRIMARY KEY,
    crl_number BIGINT NOT NULL,
    this_update BIGINT NOT NULL,
    next_update BIGINT NOT NULL,
    revocation_count BIGINT NOT NULL,
    der VARBINARY(16777216) NOT NULL
);
