#include "DemoConnection.h"

#include <QSslCipher>

// Per-connection details are debug output: QT_LOGGING_RULES="mailscope.demo.debug=true" shows them.
Q_LOGGING_CATEGORY(lcDemo, "mailscope.demo", QtInfoMsg)

namespace {
/// Input held while the connection does not read commands (greeting delay, handshake).
constexpr qsizetype MaxBufferedInput = 64 * 1024;
} // namespace

DemoConnection::DemoConnection(QSslSocket* socket, Settings settings, QObject* parent)
    : QObject(parent)
    , m_socket(socket)
    , m_settings(std::move(settings))
{
    m_socket->setParent(this);
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_settings.idleTimeoutMs);
    m_greetingTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &DemoConnection::onIdleTimeout);
    connect(&m_greetingTimer, &QTimer::timeout, this, &DemoConnection::onGreetingDue);
    m_tarpitTimer.setSingleShot(true);
    connect(&m_tarpitTimer, &QTimer::timeout, this, [this] {
        m_tarpitDue = true;
        processBuffer();
    });
    connect(m_socket, &QSslSocket::readyRead, this, &DemoConnection::onReadyRead);
    connect(m_socket, &QSslSocket::encrypted, this, &DemoConnection::onEncrypted);
    connect(m_socket, &QSslSocket::disconnected, this, &DemoConnection::onDisconnected);
    connect(m_socket, &QSslSocket::errorOccurred, this, &DemoConnection::onSocketError);
}

DemoConnection::~DemoConnection()
{
    // Nothing may call back into a half-destroyed connection.
    m_socket->disconnect(this);
    m_socket->abort();
}

void DemoConnection::start()
{
    if (m_state != State::Idle)
        return;
    qCDebug(lcDemo) << "connection from" << m_socket->peerAddress() << m_socket->peerPort() << "scenario"
                    << DemoScenarios::name(m_settings.scenario)
                    << (m_settings.implicitTls ? "implicit TLS" : "");
    m_idleTimer.start();
    if (!m_settings.implicitTls) {
        beginGreeting();
        return;
    }
    if (m_settings.scenario == DemoScenario::DropsInHandshake) {
        dropAtHandshake();
        return;
    }
    if (m_settings.scenario == DemoScenario::LegacyTls) {
        awaitHello();
        return;
    }
    m_state = State::Handshaking;
    m_socket->setSslConfiguration(m_settings.tls);
    m_socket->startServerEncryption();
}

void DemoConnection::abort()
{
    if (m_state == State::Finished)
        return;
    m_socket->abort();
    finish();
}

bool DemoConnection::isEncrypted() const { return m_socket->isEncrypted(); }

DemoConnection::PlainCredentials DemoConnection::decodePlain(const QByteArray& base64)
{
    PlainCredentials result;
    const auto decoded = QByteArray::fromBase64Encoding(base64, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        result.status = PlainCredentials::Status::NotBase64;
        return result;
    }
    // RFC 4616 s.2: [authzid] NUL authcid NUL passwd
    const QList<QByteArray> parts = decoded.decoded.split('\0');
    if (parts.size() != 3 || parts.at(1).isEmpty() || (!parts.at(0).isEmpty() && parts.at(0) != parts.at(1)))
        return result;
    result.status = PlainCredentials::Status::Ok;
    result.user = parts.at(1);
    result.password = parts.at(2);
    return result;
}

bool DemoConnection::acceptsCredentials(const QByteArray& user, const QByteArray& password) const
{
    return m_settings.scenario != DemoScenario::AuthFails && user == DemoUser && password == DemoPassword;
}

void DemoConnection::send(const QByteArray& bytes)
{
    if (m_state == State::Finished || m_state == State::Closing)
        return;
    m_socket->write(bytes);
}

