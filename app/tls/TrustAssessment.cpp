#include "TrustAssessment.h"

#include "findings/FindingCatalogue.h"

#include <algorithm>
#include <QCoreApplication>
#include <QCryptographicHash>
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

QString TrustAssessment::normalizedFingerprint(const QString& text)
{
    QString hex = text.trimmed();
    if (hex.startsWith(QLatin1String("sha256:"), Qt::CaseInsensitive))
        hex = hex.mid(7);
    hex.remove(QLatin1Char(':'));
    if (hex.size() != 64)
        return {};
    for (const QChar c : std::as_const(hex)) {
        if (!c.isDigit() && !(c.toLower() >= QLatin1Char('a') && c.toLower() <= QLatin1Char('f')))
            return {};
    }
    hex = hex.toUpper();
    QStringList pairs;
    for (int i = 0; i < 64; i += 2)
        pairs.append(hex.mid(i, 2));
    return pairs.join(QLatin1Char(':'));
}

bool TrustAssessment::answeredByAcceptance(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::InvalidCaCertificate:
    case QSslError::PathLengthExceeded:
    case QSslError::InvalidPurpose:
        return true;
    default:
        return false;
    }
}

TrustAssessment::Acceptance TrustAssessment::applyAcceptedCertificates(
    const QList<QSslError>& errors, const QSslCertificate& leaf, const QStringList& acceptedFingerprints)
{
    Acceptance a;
    a.remaining = errors;
    if (errors.isEmpty() || leaf.isNull() || acceptedFingerprints.isEmpty())
        return a;
    const QString fingerprint =
        normalizedFingerprint(QString::fromLatin1(leaf.digest(QCryptographicHash::Sha256).toHex()));
    const bool accepted =
        std::any_of(acceptedFingerprints.cbegin(), acceptedFingerprints.cend(),
                    [&](const QString& f) { return normalizedFingerprint(f) == fingerprint; });
    if (!accepted)
        return a;
    a.remaining.clear();
    for (const QSslError& e : errors)
        (answeredByAcceptance(e.error()) ? a.answered : a.remaining).append(e);
    a.applied = !a.answered.isEmpty();
    if (a.applied)
        a.fingerprint = fingerprint;
    return a;
}
