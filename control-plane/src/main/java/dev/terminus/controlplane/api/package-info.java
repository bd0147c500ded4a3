/**
 * Serves the control plane's HTTPS + JSON API: the certificate operations, tags, CA chains, the
 * event and audit logs, token management, {@code /openapi.json} and {@code /healthz}, with bearer
 * tokens and roles, JSON errors with stable codes, and an audit row for every mutating call.
 *
 * <p>Server: the JDK's {@code com.sun.net.httpserver.HttpsServer}, not Netty. This API carries
 * a few administrative calls per second, and every handler blocks on the store, the CA or PBKDF2
 * (export); on Netty each would have to be moved off the event loop, while the JDK server runs
 * handlers on a worker pool where blocking is the contract. It adds no dependency and its TLS is
 * the JDK's, configured from an {@code SSLContext} built from the control plane's own CA.
 * The proxy's hot path is where Netty and BoringSSL earn their keep; here simplicity wins.
 *
 * <p>Routes are a table of {@link dev.terminus.controlplane.api.Route}s (method, path template,
 * role, audited operation); {@code /openapi.json} is a hand-written document that a test checks
 * against that table. ARNs go in paths URL-encoded ({@code arn%3Aterminus%3A...%2F<uuid>}).
 * Revocation: RevokeCertificate, and the public CRL and OCSP endpoints the CA writes into every certificate.
 */
package dev.terminus.controlplane.api;
