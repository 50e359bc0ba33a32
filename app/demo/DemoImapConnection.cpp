#include "DemoImapConnection.h"

#include <utility>

namespace {

constexpr int MaxErrors = 20;

/// RFC 9051 s.9: tag = 1*<any ASTRING-CHAR except "+">, i.e. no atom-specials but "]".
bool isValidTag(const QByteArray& tag)
{
    if (tag.isEmpty())
        return false;
    for (const char c : tag) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return false;
        switch (c) {
        case '(':
        case ')':
        case '{':
        case '%':
        case '*':
        case '"':
        case '\\':
        case '+':
            return false;
        default:
            break;
        }
    }
    return true;
}

/// A literal announced at the end of a line: "{n}" (synchronizing) or "{n+}" (RFC 7888).
struct LiteralMarker
{
    bool found = false;
    bool synchronizing = true;
    qint64 size = 0;
};

LiteralMarker literalAtEnd(const QByteArray& text)
{
    LiteralMarker marker;
    if (!text.endsWith('}'))
        return marker;
    const qsizetype open = text.lastIndexOf('{');
    if (open < 0)
        return marker;
    QByteArray digits = text.mid(open + 1, text.size() - open - 2);
    if (digits.endsWith('+')) {
        marker.synchronizing = false;
        digits.chop(1);
    }
    if (digits.isEmpty() || digits.size() > 9)
        return marker;
    for (const char c : std::as_const(digits)) {
        if (c < '0' || c > '9')
            return marker;
    }
    marker.found = true;
    marker.size = digits.toLongLong();
    return marker;
}

} // namespace

DemoImapConnection::DemoImapConnection(QSslSocket* socket, Settings settings, QObject* parent)
    : DemoConnection(socket, std::move(settings), parent)
{
}

// RFC 9051 s.4.3 (astring), s.4.3.1 (quoted), s.4.3 / RFC 7888 (literals).
bool DemoImapConnection::parseArguments(const QByteArray& text, QList<QByteArray>* arguments)
{
    arguments->clear();
    qsizetype pos = 0;
    const qsizetype size = text.size();
    while (pos < size) {
        const char c = text.at(pos);
        if (c == ' ') {
            ++pos;
            continue;
        }
        QByteArray value;
        if (c == '"') {
            ++pos;
            bool closed = false;
            while (pos < size) {
                const char q = text.at(pos);
                if (q == '\\' && pos + 1 < size) {
                    value += text.at(pos + 1);
                    pos += 2;
                } else if (q == '"') {
                    ++pos;
                    closed = true;
                    break;
                } else if (q == '\r' || q == '\n') {
                    return false;
                } else {
                    value += q;
                    ++pos;
                }
            }
            if (!closed || (pos < size && text.at(pos) != ' '))
                return false;
        } else if (c == '{') {
            const qsizetype close = text.indexOf('}', pos);
            if (close < 0)
                return false;
            const LiteralMarker marker = literalAtEnd(text.mid(pos, close - pos + 1));
            if (!marker.found || text.mid(close + 1, 2) != "\r\n")
                return false;
            const qsizetype start = close + 3;
            if (start + marker.size > size)
                return false;
            value = text.mid(start, marker.size);
            pos = start + marker.size;
            if (pos < size && text.at(pos) != ' ')
                return false;
        } else {
            const qsizetype end = text.indexOf(' ', pos);
            value = text.mid(pos, end < 0 ? -1 : end - pos);
            if (value.contains('"') || value.contains('\r') || value.contains('\n'))
                return false;
            pos = end < 0 ? size : end;
        }
        arguments->append(value);
    }
    return true;
}

void DemoImapConnection::reply(const QByteArray& tag, const QByteArray& status)
{
    send(tag + ' ' + status + QByteArrayLiteral("\r\n"));
    if (status.startsWith("BAD") && ++m_errors >= MaxErrors) {
        send(QByteArrayLiteral("* BYE Too many invalid commands\r\n"));
        closeAfterReply();
    }
}

void DemoImapConnection::untagged(const QByteArray& text) { reply(QByteArrayLiteral("*"), text); }

bool DemoImapConnection::startTlsAdvertised() const
{
    // The preauth scenario still advertises STARTTLS, as the servers do that make the mistake.
    return !isEncrypted() && scenario() != DemoScenario::NoStartTls;
}

