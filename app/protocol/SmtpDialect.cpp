#include "SmtpDialect.h"

#include <QCoreApplication>

namespace {
QString tr(const char* text) { return QCoreApplication::translate("SmtpDialect", text); }
} // namespace

SmtpDialect::SmtpDialect(QByteArray heloName)
    : m_heloName(std::move(heloName))
{
}

void SmtpDialect::expectReply(Expect expect)
{
    m_expect = expect;
    m_reply = {};
    m_texts.clear();
    m_problem.clear();
}

bool SmtpDialect::parseLine(const QByteArray& line, int* code, bool* more, QByteArray* text)
{
    // RFC 5321 s.4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF )
    //                              Reply-code [ SP textstring ] CRLF, with codes 2yz..5yz.
    if (line.size() < 3)
        return false;
    for (int i = 0; i < 3; ++i) {
        if (line.at(i) < '0' || line.at(i) > '9')
            return false;
    }
    if (line.at(0) < '2' || line.at(0) > '5' || line.at(1) > '5')
        return false;
    if (line.size() > 3 && line.at(3) != ' ' && line.at(3) != '-')
        return false;
    *code = line.left(3).toInt();
    *more = line.size() > 3 && line.at(3) == '-';
    *text = line.size() > 4 ? line.mid(4) : QByteArray();
    return true;
}

Dialect::Feed SmtpDialect::feed(const QByteArray& line)
{
    int code = 0;
    bool more = false;
    QByteArray text;
    m_reply.lines.append(line);
    if (!parseLine(line, &code, &more, &text)) {
        m_problem = tr("Not an SMTP reply line (expected a three-digit code): %1")
                        .arg(QString::fromLatin1(line.left(80)));
        return Feed::Malformed;
    }
    if (m_reply.lines.size() > 1 && code != m_reply.code) {
        m_problem = tr("A multi-line reply changed its code from %1 to %2.").arg(m_reply.code).arg(code);
        return Feed::Malformed;
    }
    if (m_reply.lines.size() > MaxReplyLines) {
        m_problem = tr("The reply had more than %1 lines.").arg(MaxReplyLines);
        return Feed::TooLong;
    }
    if (tooManyBytes(m_reply, &m_problem))
        return Feed::TooLong;
    m_reply.code = code;
    m_texts.append(QString::fromUtf8(text).trimmed());
    if (more)
        return Feed::NeedMore;
    m_reply.text = m_texts.join(QStringLiteral(" / "));
    if (!answers(m_expect, code)) {
        m_problem =
            tr("%1 is not a reply to %2, which is answered by %3 or an error (4xx/5xx): %4")
                .arg(code)
                .arg(commandName(m_expect), successCodes(m_expect), QString::fromLatin1(line.left(80)));
        return Feed::OutOfSequence;
    }
    // RFC 4954 s.4: inside AUTH, 334 carries the next base64 challenge.
    m_reply.continuation = m_expect == Expect::Auth && code == 334;
    m_reply.positive = !m_reply.continuation && code >= 200 && code < 400;
    return Feed::Complete;
}

bool SmtpDialect::answers(Expect expect, int code)
{
    // RFC 5321 s.4.3.2 (command-reply sequences): each command has its success code; the error
    // codes (421 shutdown, 5xx syntax or sequence errors, ...) may answer any command, and an
    // error carries nothing the client would act on except stopping.
    if (code >= 400)
        return true;
    switch (expect) {
    case Expect::Banner:
        return code == 220; // s.4.3.2 CONNECTION ESTABLISHMENT: 220 (E: 554)
    case Expect::Capabilities:
        return code == 250; // EHLO or HELO: 250
    case Expect::StartTls:
        return code == 220; // RFC 3207 s.4: 220 Ready to start TLS
    case Expect::Auth:
        return code == 235 || code == 334; // RFC 4954 s.4 and s.6: success or the next challenge
    case Expect::Quit:
        return code == 221; // QUIT: 221
    case Expect::Generic:
        break;
    }
    return true;
}

