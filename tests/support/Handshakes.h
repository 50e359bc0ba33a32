#pragma once

// Handshake outcomes that the unit tests hand to FakeLineTransport::completeHandshake().

#include "tls/TlsHandshakeInfo.h"

#include <initializer_list>
#include <QSslError>

/// A verified TLS 1.3 handshake.
inline TlsHandshakeInfo goodHandshake()
{
    TlsHandshakeInfo info;
    info.facts.protocol = QStringLiteral("TLSv1.3");
    info.facts.cipher = QStringLiteral("TLS_AES_256_GCM_SHA384");
    info.facts.keyExchange = QStringLiteral("ECDHE X25519");
    info.facts.verified = true;
    return info;
}

/// The same handshake with certificate errors, so the trust decision says no.
inline TlsHandshakeInfo untrustedHandshake(std::initializer_list<QSslError::SslError> errors)
{
    TlsHandshakeInfo info = goodHandshake();
    info.facts.verified = false;
    for (const QSslError::SslError e : errors)
        info.errors.append(QSslError(e));
    for (const QSslError& e : std::as_const(info.errors))
        info.facts.errors.append(e.errorString());
    return info;
}
