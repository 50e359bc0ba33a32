#pragma once

#include "run/Run.h"

#include <QList>
#include <QSslCertificate>
#include <QSslError>

/// The outcome of one TLS handshake as seen by the client, before any trust decision.
struct TlsHandshakeInfo
{
    TlsFacts facts;
    QList<QSslCertificate> chain; ///< as the server presented it, leaf first
    QList<QSslError> errors; ///< verification errors (the handshake still completed)
};