QString SmtpDialect::commandName(Expect expect)
{
    switch (expect) {
    case Expect::Banner:
        return tr("the connection (the greeting)");
    case Expect::Capabilities:
        return QStringLiteral("EHLO/HELO");
    case Expect::StartTls:
        return QStringLiteral("STARTTLS");
    case Expect::Auth:
        return QStringLiteral("AUTH");
    case Expect::Quit:
        return QStringLiteral("QUIT");
    case Expect::Generic:
        break;
    }
    return tr("the command");
}

QString SmtpDialect::successCodes(Expect expect)
{
    switch (expect) {
    case Expect::Banner:
    case Expect::StartTls:
        return QStringLiteral("220");
    case Expect::Capabilities:
        return QStringLiteral("250");
    case Expect::Auth:
        return tr("235 or 334");
    case Expect::Quit:
        return QStringLiteral("221");
    case Expect::Generic:
        break;
    }
    return tr("2xx/3xx");
}

bool SmtpDialect::mayArriveUnasked(const QByteArray& line) const
{
    // RFC 5321 s.4.2.2: 421 "may be a reply to any command if the service knows it must shut
    // down"; servers send it unasked on their own idle timeout (s.4.5.3.2) right before closing.
    int code = 0;
    bool more = false;
    QByteArray text;
    return parseLine(line, &code, &more, &text) && code == 421;
}

Reply SmtpDialect::takeReply()
{
    Reply r = std::move(m_reply);
    m_reply = {};
    m_texts.clear();
    return r;
}

QByteArray SmtpDialect::capabilityCommand(int attempt)
{
    // RFC 5321 s.3.2: a client that receives an error to EHLO may fall back to HELO.
    switch (attempt) {
    case 0:
        return "EHLO " + m_heloName + "\r\n";
    case 1:
        return "HELO " + m_heloName + "\r\n";
    default:
        return {};
    }
}

QStringList SmtpDialect::capabilities(const Reply& reply) const
{
    // The first line is the server's name and greeting; each further line is one extension.
    QStringList caps;
    for (qsizetype i = 1; i < reply.lines.size(); ++i) {
        int code = 0;
        bool more = false;
        QByteArray text;
        if (parseLine(reply.lines.at(i), &code, &more, &text)) {
            const QString cap = QString::fromUtf8(text).simplified();
            if (!cap.isEmpty())
                caps.append(cap);
        }
    }
    return caps;
}

static QString keyword(const QString& capability)
{
    return capability.section(QLatin1Char(' '), 0, 0).section(QLatin1Char('='), 0, 0).toUpper();
}

bool SmtpDialect::offersStartTls(const QStringList& capabilities) const
{
    return std::any_of(capabilities.cbegin(), capabilities.cend(),
                       [](const QString& c) { return keyword(c) == QLatin1String("STARTTLS"); });
}

bool SmtpDialect::offersAuth(const QStringList& capabilities) const
{
    return std::any_of(capabilities.cbegin(), capabilities.cend(),
                       [](const QString& c) { return keyword(c) == QLatin1String("AUTH") && c.size() > 5; });
}

QStringList SmtpDialect::saslMechanisms(const QStringList& capabilities) const
{
    // RFC 4954 s.3: "AUTH mech mech ..."; some old servers also announce "AUTH=mech mech".
    QStringList mechanisms;
    for (const QString& c : capabilities) {
        if (keyword(c) != QLatin1String("AUTH"))
            continue;
        const QString rest = c.mid(5).simplified();
        for (const QString& m : rest.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!mechanisms.contains(m.toUpper()))
                mechanisms.append(m.toUpper());
        }
    }
    return mechanisms;
}

Dialect::Command SmtpDialect::authenticateCommand(const QByteArray& mechanism,
                                                  const std::optional<QByteArray>& initialResponse)
{
    const QByteArray verb = "AUTH " + mechanism;
    if (!initialResponse)
        return {verb + "\r\n", verb};
    return {verb + ' ' + encodeInitialResponse(*initialResponse) + "\r\n", verb + " [redacted]"};
}
