#pragma once

#include "run/Types.h"

#include <QTcpServer>

class QSslSocket;

/**
 * One listening port of the demo server. Every accepted connection becomes a QSslSocket that is
 * still in plaintext: the connection object decides when (STARTTLS) or whether (a scenario that
 * drops the handshake) to start server-side encryption, which QSslServer would do at once.
 */
class DemoListener final : public QTcpServer
{
    Q_OBJECT

public:
    DemoListener(Protocol protocol, TlsMode mode, QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(DemoListener)

    Protocol protocol() const { return m_protocol; }
    TlsMode tlsMode() const { return m_mode; }

Q_SIGNALS:
    /// A new connection; the receiver takes ownership of `socket`.
    void accepted(QSslSocket* socket);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    const Protocol m_protocol;
    const TlsMode m_mode;
};
