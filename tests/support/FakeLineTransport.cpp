#include "FakeLineTransport.h"

FakeLineTransport::FakeLineTransport(QObject* parent)
    : LineTransport(parent)
{
}

void FakeLineTransport::connectToHost(const QHostAddress& address, quint16 port)
{
    m_address = address;
    m_port = port;
    m_open = true;
    m_events.append(Event {Event::Connect, {}});
}

void FakeLineTransport::write(const QByteArray& bytes) { m_events.append(Event {Event::Write, bytes}); }

void FakeLineTransport::startClientEncryption(const TlsClientOptions& options)
{
    m_tlsRequested = true;
    m_tlsOptions = options;
    m_events.append(Event {Event::StartTls, {}});
}

void FakeLineTransport::abort()
{
    m_open = false;
    m_events.append(Event {Event::Abort, {}});
}

void FakeLineTransport::disconnectFromHost()
{
    m_open = false;
    m_events.append(Event {Event::Disconnect, {}});
}

void FakeLineTransport::refuseConnection()
{
    m_open = false;
    Q_EMIT errorOccurred(Error::ConnectionRefused, QStringLiteral("Connection refused"));
}

void FakeLineTransport::completeHandshake(const TlsHandshakeInfo& info)
{
    m_info = info;
    m_encrypted = true;
    Q_EMIT encrypted();
}

void FakeLineTransport::failHandshake(const QString& message)
{
    m_open = false;
    Q_EMIT errorOccurred(Error::HandshakeFailed, message);
}

void FakeLineTransport::serverCloses()
{
    m_open = false;
    Q_EMIT disconnected();
}

QByteArray FakeLineTransport::written() const
{
    QByteArray all;
    for (const Event& e : m_events) {
        if (e.kind == Event::Write)
            all += e.bytes;
    }
    return all;
}

QByteArray FakeLineTransport::writtenAfterTlsRequest() const
{
    QByteArray after;
    bool seen = false;
    for (const Event& e : m_events) {
        if (e.kind == Event::StartTls) {
            seen = true;
            after.clear();
        } else if (seen && e.kind == Event::Write) {
            after += e.bytes;
        }
    }
    return after;
}

QByteArray FakeLineTransport::lastWrite() const
{
    for (auto it = m_events.crbegin(); it != m_events.crend(); ++it) {
        if (it->kind == Event::Write)
            return it->bytes;
    }
    return {};
}

int FakeLineTransport::writeCount() const
{
    return int(std::count_if(m_events.cbegin(), m_events.cend(),
                             [](const Event& e) { return e.kind == Event::Write; }));
}