bool DemoImapConnection::loginAllowed() const
{
    // Passwords only under TLS (RFC 9051 s.6.2.3, LOGINDISABLED), except where the scenario shows
    // that mistake.
    return isEncrypted() || scenario() == DemoScenario::NoStartTls;
}

QByteArray DemoImapConnection::capabilities() const
{
    QByteArray caps = QByteArrayLiteral("IMAP4rev1");
    if (startTlsAdvertised())
        caps += " STARTTLS";
    if (!m_authenticated)
        caps +=
            loginAllowed() ? QByteArrayLiteral(" AUTH=PLAIN SASL-IR") : QByteArrayLiteral(" LOGINDISABLED");
    return caps;
}

void DemoImapConnection::greet()
{
    if (scenario() == DemoScenario::Preauth) {
        // RFC 9051 s.7.1.4: the connection starts in the authenticated state. Over plaintext a
        // client can no longer ask for STARTTLS (s.6.2.1: not-authenticated state only).
        m_authenticated = true;
        untagged(QByteArrayLiteral("PREAUTH [CAPABILITY ") + capabilities()
                 + QByteArrayLiteral("] Logged in as ") + DemoUser);
        return;
    }
    untagged(QByteArrayLiteral("OK [CAPABILITY ") + capabilities()
             + QByteArrayLiteral("] Mailscope demo IMAP server ready"));
}

// State transitions (one connection):
//
//   not authenticated --LOGIN/AUTHENTICATE ok--> authenticated --SELECT/EXAMINE INBOX--> selected
//   not authenticated --STARTTLS(OK)--> handshake --> not authenticated (RFC 9051 s.6.2.1:
//            capabilities re-read by the client; plaintext sent with STARTTLS discarded, except in
//            the command-injection scenario)
//   greeting PREAUTH (preauth scenario) --> authenticated, STARTTLS refused
//   any      --LOGOUT--> "* BYE", tagged OK, closed
//
// A command line ending in "{n}" announces a literal: "+" asks for it (unless "{n+}"), then n
// bytes follow and the command continues after them.
void DemoImapConnection::handleLine(const QByteArray& line)
{
    switch (m_mode) {
    case Mode::AuthResponse:
        onAuthResponse(line);
        return;
    case Mode::Literal: {
        // The connection splits at LF and drops CR LF; a literal may contain both, so put them back.
        const QByteArray restored = line + QByteArrayLiteral("\r\n");
        if (restored.size() <= m_literalLeft) {
            m_command += restored;
            m_literalLeft -= restored.size();
            if (m_literalLeft == 0)
                m_mode = Mode::Command; // the command text goes on with the next line
            return;
        }
        m_command += restored.left(m_literalLeft);
        const QByteArray rest = line.mid(m_literalLeft);
        m_literalLeft = 0;
        m_mode = Mode::Command;
        continueCommandText(rest);
        return;
    }
    case Mode::Command:
        continueCommandText(line);
        return;
    }
}

void DemoImapConnection::continueCommandText(const QByteArray& text)
{
    m_command += text;
    const LiteralMarker literal = literalAtEnd(text);
    if (!literal.found) {
        runCommand(std::exchange(m_command, {}));
        return;
    }
    if (literal.size > MaxLiteralSize || m_command.size() + literal.size > MaxCommandSize) {
        const QByteArray command = std::exchange(m_command, {});
        if (!literal.synchronizing) {
            // The client sends the literal anyway and it cannot be told apart from commands.
            send(QByteArrayLiteral("* BYE Literal too large\r\n"));
            closeAfterReply();
            return;
        }
        const QByteArray tag = command.left(command.indexOf(' '));
        reply(isValidTag(tag) ? tag : QByteArrayLiteral("*"), QByteArrayLiteral("BAD Literal too large"));
        return;
    }
    m_command += "\r\n";
    m_literalLeft = literal.size;
    if (m_literalLeft > 0)
        m_mode = Mode::Literal;
    if (literal.synchronizing)
        send(QByteArrayLiteral("+ Ready for literal data\r\n"));
}

