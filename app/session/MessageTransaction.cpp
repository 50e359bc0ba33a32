#include "MessageTransaction.h"

#include "findings/FindingCatalogue.h"

#include <algorithm>
#include <QCoreApplication>
#include <QRegularExpression>

namespace {
QString tr(const char* text, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("MessageTransaction", text, disambiguation, n);
}

bool hasEightBit(const QByteArray& bytes)
{
    return std::any_of(bytes.cbegin(), bytes.cend(), [](char c) { return (uchar(c) & 0x80) != 0; });
}

/// RFC 3461 s.4: xtext, "+" and "=" and every byte outside "!".."~" as "+HH".
QByteArray xtext(const QByteArray& bytes)
{
    QByteArray out;
    for (const char c : bytes) {
        const auto u = uchar(c);
        if (u < 33 || u > 126 || c == '+' || c == '=')
            out += '+' + QByteArray::number(u, 16).toUpper().rightJustified(2, '0');
        else
            out += c;
    }
    return out;
}

/// The enhanced status code (RFC 3463) of a reply ("5.1.1"), empty when there is none.
QString enhancedCode(const Reply& reply)
{
    static const QRegularExpression code(QStringLiteral("^([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b"));
    const QRegularExpressionMatch m = code.match(reply.text);
    return m.hasMatch() ? m.captured(0) : QString();
}
} // namespace

MessageTransaction::MessageTransaction(SendOptions options, QStringList capabilities)
    : m_options(std::move(options))
    , m_capabilities(std::move(capabilities))
{
}

