/**
 * Runs the control plane's private CA (AWS Private CA's model): one self-signed root, one
 * path-length-0 subordinate per region, and TLS server certificates issued in region R by R's
 * subordinate.
 *
 * <p>Entry point: {@link dev.terminus.controlplane.ca.CertificateAuthorityHierarchy}, created
 * {@code empty(...)} or {@code restore(...)}d from stored {@link dev.terminus.controlplane.ca.CaCredentials}.
 * Each operation takes one request record and returns one response record ({@code CreateRoot},
 * {@code CreateSubordinate}, {@code Issue}); requests validate on construction, and every refusal is
 * a {@link dev.terminus.controlplane.ca.CaException} with a stable code and a message naming the
 * field and value. Responses carry private keys in clear: encrypting them at rest is the store's
 * job, and {@link dev.terminus.controlplane.ca.Pem} writes the passphrase-protected export form.
 * Time comes from an injected {@link java.time.Clock}. Operations generate keys and sign, which is
 * slow: never call them on an event loop.
 */
package dev.terminus.controlplane.ca;
