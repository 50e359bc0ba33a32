#include "DemoListener.h"

#include <QSslSocket>

DemoListener::DemoListener(Protocol protocol, TlsMode mode, QObject* parent)
    : QTcpServer(parent)
    , m_protocol(protocol)
    , m_mode(mode)
{
}

void DemoListener::incomingConnection(qintptr socketDescriptor)
{
    auto* socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    Q_EMIT accepted(socket);
}
