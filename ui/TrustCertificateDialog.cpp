#include "TrustCertificateDialog.h"

#include "findings/FindingCatalogue.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

TrustCertificateDialog::TrustCertificateDialog(const CertificateInfo& leaf, const QString& profileName,
                                               QWidget* parent)
    : QDialog(parent)
    , m_leaf(leaf)
{
    setObjectName(QStringLiteral("trustCertificateDialog"));
    setWindowTitle(tr("Trust this certificate?"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);
    intro->setText(tr("No certificate authority Mailscope trusts vouches for this server's certificate:\n"
                      "%1\nissued by %2, valid until %3.")
                       .arg(leaf.subject, leaf.issuer,
                            QLocale().toString(leaf.notAfter.toLocalTime(), QLocale::ShortFormat)));
    layout->addWidget(intro);
    auto* fingerprintLabel = new QLabel(tr("SHA-256 fingerprint:"), this);
    layout->addWidget(fingerprintLabel);
    auto* fingerprint = new QLabel(leaf.sha256, this);
    fingerprint->setObjectName(QStringLiteral("fingerprintLabel"));
    fingerprint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    fingerprint->setWordWrap(true);
    fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    layout->addWidget(fingerprint);
    auto* meaning = new QLabel(this);
    meaning->setObjectName(QStringLiteral("meaningLabel"));
    meaning->setWordWrap(true);
    meaning->setTextFormat(Qt::PlainText);
    meaning->setText(
        tr("If you trust it, runs of the profile “%1” accept exactly this certificate, and only it, in place "
           "of "
           "a certificate authority's word: the finding cert-trusted-by-profile says so in every run.\n\n"
           "Its expiry and the host name are still checked. A renewed or different certificate is not "
           "trusted until you accept it again, so a server that suddenly shows another one stands out.\n\n"
           "Compare the fingerprint with the one the server's administrator gives you (for example from "
           "openssl x509 -fingerprint -sha256) before you trust it.")
            .arg(profileName));
    layout->addWidget(meaning);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton* trust = buttons->addButton(tr("&Trust this certificate"), QDialogButtonBox::AcceptRole);
    trust->setObjectName(QStringLiteral("trustButton"));
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

AcceptedCertificate TrustCertificateDialog::accepted() const
{
    return {m_leaf.sha256, m_leaf.subject, QDateTime::currentDateTimeUtc()};
}

std::optional<CertificateInfo> TrustCertificateDialog::candidate(const Run& run)
{
    if (run.certificates.isEmpty() || run.certificates.first().sha256.isEmpty()
        || (run.tls && run.tls->trustedByProfile))
        return std::nullopt;
    // Only what an accepted certificate can answer (TrustAssessment::answeredByAcceptance).
    const bool untrusted =
        run.finding(FindingIds::CertSelfSigned) || run.finding(FindingIds::CertUntrustedChain);
    if (!untrusted)
        return std::nullopt;
    return run.certificates.first();
}
