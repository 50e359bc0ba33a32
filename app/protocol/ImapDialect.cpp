#include "ImapDialect.h"

#include <QCoreApplication>
#include <QSet>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ImapDialect", text); }

bool hasAtom(const QStringList& capabilities, QLatin1String atom)
{
    return std::any_of(capabilities.cbegin(), capabilities.cend(),
                       [atom](const QString& c) { return c.compare(atom, Qt::CaseInsensitive) == 0; });
}

/// The first word of `rest` (upper-case) and what follows it.
QByteArray firstWord(const QByteArray& rest, QByteArray* after)
{
    const qsizetype space = rest.indexOf(' ');
    *after = space < 0 ? QByteArray() : rest.mid(space + 1);
    return (space < 0 ? rest : rest.left(space)).toUpper();
}

/// Human text: a leading [CAPABILITY ...] response code is noise in a summary.
QString humanText(const QByteArray& text)
{
    QByteArray t = text.trimmed();
    if (t.toUpper().startsWith("[CAPABILITY ")) {
        const qsizetype close = t.indexOf(']');
        if (close >= 0)
            t = t.mid(close + 1).trimmed();
    }
    return QString::fromUtf8(t);
}

} // namespace

QByteArray ImapDialect::tagged(const QByteArray& verb)
{
    // RFC 9051 s.2.2.1: a new tag per command; a simple counter makes transcripts reproducible.
    m_tag = "A" + QByteArray::number(++m_tagCounter);
    return m_tag + ' ' + verb + "\r\n";
}

void ImapDialect::expectReply(Expect expect)
{
    m_expect = expect;
    m_reply = {};
    m_problem.clear();
}

Dialect::Feed ImapDialect::feed(const QByteArray& line)
{
    m_reply.lines.append(line);
    if (m_reply.lines.size() > MaxReplyLines) {
        m_problem = tr("The reply had more than %1 lines.").arg(MaxReplyLines);
        return Feed::TooLong;
    }
    if (tooManyBytes(m_reply, &m_problem))
        return Feed::TooLong;
    QByteArray rest;
    if (m_expect == Expect::Banner) {
        // RFC 9051 s.7.1: greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF.
        const QByteArray status = line.startsWith("* ") ? firstWord(line.mid(2), &rest) : QByteArray();
        if (status != "OK" && status != "PREAUTH" && status != "BYE") {
            m_problem = tr("Not an IMAP greeting (expected \"* OK\", \"* PREAUTH\" or \"* BYE\"): %1")
                            .arg(QString::fromLatin1(line.left(80)));
            return Feed::Malformed;
        }
        m_reply.positive = status != "BYE";
        m_reply.text = humanText(rest);
        return Feed::Complete;
    }
    if (line.startsWith("* ")) {
        // Untagged data (CAPABILITY, BYE before LOGOUT's OK, ...): part of this reply.
        return Feed::NeedMore;
    }
    if (line == "+" || line.startsWith("+ ")) {
        // RFC 9051 s.7.5: a continuation request; only an AUTHENTICATE exchange expects one here.
        if (m_expect != Expect::Auth) {
            m_problem = tr("The server asked to continue a command that needs no continuation: %1")
                            .arg(QString::fromLatin1(line.left(80)));
            return Feed::OutOfSequence;
        }
        m_reply.continuation = true;
        m_reply.text = QString::fromLatin1(line.mid(2).trimmed());
        return Feed::Complete;
    }
    if (!m_tag.isEmpty() && line.startsWith(m_tag + ' ')) {
        const QByteArray status = firstWord(line.mid(m_tag.size() + 1), &rest);
        if (status != "OK" && status != "NO" && status != "BAD") {
            m_problem =
                tr("A tagged reply without OK, NO or BAD: %1").arg(QString::fromLatin1(line.left(80)));
            return Feed::Malformed;
        }
        m_reply.positive = status == "OK";
        m_reply.text = humanText(rest);
        return Feed::Complete;
    }
    if (const QByteArray other = taggedStatusTag(line); !other.isEmpty()) {
        // RFC 9051 s.2.2.1: the completion result carries the tag of the command it completes. A
        // well-formed completion with another tag answers something else: out of step.
        m_problem = m_tag.isEmpty()
                        ? tr("A completion tagged %1 before any command was sent: %2")
                              .arg(QString::fromLatin1(other.left(40)), QString::fromLatin1(line.left(80)))
                        : tr("A completion tagged %1, but the command sent was tagged %2: %3")
                              .arg(QString::fromLatin1(other.left(40)), QString::fromLatin1(m_tag),
                                   QString::fromLatin1(line.left(80)));
        return Feed::OutOfSequence;
    }
    m_problem = m_tag.isEmpty() ? tr("Not an IMAP response line: %1").arg(QString::fromLatin1(line.left(80)))
                                : tr("Not an IMAP response line (expected \"*\", \"+\" or the tag %1): %2")
                                      .arg(QString::fromLatin1(m_tag), QString::fromLatin1(line.left(80)));
    return Feed::Malformed;
}

