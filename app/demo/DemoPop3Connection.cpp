#include "DemoPop3Connection.h"

#include <utility>

namespace {

constexpr int MaxErrors = 20;

} // namespace

DemoPop3Connection::DemoPop3Connection(QSslSocket* socket, Settings settings, QObject* parent)
    : DemoConnection(socket, std::move(settings), parent)
{
}

void DemoPop3Connection::greet() { reply(QByteArrayLiteral("+OK Mailscope demo POP3 server ready")); }

void DemoPop3Connection::reply(const QByteArray& line)
{
    send(line + QByteArrayLiteral("\r\n"));
    if (line.startsWith("-ERR") && ++m_errors >= MaxErrors) {
        send(QByteArrayLiteral("-ERR Too many invalid commands\r\n"));
        closeAfterReply();
    }
}

bool DemoPop3Connection::stlsOffered() const
{
    // RFC 2595 s.4: STLS only in the AUTHORIZATION state.
    return !isEncrypted() && !m_authenticated && scenario() != DemoScenario::NoStartTls;
}

bool DemoPop3Connection::loginAllowed() const
{
    // Passwords only under TLS, except where the scenario shows that mistake.
    return isEncrypted() || scenario() == DemoScenario::NoStartTls;
}

// State transitions (one connection, RFC 1939 s.3):
//
//   AUTHORIZATION --USER+PASS / AUTH PLAIN ok--> TRANSACTION (an empty maildrop)
//   AUTHORIZATION --STLS(+OK)--> handshake --> AUTHORIZATION (RFC 2595 s.4: capabilities re-read
//            by the client; plaintext sent with STLS discarded, except in the command-injection
//            scenario)
//   any           --QUIT(+OK)--> closed
void DemoPop3Connection::handleLine(const QByteArray& line)
{
    if (m_mode == Mode::AuthResponse) {
        onAuthResponse(line);
        return;
    }
    // RFC 1939 s.3: keywords are case-insensitive, separated from arguments by one space.
    const qsizetype space = line.indexOf(' ');
    const QByteArray verb = (space < 0 ? line : line.left(space)).toUpper();
    const QByteArray argument = space < 0 ? QByteArray() : line.mid(space + 1);
    handleCommand(verb, argument);
}

void DemoPop3Connection::handleCommand(const QByteArray& verb, const QByteArray& argument)
{
    if (verb == "CAPA") {
        onCapa();
    } else if (verb == "STLS") {
        onStls(argument);
    } else if (verb == "USER") {
        onUser(argument);
    } else if (verb == "PASS") {
        onPass(argument);
    } else if (verb == "AUTH") {
        onAuth(argument);
    } else if (verb == "QUIT") {
        reply(QByteArrayLiteral("+OK Bye"));
        closeAfterReply();
    } else if (verb == "STAT" || verb == "LIST" || verb == "UIDL" || verb == "RETR" || verb == "TOP"
               || verb == "DELE" || verb == "NOOP" || verb == "RSET") {
        onMaildropCommand(verb, argument);
    } else {
        reply(QByteArrayLiteral("-ERR Unknown command"));
    }
}

void DemoPop3Connection::onCapa()
{
    // RFC 2449 s.5: a multi-line reply ending with ".".
    QByteArray out = QByteArrayLiteral("+OK Capability list follows\r\nTOP\r\nUIDL\r\n");
    if (stlsOffered())
        out += "STLS\r\n";
    out += "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n";
    if (!m_authenticated && loginAllowed())
        out += "USER\r\nSASL PLAIN\r\n";
    out += ".\r\n";
    send(out);
}

void DemoPop3Connection::onStls(const QByteArray& argument)
{
    if (!argument.isEmpty()) {
        reply(QByteArrayLiteral("-ERR Syntax: STLS"));
        return;
    }
    if (isEncrypted()) {
        reply(QByteArrayLiteral("-ERR Command not permitted when TLS active"));
        return;
    }
    if (m_authenticated) {
        reply(QByteArrayLiteral("-ERR Command not valid in the TRANSACTION state"));
        return;
    }
    if (!stlsOffered()) {
        reply(QByteArrayLiteral("-ERR Unknown command"));
        return;
    }
    const QByteArray goAhead = QByteArrayLiteral("+OK Begin TLS negotiation\r\n");
    if (scenario() == DemoScenario::StartTlsRejected) {
        reply(QByteArrayLiteral("-ERR TLS not available"));
        return;
    }
    playStartTlsGoAhead(goAhead, QByteArrayLiteral("+OK INJECTED-BY-MIDDLEBOX\r\n"));
}