void DemoImapConnection::runCommand(const QByteArray& command)
{
    const qsizetype space = command.indexOf(' ');
    const QByteArray tag = space < 0 ? command : command.left(space);
    if (!isValidTag(tag)) {
        untagged(QByteArrayLiteral("BAD Missing or invalid tag"));
        return;
    }
    const QByteArray rest = space < 0 ? QByteArray() : command.mid(space + 1);
    const qsizetype verbEnd = rest.indexOf(' ');
    const QByteArray verb = (verbEnd < 0 ? rest : rest.left(verbEnd)).toUpper();
    if (verb.isEmpty()) {
        reply(tag, QByteArrayLiteral("BAD Missing command"));
        return;
    }
    QList<QByteArray> arguments;
    if (verbEnd >= 0 && !parseArguments(rest.mid(verbEnd + 1), &arguments)) {
        reply(tag, QByteArrayLiteral("BAD Invalid arguments"));
        return;
    }

    if (verb == "CAPABILITY") {
        onCapability(tag, arguments);
    } else if (verb == "NOOP") {
        reply(tag, QByteArrayLiteral("OK NOOP completed"));
    } else if (verb == "LOGOUT") {
        onLogout(tag);
    } else if (verb == "STARTTLS") {
        onStartTls(tag, arguments);
    } else if (verb == "LOGIN") {
        onLogin(tag, arguments);
    } else if (verb == "AUTHENTICATE") {
        onAuthenticate(tag, arguments);
    } else if (verb == "SELECT" || verb == "EXAMINE") {
        onSelect(tag, verb, arguments);
    } else {
        reply(tag, QByteArrayLiteral("BAD Unknown command"));
    }
}

void DemoImapConnection::onCapability(const QByteArray& tag, const QList<QByteArray>& arguments)
{
    if (!arguments.isEmpty()) {
        reply(tag, QByteArrayLiteral("BAD Syntax: CAPABILITY"));
        return;
    }
    untagged(QByteArrayLiteral("CAPABILITY ") + capabilities());
    reply(tag, QByteArrayLiteral("OK CAPABILITY completed"));
}

void DemoImapConnection::onStartTls(const QByteArray& tag, const QList<QByteArray>& arguments)
{
    if (!arguments.isEmpty()) {
        reply(tag, QByteArrayLiteral("BAD Syntax: STARTTLS"));
        return;
    }
    if (isEncrypted()) {
        reply(tag, QByteArrayLiteral("BAD TLS is already active"));
        return;
    }
    if (m_authenticated) {
        // RFC 9051 s.6.2.1: only in the not-authenticated state; after PREAUTH it is too late.
        reply(tag, QByteArrayLiteral("BAD STARTTLS is not valid in the authenticated state"));
        return;
    }
    if (!startTlsAdvertised()) {
        reply(tag, QByteArrayLiteral("BAD Unknown command"));
        return;
    }
    const QByteArray goAhead = tag + QByteArrayLiteral(" OK Begin TLS negotiation now\r\n");
    if (scenario() == DemoScenario::StartTlsRejected) {
        reply(tag, QByteArrayLiteral("NO [UNAVAILABLE] TLS not available"));
        return;
    }
    playStartTlsGoAhead(goAhead,
                        QByteArrayLiteral("* CAPABILITY IMAP4rev1 AUTH=PLAIN INJECTED-BY-MIDDLEBOX\r\n"));
}

void DemoImapConnection::onLogin(const QByteArray& tag, const QList<QByteArray>& arguments)
{
    if (m_authenticated) {
        reply(tag, QByteArrayLiteral("BAD Already logged in"));
        return;
    }
    if (arguments.size() != 2) {
        reply(tag, QByteArrayLiteral("BAD Syntax: LOGIN username password"));
        return;
    }
    if (!loginAllowed()) {
        // RFC 9051 s.6.2.3: LOGINDISABLED is advertised, so LOGIN must not succeed.
        reply(tag, QByteArrayLiteral("NO [PRIVACYREQUIRED] Plaintext login is disabled until TLS is active"));
        return;
    }
    checkCredentials(tag, arguments.at(0), arguments.at(1));
}