QByteArray ImapDialect::taggedStatusTag(const QByteArray& line)
{
    // RFC 9051 s.9: response-tagged = tag SP resp-cond-state CRLF; tag = 1*<any ASTRING-CHAR
    // except "+">. Only a line of that shape counts as someone's completion.
    const qsizetype space = line.indexOf(' ');
    if (space <= 0)
        return {};
    const QByteArray tag = line.left(space);
    for (const char c : tag) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '+' || c == '*' || c == '(' || c == ')' || c == '{' || c == '%'
            || c == '"' || c == '\\')
            return {};
    }
    QByteArray rest;
    const QByteArray status = firstWord(line.mid(space + 1), &rest);
    return status == "OK" || status == "NO" || status == "BAD" ? tag : QByteArray();
}

bool ImapDialect::mayArriveUnasked(const QByteArray& line) const
{
    // RFC 9051 s.7: the server may send untagged data at any time (an alert, BYE on autologout,
    // capability updates); the client must accept it. Tagged lines and continuations answer commands.
    return line.startsWith("* ");
}

Reply ImapDialect::takeReply()
{
    Reply r = std::move(m_reply);
    m_reply = {};
    return r;
}

Dialect::BannerKind ImapDialect::classifyBanner(const Reply& reply) const
{
    QByteArray rest;
    const QByteArray status = firstWord(reply.statusLine().mid(2), &rest);
    if (status == "PREAUTH")
        return BannerKind::PreAuthenticated;
    if (status == "BYE")
        return BannerKind::Closing;
    return BannerKind::Ready;
}

QByteArray ImapDialect::capabilityCommand(int attempt)
{
    return attempt == 0 ? tagged("CAPABILITY") : QByteArray();
}

