/**
 * Issues and checks the control plane API's bearer tokens and their roles (reader, operator,
 * admin). Tokens are stored as SHA-256 hashes only; see {@link dev.terminus.controlplane.tokens.ApiTokens}.
 */
package dev.terminus.controlplane.tokens;
