#include "TestMessage.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <QCoreApplication>
#include <QLocale>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUrl>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("TestMessage", text); }

const QByteArray kCrlf("\r\n");
// RFC 5322 s.2.1.1: lines SHOULD be at most 78 characters, MUST be at most 998.
constexpr qsizetype kFoldWidth = 78;
constexpr qsizetype kMaxLine = 998;
// RFC 2045 s.6.8: base64 lines of at most 76 characters.
constexpr qsizetype kBase64Line = 76;
// RFC 2047 s.2: an encoded word is at most 75 characters. 39 UTF-8 bytes make 52 base64
// characters, a 64-character word that fits after "Subject: " and on any folded line.
constexpr qsizetype kEncodedWordBytes = 39;
constexpr int kMaxDisplayNameChars = 200;

bool isAscii(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x80; });
}

bool isPrintableAscii(QStringView text)
{
    return std::all_of(text.begin(), text.end(),
                       [](QChar c) { return c == u'\t' || (c >= u' ' && c < u'\x7f'); });
}

bool hasLineBreakOrNul(QStringView text)
{
    return std::any_of(text.begin(), text.end(),
                       [](QChar c) { return c == u'\r' || c == u'\n' || c == u'\0'; });
}

QByteArray randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char& b : raw)
        b = static_cast<char>(QRandomGenerator::system()->bounded(256));
    return raw.toHex();
}

/// RFC 2047 s.4.1 "B" encoded words for `text`, each holding whole UTF-8 characters (s.5).
QList<QByteArray> encodedWords(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    QList<QByteArray> words;
    qsizetype start = 0;
    while (start < utf8.size()) {
        qsizetype end = std::min(start + kEncodedWordBytes, utf8.size());
        // Back up to the start of a character: UTF-8 continuation bytes are 10xxxxxx.
        while (end < utf8.size() && end > start + 1 && (static_cast<uchar>(utf8.at(end)) & 0xC0) == 0x80)
            --end;
        words.append("=?UTF-8?B?" + utf8.mid(start, end - start).toBase64() + "?=");
        start = end;
    }
    return words;
}

/// Unstructured header text (RFC 5322 s.3.2.5) as foldable tokens: ASCII words as they are,
/// anything else (or text that could be mistaken for an encoded word) as encoded words.
QList<QByteArray> unstructuredTokens(const QString& text)
{
    const bool plain = isPrintableAscii(text) && !text.contains(u"=?");
    if (plain) {
        QList<QByteArray> tokens;
        for (const QString& word : text.split(u' ')) {
            if (word.size() > kFoldWidth - 2)
                return encodedWords(text); // too long to fold: encoded words can split anywhere
            tokens.append(word.toLatin1());
        }
        return tokens;
    }
    return encodedWords(text);
}

/// "Name: t1 t2 ..." folded before a token when the line would pass 78 characters; the folding
/// whitespace is the single space that separated the tokens, so unfolding restores the value.
QByteArray foldedHeader(const QByteArray& name, const QList<QByteArray>& tokens)
{
    QByteArray out = name + ':';
    qsizetype lineLength = out.size();
    bool lineHasToken = false;
    for (const QByteArray& token : tokens) {
        if (lineHasToken && !token.isEmpty() && lineLength + 1 + token.size() > kFoldWidth) {
            out += kCrlf;
            lineLength = 0;
        }
        out += ' ' + token;
        lineLength += 1 + token.size();
        lineHasToken = lineHasToken || !token.isEmpty();
    }
    return out + kCrlf;
}

bool inSet(const char* set, char c) { return c != 0 && std::strchr(set, c) != nullptr; }

/// RFC 5322 s.3.3 date-time with its day of the week: Qt 6.4's Qt::RFC2822Date leaves the
/// (optional) day name out, and readers expect it.
QString rfc5322Date(const QDateTime& date)
{
    const QString text = date.toString(Qt::RFC2822Date);
    if (text.isEmpty() || !text.at(0).isDigit())
        return text;
    return QLocale::c().dayName(date.date().dayOfWeek(), QLocale::ShortFormat) + QStringLiteral(", ") + text;
}

bool isAtext(char c)
{
    // RFC 5322 s.3.2.3 atext.
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || inSet("!#$%&'*+-/=?^_`{|}~", c);
}

bool isDotAtom(const QByteArray& utf8)
{
    // RFC 5322 s.3.2.3 dot-atom-text, with RFC 6532 s.3.2 UTF-8 in atext.
    if (utf8.isEmpty() || utf8.startsWith('.') || utf8.endsWith('.') || utf8.contains(".."))
        return false;
    return std::all_of(utf8.begin(), utf8.end(),
                       [](char c) { return c == '.' || isAtext(c) || static_cast<uchar>(c) >= 0x80; });
}

