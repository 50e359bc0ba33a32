#pragma once

#include "profiles/ServerProfile.h"
#include "run/Run.h"

#include <QDialog>

/**
 * "Trust this certificate for this profile": shows the server certificate's SHA-256 fingerprint and
 * says in plain words what accepting it means (this exact certificate only; expiry and the host name
 * are still checked; a renewed certificate must be accepted again). Accepting yields the
 * AcceptedCertificate to add to the profile; the dialog changes nothing itself.
 */
class TrustCertificateDialog final : public QDialog
{
    Q_OBJECT

public:
    TrustCertificateDialog(const CertificateInfo& leaf, const QString& profileName,
                           QWidget* parent = nullptr);

    AcceptedCertificate accepted() const;

    /// The server certificate of a finished run when the only trouble with it is who vouches for it
    /// (self-signed, unknown issuer): what the dialog offers to accept. Empty optional otherwise.
    static std::optional<CertificateInfo> candidate(const Run& run);

private:
    CertificateInfo m_leaf;
};
