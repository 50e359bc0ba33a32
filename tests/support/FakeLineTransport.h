#pragma once

#include "net/LineTransport.h"

#include <QList>

/**
 * In-memory LineTransport: the test plays the server by feeding bytes, and reads back every byte
 * the engine wrote, in order, with a marker of when TLS was requested. No sockets, no timers.
 */
class FakeLineTransport final : public LineTransport
{
    Q_OBJECT

public:
    /// One thing the engine did to the transport, in order.
    struct Event
    {
        enum Kind
        {
            Connect,
            Write,
            StartTls,
            Abort,
            Disconnect
        } kind;
        QByteArray bytes; ///< for Write
    };

    explicit FakeLineTransport(QObject* parent = nullptr);

    void connectToHost(const QHostAddress& address, quint16 port) override;
    void write(const QByteArray& bytes) override;
    void startClientEncryption(const TlsClientOptions& options) override;
    bool isEncrypted() const override { return m_encrypted; }
    TlsHandshakeInfo handshakeInfo() const override { return m_info; }
    void abort() override;
    void disconnectFromHost() override;

    // ---- the test's side ----
    /// Completes a pending connect.
    void acceptConnection() { Q_EMIT connected(); }
    void refuseConnection();
    /// Delivers server bytes to the engine (any fragmentation the test likes).
    void serverSends(const QByteArray& bytes) { appendReceived(bytes); }
    /// Completes a pending handshake with these facts/errors.
    void completeHandshake(const TlsHandshakeInfo& info);
    void failHandshake(const QString& message);
    void serverCloses();

    QList<Event> events() const { return m_events; }
    /// Everything written, concatenated.
    QByteArray written() const;
    /// Everything written after the last StartTls event (empty if none).
    QByteArray writtenAfterTlsRequest() const;
    QByteArray lastWrite() const;
    int writeCount() const;
    bool tlsRequested() const { return m_tlsRequested; }
    TlsClientOptions lastTlsOptions() const { return m_tlsOptions; }
    QHostAddress lastAddress() const { return m_address; }
    quint16 lastPort() const { return m_port; }
    bool isOpen() const { return m_open; }

private:
    QList<Event> m_events;
    TlsHandshakeInfo m_info;
    TlsClientOptions m_tlsOptions;
    QHostAddress m_address;
    quint16 m_port = 0;
    bool m_encrypted = false;
    bool m_tlsRequested = false;
    bool m_open = false;
};