void DemoConnection::upgradeToTls(BufferedPlaintext buffered)
{
    // Whatever the socket still holds arrived before the go-ahead was sent: plaintext too.
    QByteArray rest = m_buffer + m_socket->readAll();
    m_buffer.clear();
    m_skippingLongLine = false;
    if (buffered == BufferedPlaintext::Keep) {
        m_buffer = rest;
    } else if (!rest.isEmpty()) {
        qCDebug(lcDemo) << "discarding" << rest.size() << "plaintext byte(s) sent with STARTTLS";
    }
    if (m_settings.scenario == DemoScenario::LegacyTls) {
        awaitHello();
        return;
    }
    m_state = State::Handshaking;
    m_socket->setSslConfiguration(m_settings.tls);
    m_socket->startServerEncryption();
}

void DemoConnection::dropAtHandshake()
{
    m_buffer.clear();
    m_state = State::DropOnData;
    // The client may already have sent its hello.
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &DemoConnection::onReadyRead, Qt::QueuedConnection);
}

void DemoConnection::awaitHello()
{
    m_state = State::AwaitingHello;
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &DemoConnection::onHelloBytes, Qt::QueuedConnection);
}

void DemoConnection::onHelloBytes()
{
    if (m_state != State::AwaitingHello)
        return;
    m_idleTimer.start();
    // Peeked, not read: a hello for the real handshake must still be in the socket when
    // encryption starts (QSslSocket then reads it from the plain socket's buffer).
    const QByteArray bytes = m_socket->peek(m_socket->bytesAvailable());
    const LegacyTlsAnswer answer = LegacyTlsResponder::respond(bytes, m_settings.legacyTls);
    if (answer.kind == LegacyTlsAnswer::Kind::NeedMore)
        return;
    if (LegacyTlsResponder::offersTls13(bytes)) {
        m_state = State::Handshaking;
        m_socket->setSslConfiguration(m_settings.tls);
        m_socket->startServerEncryption();
        return;
    }
    m_socket->read(bytes.size());
    qCDebug(lcDemo) << "legacy-tls: scripted" << answer.why;
    send(answer.bytes);
    if (answer.kind == LegacyTlsAnswer::Kind::Alert || answer.kind == LegacyTlsAnswer::Kind::SslV2Error)
        closeAfterReply();
    else
        m_state = State::ScriptedHello;
}

void DemoConnection::closeAfterReply()
{
    if (m_state == State::Finished || m_state == State::Closing)
        return;
    m_state = State::Closing;
    m_buffer.clear();
    m_greetingTimer.stop();
    m_idleTimer.start(); // a client that never reads must not keep the connection forever
    // Flushes what was written, then emits disconnected() (TLS: after close_notify).
    m_socket->disconnectFromHost();
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        finish();
}

void DemoConnection::beginGreeting()
{
    m_state = State::Greeting;
    if (m_settings.scenario == DemoScenario::SlowBanner || m_settings.scenario == DemoScenario::Tarpit) {
        m_greetingTimer.start(m_settings.scenario == DemoScenario::Tarpit ? m_settings.tarpitDelayMs
                                                                          : m_settings.slowBannerDelayMs);
        return;
    }
    onGreetingDue();
}

void DemoConnection::onGreetingDue()
{
    if (m_state != State::Greeting)
        return;
    m_greeted = true;
    greet();
    if (m_state != State::Greeting)
        return; // the greeting closed the connection
    m_state = State::Commands;
    processBuffer();
}

void DemoConnection::processBuffer()
{
    while (m_state == State::Commands) {
        const qsizetype end = m_buffer.indexOf('\n');
        if (end < 0) {
            if (m_buffer.size() > MaxLineLength) {
                // Answer now and skip the rest of the line when it comes.
                m_buffer.clear();
                if (!m_skippingLongLine) {
                    m_skippingLongLine = true;
                    handleLineTooLong();
                }
            }
            return;
        }
        if (m_settings.scenario == DemoScenario::Tarpit && !m_skippingLongLine && !m_tarpitDue) {
            // A tarpit (an anti-spam measure of MX hosts) answers each command only after a wait.
            if (!m_tarpitTimer.isActive())
                m_tarpitTimer.start(m_settings.tarpitDelayMs);
            return;
        }
        m_tarpitDue = false;
        QByteArray line = m_buffer.left(end);
        m_buffer.remove(0, end + 1);
        if (m_skippingLongLine) {
            m_skippingLongLine = false;
            continue;
        }
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.size() > MaxLineLength) {
            handleLineTooLong();
            continue;
        }
        handleLine(line);
    }
}

