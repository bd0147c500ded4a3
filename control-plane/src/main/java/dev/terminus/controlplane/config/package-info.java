/**
 * Loads the control plane's YAML configuration ({@code config/control-plane.yaml}) into the
 * immutable {@link dev.terminus.controlplane.config.ControlPlaneConfig}: unknown keys refused,
 * defaults applied, everything validated once, and every refusal naming the file and the key.
 * Runtime code receives the record and never reads the file again.
 */
package dev.terminus.controlplane.config;
