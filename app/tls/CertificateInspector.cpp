#include "CertificateInspector.h"

#include <algorithm>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <QCoreApplication>
#include <QHostAddress>
#include <QSslKey>

namespace {

QString joinedDn(const QSslCertificate& certificate, bool issuer)
{
    // Qt 6.4 has no "whole DN" accessor with a stable order; build the familiar one.
    const QList<QByteArray> attributes =
        issuer ? certificate.issuerInfoAttributes() : certificate.subjectInfoAttributes();
    QStringList parts;
    for (const QByteArray& attribute : attributes) {
        const QStringList values =
            issuer ? certificate.issuerInfo(attribute) : certificate.subjectInfo(attribute);
        for (const QString& v : values)
            parts.append(QStringLiteral("%1=%2").arg(QString::fromLatin1(attribute), v));
    }
    return parts.join(QStringLiteral(", "));
}

QString signatureAlgorithm(const QSslCertificate& certificate)
{
    // Not in Qt's API; the OpenSSL backend's handle is an X509*.
    const auto* x509 = static_cast<const X509*>(certificate.handle());
    if (!x509)
        return {};
    const int nid = X509_get_signature_nid(x509);
    if (nid == NID_undef)
        return {};
    return QString::fromLatin1(OBJ_nid2ln(nid));
}

} // namespace

QString CertificateInspector::keyAlgorithmName(QSsl::KeyAlgorithm algorithm)
{
    switch (algorithm) {
    case QSsl::Rsa:
        return QStringLiteral("RSA");
    case QSsl::Dsa:
        return QStringLiteral("DSA");
    case QSsl::Ec:
        return QStringLiteral("EC");
    case QSsl::Dh:
        return QStringLiteral("DH");
    case QSsl::Opaque:
        break;
    }
    return QStringLiteral("unknown");
}

QString CertificateInspector::colonHex(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toHex(':').toUpper());
}

CertificateInfo CertificateInspector::inspect(const QSslCertificate& certificate, const QDateTime& now)
{
    CertificateInfo info;
    info.subject = joinedDn(certificate, false);
    info.issuer = joinedDn(certificate, true);
    info.commonName = certificate.subjectInfo(QSslCertificate::CommonName).value(0);
    const auto sans = certificate.subjectAlternativeNames();
    for (auto it = sans.cbegin(); it != sans.cend(); ++it) {
        if (it.key() == QSsl::DnsEntry)
            info.sanDns.append(it.value());
        else if (it.key() == QSsl::IpAddressEntry)
            info.sanIp.append(it.value());
    }
    // QMultiMap keeps the newest value of a key first; the certificate's order is the reverse.
    std::reverse(info.sanDns.begin(), info.sanDns.end());
    std::reverse(info.sanIp.begin(), info.sanIp.end());
    info.notBefore = certificate.effectiveDate().toUTC();
    info.notAfter = certificate.expiryDate().toUTC();
    // Whole days, rounded towards "less time left": 0.5 days left is 0, and expired is negative.
    const qint64 secondsLeft = now.secsTo(info.notAfter);
    info.daysLeft = secondsLeft >= 0 ? secondsLeft / 86400 : -((-secondsLeft + 86399) / 86400);
    info.serial = QString::fromLatin1(certificate.serialNumber().toUpper());
    info.sha256 = colonHex(certificate.digest(QCryptographicHash::Sha256));
    info.sha1 = colonHex(certificate.digest(QCryptographicHash::Sha1));
    // OpenSSL 3 parses a certificate whose public key does not decode (a point off the curve, a
    // truncated modulus) and leaves the key out; Qt 6.4's QSslCertificate::publicKey() then
    // dereferences that null key and crashes. A server may send such a certificate anywhere in
    // its chain, so ask OpenSSL first (found by tests/fuzz/fuzz_certificate).
    const auto* x509 = static_cast<const X509*>(certificate.handle());
    if (x509 && X509_get0_pubkey(x509)) {
        const QSslKey key = certificate.publicKey();
        info.keyAlgorithm = keyAlgorithmName(key.algorithm());
        info.keyBits = key.length();
    } else {
        info.keyAlgorithm = keyAlgorithmName(QSsl::Opaque);
        info.errors.append(
            QCoreApplication::translate("CertificateInspector", "Its public key cannot be decoded"));
    }
    info.signatureAlgorithm = signatureAlgorithm(certificate);
    info.selfSigned = certificate.isSelfSigned();
    info.pem = QString::fromLatin1(certificate.toPem());
    return info;
}

bool CertificateInspector::nameMatchesHost(const QString& name, const QString& host)
{
    const QString n = name.toLower();
    const QString h = host.toLower();
    if (n == h)
        return true;
    if (!n.startsWith(QLatin1String("*.")))
        return false;
    const qsizetype dot = h.indexOf(QLatin1Char('.'));
    return dot > 0 && h.mid(dot) == n.mid(1) && n.count(QLatin1Char('.')) >= 2;
}

QString CertificateInspector::matchingName(const CertificateInfo& certificate, const QString& host)
{
    if (host.isEmpty())
        return {};
    const QHostAddress address(host);
    if (!address.isNull()) {
        for (const QString& ip : certificate.sanIp) {
            if (QHostAddress(ip) == address)
                return ip;
        }
        return {};
    }
    for (const QString& dns : certificate.sanDns) {
        if (nameMatchesHost(dns, host))
            return dns;
    }
    // RFC 6125 s.6.4.4: the CN counts only when there are no DNS names.
    if (certificate.sanDns.isEmpty() && nameMatchesHost(certificate.commonName, host))
        return certificate.commonName;
    return {};
}

QList<CertificateInfo> CertificateInspector::inspectChain(const QList<QSslCertificate>& chain,
                                                          const QList<QSslError>& errors,
                                                          const QDateTime& now, const QString& host)
{
    QList<CertificateInfo> infos;
    infos.reserve(chain.size());
    for (const QSslCertificate& c : chain)
        infos.append(inspect(c, now));
    if (!infos.isEmpty())
        infos.first().matchedName = matchingName(infos.first(), host);
    for (const QSslError& e : errors) {
        const QSslCertificate concerned = e.certificate();
        qsizetype index = concerned.isNull() ? -1 : chain.indexOf(concerned);
        // Errors about the chain as a whole (and host name errors) belong to the leaf.
        if (index < 0)
            index = 0;
        if (index < infos.size())
            infos[index].errors.append(e.errorString());
    }
    return infos;
}
