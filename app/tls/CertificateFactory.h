#pragma once

#include <QCryptographicHash>
#include <QDateTime>
#include <QHostAddress>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QStringList>

/// A certificate with its private key, as the factory issued it.
struct IssuedCertificate
{
    QSslCertificate certificate;
    QSslKey key;
    QByteArray keyPem; ///< PKCS#8 PEM of the private key
    IssuedCertificate() = default;
    bool isNull() const { return certificate.isNull(); }
};

/// What to put in a certificate.
struct CertificateRequest
{
    QString commonName;
    QString organization = QStringLiteral("Mailscope");
    QStringList dnsNames;
    QList<QHostAddress> ipAddresses;
    QDateTime notBefore = QDateTime::currentDateTimeUtc().addDays(-1);
    QDateTime notAfter = QDateTime::currentDateTimeUtc().addDays(365);
    bool isCa = false;
    /// 0 for an EC P-256 key, otherwise an RSA key of this many bits.
    int rsaBits = 0;
    QCryptographicHash::Algorithm signature = QCryptographicHash::Sha256;
};

/**
 * Issues X.509 certificates with OpenSSL's libcrypto, for the demo server and the tests: a root
 * CA, intermediates and leaves with any validity window, names, key size and signature hash.
 * Nothing here is meant for production trust.
 */
class CertificateFactory final
{
public:
    /// A self-signed certificate (a root CA when request.isCa).
    static IssuedCertificate selfSigned(const CertificateRequest& request);
    /// A certificate signed by `issuer`.
    static IssuedCertificate issue(const CertificateRequest& request, const IssuedCertificate& issuer);
};
