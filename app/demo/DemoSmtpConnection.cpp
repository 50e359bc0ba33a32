#include "DemoSmtpConnection.h"

namespace {

constexpr int MaxErrors = 20;
constexpr int MaxRecipients = 100;

/// "FROM:<a@b> SIZE=1" -> path "<a@b>", parameters "SIZE=1"; false on bad syntax (RFC 5321 s.4.1.1.2).
bool splitPath(const QByteArray& argument, const QByteArray& keyword, QByteArray* path,
               QByteArray* parameters)
{
    if (!argument.toUpper().startsWith(keyword))
        return false;
    const QByteArray rest = argument.mid(keyword.size()).trimmed();
    if (!rest.startsWith('<'))
        return false;
    const qsizetype close = rest.indexOf('>');
    if (close < 0)
        return false;
    *path = rest.left(close + 1);
    *parameters = rest.mid(close + 1).trimmed();
    return true;
}

QByteArray decodeBase64(const QByteArray& text, bool* ok)
{
    const auto result = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    *ok = bool(result);
    return result.decoded;
}

} // namespace

DemoSmtpConnection::DemoSmtpConnection(QSslSocket* socket, Settings settings, QObject* parent)
    : DemoConnection(socket, std::move(settings), parent)
{
}

void DemoSmtpConnection::greet() { reply(QByteArrayLiteral("220 localhost ESMTP Mailscope demo server")); }

void DemoSmtpConnection::reply(const QByteArray& line)
{
    send(line + QByteArrayLiteral("\r\n"));
    if (line.startsWith('4') || line.startsWith('5')) {
        if (++m_errors >= MaxErrors && !line.startsWith("421")) {
            send(QByteArrayLiteral("421 4.7.0 localhost Error: too many errors\r\n"));
            closeAfterReply();
        }
    }
}

// State transitions (one connection):
//
//   greeting --EHLO/HELO--> greeted --MAIL--> transaction --RCPT--> --DATA(354)--> data --"."--> greeted
//   greeted  --AUTH--> auth exchange (334 ...) --> greeted (authenticated or not)
//   any      --STARTTLS(220)--> handshake --> greeting (RFC 3207 s.4: EHLO state, AUTH and the
//            transaction forgotten; plaintext sent with STARTTLS discarded, except in the
//            command-injection scenario)
//   any      --RSET--> greeted without transaction;  --QUIT(221)--> closed
void DemoSmtpConnection::handleLine(const QByteArray& line)
{
    switch (m_mode) {
    case Mode::Data:
        onDataLine(line);
        return;
    case Mode::AuthPlain:
    case Mode::AuthLoginUser:
    case Mode::AuthLoginPassword:
        onAuthResponse(line);
        return;
    case Mode::Command:
        break;
    }
    const qsizetype space = line.indexOf(' ');
    const QByteArray verb = (space < 0 ? line : line.left(space)).toUpper();
    const QByteArray argument = space < 0 ? QByteArray() : line.mid(space + 1).trimmed();
    handleCommand(verb, argument);
}

void DemoSmtpConnection::handleCommand(const QByteArray& verb, const QByteArray& argument)
{
    if (verb.isEmpty()) {
        reply(QByteArrayLiteral("500 5.5.2 Error: bad syntax"));
    } else if (verb == "EHLO") {
        onHelo(argument, true);
    } else if (verb == "HELO") {
        onHelo(argument, false);
    } else if (verb == "STARTTLS") {
        onStartTls(argument);
    } else if (verb == "AUTH") {
        onAuth(argument);
    } else if (verb == "MAIL") {
        onMail(argument);
    } else if (verb == "RCPT") {
        onRcpt(argument);
    } else if (verb == "DATA") {
        onData(argument);
    } else if (verb == "RSET") {
        resetTransaction();
        reply(QByteArrayLiteral("250 2.0.0 Ok"));
    } else if (verb == "NOOP") {
        reply(QByteArrayLiteral("250 2.0.0 Ok"));
    } else if (verb == "QUIT") {
        reply(QByteArrayLiteral("221 2.0.0 Bye"));
        closeAfterReply();
    } else {
        reply(QByteArrayLiteral("502 5.5.2 Error: command not recognized"));
    }
}

