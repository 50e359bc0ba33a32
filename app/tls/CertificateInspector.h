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
    static QList<CertificateInfo> inspectChain(const QList<QSslCertificate>& chain, const QList<QSslError>& errors,
                                               const QDateTime& now);
    /// "AB:CD:..." upper-case hex.
    static QString colonHex(const QByteArray& bytes);
};
