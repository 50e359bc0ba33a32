#include "DaneMatcher.h"

#include <algorithm>
#include <memory>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <QCoreApplication>
#include <QCryptographicHash>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("DaneMatcher", text); }

struct X509Deleter
{
    void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

X509Ptr toX509(const QSslCertificate& cert)
{
    const QByteArray der = cert.toDer();
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    return X509Ptr(d2i_X509(nullptr, &p, long(der.size())));
}

/// SubjectPublicKeyInfo in DER (RFC 6698 s.2.1.2, selector 1).
QByteArray spki(const QSslCertificate& cert)
{
    const X509Ptr x = toX509(cert);
    if (!x)
        return {};
    EVP_PKEY* key = X509_get0_pubkey(x.get());
    if (!key)
        return {};
    unsigned char* out = nullptr;
    const int len = i2d_PUBKEY(key, &out);
    if (len <= 0)
        return {};
    QByteArray bytes(reinterpret_cast<const char*>(out), len);
    OPENSSL_free(out);
    return bytes;
}

/// `child` carries a signature made with `issuer`'s key.
bool signedBy(const QSslCertificate& child, const QSslCertificate& issuer)
{
    const X509Ptr c = toX509(child);
    const X509Ptr i = toX509(issuer);
    if (!c || !i)
        return false;
    EVP_PKEY* key = X509_get0_pubkey(i.get());
    return key && X509_verify(c.get(), key) == 1;
}

bool nameMatches(const QString& pattern, const QString& host)
{
    const QString p = pattern.toLower();
    const QString h = host.toLower();
    if (p == h)
        return true;
    // "*.example.org" covers exactly one label (RFC 6125 s.6.4.3).
    if (p.startsWith(QLatin1String("*."))) {
        const qsizetype dot = h.indexOf(QLatin1Char('.'));
        return dot > 0 && h.mid(dot) == p.mid(1);
    }
    return false;
}

} // namespace

QByteArray DaneMatcher::associationData(const QSslCertificate& cert, quint8 selector, quint8 matchingType)
{
    QByteArray selected;
    if (selector == 0)
        selected = cert.toDer();
    else if (selector == 1)
        selected = spki(cert);
    else
        return {};
    switch (matchingType) {
    case 0:
        return selected;
    case 1:
        return QCryptographicHash::hash(selected, QCryptographicHash::Sha256);
    case 2:
        return QCryptographicHash::hash(selected, QCryptographicHash::Sha512);
    default:
        return {};
    }
}

bool DaneMatcher::isUsable(const TlsaRecord& record)
{
    return (record.usage == 2 || record.usage == 3) && record.selector <= 1 && record.matchingType <= 2
           && !record.data.isEmpty();
}

bool DaneMatcher::certificateNames(const QSslCertificate& cert, const QString& host)
{
    const QStringList dns = cert.subjectAlternativeNames().values(QSsl::DnsEntry);
    if (!dns.isEmpty())
        return std::any_of(dns.cbegin(), dns.cend(),
                           [&host](const QString& n) { return nameMatches(n, host); });
    const QStringList cn = cert.subjectInfo(QSslCertificate::CommonName);
    return std::any_of(cn.cbegin(), cn.cend(), [&host](const QString& n) { return nameMatches(n, host); });
}

DaneMatcher::Result DaneMatcher::match(const QList<TlsaRecord>& records, const QList<QSslCertificate>& chain,
                                       const QString& mxHost)
{
    return match(records, chain, QStringList {mxHost});
}

DaneMatcher::Result DaneMatcher::match(const QList<TlsaRecord>& records, const QList<QSslCertificate>& chain,
                                       const QStringList& mxNames)
{
    Result result;
    if (records.isEmpty()) {
        result.detail = tr("No TLSA records");
        return result;
    }
    for (const TlsaRecord& r : records)
        result.usableRecords += isUsable(r) ? 1 : 0;
    if (result.usableRecords == 0) {
        result.outcome = Outcome::Unusable;
        result.detail = tr("Only records SMTP cannot use (PKIX-TA(0), PKIX-EE(1) or unknown parameters)");
        return result;
    }
    result.outcome = Outcome::NoMatch;
    if (chain.isEmpty()) {
        result.detail = tr("The server presented no certificate");
        return result;
    }
    QStringList misses;
    for (const TlsaRecord& r : records) {
        if (!isUsable(r))
            continue;
        if (r.usage == 3) {
            if (associationData(chain.first(), r.selector, r.matchingType) == r.data) {
                result.outcome = Outcome::Match;
                result.usage = r.usage;
                result.detail = tr("DANE-EE record %1 matches the server's certificate").arg(r.toText());
                return result;
            }
            misses.append(tr("%1: not the server's certificate").arg(r.toText()));
            continue;
        }
        // DANE-TA(2): a presented issuer certificate, with the server's certificate chained to it.
        bool found = false;
        for (qsizetype i = 1; i < chain.size(); ++i) {
            if (associationData(chain.at(i), r.selector, r.matchingType) != r.data)
                continue;
            found = true;
            bool chained = true;
            for (qsizetype j = 0; j < i && chained; ++j)
                chained = signedBy(chain.at(j), chain.at(j + 1));
            if (!chained) {
                misses.append(
                    tr("%1: matches a presented CA, but the chain to it is broken").arg(r.toText()));
            } else if (std::none_of(mxNames.cbegin(), mxNames.cend(), [&chain](const QString& name) {
                           return certificateNames(chain.first(), name);
                       })) {
                misses.append(tr("%1: matches the CA, but the certificate is not for %2")
                                  .arg(r.toText(), mxNames.join(QStringLiteral(" or "))));
            } else {
                result.outcome = Outcome::Match;
                result.usage = r.usage;
                result.detail = tr("DANE-TA record %1 matches the issuing CA").arg(r.toText());
                return result;
            }
        }
        if (!found)
            misses.append(tr("%1: no presented CA certificate matches").arg(r.toText()));
    }
    result.detail = misses.join(QStringLiteral("; "));
    return result;
}