void DemoSmtpConnection::handleLineTooLong()
{
    if (m_mode == Mode::Data) {
        // Answered once, at the end of the message.
        m_dataLineTooLong = true;
        return;
    }
    m_mode = Mode::Command;
    reply(QByteArrayLiteral("500 5.5.2 Error: line too long"));
}

void DemoSmtpConnection::handleIdleTimeout()
{
    reply(QByteArrayLiteral("421 4.4.2 localhost Error: timeout exceeded"));
}

void DemoSmtpConnection::resetAfterTls()
{
    m_mode = Mode::Command;
    m_greeted = false;
    m_extended = false;
    m_authenticated = false;
    m_loginUser.clear();
    resetTransaction();
}

bool DemoSmtpConnection::startTlsOffered() const
{
    return !isEncrypted() && scenario() != DemoScenario::NoStartTls;
}

bool DemoSmtpConnection::authOffered() const
{
    // Passwords only under TLS, except where the scenario shows that mistake.
    return isEncrypted() || scenario() == DemoScenario::NoStartTls;
}

void DemoSmtpConnection::onHelo(const QByteArray& argument, bool extended)
{
    if (argument.isEmpty()) {
        reply(extended ? QByteArrayLiteral("501 5.5.4 Syntax: EHLO hostname")
                       : QByteArrayLiteral("501 5.5.4 Syntax: HELO hostname"));
        return;
    }
    // RFC 5321 s.4.1.4: EHLO/HELO resets any transaction.
    resetTransaction();
    m_greeted = true;
    m_extended = extended;
    if (!extended) {
        reply(QByteArrayLiteral("250 localhost"));
        return;
    }
    QList<QByteArray> lines {QByteArrayLiteral("localhost"), QByteArrayLiteral("PIPELINING"),
                             QByteArrayLiteral("SIZE ") + QByteArray::number(MaxMessageSize),
                             QByteArrayLiteral("8BITMIME"), QByteArrayLiteral("ENHANCEDSTATUSCODES")};
    if (startTlsOffered())
        lines.append(QByteArrayLiteral("STARTTLS"));
    if (authOffered())
        lines.append(QByteArrayLiteral("AUTH PLAIN LOGIN"));
    QByteArray out;
    for (qsizetype i = 0; i < lines.size(); ++i)
        out += (i + 1 < lines.size() ? QByteArrayLiteral("250-") : QByteArrayLiteral("250 ")) + lines.at(i)
               + "\r\n";
    send(out);
}

void DemoSmtpConnection::onStartTls(const QByteArray& argument)
{
    if (!argument.isEmpty()) {
        reply(QByteArrayLiteral("501 5.5.4 Syntax: STARTTLS"));
        return;
    }
    if (isEncrypted()) {
        reply(QByteArrayLiteral("554 5.5.1 Error: TLS already active"));
        return;
    }
    if (!startTlsOffered()) {
        reply(QByteArrayLiteral("502 5.5.2 Error: command not recognized"));
        return;
    }
    const QByteArray goAhead = QByteArrayLiteral("220 2.0.0 Ready to start TLS\r\n");
    if (scenario() == DemoScenario::StartTlsRejected) {
        reply(QByteArrayLiteral("454 4.7.0 TLS not available due to local problem"));
        return;
    }
    playStartTlsGoAhead(goAhead, QByteArrayLiteral("250-INJECTED-BY-MIDDLEBOX\r\n250 AUTH PLAIN\r\n"));
}