bool MessageTransaction::offers(const char* keyword) const
{
    const QLatin1String name(keyword);
    for (const QString& cap : m_capabilities) {
        if (cap.section(QLatin1Char(' '), 0, 0).compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

qint64 MessageTransaction::sizeLimit(const QStringList& capabilities)
{
    for (const QString& cap : capabilities) {
        const QStringList words = cap.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.value(0).compare(QLatin1String("SIZE"), Qt::CaseInsensitive) == 0) {
            bool ok = false;
            const qint64 limit = words.value(1).toLongLong(&ok);
            return ok && limit > 0 ? limit : 0; // RFC 1870 s.4: "SIZE 0" or no number: no fixed limit
        }
    }
    return 0;
}

std::optional<MessageTransaction::Problem> MessageTransaction::prepare(const DeliveryDescription& delivery)
{
    TestMessage message = m_options.message;
    if (message.body.isEmpty())
        message.body = TestMessage::defaultBody(delivery);
    m_built = message.build();
    if (!m_built.ok())
        return Problem {QString(FindingIds::MessageInvalid), m_built.error};
    m_recipients = message.recipients();
    if (m_recipients.isEmpty())
        return Problem {QString(FindingIds::MessageInvalid), tr("The message has no recipient")};
    m_from = TestMessage::addrSpec(message.from).toUtf8();

    // RFC 6531 s.3.4: an internationalised address needs SMTPUTF8; there is no 7-bit fallback.
    if (m_built.needsSmtpUtf8) {
        if (!offers("SMTPUTF8"))
            return Problem {QString(FindingIds::SmtpUtf8NotOffered),
                            tr("An address is internationalised (not ASCII), and the server does not offer "
                               "SMTPUTF8 (RFC 6531), so the message cannot be sent to it")};
        m_smtpUtf8 = true;
    }
    // The builder encodes the body to 7 bit (quoted-printable or base64) so that it needs no
    // 8BITMIME; only SMTPUTF8 headers carry 8-bit bytes, and then BODY=8BITMIME says so (RFC 6152).
    m_eightBit = hasEightBit(m_built.bytes) && offers("8BITMIME");
    if (!offers("8BITMIME"))
        m_notes.append(tr("The server does not offer 8BITMIME: the body goes encoded to 7 bit"));

    const qint64 limit = sizeLimit(m_capabilities);
    if (limit > 0 && m_built.bytes.size() > limit)
        return Problem {QString(FindingIds::MessageTooLarge),
                        tr("The message has %1 bytes; the server accepts at most %2 bytes (SIZE %2)")
                            .arg(m_built.bytes.size())
                            .arg(limit)};

    // RFC 8689 s.4.1: a message that asks for REQUIRETLS must not go to a server without it.
    if (m_options.requireTls) {
        if (!offers("REQUIRETLS"))
            return Problem {QString(FindingIds::RequireTlsNotOffered),
                            tr("You asked for REQUIRETLS, and the server does not offer it (RFC 8689): "
                               "the message was not sent")};
        m_requireTls = true;
    }
    if (!m_options.dsnNotify.isEmpty()) {
        m_dsn = offers("DSN");
        if (!m_dsn)
            m_notes.append(tr("The server does not offer DSN (RFC 3461): sent without delivery notification "
                              "parameters"));
    }
    m_pipelined = m_options.pipelining && offers("PIPELINING");
    m_bdat = m_options.bdat && offers("CHUNKING");
    if (m_options.bdat && !m_bdat)
        m_notes.append(tr("The server does not offer CHUNKING (RFC 3030): sent with DATA instead of BDAT"));
    return std::nullopt;
}

QByteArray MessageTransaction::mailFromCommand() const
{
    QByteArray command = "MAIL FROM:<" + m_from + '>';
    if (offers("SIZE"))
        command += " SIZE=" + QByteArray::number(m_built.bytes.size()); // RFC 1870 s.6
    // RFC 3030 s.3: BDAT carries 7-bit and 8-bit messages without BODY=BINARYMIME.
    if (m_eightBit)
        command += " BODY=8BITMIME";
    if (m_smtpUtf8)
        command += " SMTPUTF8";
    if (m_dsn) {
        command += " RET=HDRS"; // RFC 3461 s.4.3: the notification carries the headers only
        // RFC 3461 s.4.4: ENVID comes back in the notification (Original-Envelope-Id), so it is
        // matched to this message: the Message-ID without its angle brackets, as xtext (s.4).
        command += " ENVID=" + xtext(m_built.messageId.mid(1).chopped(1));
    }
    if (m_requireTls)
        command += " REQUIRETLS";
    return command + "\r\n";
}

QByteArray MessageTransaction::rcptCommand(int index) const
{
    QByteArray command = "RCPT TO:<" + m_recipients.value(index).toUtf8() + '>';
    if (m_dsn)
        command += " NOTIFY=" + m_options.dsnNotify.toUpper();
    return command + "\r\n";
}

QByteArray MessageTransaction::dataPayload() const
{
    QByteArray payload;
    qint64 from = 0;
    do {
        payload += payloadChunk(from);
        from += PayloadChunkBytes;
    } while (from < messageSize());
    return payload;
}

QByteArray MessageTransaction::payloadChunk(qint64 from, qint64 length) const
{
    const QByteArray& message = m_built.bytes;
    const qint64 end = std::min(messageSize(), from + std::max<qint64>(length, 0));
    from = std::clamp<qint64>(from, 0, end);
    const bool first = from == 0;
    const bool last = end == messageSize();
    QByteArray chunk;
    if (m_bdat) {
        // RFC 3030 s.2: one chunk of exactly the announced size, not dot-stuffed, no terminator.
        if (first)
            chunk = "BDAT " + QByteArray::number(messageSize()) + " LAST\r\n";
        chunk.append(message.constData() + from, end - from);
        return chunk;
    }
    // RFC 5321 s.4.5.2: a line beginning with "." gets one more. A bare LF counts as a line end
    // too (as TestMessage::dotStuffed has it), since a lenient server might treat it as one.
    chunk.reserve(end - from + (end - from) / 64 + 8);
    const char* data = message.constData();
    qint64 runStart = from;
    for (qint64 i = from; i < end; ++i) {
        if (data[i] == '.' && (i == 0 || data[i - 1] == '\n')) {
            chunk.append(data + runStart, i - runStart);
            chunk.append('.');
            runStart = i;
        }
    }
    chunk.append(data + runStart, end - runStart);
    if (last) {
        if (!message.endsWith("\r\n"))
            chunk += "\r\n";
        chunk += ".\r\n"; // RFC 5321 s.4.1.1.4: the end of mail data
    }
    return chunk;
}

QString MessageTransaction::sizeSummary() const
{
    const int parts =
        m_options.message.attachments.isEmpty() ? 1 : 1 + int(m_options.message.attachments.size());
    return tr("%1 bytes, %n MIME part(s)", nullptr, parts).arg(m_built.bytes.size());
}

QStringList MessageTransaction::transcriptLines() const
{
    QStringList lines;
    if (m_bdat)
        lines.append(QStringLiteral("BDAT %1 LAST").arg(m_built.bytes.size()));
    const qsizetype end = m_built.bytes.indexOf("\r\n\r\n");
    const QByteArray header = end < 0 ? m_built.bytes : m_built.bytes.left(end);
    for (const QByteArray& line : header.split('\n'))
        lines.append(QString::fromUtf8(line.endsWith('\r') ? line.chopped(1) : line));
    lines.append(QString());
    lines.append(tr("[message body not recorded: %1]").arg(sizeSummary()));
    if (!m_bdat)
        lines.append(QStringLiteral("."));
    return lines;
}

QString MessageTransaction::queueIdFrom(const Reply& reply)
{
    // No standard says where the id goes (RFC 5321 s.4.2: the text is free); these are the
    // forms of Postfix ("queued as 4Xyz"), Exim ("OK id=1abc-..."), Microsoft ("<id> [Hostname=...]
    // Queued mail for delivery") and Sendmail ("4B1JZ1Sb012345 Message accepted for delivery").
    static const QList<QRegularExpression> forms {
        QRegularExpression(QStringLiteral("queued as ([A-Za-z0-9._-]+)"),
                           QRegularExpression::CaseInsensitiveOption),
        QRegularExpression(QStringLiteral("\\bid=([A-Za-z0-9._-]+)"),
                           QRegularExpression::CaseInsensitiveOption),
        QRegularExpression(QStringLiteral("([A-Za-z0-9._@-]+) message accepted"),
                           QRegularExpression::CaseInsensitiveOption),
        QRegularExpression(QStringLiteral("<([^>\\s]+)>.*queued mail"),
                           QRegularExpression::CaseInsensitiveOption),
    };
    for (const QRegularExpression& form : forms) {
        const QRegularExpressionMatch m = form.match(reply.text);
        if (m.hasMatch())
            return m.captured(1);
    }
    return {};
}

QString MessageTransaction::recipientFinding(const Reply& reply)
{
    const QString text = reply.text.toLower();
    const QString enhanced = enhancedCode(reply);
    if (reply.code >= 400 && reply.code < 500) {
        // RFC 5321 s.4.5.3.1.10 and RFC 3463 s.3.6 (X.5.3): 452 "too many recipients"; the ones
        // accepted before still get the message.
        if (enhanced == QLatin1String("4.5.3") || text.contains(QLatin1String("too many recipients")))
            return FindingIds::RecipientTooMany;
        // RFC 6647 s.2.1: greylisting is a 450/451 for a new triplet; servers say so with 4.2.0 or
        // 4.7.x (postgrey: "450 4.2.0 Greylisted") or in words ("try again later").
        const bool greyCode = reply.code == 450 || reply.code == 451;
        const bool saysGrey =
            text.contains(QLatin1String("greylist")) || text.contains(QLatin1String("graylist"));
        const bool saysLater =
            text.contains(QLatin1String("try again")) || text.contains(QLatin1String("try later"));
        const bool greyEnhanced =
            enhanced == QLatin1String("4.2.0") || enhanced.startsWith(QLatin1String("4.7."));
        if (greyCode && (saysGrey || (greyEnhanced && saysLater)))
            return FindingIds::RecipientGreylisted;
        // Anything else temporary (452 4.3.1 insufficient storage, 451 4.3.0 lookup failure...).
        return FindingIds::RecipientDeferred;
    }
    if (text.contains(QLatin1String("relay")))
        return FindingIds::RecipientRelayDenied;
    // RFC 3463 s.3.2: X.1.1 bad destination mailbox address; X.1.2/X.1.10 bad system/null MX.
    if (enhanced == QLatin1String("5.1.1") || text.contains(QLatin1String("unknown"))
        || text.contains(QLatin1String("no such user")) || text.contains(QLatin1String("does not exist")))
        return FindingIds::RecipientUnknown;
    return FindingIds::RecipientRefused;
}