QStringList ImapDialect::capabilityResponseCode(const QByteArray& line)
{
    const qsizetype open = line.toUpper().indexOf("[CAPABILITY ");
    if (open < 0)
        return {};
    const qsizetype close = line.indexOf(']', open);
    if (close < 0)
        return {};
    const QByteArray atoms = line.mid(open + 12, close - open - 12);
    return QString::fromUtf8(atoms).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

QStringList ImapDialect::capabilities(const Reply& reply) const
{
    // RFC 9051 s.7.2.2: "* CAPABILITY atom..." is the answer; without one, a [CAPABILITY ...]
    // response code (greeting, tagged OK) carries the list.
    QStringList caps;
    QSet<QString> seen; // case-insensitive; a set, so a hostile list of 50,000 atoms stays linear
    QStringList fromCode;
    bool untagged = false;
    for (const QByteArray& line : reply.lines) {
        if (line.toUpper().startsWith("* CAPABILITY ")) {
            untagged = true;
            for (const QString& atom :
                 QString::fromUtf8(line.mid(13)).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
                if (!seen.contains(atom.toUpper())) {
                    seen.insert(atom.toUpper());
                    caps.append(atom);
                }
            }
        } else if (fromCode.isEmpty()) {
            fromCode = capabilityResponseCode(line);
        }
    }
    return untagged ? caps : fromCode;
}

bool ImapDialect::offersStartTls(const QStringList& capabilities) const
{
    return hasAtom(capabilities, QLatin1String("STARTTLS"));
}

bool ImapDialect::offersAuth(const QStringList& capabilities) const
{
    // RFC 9051 s.6.2.3: LOGIN works unless LOGINDISABLED is announced; AUTH=x offers SASL.
    if (capabilities.isEmpty())
        return false;
    return !hasAtom(capabilities, QLatin1String("LOGINDISABLED")) || !saslMechanisms(capabilities).isEmpty();
}

QString ImapDialect::authOfferEvidence(const QStringList& capabilities) const
{
    QStringList parts;
    for (const QString& c : capabilities) {
        if (c.startsWith(QLatin1String("AUTH="), Qt::CaseInsensitive))
            parts.append(c);
    }
    if (!hasAtom(capabilities, QLatin1String("LOGINDISABLED")))
        parts.append(tr("LOGIN (no LOGINDISABLED)"));
    return parts.join(QStringLiteral(", "));
}

QStringList ImapDialect::alerts(const Reply& reply) const
{
    // RFC 9051 s.7.1: [ALERT] text must be shown to the user as it is.
    QStringList texts;
    for (const QByteArray& line : reply.lines) {
        const qsizetype at = line.toUpper().indexOf("[ALERT]");
        if (at >= 0)
            texts.append(QString::fromUtf8(line.mid(at + 7).trimmed()));
    }
    return texts;
}

QStringList ImapDialect::saslMechanisms(const QStringList& capabilities) const
{
    QStringList mechanisms;
    for (const QString& c : capabilities) {
        if (c.startsWith(QLatin1String("AUTH="), Qt::CaseInsensitive) && c.size() > 5) {
            const QString m = c.mid(5).toUpper();
            if (!mechanisms.contains(m))
                mechanisms.append(m);
        }
    }
    return mechanisms;
}

bool ImapDialect::acceptsInitialResponse(const QStringList& capabilities) const
{
    return hasAtom(capabilities, QLatin1String("SASL-IR"));
}

Dialect::Command ImapDialect::authenticateCommand(const QByteArray& mechanism,
                                                  const std::optional<QByteArray>& initialResponse)
{
    const QByteArray verb = "AUTHENTICATE " + mechanism;
    if (!initialResponse) {
        const QByteArray bytes = tagged(verb);
        return {bytes, bytes.chopped(2)};
    }
    const QByteArray bytes = tagged(verb + ' ' + encodeInitialResponse(*initialResponse));
    return {bytes, m_tag + ' ' + verb + " [redacted]"};
}

bool ImapDialect::offersPasswordLogin(const QStringList& capabilities) const
{
    return !hasAtom(capabilities, QLatin1String("LOGINDISABLED"));
}

QByteArray ImapDialect::quoted(const QByteArray& text)
{
    // RFC 9051 s.4.3: quoted = DQUOTE *QUOTED-CHAR DQUOTE, with \ and " escaped; no CR, LF, NUL,
    // and 8-bit text needs a literal.
    QByteArray out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u == 0 || u == '\r' || u == '\n' || u >= 0x80)
            return {};
        if (c == '"' || c == '\\')
            out.append('\\');
        out.append(c);
    }
    out.append('"');
    return out;
}

QList<Dialect::Command> ImapDialect::passwordLoginCommands(const QString& user, const QByteArray& password)
{
    const QByteArray quotedUser = quoted(user.toUtf8());
    const QByteArray quotedPassword = quoted(password);
    if (quotedUser.isEmpty() || quotedPassword.isEmpty()) {
        m_problem =
            tr("The user name or password contains characters the LOGIN command cannot carry as a quoted "
               "string (line breaks or non-ASCII); use AUTHENTICATE PLAIN (--auth plain) instead.");
        return {};
    }
    const QByteArray bytes = tagged("LOGIN " + quotedUser + ' ' + quotedPassword);
    return {{bytes, m_tag + " LOGIN [redacted]"}};
}
