#pragma once

#include "run/Run.h"

#include <QSslError>

/// Translates certificate verification errors and chain facts into findings.
class TrustAssessment final
{
public:
    /// Finding id for one verification error, or empty when it maps to none.
    static QString findingIdFor(QSslError::SslError error);
    /// One finding per distinct problem, each with the certificate it concerns as detail.
    static QList<Finding> findingsFor(const QList<QSslError>& errors);
    /// Expiry-soon and weak-key findings over an already inspected chain.
    static QList<Finding> chainFindings(const QList<CertificateInfo>& chain, int expiryWarningDays);
};
