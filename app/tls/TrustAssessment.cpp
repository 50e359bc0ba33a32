#include "TrustAssessment.h"

#include "findings/FindingCatalogue.h"

#include <QCoreApplication>
#include <QSslCertificate>

QString TrustAssessment::findingIdFor(QSslError::SslError error)
{
    switch (error) {
    case QSslError::CertificateExpired:
        return FindingIds::CertExpired;
    case QSslError::CertificateNotYetValid:
        return FindingIds::CertNotYetValid;
    case QSslError::HostNameMismatch:
        return FindingIds::CertHostnameMismatch;
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
        return FindingIds::CertSelfSigned;
    case QSslError::NoError:
        return {};
    default:
        // Unknown issuer, missing intermediate, bad signature, revoked, untrusted root ...
        return FindingIds::CertUntrustedChain;
    }
}

QList<Finding> TrustAssessment::findingsFor(const QList<QSslError>& errors)
{
    QList<Finding> findings;
    QStringList seen;
    for (const QSslError& e : errors) {
        const QString id = findingIdFor(e.error());
        if (id.isEmpty())
            continue;
        const QString who = e.certificate().isNull()
                                ? QString()
                                : e.certificate().subjectInfo(QSslCertificate::CommonName).value(0);
        const QString detail =
            who.isEmpty() ? e.errorString() : QStringLiteral("%1 (%2)").arg(e.errorString(), who);
        const qsizetype at = seen.indexOf(id);
        if (at >= 0) {
            // One finding per problem; further evidence joins its detail.
            findings[at].detail += QStringLiteral("; ") + detail;
            continue;
        }
        seen.append(id);
        findings.append(FindingCatalogue::make(id, detail));
    }
    return findings;
}

QList<Finding> TrustAssessment::chainFindings(const QList<CertificateInfo>& chain, int expiryWarningDays)
{
    QList<Finding> findings;
    if (!chain.isEmpty()) {
        const CertificateInfo& leaf = chain.first();
        if (leaf.daysLeft >= 0 && leaf.daysLeft < expiryWarningDays) {
            findings.append(
                FindingCatalogue::make(FindingIds::CertExpiresSoon,
                                       QCoreApplication::translate("Findings", "%n day(s) left (expires %1)",
                                                                   nullptr, int(leaf.daysLeft))
                                           .arg(leaf.notAfter.toString(Qt::ISODate))));
        }
    }
    for (const CertificateInfo& c : chain) {
        const bool weakRsa =
            (c.keyAlgorithm == QLatin1String("RSA") || c.keyAlgorithm == QLatin1String("DSA"))
            && c.keyBits > 0 && c.keyBits < 2048;
        const bool weakEc = c.keyAlgorithm == QLatin1String("EC") && c.keyBits > 0 && c.keyBits < 256;
        if (weakRsa || weakEc) {
            findings.append(FindingCatalogue::make(
                FindingIds::CertWeakKey,
                QStringLiteral("%1: %2 %3 bits").arg(c.commonName, c.keyAlgorithm).arg(c.keyBits)));
        }
    }
    return findings;
}
