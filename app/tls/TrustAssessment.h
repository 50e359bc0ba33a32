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
    /// "AB:CD:..." (upper case, colons) from any usual spelling of a SHA-256 fingerprint
    /// (with or without colons, any case, an optional "sha256:" prefix); empty when not 32 bytes.
    static QString normalizedFingerprint(const QString& text);

    /// The errors an accepted certificate can answer: those about who vouches for the chain
    /// (self-signed, unknown issuer, untrusted root). Expiry and the host name are facts about the
    /// certificate the user accepted, so they stay errors.
    static bool answeredByAcceptance(QSslError::SslError error);

    /// What the user's accepted fingerprints do to one handshake's errors.
    struct Acceptance
    {
        bool applied = false; ///< the leaf is accepted and at least one error was answered by it
        QString fingerprint; ///< the leaf's SHA-256 when applied
        QList<QSslError> answered; ///< the errors the acceptance stands in for
        QList<QSslError> remaining; ///< the errors that still decide the trust
    };
    static Acceptance applyAcceptedCertificates(const QList<QSslError>& errors, const QSslCertificate& leaf,
                                                const QStringList& acceptedFingerprints);

    /// Expiry-soon and weak-key findings over an already inspected chain.
    static QList<Finding> chainFindings(const QList<CertificateInfo>& chain, int expiryWarningDays);
};