struct Mailbox
{
    QString displayName;
    QString addrSpec;
};

std::optional<Mailbox> parseMailbox(const QString& address, QString* error)
{
    const auto fail = [&](const QString& why) -> std::optional<Mailbox> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QString text = address.trimmed();
    if (hasLineBreakOrNul(text))
        return fail(tr("An address contains a line break."));
    Mailbox box;
    if (text.endsWith(u'>')) {
        const qsizetype open = text.lastIndexOf(u'<');
        if (open < 0)
            return fail(tr("\"%1\" has a \">\" without a \"<\".").arg(text));
        box.displayName = text.left(open).trimmed();
        // A display name the user already quoted ("Smith, Carol") is taken as its content.
        if (box.displayName.size() >= 2 && box.displayName.startsWith(u'"')
            && box.displayName.endsWith(u'"')) {
            static const QRegularExpression quotedPair(QStringLiteral("\\\\(.)"));
            box.displayName =
                box.displayName.mid(1, box.displayName.size() - 2).replace(quotedPair, QStringLiteral("\\1"));
        }
        box.addrSpec = text.mid(open + 1, text.size() - open - 2);
        if (box.displayName.size() > kMaxDisplayNameChars)
            return fail(tr("The display name of \"%1\" is longer than %2 characters.")
                            .arg(box.addrSpec)
                            .arg(kMaxDisplayNameChars));
        if (!std::all_of(box.displayName.begin(), box.displayName.end(),
                         [](QChar c) { return c == u'\t' || c >= u' '; }))
            return fail(tr("The display name of \"%1\" contains a control character.").arg(box.addrSpec));
    } else {
        box.addrSpec = text;
    }
    const qsizetype at = box.addrSpec.lastIndexOf(u'@');
    const QByteArray local = box.addrSpec.left(std::max<qsizetype>(at, 0)).toUtf8();
    const QByteArray domain = box.addrSpec.mid(at + 1).toUtf8();
    // RFC 5321 s.4.5.3.1.1/2: 64 octets of local part, 255 of domain.
    if (at <= 0 || !isDotAtom(local) || local.size() > 64 || domain.size() > 255 || !isDotAtom(domain)
        || domain.contains('@'))
        return fail(tr("\"%1\" is not an address like name@example.org.").arg(text));
    return box;
}

/// A mailbox as header tokens: the display name (as atoms, a quoted string or encoded words)
/// and "<addr-spec>". Non-ASCII addr-specs stay raw UTF-8 (RFC 6532): there is no other form.
QList<QByteArray> mailboxTokens(const Mailbox& box)
{
    QList<QByteArray> tokens;
    const QByteArray addr = box.addrSpec.toUtf8();
    if (box.displayName.isEmpty()) {
        tokens.append(addr);
        return tokens;
    }
    const QString& name = box.displayName;
    if (!isAscii(name) || name.contains(u"=?")) {
        tokens = encodedWords(name);
    } else {
        const QByteArray latin = name.toLatin1();
        const bool atoms =
            std::all_of(latin.begin(), latin.end(), [](char c) { return c == ' ' || isAtext(c); });
        if (atoms) {
            for (const QByteArray& word : latin.split(' '))
                if (!word.isEmpty())
                    tokens.append(word);
        } else {
            QByteArray quoted = latin;
            quoted.replace('\\', "\\\\").replace('"', "\\\"");
            tokens.append('"' + quoted + '"');
        }
    }
    tokens.append('<' + addr + '>');
    return tokens;
}

bool isSevenBitSafe(const QByteArray& crlfText)
{
    // RFC 2045 s.2.7: no NUL, no 8-bit byte, CR and LF only as CRLF, lines of at most 998.
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < crlfText.size(); ++i) {
        const auto c = static_cast<uchar>(crlfText.at(i));
        if (c == 0 || c >= 0x80)
            return false;
        if (c == '\n') {
            if (i - 1 - lineStart > kMaxLine)
                return false;
            lineStart = i + 1;
        }
    }
    // The last line must end in CRLF too, so that nothing is appended to the content.
    return lineStart == crlfText.size();
}

