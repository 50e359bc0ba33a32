#pragma once

#include "LineTransport.h"

#include <QSslSocket>

/// LineTransport over a real QSslSocket. Verification errors never abort the handshake here:
/// they are collected, and the engine makes the trust decision before anything else is sent.
class SslLineTransport final : public LineTransport
{
    Q_OBJECT

public:
    explicit SslLineTransport(QObject* parent = nullptr);
    ~SslLineTransport() override;
    Q_DISABLE_COPY_MOVE(SslLineTransport)

    void connectToHost(const QHostAddress& address, quint16 port) override;
    void write(const QByteArray& bytes) override;
    void startClientEncryption(const TlsClientOptions& options) override;
    bool isEncrypted() const override;
    TlsHandshakeInfo handshakeInfo() const override;
    void abort() override;
    void disconnectFromHost() override;
    qint64 pendingWriteBytes() const override;

protected:
    QByteArray drainLowerBuffer() override;

private:
    void onReadyRead();
    void onEncrypted();
    void onSslErrors(const QList<QSslError>& errors);
    void onSocketError(QAbstractSocket::SocketError error);

    QSslSocket m_socket;
    QList<QSslError> m_sslErrors;
    TlsHandshakeInfo m_info;
    bool m_handshaking = false;
};
