#include "SslLineTransport.h"

#include "tls/TlsInspector.h"

#include <QLoggingCategory>
#include <QSslConfiguration>

Q_LOGGING_CATEGORY(lcTransport, "mailscope.transport", QtInfoMsg)

SslLineTransport::SslLineTransport(QObject* parent)
    : LineTransport(parent)
{
    connect(&m_socket, &QSslSocket::connected, this, &LineTransport::connected);
    connect(&m_socket, &QSslSocket::readyRead, this, &SslLineTransport::onReadyRead);
    connect(&m_socket, &QSslSocket::encrypted, this, &SslLineTransport::onEncrypted);
    connect(&m_socket, &QSslSocket::sslErrors, this, &SslLineTransport::onSslErrors);
    connect(&m_socket, &QSslSocket::errorOccurred, this, &SslLineTransport::onSocketError);
    connect(&m_socket, &QSslSocket::disconnected, this, &LineTransport::disconnected);
    // In plaintext bytesWritten() means "on the wire"; under TLS it means "encrypted into the
    // socket's buffer" and encryptedBytesWritten() "on the wire": either can make room.
    connect(&m_socket, &QSslSocket::bytesWritten, this, &LineTransport::writeProgressed);
    connect(&m_socket, &QSslSocket::encryptedBytesWritten, this, &LineTransport::writeProgressed);
}

SslLineTransport::~SslLineTransport()
{
    // Nothing may reach the engine while it is being torn down.
    m_socket.disconnect(this);
    m_socket.abort();
}

void SslLineTransport::connectToHost(const QHostAddress& address, quint16 port)
{
    qCDebug(lcTransport) << "connecting to" << address << port;
    m_socket.connectToHost(address, port);
}

void SslLineTransport::write(const QByteArray& bytes) { m_socket.write(bytes); }

void SslLineTransport::startClientEncryption(const TlsClientOptions& options)
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!options.extraCaCertificates.isEmpty())
        config.addCaCertificates(options.extraCaCertificates);
    if (options.protocol)
        config.setProtocol(*options.protocol);
    if (!options.backendCipherString.isEmpty())
        config.setBackendConfigurationOption("CipherString", options.backendCipherString);
    if (!options.backendCipherSuites.isEmpty())
        config.setBackendConfigurationOption("Ciphersuites", options.backendCipherSuites);
    if (!options.ciphers.isEmpty())
        config.setCiphers(options.ciphers);
    config.setOcspStaplingEnabled(options.requestOcspStapling);
    m_socket.setSslConfiguration(config);
    m_socket.setPeerVerifyName(options.peerVerifyName);
    m_sslErrors.clear();
    m_info = {};
    m_handshaking = true;
    m_socket.startClientEncryption();
}

bool SslLineTransport::isEncrypted() const { return m_socket.isEncrypted(); }

TlsHandshakeInfo SslLineTransport::handshakeInfo() const { return m_info; }

void SslLineTransport::abort() { m_socket.abort(); }

void SslLineTransport::disconnectFromHost() { m_socket.disconnectFromHost(); }

qint64 SslLineTransport::pendingWriteBytes() const
{
    // Plaintext waiting to be encrypted plus TLS records waiting for the network (0 when plain).
    return m_socket.bytesToWrite() + m_socket.encryptedBytesToWrite();
}

QByteArray SslLineTransport::drainLowerBuffer() { return m_socket.readAll(); }

void SslLineTransport::onReadyRead() { appendReceived(m_socket.readAll()); }

void SslLineTransport::onEncrypted()
{
    m_handshaking = false;
    m_info = TlsInspector::inspect(m_socket, m_sslErrors);
    Q_EMIT encrypted();
}

void SslLineTransport::onSslErrors(const QList<QSslError>& errors)
{
    // The trust decision is the engine's, after the handshake: record and carry on.
    m_sslErrors = errors;
    m_socket.ignoreSslErrors();
}

void SslLineTransport::onSocketError(QAbstractSocket::SocketError error)
{
    const QString message = m_socket.errorString();
    qCDebug(lcTransport) << "socket error" << error << message;
    if (m_handshaking) {
        m_handshaking = false;
        if (error == QAbstractSocket::RemoteHostClosedError) {
            Q_EMIT errorOccurred(Error::HandshakeFailed,
                                 tr("The server closed the connection during the TLS handshake."));
        } else {
            Q_EMIT errorOccurred(Error::HandshakeFailed, message);
        }
        return;
    }
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        Q_EMIT errorOccurred(Error::ConnectionRefused, message);
        break;
    case QAbstractSocket::RemoteHostClosedError:
        Q_EMIT errorOccurred(Error::RemoteClosed, message);
        break;
    case QAbstractSocket::SocketTimeoutError:
        Q_EMIT errorOccurred(Error::Timeout, message);
        break;
    case QAbstractSocket::SslHandshakeFailedError:
        Q_EMIT errorOccurred(Error::HandshakeFailed, message);
        break;
    default:
        Q_EMIT errorOccurred(Error::Other, message);
        break;
    }
}
