#include "LegacyTlsServer.h"

#include <QTcpSocket>
#include <QTimer>

/// One client: the SMTP preamble (unless implicit TLS), then the ClientHello and its answer.
class LegacyTlsServer::Connection final : public QObject
{
public:
    Connection(QTcpSocket* socket, const Settings& settings, LegacyTlsServer* server)
        : QObject(server)
        , m_socket(socket)
        , m_settings(settings)
        , m_server(server)
    {
        socket->setParent(this);
        m_idle.setSingleShot(true);
        m_idle.setInterval(settings.idleTimeoutMs);
        connect(&m_idle, &QTimer::timeout, this, [this] {
            if (m_state == State::Commands)
                m_socket->write("421 4.4.2 " + m_settings.hostName + " Idle timeout\r\n");
            close();
        });
        connect(socket, &QTcpSocket::readyRead, this, &Connection::onReadyRead);
        connect(socket, &QTcpSocket::disconnected, this, &Connection::finish);
        m_state = settings.implicitTls ? State::Hello : State::Commands;
        if (!settings.implicitTls)
            socket->write("220 " + settings.hostName + " ESMTP Mailscope legacy TLS server\r\n");
        m_idle.start();
    }
    QHostAddress peer() const { return m_peer; }
    void setPeer(const QHostAddress& peer) { m_peer = peer; }

private:
    enum class State
    {
        Commands, ///< SMTP before STARTTLS
        Hello, ///< reading the ClientHello
        Answered, ///< the first flight is out; waiting for the client to hang up
        Closing,
        Done,
    };

    void onReadyRead()
    {
        m_idle.start();
        m_buffer += m_socket->readAll();
        if (m_state == State::Commands)
            readCommands();
        if (m_state == State::Hello)
            readHello();
        if (m_state == State::Answered && !m_buffer.isEmpty()) {
            // A client that tries to go on (ClientKeyExchange...): this server cannot.
            m_socket->write(QByteArray::fromHex("15030100020228"));
            close();
        }
        if (m_state == State::Closing || m_state == State::Done)
            m_buffer.clear();
    }

    void readCommands()
    {
        while (m_state == State::Commands) {
            const qsizetype end = m_buffer.indexOf("\r\n");
            if (end < 0) {
                if (m_buffer.size() > MaxLineLength) {
                    m_socket->write("500 5.5.0 Line too long\r\n");
                    close();
                }
                return;
            }
            const QByteArray line = m_buffer.left(end);
            m_buffer.remove(0, end + 2);
            command(line);
        }
    }

    void command(const QByteArray& line)
    {
        const qsizetype space = line.indexOf(' ');
        const QByteArray verb = (space < 0 ? line : line.left(space)).toUpper();
        if (verb == "EHLO") {
            m_socket->write("250-" + m_settings.hostName
                            + "\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 STARTTLS\r\n");
        } else if (verb == "HELO" || verb == "NOOP" || verb == "RSET") {
            m_socket->write("250 2.0.0 Ok\r\n");
        } else if (verb == "STARTTLS") {
            m_socket->write("220 2.0.0 Ready to start TLS\r\n");
            // RFC 3207 s.4: nothing the client sent before the go-ahead counts.
            m_buffer.clear();
            m_state = State::Hello;
        } else if (verb == "QUIT") {
            m_socket->write("221 2.0.0 Bye\r\n");
            close();
        } else {
            m_socket->write("502 5.5.2 Command not recognized\r\n");
        }
    }

    void readHello()
    {
        const LegacyTlsAnswer answer = LegacyTlsResponder::respond(m_buffer, m_settings.tls);
        if (answer.kind == LegacyTlsAnswer::Kind::NeedMore)
            return;
        m_buffer.clear();
        ++m_server->m_answers;
        m_socket->write(answer.bytes);
        if (answer.kind == LegacyTlsAnswer::Kind::Alert || answer.kind == LegacyTlsAnswer::Kind::SslV2Error)
            close();
        else
            m_state = State::Answered;
    }

    void close()
    {
        if (m_state == State::Closing || m_state == State::Done)
            return;
        m_state = State::Closing;
        m_socket->disconnectFromHost(); // after what was written has gone out
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            finish();
    }

    void finish()
    {
        if (m_state == State::Done)
            return;
        m_state = State::Done;
        m_idle.stop();
        m_server->onConnectionDone(this);
    }

    QTcpSocket* const m_socket;
    const Settings& m_settings;
    LegacyTlsServer* const m_server;
    QHostAddress m_peer;
    QTimer m_idle;
    QByteArray m_buffer;
    State m_state = State::Commands;
};

LegacyTlsServer::LegacyTlsServer(Settings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    connect(&m_server, &QTcpServer::newConnection, this, &LegacyTlsServer::onNewConnection);
}

LegacyTlsServer::~LegacyTlsServer() { m_server.close(); }

bool LegacyTlsServer::listen(quint16 port) { return m_server.listen(QHostAddress::LocalHost, port); }

void LegacyTlsServer::onNewConnection()
{
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        const QHostAddress peer = socket->peerAddress();
        if (m_settings.maxConnectionsPerClient > 0
            && m_openPerClient.value(peer) >= m_settings.maxConnectionsPerClient) {
            // RFC 5321 s.3.8: 421 and close. On an implicit-TLS port there is no plaintext to
            // say it in: the connection just closes.
            ++m_refused;
            if (!m_settings.implicitTls)
                socket->write("421 4.7.0 " + m_settings.hostName + " Too many connections\r\n");
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            if (socket->state() == QAbstractSocket::UnconnectedState)
                socket->deleteLater();
            continue;
        }
        ++m_accepted;
        ++m_open;
        m_openPerClient[peer] += 1;
        m_mostOpen = std::max(m_mostOpen, m_open);
        auto* connection = new Connection(socket, m_settings, this);
        connection->setPeer(peer);
    }
}

void LegacyTlsServer::onConnectionDone(Connection* connection)
{
    --m_open;
    if (--m_openPerClient[connection->peer()] <= 0)
        m_openPerClient.remove(connection->peer());
    connection->deleteLater();
}
