#include "DaneMatcher.h"

#include "tls/SignatureCheck.h"

#include <algorithm>
#include <QCoreApplication>
#include <QCryptographicHash>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("DaneMatcher", text); }

/// `child` carries a signature made with `issuer`'s key.
bool signedBy(const QSslCertificate& child, const QSslCertificate& issuer)
{
    return SignatureCheck::verifyWithCertificate(child.toDer(), issuer.toDer())
           == SignatureCheck::Result::Valid;
}

/// How many links of `chain` hold from the server's certificate up: chain[j] is signed by
/// chain[j + 1] for every j below the result.
qsizetype linkedPrefix(const QList<QSslCertificate>& chain)
{
    qsizetype top = 0;
    while (top + 1 < chain.size() && signedBy(chain.at(top), chain.at(top + 1)))
        ++top;
    return top;
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

struct TaOutcome
{
    bool matched = false;
    QString detail;
};

/// What a DANE-TA(2) match still requires once the trust anchor is found at chain position
/// `top` + 1 (or, for a key only the record carries, above chain[top]): the server's certificate
/// carries an MX name (RFC 7672 s.3.2.2) and every certificate below the anchor is within its
/// validity period (RFC 7672 s.3.1.2: DANE-TA is ordinary path validation from that anchor,
/// unlike DANE-EE which ignores dates).
QString taRequirementsMissed(const TlsaRecord& r, const QList<QSslCertificate>& chain, qsizetype top,
                             const QStringList& mxNames, const QDateTime& now)
{
    if (std::none_of(mxNames.cbegin(), mxNames.cend(), [&chain](const QString& name) {
            return DaneMatcher::certificateNames(chain.first(), name);
        }))
        return tr("%1: matches the CA, but the certificate is not for %2")
            .arg(r.toText(), mxNames.join(QStringLiteral(" or ")));
    for (qsizetype j = 0; j <= top; ++j) {
        const QSslCertificate& c = chain.at(j);
        const QString who = j == 0 ? tr("the server's certificate") : tr("chain certificate %1").arg(j);
        if (c.expiryDate() < now)
            return tr("%1: matches the CA, but %2 expired on %3")
                .arg(r.toText(), who, c.expiryDate().toUTC().toString(Qt::ISODate));
        if (c.effectiveDate() > now)
            return tr("%1: matches the CA, but %2 is not valid before %3")
                .arg(r.toText(), who, c.effectiveDate().toUTC().toString(Qt::ISODate));
    }
    return {};
}

/// DANE-TA(2) (RFC 7672 s.3.1.2): the anchor is either a certificate the server presents above
/// its own, or, for a record that carries the full key or certificate (2 1 0, 2 0 0), a key the
/// server may leave out: the chain is then anchored where a presented certificate is signed by
/// that key (RFC 7671 s.5.2.2). A digest (matching types 1, 2) can only name a presented CA.
TaOutcome matchTrustAnchor(const TlsaRecord& r, const QList<QSslCertificate>& chain,
                           const QStringList& mxNames, const QDateTime& now)
{
    TaOutcome out;
    const qsizetype linked = linkedPrefix(chain);
    bool presentButUnlinked = false;
    for (qsizetype i = 1; i < chain.size(); ++i) {
        if (DaneMatcher::associationData(chain.at(i), r.selector, r.matchingType) != r.data)
            continue;
        if (i > linked) {
            presentButUnlinked = true;
            continue;
        }
        out.detail = taRequirementsMissed(r, chain, i - 1, mxNames, now);
        out.matched = out.detail.isEmpty();
        if (out.matched)
            out.detail = tr("DANE-TA record %1 matches the issuing CA").arg(r.toText());
        return out;
    }
    const QString broken = tr("%1: matches a presented CA, but the chain to it is broken").arg(r.toText());
    if (presentButUnlinked && r.matchingType != 0) {
        out.detail = broken;
        return out;
    }
    if (r.matchingType != 0) {
        out.detail =
            tr("%1: no presented CA certificate matches; a digest can only match a CA the server "
               "sends, so either the record names another CA or the server leaves it out of its chain")
                .arg(r.toText());
        return out;
    }
    const QByteArray key = r.selector == 1 ? r.data : SignatureCheck::subjectPublicKeyInfo(r.data);
    if (key.isEmpty()) {
        out.detail = tr("%1: the record's certificate does not parse").arg(r.toText());
        return out;
    }
    for (qsizetype j = 0; j <= linked; ++j) {
        const SignatureCheck::Result s = SignatureCheck::verifyWithKey(chain.at(j).toDer(), key);
        if (s == SignatureCheck::Result::BadKey) {
            out.detail = tr("%1: the record's public key does not parse").arg(r.toText());
            return out;
        }
        if (s != SignatureCheck::Result::Valid)
            continue;
        out.detail = taRequirementsMissed(r, chain, j, mxNames, now);
        out.matched = out.detail.isEmpty();
        if (out.matched)
            out.detail =
                tr("DANE-TA record %1: the trust anchor the record carries signed %2 (the server does "
                   "not send the anchor)")
                    .arg(r.toText(),
                         j == 0 ? tr("the server's certificate") : tr("chain certificate %1").arg(j));
        return out;
    }
    out.detail = presentButUnlinked ? broken
                                    : tr("%1: the server does not send this CA, and no certificate of its "
                                         "chain is signed by the record's key")
                                          .arg(r.toText());
    return out;
}

} // namespace

QByteArray DaneMatcher::associationData(const QSslCertificate& cert, quint8 selector, quint8 matchingType)
{
    QByteArray selected;
    if (selector == 0)
        selected = cert.toDer();
    else if (selector == 1)
        selected = SignatureCheck::subjectPublicKeyInfo(cert.toDer());
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
    return match(records, chain, mxNames, QDateTime::currentDateTimeUtc());
}

DaneMatcher::Result DaneMatcher::match(const QList<TlsaRecord>& records, const QList<QSslCertificate>& chain,
                                       const QStringList& mxNames, const QDateTime& now)
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
        const TaOutcome ta = matchTrustAnchor(r, chain, mxNames, now);
        if (ta.matched) {
            result.outcome = Outcome::Match;
            result.usage = r.usage;
            result.detail = ta.detail;
            return result;
        }
        misses.append(ta.detail);
    }
    result.detail = misses.join(QStringLiteral("; "));
    return result;
}
