#pragma once

#include "TlsHandshakeInfo.h"

#include <QSslSocket>

/// Reads what a completed handshake negotiated, from Qt's API and, where Qt has no API
/// (negotiated group, signature algorithm), from OpenSSL's native handles.
class TlsInspector final
{
public:
    static TlsHandshakeInfo inspect(const QSslSocket& socket, const QList<QSslError>& errors);
    /// "TLSv1.3" style name of a Qt protocol value.
    static QString protocolName(QSsl::SslProtocol protocol);
};
