#include "PortSniffer.h"

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSslCipher>
#include <QSslConfiguration>

Q_LOGGING_CATEGORY(lcSniffer, "mailscope.sniffer", QtInfoMsg)

PortSniffer::PortSniffer(QObject* parent)
    : QObject(parent)
{
    m_bound.setSingleShot(true);
    // The bound is stated in the finding: a coarse timer could end it early.
    m_bound.setTimerType(Qt::PreciseTimer);
    connect(&m_bound, &QTimer::timeout, this, &PortSniffer::onBound);
    connect(&m_socket, &QSslSocket::connected, this, &PortSniffer::onConnected);
    connect(&m_socket, &QSslSocket::encrypted, this, &PortSniffer::onEncrypted);
    connect(&m_socket, &QSslSocket::readyRead, this, &PortSniffer::onReadyRead);
    connect(&m_socket, &QSslSocket::errorOccurred, this, &PortSniffer::onError);
}

PortSniffer::~PortSniffer()
{
    m_socket.disconnect(this);
    m_socket.abort();
}

bool PortSniffer::namesServerAlert(const QString& handshakeError)
{
    // OpenSSL turns a received alert into a reason named after it: "sslv3 alert ...",
    // "tlsv1 alert ...", "tlsv13 alert ...", and a few "tlsv1 <alert name>" without the word.
    static const QRegularExpression alert(
        QStringLiteral("\\b(sslv3|tlsv1[0-9]*) alert\\b|\\btlsv1 (unrecognized name|bad certificate "
                       "(status response|hash value)|certificate unobtainable)\\b"),
        QRegularExpression::CaseInsensitiveOption);
    return alert.match(handshakeError).hasMatch();
}

bool PortSniffer::namesPlaintextPeer(const QString& handshakeError)
{
    return handshakeError.contains(QLatin1String("wrong version number"), Qt::CaseInsensitive);
}

void PortSniffer::start(Question question, const QHostAddress& address, quint16 port,
                        const QString& serverName, int boundMs)
{
    m_question = question;
    m_serverName = QHostAddress(serverName).isNull() ? serverName : QString();
    m_bound.start(boundMs);
    qCDebug(lcSniffer) << "sniffing" << address << port << "for TLS";
    m_socket.connectToHost(address, port);
}

void PortSniffer::onConnected()
{
    if (m_question == Question::PlaintextGreeting)
        return; // a mail server greets first (RFC 5321 s.3.1, RFC 9051 s.7.1, RFC 1939 s.4)
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    // Only "does it speak TLS" is asked here; trust is the real session's business.
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_socket.setSslConfiguration(config);
    if (!m_serverName.isEmpty())
        m_socket.setPeerVerifyName(m_serverName); // SNI (RFC 6066 s.3), as the real client sends it
    m_socket.startClientEncryption();
}

void PortSniffer::onEncrypted()
{
    m_encrypted = true;
    m_result.tls = true;
    m_result.tlsProtocol = m_socket.sessionCipher().protocolString();
    // Mail servers greet right after the handshake; wait (within the bound) for the first line.
    onReadyRead();
}

void PortSniffer::onReadyRead()
{
    if (m_finished || (m_question == Question::ImplicitTls && !m_encrypted))
        return;
    m_greeting += m_socket.read(MaxGreetingBytes - m_greeting.size());
    if (m_greeting.contains('\n') || m_greeting.size() >= MaxGreetingBytes)
        conclude();
}

void PortSniffer::onError(QAbstractSocket::SocketError error)
{
    if (m_finished)
        return;
    const QString message = m_socket.errorString();
    qCDebug(lcSniffer) << "sniff error" << error << message;
    if (m_encrypted || m_question == Question::PlaintextGreeting) {
        // Only the wait for a greeting ends here; conclude() says what (if anything) came.
        conclude();
        return;
    }
    if (error == QAbstractSocket::SslHandshakeFailedError && namesServerAlert(message)) {
        m_result.tls = true;
        m_result.evidence = tr("The port answered a TLS ClientHello with a TLS alert (%1).").arg(message);
    } else if (error == QAbstractSocket::SslHandshakeFailedError) {
        m_result.evidence = tr("The port did not answer a TLS ClientHello in TLS (%1).").arg(message);
    } else if (error == QAbstractSocket::RemoteHostClosedError) {
        m_result.evidence = tr("The port closed the connection when a TLS ClientHello arrived.");
    } else {
        m_result.evidence = tr("A second connection for a TLS probe failed: %1").arg(message);
    }
    conclude();
}

void PortSniffer::onBound()
{
    if (m_finished)
        return;
    if (!m_encrypted && m_question == Question::ImplicitTls) {
        m_result.evidence = tr("The port did not answer a TLS ClientHello within %1 s either.")
                                .arg(m_bound.interval() / 1000.0);
    }
    conclude();
}

void PortSniffer::conclude()
{
    if (m_finished)
        return;
    m_finished = true;
    m_bound.stop();
    if (m_question == Question::PlaintextGreeting)
        m_greeting += m_socket.read(MaxGreetingBytes - m_greeting.size());
    const QByteArray firstLine = m_greeting.left(m_greeting.indexOf('\n')).trimmed().left(200);
    m_result.greeting = GreetingSniffer::identify(firstLine);
    m_result.greetingLine = firstLine;
    const QString who = GreetingSniffer::describe(m_result.greeting);
    const QString line = QString::fromUtf8(firstLine);
    if (m_question == Question::PlaintextGreeting) {
        m_result.evidence =
            m_greeting.isEmpty() ? tr("A new connection without TLS got no greeting within %1 s either.")
                                       .arg(m_bound.interval() / 1000.0)
            : m_result.greeting == GreetingSniffer::Speaker::Unknown
                ? tr("A new connection without TLS received: %1").arg(line)
                : tr("A new connection without TLS was greeted in plaintext by %1: %2").arg(who, line);
    } else if (m_encrypted) {
        m_result.evidence =
            m_result.greeting == GreetingSniffer::Speaker::Unknown
                ? tr("A TLS handshake on a new connection succeeded at once (%1).").arg(m_result.tlsProtocol)
                : tr("A TLS handshake on a new connection succeeded at once (%1), and %2 greeted inside it: "
                     "%3")
                      .arg(m_result.tlsProtocol, who, line);
    }
    m_socket.disconnect(this);
    m_socket.abort();
    Q_EMIT finished();
}