/// RFC 2045 s.6.7 quoted-printable of CRLF text: hard line breaks stay CRLF, encoded lines are
/// at most 76 characters (soft break "="), and a body without a final line break ends in a soft
/// break so that the message still ends in CRLF.
QByteArray quotedPrintable(const QByteArray& crlfText)
{
    static const char hex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(crlfText.size() * 11 / 10 + 8);
    const QList<QByteArray> lines = crlfText.split('\n');
    for (qsizetype l = 0; l < lines.size(); ++l) {
        QByteArray line = lines.at(l);
        if (l + 1 < lines.size())
            line.chop(1); // the CR of the CRLF
        qsizetype length = 0;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const auto c = static_cast<uchar>(line.at(i));
            const bool last = i + 1 == line.size();
            QByteArray token;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
                token = QByteArray(1, static_cast<char>(c));
            else
                token = QByteArray("=") + hex[c >> 4] + hex[c & 15];
            if (length + token.size() > kBase64Line - 1) {
                out += "=\r\n";
                length = 0;
            }
            out += token;
            length += token.size();
        }
        if (l + 1 < lines.size())
            out += kCrlf;
    }
    if (!out.isEmpty() && !out.endsWith(kCrlf))
        out += "=\r\n";
    return out;
}

QByteArray base64Lines(const QByteArray& data)
{
    const QByteArray encoded = data.toBase64();
    QByteArray out;
    out.reserve(encoded.size() + encoded.size() / kBase64Line * 2 + 2);
    for (qsizetype i = 0; i < encoded.size(); i += kBase64Line)
        out += encoded.mid(i, kBase64Line) + kCrlf;
    return out;
}

struct EncodedBody
{
    QByteArray transferEncoding;
    QByteArray content; // ends in CRLF unless empty
};

EncodedBody encodeText(const QString& text)
{
    QByteArray utf8 = text.toUtf8();
    // Canonical form (RFC 2049 s.4): every line break is CRLF.
    utf8.replace("\r\n", "\n").replace('\r', '\n').replace("\n", kCrlf);
    if (isSevenBitSafe(utf8))
        return {"7bit", utf8};
    QByteArray qp = quotedPrintable(utf8);
    QByteArray b64 = base64Lines(utf8);
    if (b64.size() < qp.size())
        return {"base64", b64};
    return {"quoted-printable", qp};
}

bool isToken(const QByteArray& text)
{
    // RFC 2045 s.5.1 token: printable ASCII except SPACE and tspecials.
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](char c) {
        return c > ' ' && c < '\x7f' && !inSet("()<>@,;:\\\"/[]?=", c);
    });
}

bool isMimeType(const QByteArray& type)
{
    const QList<QByteArray> parts = type.split('/');
    return parts.size() == 2 && isToken(parts.at(0)) && isToken(parts.at(1));
}

/// A parameter (RFC 2045 s.5.1) as one or more "; attr=value" tokens: a quoted string when the
/// value is short printable ASCII, else RFC 2231 s.4 "attr*=UTF-8''%XX" split into numbered
/// continuations (s.3) so that no line passes 78 characters.
QList<QByteArray> parameterTokens(const QByteArray& attribute, const QString& value)
{
    constexpr qsizetype segment = 56;
    if (isPrintableAscii(value) && !value.contains(u'\t') && value.size() <= segment) {
        QByteArray quoted = value.toLatin1();
        quoted.replace('\\', "\\\\").replace('"', "\\\"");
        return {attribute + "=\"" + quoted + '"'};
    }
    // RFC 2231 s.7 attribute-char: a token character other than "*", "'" and "%".
    const QByteArray encoded = value.toUtf8().toPercentEncoding("!#$&+-.^_`|~", "*'%()<>@,;:\\\"/[]?={} ");
    QList<QByteArray> pieces;
    for (qsizetype start = 0; start < encoded.size();) {
        qsizetype end = std::min(start + segment, encoded.size());
        // Never split a %XX triplet.
        if (end < encoded.size() && encoded.at(end - 1) == '%')
            end -= 1;
        else if (end < encoded.size() && end >= 2 && encoded.at(end - 2) == '%')
            end -= 2;
        pieces.append(encoded.mid(start, end - start));
        start = end;
    }
    if (pieces.size() == 1)
        return {attribute + "*=UTF-8''" + pieces.first()};
    QList<QByteArray> tokens;
    for (qsizetype i = 0; i < pieces.size(); ++i)
        tokens.append(attribute + '*' + QByteArray::number(i) + "*=" + (i == 0 ? "UTF-8''" : "")
                      + pieces.at(i));
    return tokens;
}

/// "Name: first; p1; p2" with each parameter on its own folded line when it would not fit.
QByteArray headerWithParameters(const QByteArray& name, const QByteArray& first,
                                const QList<QByteArray>& parameters)
{
    QList<QByteArray> tokens {first + (parameters.isEmpty() ? "" : ";")};
    for (qsizetype i = 0; i < parameters.size(); ++i)
        tokens.append(parameters.at(i) + (i + 1 < parameters.size() ? ";" : ""));
    return foldedHeader(name, tokens);
}

