// libFuzzer target for certificate field extraction: arbitrary bytes as one DER certificate and
// as PEM (any number of certificates), then everything Mailscope reads from a chain: the
// inspector's fields and name matching, error attribution, the chain audit (order, completeness,
// SHA-1) and the trust findings.

#include "FuzzMain.h"
#include "tls/CertificateAudit.h"
#include "tls/CertificateInspector.h"
#include "tls/TrustAssessment.h"

#include <openssl/err.h>

namespace {

/// Chains longer than this are cut (a real server sends 2-4; the audit is quadratic in length).
constexpr qsizetype MaxChain = 8;

void inspect(QList<QSslCertificate> chain)
{
    chain.removeIf([](const QSslCertificate& c) { return c.isNull(); });
    if (chain.isEmpty())
        return;
    if (chain.size() > MaxChain)
        chain.resize(MaxChain);
    static const QDateTime now = QDateTime(QDate(2026, 12, 1), QTime(0, 0), Qt::UTC);
    const QList<QSslError> errors {QSslError(QSslError::CertificateExpired, chain.first()),
                                   QSslError(QSslError::HostNameMismatch, chain.last()),
                                   QSslError(QSslError::UnableToGetLocalIssuerCertificate)};
    QList<CertificateInfo> infos =
        CertificateInspector::inspectChain(chain, errors, now, QStringLiteral("localhost"));
    if (infos.size() != chain.size())
        fuzz::propertyFailed("one CertificateInfo per certificate");
    for (const QString& host : {QStringLiteral("127.0.0.1"), QStringLiteral("::1"),
                                QStringLiteral("mail.example.org"), QStringLiteral("a.b.example.org")})
        (void)CertificateInspector::matchingName(infos.first(), host);
    (void)CertificateAudit::audit(chain, infos, {chain.last()});
    (void)TrustAssessment::chainFindings(infos, 21);
    // Parsing is the expensive part (OpenSSL 3's key decoders): once per input.
    if (CertificateAudit::certificatesOf(infos) != chain)
        fuzz::propertyFailed("the PEM kept for each certificate must read back as that certificate");
}

} // namespace

MAILSCOPE_FUZZ_INITIALIZE

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = fuzz::bytes(data, size);
    inspect({QSslCertificate(input, QSsl::Der)});
    inspect(QSslCertificate::fromData(input, QSsl::Pem));
    // OpenSSL keeps why a parse failed in its thread's error queue (allocated, and reused): not
    // a leak, but it makes every input look like one to libFuzzer, which then scans the whole
    // heap each time. Clearing it keeps leak detection for real leaks and the speed.
    ERR_clear_error();
    return 0;
}