void DemoConnection::onReadyRead()
{
    if (m_state == State::Finished)
        return;
    if (m_state == State::AwaitingHello) {
        onHelloBytes();
        return;
    }
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    switch (m_state) {
    case State::ScriptedHello:
        // A client that goes on (ClientKeyExchange...): fatal handshake_failure (RFC 5246 s.7.2.2).
        send(QByteArray::fromHex("15030100020228"));
        closeAfterReply();
        return;
    case State::AwaitingHello:
        return;
    case State::DropOnData:
        qCDebug(lcDemo) << "dropping the connection in the TLS handshake (scenario)";
        abort();
        return;
    case State::Closing:
    case State::Finished:
        return;
    case State::Idle:
    case State::Greeting:
    case State::Commands:
    case State::Handshaking:
        break;
    }
    m_idleTimer.start();
    m_buffer += bytes;
    if (m_state != State::Commands && m_buffer.size() > MaxBufferedInput) {
        qCDebug(lcDemo) << "too much input before the conversation started; closing";
        abort();
        return;
    }
    processBuffer();
}

void DemoConnection::onEncrypted()
{
    if (m_state != State::Handshaking)
        return;
    qCDebug(lcDemo) << "TLS established:" << m_socket->sessionCipher().protocolString()
                    << m_socket->sessionCipher().name();
    m_idleTimer.start();
    if (!m_greeted) {
        beginGreeting(); // implicit TLS: now the greeting
        return;
    }
    resetAfterTls();
    m_state = State::Commands;
    processBuffer(); // empty, unless a scenario kept the plaintext
}

void DemoConnection::onDisconnected() { finish(); }

void DemoConnection::onSocketError(QAbstractSocket::SocketError error)
{
    if (m_state == State::Finished)
        return;
    // A client that hangs up, resets, or fails the handshake: nothing to answer any more.
    qCDebug(lcDemo) << "connection error" << error << m_socket->errorString();
    if (m_state == State::Closing && error == QAbstractSocket::RemoteHostClosedError)
        return; // disconnected() follows
    abort();
}

void DemoConnection::onIdleTimeout()
{
    switch (m_state) {
    case State::Greeting:
    case State::Commands:
        handleIdleTimeout();
        closeAfterReply();
        return;
    case State::Handshaking:
    case State::AwaitingHello:
    case State::ScriptedHello:
    case State::DropOnData:
    case State::Idle:
    case State::Closing:
        abort();
        return;
    case State::Finished:
        return;
    }
}

void DemoConnection::finish()
{
    if (m_state == State::Finished)
        return;
    m_state = State::Finished;
    m_idleTimer.stop();
    m_greetingTimer.stop();
    m_tarpitTimer.stop();
    m_buffer.clear();
    Q_EMIT finished();
}

void DemoConnection::playStartTlsGoAhead(const QByteArray& goAhead, const QByteArray& injected)
{
    switch (scenario()) {
    case DemoScenario::ResponseInjection:
        send(goAhead + injected);
        upgradeToTls(BufferedPlaintext::Discard);
        return;
    case DemoScenario::CommandInjection:
        send(goAhead);
        upgradeToTls(BufferedPlaintext::Keep);
        return;
    case DemoScenario::DropsInHandshake:
        send(goAhead);
        dropAtHandshake();
        return;
    default:
        send(goAhead);
        upgradeToTls(BufferedPlaintext::Discard);
        return;
    }
}