void DemoSmtpConnection::onAuth(const QByteArray& argument)
{
    if (!m_extended) {
        reply(QByteArrayLiteral("503 5.5.1 Error: send EHLO first"));
        return;
    }
    if (m_authenticated) {
        reply(QByteArrayLiteral("503 5.5.1 Error: already authenticated"));
        return;
    }
    if (m_inTransaction) {
        reply(QByteArrayLiteral("503 5.5.1 Error: MAIL transaction in progress"));
        return;
    }
    if (!authOffered()) {
        // RFC 4954 s.6
        reply(QByteArrayLiteral("538 5.7.11 Encryption required for requested authentication mechanism"));
        return;
    }
    const qsizetype space = argument.indexOf(' ');
    const QByteArray mechanism = (space < 0 ? argument : argument.left(space)).toUpper();
    const QByteArray initial = space < 0 ? QByteArray() : argument.mid(space + 1).trimmed();
    if (mechanism.isEmpty()) {
        reply(QByteArrayLiteral("501 5.5.4 Syntax: AUTH mechanism"));
        return;
    }
    if (mechanism == "PLAIN") {
        if (initial.isEmpty()) {
            m_mode = Mode::AuthPlain;
            reply(QByteArrayLiteral("334 "));
            return;
        }
        m_mode = Mode::AuthPlain;
        onAuthResponse(initial == "=" ? QByteArray() : initial);
        return;
    }
    if (mechanism == "LOGIN") {
        if (initial.isEmpty()) {
            m_mode = Mode::AuthLoginUser;
            reply(QByteArrayLiteral("334 VXNlcm5hbWU6")); // "Username:"
            return;
        }
        m_mode = Mode::AuthLoginUser;
        onAuthResponse(initial);
        return;
    }
    reply(QByteArrayLiteral("504 5.5.4 Unrecognized authentication type"));
}

void DemoSmtpConnection::onAuthResponse(const QByteArray& line)
{
    const Mode mode = m_mode;
    if (line == "*") {
        m_mode = Mode::Command;
        m_loginUser.clear();
        reply(QByteArrayLiteral("501 5.7.0 Authentication cancelled"));
        return;
    }
    bool ok = false;
    const QByteArray decoded = decodeBase64(line, &ok);
    if (!ok) {
        m_mode = Mode::Command;
        m_loginUser.clear();
        reply(QByteArrayLiteral("501 5.5.2 Cannot decode response"));
        return;
    }
    switch (mode) {
    case Mode::AuthPlain: {
        // RFC 4616: [authzid] NUL authcid NUL passwd
        m_mode = Mode::Command;
        const QList<QByteArray> parts = decoded.split('\0');
        if (parts.size() != 3 || (!parts.at(0).isEmpty() && parts.at(0) != parts.at(1))) {
            reply(QByteArrayLiteral("501 5.5.2 Invalid PLAIN response"));
            return;
        }
        checkCredentials(parts.at(1), parts.at(2));
        return;
    }
    case Mode::AuthLoginUser:
        m_loginUser = decoded;
        m_mode = Mode::AuthLoginPassword;
        reply(QByteArrayLiteral("334 UGFzc3dvcmQ6")); // "Password:"
        return;
    case Mode::AuthLoginPassword: {
        m_mode = Mode::Command;
        const QByteArray user = m_loginUser;
        m_loginUser.clear();
        checkCredentials(user, decoded);
        return;
    }
    case Mode::Command:
    case Mode::Data:
        break;
    }
}

void DemoSmtpConnection::checkCredentials(const QByteArray& user, const QByteArray& password)
{
    if (acceptsCredentials(user, password)) {
        m_authenticated = true;
        reply(QByteArrayLiteral("235 2.7.0 Authentication successful"));
        return;
    }
    reply(QByteArrayLiteral("535 5.7.8 Authentication credentials invalid"));
}