void DemoImapConnection::onAuthenticate(const QByteArray& tag, const QList<QByteArray>& arguments)
{
    if (m_authenticated) {
        reply(tag, QByteArrayLiteral("BAD Already logged in"));
        return;
    }
    if (arguments.isEmpty() || arguments.size() > 2) {
        reply(tag, QByteArrayLiteral("BAD Syntax: AUTHENTICATE mechanism [initial-response]"));
        return;
    }
    if (!loginAllowed()) {
        reply(tag, QByteArrayLiteral("NO [PRIVACYREQUIRED] Authentication is disabled until TLS is active"));
        return;
    }
    if (arguments.at(0).toUpper() != "PLAIN") {
        reply(tag, QByteArrayLiteral("NO Unsupported authentication mechanism"));
        return;
    }
    m_authTag = tag;
    if (arguments.size() == 2) {
        // RFC 4959: the initial response on the command line; "=" is an empty one.
        const QByteArray initial = arguments.at(1);
        onAuthResponse(initial == "=" ? QByteArray() : initial);
        return;
    }
    m_mode = Mode::AuthResponse;
    send(QByteArrayLiteral("+ \r\n")); // RFC 9051 s.7.5: an empty challenge
}

void DemoImapConnection::onAuthResponse(const QByteArray& line)
{
    const QByteArray tag = std::exchange(m_authTag, {});
    m_mode = Mode::Command;
    if (line == "*") {
        // RFC 9051 s.6.2.2: a cancelled exchange ends with a tagged BAD.
        reply(tag, QByteArrayLiteral("BAD Authentication cancelled"));
        return;
    }
    const PlainCredentials credentials = decodePlain(line);
    switch (credentials.status) {
    case PlainCredentials::Status::NotBase64:
        reply(tag, QByteArrayLiteral("BAD Invalid base64 data"));
        return;
    case PlainCredentials::Status::Malformed:
        reply(tag, QByteArrayLiteral("BAD Invalid PLAIN response"));
        return;
    case PlainCredentials::Status::Ok:
        checkCredentials(tag, credentials.user, credentials.password);
        return;
    }
}

void DemoImapConnection::checkCredentials(const QByteArray& tag, const QByteArray& user,
                                          const QByteArray& password)
{
    if (acceptsCredentials(user, password)) {
        m_authenticated = true;
        reply(tag, QByteArrayLiteral("OK Logged in"));
        return;
    }
    reply(tag, QByteArrayLiteral("NO [AUTHENTICATIONFAILED] Invalid credentials"));
}

void DemoImapConnection::onSelect(const QByteArray& tag, const QByteArray& verb,
                                  const QList<QByteArray>& arguments)
{
    if (!m_authenticated) {
        reply(tag, QByteArrayLiteral("BAD Not logged in"));
        return;
    }
    if (arguments.size() != 1) {
        reply(tag, QByteArrayLiteral("BAD Syntax: ") + verb + QByteArrayLiteral(" mailbox"));
        return;
    }
    // RFC 9051 s.5.1: INBOX is case-insensitive; the demo has no other mailbox.
    if (arguments.at(0).toUpper() != "INBOX") {
        reply(tag, QByteArrayLiteral("NO [NONEXISTENT] Mailbox does not exist"));
        return;
    }
    // RFC 9051 s.6.3.2 (RFC 3501 s.6.3.1 adds RECENT): an empty mailbox.
    send(QByteArrayLiteral("* 0 EXISTS\r\n"
                           "* 0 RECENT\r\n"
                           "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                           "* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"
                           "* OK [UIDVALIDITY 1] UIDs valid\r\n"
                           "* OK [UIDNEXT 1] Predicted next UID\r\n"));
    reply(tag, verb == "EXAMINE" ? QByteArrayLiteral("OK [READ-ONLY] EXAMINE completed")
                                 : QByteArrayLiteral("OK [READ-WRITE] SELECT completed"));
}

void DemoImapConnection::onLogout(const QByteArray& tag)
{
    // RFC 9051 s.6.1.3: BYE first, then the tagged OK, then close.
    send(QByteArrayLiteral("* BYE Mailscope demo IMAP server logging out\r\n"));
    reply(tag, QByteArrayLiteral("OK LOGOUT completed"));
    closeAfterReply();
}

void DemoImapConnection::handleLineTooLong()
{
    resetCommand();
    untagged(QByteArrayLiteral("BAD Line too long"));
}

void DemoImapConnection::handleIdleTimeout()
{
    untagged(QByteArrayLiteral("BYE Autologout; idle for too long"));
}

void DemoImapConnection::resetAfterTls()
{
    // RFC 9051 s.6.2.1: the client must discard what it learned; the server forgets partial input.
    resetCommand();
    m_authenticated = false;
}

void DemoImapConnection::resetCommand()
{
    m_mode = Mode::Command;
    m_command.clear();
    m_literalLeft = 0;
    m_authTag.clear();
}