void DemoPop3Connection::onUser(const QByteArray& argument)
{
    m_user.clear();
    if (m_authenticated) {
        reply(QByteArrayLiteral("-ERR Already logged in"));
        return;
    }
    if (argument.isEmpty()) {
        reply(QByteArrayLiteral("-ERR Syntax: USER name"));
        return;
    }
    if (!loginAllowed()) {
        reply(QByteArrayLiteral("-ERR [AUTH] Plaintext authentication is disabled until TLS is active"));
        return;
    }
    m_user = argument;
    reply(QByteArrayLiteral("+OK Send your password"));
}

void DemoPop3Connection::onPass(const QByteArray& argument)
{
    if (m_authenticated) {
        reply(QByteArrayLiteral("-ERR Already logged in"));
        return;
    }
    if (m_user.isEmpty()) {
        reply(QByteArrayLiteral("-ERR Send USER first"));
        return;
    }
    // RFC 1939 s.7: the password may contain spaces; the whole rest of the line is it.
    checkCredentials(std::exchange(m_user, {}), argument);
}

void DemoPop3Connection::onAuth(const QByteArray& argument)
{
    m_user.clear();
    if (m_authenticated) {
        reply(QByteArrayLiteral("-ERR Already logged in"));
        return;
    }
    if (!loginAllowed()) {
        reply(QByteArrayLiteral("-ERR [AUTH] Authentication is disabled until TLS is active"));
        return;
    }
    const qsizetype space = argument.indexOf(' ');
    const QByteArray mechanism = (space < 0 ? argument : argument.left(space)).toUpper();
    const QByteArray initial = space < 0 ? QByteArray() : argument.mid(space + 1).trimmed();
    if (mechanism.isEmpty()) {
        // The mechanism list of RFC 1734 clients.
        send(QByteArrayLiteral("+OK\r\nPLAIN\r\n.\r\n"));
        return;
    }
    if (mechanism != "PLAIN") {
        reply(QByteArrayLiteral("-ERR Unsupported authentication mechanism"));
        return;
    }
    if (!initial.isEmpty()) {
        // RFC 5034 s.4: the initial response on the command line; "=" is an empty one.
        onAuthResponse(initial == "=" ? QByteArray() : initial);
        return;
    }
    m_mode = Mode::AuthResponse;
    send(QByteArrayLiteral("+ \r\n"));
}

void DemoPop3Connection::onAuthResponse(const QByteArray& line)
{
    m_mode = Mode::Command;
    if (line == "*") {
        reply(QByteArrayLiteral("-ERR Authentication cancelled"));
        return;
    }
    const PlainCredentials credentials = decodePlain(line);
    switch (credentials.status) {
    case PlainCredentials::Status::NotBase64:
        reply(QByteArrayLiteral("-ERR Invalid base64 data"));
        return;
    case PlainCredentials::Status::Malformed:
        reply(QByteArrayLiteral("-ERR Invalid PLAIN response"));
        return;
    case PlainCredentials::Status::Ok:
        checkCredentials(credentials.user, credentials.password);
        return;
    }
}

void DemoPop3Connection::checkCredentials(const QByteArray& user, const QByteArray& password)
{
    if (acceptsCredentials(user, password)) {
        m_authenticated = true;
        reply(QByteArrayLiteral("+OK Logged in"));
        return;
    }
    // RFC 3206 s.4 (AUTH-RESP-CODE): the credentials, not a temporary problem.
    reply(QByteArrayLiteral("-ERR [AUTH] Invalid credentials"));
}

void DemoPop3Connection::onMaildropCommand(const QByteArray& verb, const QByteArray& argument)
{
    if (!m_authenticated) {
        reply(QByteArrayLiteral("-ERR Not logged in"));
        return;
    }
    // The maildrop is always empty (RFC 1939 s.5).
    if (verb == "STAT") {
        reply(QByteArrayLiteral("+OK 0 0"));
    } else if (verb == "NOOP" || verb == "RSET") {
        reply(QByteArrayLiteral("+OK"));
    } else if ((verb == "LIST" || verb == "UIDL") && argument.isEmpty()) {
        send(verb == "LIST" ? QByteArrayLiteral("+OK 0 messages (0 octets)\r\n.\r\n")
                            : QByteArrayLiteral("+OK\r\n.\r\n"));
    } else {
        reply(QByteArrayLiteral("-ERR No such message"));
    }
}

void DemoPop3Connection::handleLineTooLong()
{
    m_mode = Mode::Command;
    reply(QByteArrayLiteral("-ERR Line too long"));
}

void DemoPop3Connection::handleIdleTimeout() { reply(QByteArrayLiteral("-ERR Disconnected for inactivity")); }

void DemoPop3Connection::resetAfterTls()
{
    m_mode = Mode::Command;
    m_authenticated = false;
    m_user.clear();
}