/// Names the builder writes itself: an extra header must not duplicate them (RFC 5322 s.3.6
/// allows Date, From, Subject... once; MIME headers describe the body the builder made).
bool isReservedHeader(const QByteArray& name)
{
    static const QList<QByteArray> reserved {"date",    "from",       "to",           "cc",     "bcc",
                                             "subject", "message-id", "mime-version", "sender", "reply-to"};
    const QByteArray lower = name.toLower();
    return reserved.contains(lower) || lower.startsWith("content-");
}

} // namespace

QString TestMessage::addrSpec(const QString& address, QString* error)
{
    const std::optional<Mailbox> box = parseMailbox(address, error);
    return box ? box->addrSpec : QString();
}

QStringList TestMessage::recipients() const
{
    QStringList out;
    for (const QString& address : to + cc)
        out.append(addrSpec(address));
    return out;
}

QString TestMessage::headerProblem(const QByteArray& name, const QString& value)
{
    // RFC 5322 s.3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126.
    const bool nameValid = !name.isEmpty() && std::all_of(name.begin(), name.end(), [](char c) {
        return c >= 33 && c <= 126 && c != ':';
    });
    if (!nameValid)
        return tr("\"%1\" is not a header name: use printable ASCII without spaces or a colon.")
            .arg(QString::fromUtf8(name));
    if (isReservedHeader(name))
        return tr("The header \"%1\" is written by Mailscope itself and cannot be added.")
            .arg(QString::fromLatin1(name));
    // A line break in a value would start a new header (or the body): header injection.
    if (hasLineBreakOrNul(value))
        return tr("The value of header \"%1\" contains a line break.").arg(QString::fromLatin1(name));
    if (name.size() + value.size() > MaxHeaderChars)
        return tr("The header \"%1\" is longer than %2 characters.")
            .arg(QString::fromLatin1(name))
            .arg(MaxHeaderChars);
    return {};
}

