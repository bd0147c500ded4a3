/**
 * Keeps the certificate inventory with AWS Certificate Manager's semantics: PRIVATE certificates
 * issued by the private CA and IMPORTED ones, ids {@code arn:terminus:acm:<region>:<account>:certificate/<uuid>},
 * ACM's statuses, managed renewal and expiry events, tags and an append-only event log.
 *
 * <p>Entry point: {@link dev.terminus.controlplane.certificates.CertificateService}, one method per
 * operation (RequestCertificate, ImportCertificate, DescribeCertificate, ListCertificates,
 * ExportCertificate, DeleteCertificate, RevokeCertificate, AddTags, RemoveTags, ListTags, ReadEvents), each taking one
 * request record (validated on construction) and returning one response record. Refusals are
 * {@link dev.terminus.controlplane.certificates.CertificateException}s carrying a stable
 * {@link dev.terminus.controlplane.certificates.ErrorCode}, for the HTTP API and CLI to map; a
 * refused call changes nothing, because every check runs before the single store transaction.
 * {@link dev.terminus.controlplane.certificates.PrivateCa} is the CA hierarchy with its material
 * persisted; {@link dev.terminus.controlplane.certificates.RenewalScheduler#runOnce()} and
 * {@link dev.terminus.controlplane.certificates.CrlPublisher#runOnce()} are what timers call;
 * {@link dev.terminus.controlplane.certificates.CrlPublisher#crl(String)} and
 * {@link dev.terminus.controlplane.certificates.OcspResponder#respond(byte[])} are what the HTTP API
 * serves at the CRL and OCSP URLs. Time comes from an injected {@link java.time.Clock}. Everything here blocks on the
 * store or the CA: never call it on an event loop.
 */
package dev.terminus.controlplane.certificates;
