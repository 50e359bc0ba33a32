#include "CertificateAudit.h"

#include "findings/FindingCatalogue.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <QCoreApplication>

namespace {
QString tr(const char* text) { return QCoreApplication::translate("CertificateAudit", text); }

QString nameOf(const CertificateInfo& c) { return c.commonName.isEmpty() ? c.subject : c.commonName; }

/// Signed by its own key under its own name (QSslCertificate::isSelfSigned() also wants the key
/// usage to allow certificate signing, which a self-made server certificate often lacks).
bool selfSigned(const QSslCertificate& certificate)
{
    auto* x = static_cast<X509*>(certificate.handle());
    if (!x)
        return false;
    EVP_PKEY* key = X509_get0_pubkey(x);
    return X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0 && key
           && X509_verify(x, key) == 1;
}

bool isSha1(const QString& signatureAlgorithm)
{
    const QString s = signatureAlgorithm.toLower();
    return s.startsWith(QLatin1String("sha1")) || s.contains(QLatin1String("with-sha1"))
           || s.contains(QLatin1String("sha1with"));
}
} // namespace

bool CertificateAudit::issuedBy(const QSslCertificate& subject, const QSslCertificate& issuer)
{
    auto* s = static_cast<X509*>(subject.handle());
    auto* i = static_cast<X509*>(issuer.handle());
    if (!s || !i)
        return false;
    // X509_check_issued compares names and key identifiers; the signature proves it.
    if (X509_check_issued(i, s) != X509_V_OK)
        return false;
    EVP_PKEY* key = X509_get0_pubkey(i);
    return key && X509_verify(s, key) == 1;
}

QList<QSslCertificate> CertificateAudit::certificatesOf(const QList<CertificateInfo>& infos)
{
    QList<QSslCertificate> chain;
    for (const CertificateInfo& c : infos)
        chain.append(QSslCertificate(c.pem.toLatin1(), QSsl::Pem));
    return chain;
}

QList<Finding> CertificateAudit::audit(const QList<QSslCertificate>& chain, QList<CertificateInfo>& infos,
                                       const QList<QSslCertificate>& anchors)
{
    QList<Finding> findings;
    if (chain.isEmpty() || chain.size() != infos.size())
        return findings;

    // SHA-1 signatures (a self-signed root's own signature is never checked, so it does not count).
    QStringList sha1;
    for (int i = 0; i < infos.size(); ++i) {
        CertificateInfo& c = infos[i];
        if (!isSha1(c.signatureAlgorithm) || (c.selfSigned && i > 0))
            continue;
        c.errors.append(tr("Signed with SHA-1 (%1): collisions are practical; clients refuse it")
                            .arg(c.signatureAlgorithm));
        sha1.append(nameOf(c));
    }
    if (!sha1.isEmpty())
        findings.append(
            FindingCatalogue::make(FindingIds::CertSha1Signature, sha1.join(QStringLiteral(", "))));

    // Order: certificate i must be issued by certificate i + 1.
    QStringList misplaced;
    for (int i = 0; i + 1 < chain.size(); ++i) {
        if (issuedBy(chain.at(i), chain.at(i + 1)))
            continue;
        // Out of order, or a stray certificate that issued nothing here.
        qsizetype issuerAt = -1;
        for (int j = 0; j < chain.size(); ++j) {
            if (j != i && issuedBy(chain.at(i), chain.at(j))) {
                issuerAt = j;
                break;
            }
        }
        const QString why =
            issuerAt >= 0
                ? tr("Out of order: its issuer is sent at position %1, not right after it").arg(issuerAt)
                : tr("Not issued by the next certificate in the chain (%1)").arg(nameOf(infos.at(i + 1)));
        infos[i].errors.append(why);
        misplaced.append(QStringLiteral("[%1] %2").arg(i).arg(nameOf(infos.at(i))));
    }
    if (!misplaced.isEmpty())
        findings.append(
            FindingCatalogue::make(FindingIds::CertChainOrder, misplaced.join(QStringLiteral("; "))));

    // Completeness: the top of what was sent is the certificate nothing else sent issued.
    int top = int(chain.size()) - 1;
    if (!misplaced.isEmpty()) {
        for (int i = 0; i < chain.size(); ++i) {
            bool issuedByOther = false;
            for (int j = 0; j < chain.size() && !issuedByOther; ++j)
                issuedByOther = j != i && issuedBy(chain.at(i), chain.at(j));
            if (!issuedByOther) {
                top = i;
                break;
            }
        }
    }
    const QSslCertificate& last = chain.at(top);
    // A CA certificate on top is normal (roots are not sent); whether that root is trusted is
    // verification's verdict (cert-untrusted-chain). A server certificate on top whose issuer
    // was not sent means the intermediate is missing.
    auto* lastX509 = static_cast<X509*>(last.handle());
    const bool lastIsCa = lastX509 && X509_check_ca(lastX509) > 0;
    if (!selfSigned(last) && !lastIsCa) {
        bool anchored = false;
        for (const QSslCertificate& a : anchors) {
            if (issuedBy(last, a)) {
                anchored = true;
                break;
            }
        }
        if (!anchored) {
            const QString issuer = last.issuerInfo(QSslCertificate::CommonName).value(0);
            infos[top].errors.append(
                tr("Its issuer (%1) was not sent and is not a trusted root here: an intermediate is missing")
                    .arg(issuer));
            findings.append(FindingCatalogue::make(
                FindingIds::CertChainIncomplete,
                tr("%1 is issued by %2, which the server did not send").arg(nameOf(infos.at(top)), issuer)));
        }
    }
    return findings;
}