void DemoSmtpConnection::onMail(const QByteArray& argument)
{
    if (!m_greeted) {
        reply(QByteArrayLiteral("503 5.5.1 Error: send HELO/EHLO first"));
        return;
    }
    if (m_inTransaction) {
        reply(QByteArrayLiteral("503 5.5.1 Error: nested MAIL command"));
        return;
    }
    QByteArray path;
    QByteArray parameters;
    if (!splitPath(argument, QByteArrayLiteral("FROM:"), &path, &parameters)) {
        reply(QByteArrayLiteral("501 5.5.4 Syntax: MAIL FROM:<address>"));
        return;
    }
    const QList<QByteArray> list = parameters.split(' ');
    for (const QByteArray& parameter : list) {
        if (parameter.isEmpty())
            continue;
        const qsizetype equals = parameter.indexOf('=');
        const QByteArray key = (equals < 0 ? parameter : parameter.left(equals)).toUpper();
        if (key == "SIZE") {
            bool ok = false;
            const qint64 size = equals < 0 ? 0 : parameter.mid(equals + 1).toLongLong(&ok);
            if (!ok) {
                reply(QByteArrayLiteral("501 5.5.4 Bad SIZE parameter"));
                return;
            }
            if (size > MaxMessageSize) {
                reply(QByteArrayLiteral("552 5.3.4 Message size exceeds fixed limit"));
                return;
            }
        } else if (key != "BODY") {
            reply(QByteArrayLiteral("555 5.5.4 Unsupported option: ") + parameter);
            return;
        }
    }
    m_inTransaction = true;
    m_recipients = 0;
    reply(QByteArrayLiteral("250 2.1.0 Ok"));
}

void DemoSmtpConnection::onRcpt(const QByteArray& argument)
{
    if (!m_inTransaction) {
        reply(QByteArrayLiteral("503 5.5.1 Error: need MAIL command"));
        return;
    }
    QByteArray path;
    QByteArray parameters;
    if (!splitPath(argument, QByteArrayLiteral("TO:"), &path, &parameters)) {
        reply(QByteArrayLiteral("501 5.5.4 Syntax: RCPT TO:<address>"));
        return;
    }
    if (path == "<>") {
        reply(QByteArrayLiteral("501 5.1.3 Bad recipient address syntax"));
        return;
    }
    if (m_recipients >= MaxRecipients) {
        reply(QByteArrayLiteral("452 4.5.3 Error: too many recipients"));
        return;
    }
    // RFC 5321 s.3.6.1: a server that does not relay refuses recipients outside its own domains.
    if (scenario() == DemoScenario::RelayDenied && !path.toLower().endsWith("@localhost>")) {
        reply(QByteArrayLiteral("554 5.7.1 ") + path + QByteArrayLiteral(": Relay access denied"));
        return;
    }
    ++m_recipients;
    reply(QByteArrayLiteral("250 2.1.5 Ok"));
}

void DemoSmtpConnection::onData(const QByteArray& argument)
{
    if (!argument.isEmpty()) {
        reply(QByteArrayLiteral("501 5.5.4 Syntax: DATA"));
        return;
    }
    if (m_recipients == 0) {
        reply(m_inTransaction ? QByteArrayLiteral("503 5.5.1 Error: need RCPT command")
                              : QByteArrayLiteral("503 5.5.1 Error: need MAIL command"));
        return;
    }
    m_mode = Mode::Data;
    m_dataSize = 0;
    m_dataLineTooLong = false;
    reply(QByteArrayLiteral("354 End data with <CR><LF>.<CR><LF>"));
}

void DemoSmtpConnection::onDataLine(const QByteArray& line)
{
    if (line != ".") {
        // RFC 5321 s.4.5.2: a leading dot was doubled by the client.
        const qsizetype length = line.startsWith('.') ? line.size() - 1 : line.size();
        m_dataSize += length + 2;
        return;
    }
    m_mode = Mode::Command;
    const bool tooBig = m_dataSize > MaxMessageSize;
    const bool lineTooLong = m_dataLineTooLong;
    resetTransaction();
    if (tooBig) {
        reply(QByteArrayLiteral("552 5.3.4 Error: message file too big"));
    } else if (lineTooLong) {
        reply(QByteArrayLiteral("554 5.6.0 Error: message has a line that is too long"));
    } else {
        const quint64 id = settings().nextSerial ? settings().nextSerial() : 1;
        reply(QByteArrayLiteral("250 2.0.0 Ok: queued as DEMO") + QByteArray::number(id));
    }
}

void DemoSmtpConnection::resetTransaction()
{
    m_inTransaction = false;
    m_recipients = 0;
    m_dataSize = 0;
    m_dataLineTooLong = false;
}
