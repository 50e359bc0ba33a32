#pragma once

#include "run/Run.h"

#include <QSslCertificate>
#include <QSslError>

/// Turns certificates into the fields an administrator checks, and attaches each
/// verification error to the certificate it concerns.
class CertificateInspector final
{
public:
    static CertificateInfo inspect(const QSslCertificate& certificate, const QDateTime& now);
    /// Inspects the chain as presented; `host` (as the user typed it) marks the leaf's matching name.
    static QList<CertificateInfo> inspectChain(const QList<QSslCertificate>& chain,
                                               const QList<QSslError>& errors, const QDateTime& now,
                                               const QString& host = {});
    /// RFC 6125 s.6.4: a DNS name matches the host exactly (case-insensitively) or through a
    /// wildcard that stands for the whole left-most label and nothing more.
    static bool nameMatchesHost(const QString& name, const QString& host);
    /// The name of `certificate` that `host` matches (IP SANs for an address, else DNS SANs,
    /// else the CN when there are no DNS SANs), or empty.
    static QString matchingName(const CertificateInfo& certificate, const QString& host);
    /// "RSA", "EC", "DSA", "DH".
    static QString keyAlgorithmName(QSsl::KeyAlgorithm algorithm);
    /// "AB:CD:..." upper-case hex.
    static QString colonHex(const QByteArray& bytes);
};
