#pragma once

#include "run/Run.h"

#include <QList>
#include <QSslCertificate>

/**
 * Checks on the certificate chain as the server presented it, beyond what verification reports:
 * SHA-1 signatures, certificates out of order, and a missing intermediate. Each problem is
 * attached to the certificate it concerns (CertificateInfo::errors) and becomes a finding.
 *
 * Order (RFC 8446 s.4.4.2, RFC 5246 s.7.4.2): each certificate must be issued by the one after
 * it. Completeness: the last certificate sent must be self-signed or issued by a trust anchor;
 * otherwise a client without that intermediate in its cache cannot build the path.
 */
class CertificateAudit final
{
public:
    /// True when `subject` was issued (and signed) by `issuer`.
    static bool issuedBy(const QSslCertificate& subject, const QSslCertificate& issuer);
    /// Findings for `chain` (leaf first); `infos` is the inspected chain in the same order and
    /// receives the per-certificate problems. `anchors` are the trusted roots (system + --ca-file).
    static QList<Finding> audit(const QList<QSslCertificate>& chain, QList<CertificateInfo>& infos,
                                const QList<QSslCertificate>& anchors);
    /// The chain back as certificates, from the PEM the inspector kept.
    static QList<QSslCertificate> certificatesOf(const QList<CertificateInfo>& infos);
};