BuiltMessage TestMessage::build(const MessageBuildOptions& options) const
{
    BuiltMessage result;
    const auto fail = [&](const QString& why) {
        result = {};
        result.error = why;
        return result;
    };

    // Bounds first, before anything is encoded.
    if (to.size() + cc.size() > MaxRecipients)
        return fail(tr("More than %1 recipients.").arg(MaxRecipients));
    if (to.isEmpty() && cc.isEmpty())
        return fail(tr("The message has no recipient."));
    if (extraHeaders.size() > MaxExtraHeaders)
        return fail(tr("More than %1 extra headers.").arg(MaxExtraHeaders));
    if (attachments.size() > MaxAttachments)
        return fail(tr("More than %1 attachments.").arg(MaxAttachments));
    qint64 inputBytes = qint64(body.size()) * 3;
    for (const MessageAttachment& attachment : attachments)
        inputBytes += attachment.data.size();
    if (inputBytes > options.maxBytes)
        return fail(tr("The message would be larger than %1 bytes.").arg(options.maxBytes));
    if (hasLineBreakOrNul(subject))
        return fail(tr("The subject contains a line break."));
    if (subject.size() > MaxHeaderChars)
        return fail(tr("The subject is longer than %1 characters.").arg(MaxHeaderChars));

    QString error;
    const std::optional<Mailbox> sender = parseMailbox(from, &error);
    if (!sender)
        return fail(tr("From: %1").arg(error));
    const auto addressHeader = [&](const QByteArray& name, const QStringList& list, QByteArray* out) {
        QList<QByteArray> tokens;
        for (qsizetype i = 0; i < list.size(); ++i) {
            const std::optional<Mailbox> box = parseMailbox(list.at(i), &error);
            if (!box)
                return false;
            result.needsSmtpUtf8 = result.needsSmtpUtf8 || !isAscii(box->addrSpec);
            QList<QByteArray> mailbox = mailboxTokens(*box);
            if (i + 1 < list.size())
                mailbox.last() += ',';
            tokens += mailbox;
        }
        if (!tokens.isEmpty())
            *out += foldedHeader(name, tokens);
        return true;
    };

    result.needsSmtpUtf8 = !isAscii(sender->addrSpec);
    const QDateTime date = options.date.isValid() ? options.date : QDateTime::currentDateTime();
    // RFC 5322 s.3.6.4: the id's right side names the sender's domain; its ACE form keeps the
    // Message-ID ASCII even for an internationalised domain.
    const QString domain = sender->addrSpec.mid(sender->addrSpec.lastIndexOf(u'@') + 1);
    QByteArray idDomain = QUrl::toAce(domain);
    if (idDomain.isEmpty() || !isDotAtom(idDomain))
        idDomain = "mailscope.invalid";
    result.messageId = '<' + randomHex(16) + '@' + idDomain + '>';

    QByteArray headers;
    headers += "Date: " + rfc5322Date(date).toLatin1() + kCrlf;
    headers += foldedHeader("From", mailboxTokens(*sender));
    if (!addressHeader("To", to, &headers))
        return fail(tr("To: %1").arg(error));
    if (!addressHeader("Cc", cc, &headers))
        return fail(tr("Cc: %1").arg(error));
    headers += foldedHeader("Subject", unstructuredTokens(subject));
    headers += "Message-ID: " + result.messageId + kCrlf;
    for (const MessageHeader& header : extraHeaders) {
        const QString problem = headerProblem(header.name, header.value);
        if (!problem.isEmpty())
            return fail(problem);
        headers += foldedHeader(header.name, unstructuredTokens(header.value));
    }
    headers += "MIME-Version: 1.0\r\n";

    const EncodedBody text = encodeText(body);
    const QByteArray textHeaders = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
                                   + text.transferEncoding + kCrlf;
    if (attachments.isEmpty()) {
        result.bytes = headers + textHeaders + kCrlf + text.content;
    } else {
        QList<QByteArray> parts {textHeaders + kCrlf + text.content};
        for (const MessageAttachment& attachment : attachments) {
            if (attachment.fileName.isEmpty() || hasLineBreakOrNul(attachment.fileName))
                return fail(tr("An attachment has an empty file name or one with a line break."));
            const QByteArray type =
                attachment.mimeType.isEmpty() ? QByteArray("application/octet-stream") : attachment.mimeType;
            if (!isMimeType(type))
                return fail(tr("\"%1\" is not a MIME type like text/plain.").arg(QString::fromUtf8(type)));
            QByteArray part =
                headerWithParameters("Content-Type", type, parameterTokens("name", attachment.fileName));
            part += headerWithParameters("Content-Disposition", "attachment",
                                         parameterTokens("filename", attachment.fileName));
            part += "Content-Transfer-Encoding: base64\r\n\r\n";
            part += base64Lines(attachment.data);
            parts.append(part);
        }
        // RFC 2046 s.5.1.1: the boundary must not occur in any part. "=_" never occurs in base64
        // or quoted-printable; a 7bit text part is checked, and a new boundary drawn if needed.
        QByteArray boundary;
        do {
            boundary = "=_mailscope_" + randomHex(12);
        } while (std::any_of(parts.begin(), parts.end(),
                             [&](const QByteArray& p) { return p.contains(boundary); }));
        QByteArray out = headers + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n"
                         + "This is a multi-part message in MIME format.\r\n";
        for (const QByteArray& part : parts)
            out += "\r\n--" + boundary + kCrlf + part;
        out += "\r\n--" + boundary + "--\r\n";
        result.bytes = out;
    }
    if (result.bytes.size() > options.maxBytes)
        return fail(tr("The message would be larger than %1 bytes.").arg(options.maxBytes));
    return result;
}

QByteArray TestMessage::dotStuffed(const QByteArray& message)
{
    // RFC 5321 s.4.5.2: a line beginning with "." gets one more. A bare LF counts as a line end
    // too, since a lenient server might treat it as one.
    QByteArray out;
    out.reserve(message.size() + message.size() / 64 + 1);
    bool lineStart = true;
    for (const char c : message) {
        if (lineStart && c == '.')
            out += '.';
        out += c;
        lineStart = c == '\n';
    }
    return out;
}

QString TestMessage::defaultBody(const DeliveryDescription& delivery)
{
    QString text = tr("This is a test message sent by %1.").arg(delivery.tool) + u'\n';
    text += u'\n';
    text += tr("Sent:        %1").arg(rfc5322Date(delivery.when)) + u'\n';
    text += tr("Server:      %1").arg(delivery.server) + u'\n';
    if (delivery.tlsVersion.isEmpty()) {
        text += tr("Encryption:  none (the message travelled to the server in plain text)") + u'\n';
    } else {
        text += tr("TLS version: %1").arg(delivery.tlsVersion) + u'\n';
        text += tr("Cipher:      %1").arg(delivery.cipher) + u'\n';
        text += tr("Certificate: %1").arg(delivery.certificate) + u'\n';
    }
    text += u'\n';
    text += tr("The headers of this message show how it travelled on from that server.") + u'\n';
    return text;
}
