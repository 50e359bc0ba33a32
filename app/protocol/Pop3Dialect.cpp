#include "Pop3Dialect.h"

#include <QCoreApplication>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("Pop3Dialect", text); }

QString keyword(const QString& capability) { return capability.section(QLatin1Char(' '), 0, 0).toUpper(); }

} // namespace

Pop3Dialect::Status Pop3Dialect::status(const QByteArray& line, QByteArray* text)
{
    // RFC 1939 s.3: status indicators are "+OK" and "-ERR" (upper case), then SP and text.
    // RFC 5034 s.4: inside AUTH, a continuation is "+" SP base64 (or a bare "+").
    const auto after = [&](qsizetype n) { *text = line.size() > n ? line.mid(n).trimmed() : QByteArray(); };
    if (line.startsWith("+OK") && (line.size() == 3 || line.at(3) == ' ')) {
        after(4);
        return Status::Ok;
    }
    if (line.startsWith("-ERR") && (line.size() == 4 || line.at(4) == ' ')) {
        after(5);
        return Status::Err;
    }
    if (line == "+" || line.startsWith("+ ")) {
        after(2);
        return Status::Continuation;
    }
    return Status::Invalid;
}

void Pop3Dialect::expectReply(Expect expect)
{
    m_expect = expect;
    m_reply = {};
    m_inMultiline = false;
    m_problem.clear();
}

Dialect::Feed Pop3Dialect::feed(const QByteArray& line)
{
    m_reply.lines.append(line);
    if (m_reply.lines.size() > MaxReplyLines) {
        m_problem = tr("The reply had more than %1 lines.").arg(MaxReplyLines);
        return Feed::TooLong;
    }
    if (tooManyBytes(m_reply, &m_problem))
        return Feed::TooLong;
    QByteArray text;
    if (m_inMultiline) {
        // RFC 1939 s.3: a multi-line answer ends with a line holding only ".". A status line in
        // the middle of it is the answer to something else (a second greeting, an injected
        // command's reply): the list and every reply after it would be misread.
        if (const Status st = status(line, &text); st == Status::Ok || st == Status::Err) {
            m_problem = tr("A second status line inside a multi-line answer: %1")
                            .arg(QString::fromLatin1(line.left(80)));
            return Feed::OutOfSequence;
        }
        return line == "." ? Feed::Complete : Feed::NeedMore;
    }
    switch (status(line, &text)) {
    case Status::Ok:
        m_reply.positive = true;
        m_reply.text = QString::fromUtf8(text);
        if (m_expect == Expect::Capabilities) {
            m_inMultiline = true; // RFC 2449 s.5: CAPA's +OK starts a multi-line list
            return Feed::NeedMore;
        }
        return Feed::Complete;
    case Status::Err:
        m_reply.text = QString::fromUtf8(text);
        return Feed::Complete;
    case Status::Continuation:
        if (m_expect == Expect::Auth) {
            m_reply.continuation = true;
            m_reply.text = QString::fromLatin1(text);
            return Feed::Complete;
        }
        // RFC 5034 s.4: "+ " continues a SASL exchange and nothing else.
        m_problem = tr("A continuation (\"+ \") outside an AUTH exchange: %1")
                        .arg(QString::fromLatin1(line.left(80)));
        return Feed::OutOfSequence;
    case Status::Invalid:
        break;
    }
    m_problem = tr("Not a POP3 reply line (expected \"+OK\" or \"-ERR\"): %1")
                    .arg(QString::fromLatin1(line.left(80)));
    return Feed::Malformed;
}

bool Pop3Dialect::mayArriveUnasked(const QByteArray&) const
{
    // RFC 1939 s.3: every response answers a command; a server that ends the session on its own
    // (autologout) closes without a word.
    return false;
}

Reply Pop3Dialect::takeReply()
{
    Reply r = std::move(m_reply);
    m_reply = {};
    m_inMultiline = false;
    return r;
}

QByteArray Pop3Dialect::capabilityCommand(int attempt)
{
    return attempt == 0 ? QByteArrayLiteral("CAPA\r\n") : QByteArray();
}

QStringList Pop3Dialect::capabilities(const Reply& reply) const
{
    // The first line is the status; then one capability a line up to the final ".".
    QStringList caps;
    if (!reply.positive)
        return caps;
    for (qsizetype i = 1; i < reply.lines.size(); ++i) {
        QByteArray line = reply.lines.at(i);
        if (line == ".")
            break;
        if (line.startsWith(".."))
            line.remove(0, 1); // RFC 1939 s.3: byte-stuffing
        const QString cap = QString::fromUtf8(line).simplified();
        if (!cap.isEmpty())
            caps.append(cap);
    }
    return caps;
}

bool Pop3Dialect::offersStartTls(const QStringList& capabilities) const
{
    return std::any_of(capabilities.cbegin(), capabilities.cend(),
                       [](const QString& c) { return keyword(c) == QLatin1String("STLS"); });
}

bool Pop3Dialect::offersAuth(const QStringList& capabilities) const
{
    // Without a capability list nothing is known; with one, USER or SASL offers a password login.
    if (capabilities.isEmpty())
        return false;
    return offersPasswordLogin(capabilities) || !saslMechanisms(capabilities).isEmpty();
}

QStringList Pop3Dialect::saslMechanisms(const QStringList& capabilities) const
{
    QStringList mechanisms;
    for (const QString& c : capabilities) {
        if (keyword(c) != QLatin1String("SASL"))
            continue;
        for (const QString& m : c.mid(5).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!mechanisms.contains(m.toUpper()))
                mechanisms.append(m.toUpper());
        }
    }
    return mechanisms;
}

Dialect::Command Pop3Dialect::authenticateCommand(const QByteArray& mechanism,
                                                  const std::optional<QByteArray>& initialResponse)
{
    const QByteArray verb = "AUTH " + mechanism;
    if (!initialResponse)
        return {verb + "\r\n", verb};
    return {verb + ' ' + encodeInitialResponse(*initialResponse) + "\r\n", verb + " [redacted]"};
}

bool Pop3Dialect::offersPasswordLogin(const QStringList& capabilities) const
{
    // RFC 2449 s.6.8: USER announces USER/PASS. A server without CAPA at all may still take it
    // (RFC 1939 lists it as optional but nearly every server has it).
    return capabilities.isEmpty()
           || std::any_of(capabilities.cbegin(), capabilities.cend(),
                          [](const QString& c) { return keyword(c) == QLatin1String("USER"); });
}

QList<Dialect::Command> Pop3Dialect::passwordLoginCommands(const QString& user, const QByteArray& password)
{
    const QByteArray u = user.toUtf8();
    const auto unsafe = [](const QByteArray& b) {
        return b.contains('\r') || b.contains('\n') || b.contains('\0');
    };
    if (u.isEmpty() || unsafe(u) || unsafe(password)) {
        m_problem =
            tr("The user name or password contains a line break or NUL, which USER/PASS cannot carry.");
        return {};
    }
    // The user name is not a secret; the password is.
    return {{"USER " + u + "\r\n", "USER " + u},
            {"PASS " + password + "\r\n", QByteArrayLiteral("PASS [redacted]")}};
}
