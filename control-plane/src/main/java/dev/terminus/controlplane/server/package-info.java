/**
 * Starts and stops a whole control plane ({@link dev.terminus.controlplane.server.ControlPlane}):
 * key-encryption key (generated on a first start), store, CA hierarchy, first admin token, the API's
 * own certificate, {@code ca-chain.pem}, the API server and the renewal timer.
 */
package dev.terminus.controlplane.server;
