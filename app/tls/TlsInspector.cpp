#include "TlsInspector.h"

#include "CertificateInspector.h"

#include <openssl/evp.h>
#include <QOcspResponse>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslKey>

namespace {

/// The group the key exchange used ("X25519", "P-256"), from the server's ephemeral key.
/// Qt wraps keys it does not model (X25519, X448) as opaque: their handle is the EVP_PKEY.
QString negotiatedGroup(const QSslKey& key)
{
    if (key.isNull())
        return {};
    switch (key.algorithm()) {
    case QSsl::Ec:
        switch (key.length()) {
        case 256:
            return QStringLiteral("P-256");
        case 384:
            return QStringLiteral("P-384");
        case 521:
            return QStringLiteral("P-521");
        default:
            return QStringLiteral("EC %1").arg(key.length());
        }
    case QSsl::Dh:
        return QStringLiteral("DH %1").arg(key.length());
    case QSsl::Opaque:
        if (auto* evp = static_cast<EVP_PKEY*>(key.handle())) {
            if (const char* type = EVP_PKEY_get0_type_name(evp))
                return QString::fromLatin1(type);
        }
        break;
    case QSsl::Rsa:
    case QSsl::Dsa:
        break;
    }
    return {};
}

} // namespace

QString TlsInspector::protocolName(QSsl::SslProtocol protocol)
{
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    switch (protocol) {
    case QSsl::TlsV1_0:
        return QStringLiteral("TLSv1.0");
    case QSsl::TlsV1_1:
        return QStringLiteral("TLSv1.1");
    case QSsl::TlsV1_2:
        return QStringLiteral("TLSv1.2");
    case QSsl::TlsV1_3:
        return QStringLiteral("TLSv1.3");
    default:
        return QStringLiteral("unknown");
    }
    QT_WARNING_POP
}

TlsHandshakeInfo TlsInspector::inspect(const QSslSocket& socket, const QList<QSslError>& errors)
{
    TlsHandshakeInfo info;
    const QSslCipher cipher = socket.sessionCipher();
    info.facts.protocol = protocolName(socket.sessionProtocol());
    info.facts.cipher = cipher.name();

    const QSslKey ephemeral = socket.sslConfiguration().ephemeralServerKey();
    const QString group = negotiatedGroup(ephemeral);
    QString kx = cipher.keyExchangeMethod();
    // TLS 1.3 reports "any" (its key exchange is always ephemeral); Qt says "ECDH" for ECDHE.
    if (kx.isEmpty() || kx == QLatin1String("any") || kx == QLatin1String("ECDH"))
        kx = QStringLiteral("ECDHE");
    if (group.startsWith(QLatin1String("DH")) || kx == QLatin1String("DH"))
        kx = QStringLiteral("DHE");
    info.facts.keyExchange = group.isEmpty() ? kx : QStringLiteral("%1 %2").arg(kx, group);

    if (!ephemeral.isNull() && ephemeral.algorithm() != QSsl::Opaque) {
        info.facts.ephemeralKey = QStringLiteral("%1 %2 bits")
                                      .arg(CertificateInspector::keyAlgorithmName(ephemeral.algorithm()))
                                      .arg(ephemeral.length());
    } else if (!group.isEmpty()) {
        info.facts.ephemeralKey = group;
    }

    if (socket.sslConfiguration().ocspStaplingEnabled()) {
        // Asked for a staple: a missing one is "none", not an error (QSslError::OcspNoResponseFound
        // arrives as an ignorable verification error).
        const QList<QOcspResponse> responses = socket.ocspResponses();
        info.facts.ocspStapled = !responses.isEmpty();
        info.facts.ocspStatus = QStringLiteral("none");
        for (const QOcspResponse& r : responses) {
            switch (r.certificateStatus()) {
            case QOcspCertificateStatus::Good:
                info.facts.ocspStatus = QStringLiteral("good");
                break;
            case QOcspCertificateStatus::Revoked:
                info.facts.ocspStatus = QStringLiteral("revoked");
                break;
            case QOcspCertificateStatus::Unknown:
                info.facts.ocspStatus = QStringLiteral("unknown");
                break;
            }
            if (r.certificateStatus() == QOcspCertificateStatus::Revoked)
                break; // the worst verdict wins
        }
    }
    info.chain = socket.peerCertificateChain();
    info.errors = errors;
    if (socket.sslConfiguration().ocspStaplingEnabled()) {
        // The staple's verdict is ocspStatus above (revoked is its own finding); Qt reports it,
        // and a missing staple, as verification errors too. They say nothing about the chain,
        // which the audit reads from this same handshake.
        info.errors.removeIf([](const QSslError& e) {
            switch (e.error()) {
            case QSslError::OcspNoResponseFound:
            case QSslError::OcspMalformedRequest:
            case QSslError::OcspMalformedResponse:
            case QSslError::OcspInternalError:
            case QSslError::OcspTryLater:
            case QSslError::OcspSigRequred:
            case QSslError::OcspUnauthorized:
            case QSslError::OcspResponseCannotBeTrusted:
            case QSslError::OcspResponseCertIdUnknown:
            case QSslError::OcspResponseExpired:
            case QSslError::OcspStatusUnknown:
            case QSslError::CertificateRevoked:
                return true;
            default:
                return false;
            }
        });
    }
    info.facts.verified = info.errors.isEmpty();
    for (const QSslError& e : std::as_const(info.errors))
        info.facts.errors.append(e.errorString());
    return info;
}
