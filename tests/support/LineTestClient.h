#pragma once

// A raw line client over QSslSocket for server-side tests (the demo server): connect, send,
// read lines, start TLS. Waits on conditions with QTest::qWaitFor (what the QTRY_ macros use),
// never on the clock. Protocol-specific readers build on it.

#include "demo/DemoServer.h"

#include <QHostAddress>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTest>

class LineTestClient
{
public:
    static constexpr int WaitMs = 20000;
    /// What readLine() returns when no line came (timeout or close).
    static inline const QByteArray NoLine = QByteArrayLiteral("<no line>");

    LineTestClient()
    {
        QObject::connect(&m_socket, &QSslSocket::sslErrors, &m_socket,
                         [this](const QList<QSslError>& errors) { m_sslErrors += errors; });
    }
    virtual ~LineTestClient() = default;
    Q_DISABLE_COPY_MOVE(LineTestClient)

    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; },
                               WaitMs);
    }

    void send(const QByteArray& bytes) { m_socket.write(bytes); }

    /// The next line without its line ending; NoLine on timeout or close.
    QByteArray readLine()
    {
        const bool ready = QTest::qWaitFor(
            [this] {
                return m_socket.canReadLine() || m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            WaitMs);
        if (!ready || !m_socket.canReadLine())
            return NoLine;
        QByteArray line = m_socket.readLine();
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        return line;
    }

    /// True when a complete line is already buffered, without waiting.
    bool hasLineNow() const { return m_socket.canReadLine(); }

    /// Starts the client side of TLS, verifying against `caCertificates` for `peerName`.
    bool startTls(const QList<QSslCertificate>& caCertificates,
                  const QString& peerName = DemoServer::hostName())
    {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.addCaCertificates(caCertificates);
        config.setPeerVerifyMode(QSslSocket::VerifyPeer);
        m_socket.setSslConfiguration(config);
        m_socket.setPeerVerifyName(peerName);
        m_socket.startClientEncryption();
        return QTest::qWaitFor(
                   [this] {
                       return m_socket.isEncrypted() || m_socket.state() == QAbstractSocket::UnconnectedState;
                   },
                   WaitMs)
               && m_socket.isEncrypted();
    }

    bool waitForClose()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; },
                               WaitMs);
    }

    QSslSocket& socket() { return m_socket; }
    const QList<QSslError>& sslErrors() const { return m_sslErrors; }

private:
    QSslSocket m_socket;
    QList<QSslError> m_sslErrors;
};
