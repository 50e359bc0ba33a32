// TestMessage, the builder of the message `send` delivers. What it builds is read back by a real
// MIME parser, Python's standard `email` package (run as python3 through QProcess), never by the
// builder itself: subject, addresses, body and every attachment byte must come back as given.
// The wire rules (CRLF only, lines <= 998, header lines <= 78, 7 bit) are checked on the bytes.

#include "message/TestMessage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>
#include <QTimeZone>

namespace {

// Parses the message from stdin with email.policy.default and prints what a mail client sees.
const char* const kParser = R"PY(
import sys, json, base64, email
from email import policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
out = {"headers": [[k, str(v)] for k, v in msg.items()], "defects": [], "attachments": [],
       "body": None, "cte": None, "parts": 0}
for part in msg.walk():
    out["defects"] += [type(d).__name__ for d in part.defects]
    if part.is_multipart():
        continue
    out["parts"] += 1
    if part.get_content_disposition() == "attachment":
        out["attachments"].append({"filename": part.get_filename(), "type": part.get_content_type(),
                                   "data": base64.b64encode(part.get_payload(decode=True)).decode()})
    else:
        out["body"] = part.get_content().replace("\r\n", "\n")
        out["cte"] = part.get("Content-Transfer-Encoding")
print(json.dumps(out))
)PY";

QJsonObject parseWithPython(const QByteArray& message, QString* error)
{
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty()) {
        *error = QStringLiteral("python3 not found (tools/build.sh installs it)");
        return {};
    }
    QProcess process;
    process.start(python, {QStringLiteral("-I"), QStringLiteral("-c"), QString::fromUtf8(kParser)});
    if (!process.waitForStarted(30000)) {
        *error = QStringLiteral("python3 did not start");
        return {};
    }
    process.write(message);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000) || process.exitCode() != 0) {
        *error = QStringLiteral("python3 failed: ") + QString::fromUtf8(process.readAllStandardError());
        return {};
    }
    const QJsonDocument doc = QJsonDocument::fromJson(process.readAllStandardOutput());
    if (!doc.isObject())
        *error = QStringLiteral("python3 printed no JSON");
    return doc.object();
}

QString header(const QJsonObject& parsed, const QString& name)
{
    for (const QJsonValue& pair : parsed.value(QStringLiteral("headers")).toArray())
        if (pair.toArray().at(0).toString().compare(name, Qt::CaseInsensitive) == 0)
            return pair.toArray().at(1).toString();
    return QStringLiteral("<missing>");
}

/// Empty when the message keeps the wire rules, else the first rule it breaks.
QString wireProblem(const QByteArray& message, bool allow8bit = false)
{
    if (!message.endsWith("\r\n"))
        return QStringLiteral("does not end in CRLF");
    const qsizetype headerEnd = message.indexOf("\r\n\r\n");
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < message.size(); ++i) {
        const auto c = static_cast<uchar>(message.at(i));
        if (c == 0 || (c >= 0x80 && !allow8bit))
            return QStringLiteral("byte %1 at %2").arg(c).arg(i);
        if (c == '\r' && (i + 1 >= message.size() || message.at(i + 1) != '\n'))
            return QStringLiteral("bare CR at %1").arg(i);
        if (c == '\n' && (i == 0 || message.at(i - 1) != '\r'))
            return QStringLiteral("bare LF at %1").arg(i);
        if (c == '\n') {
            const qsizetype length = i - 1 - lineStart;
            if (length > 998) // RFC 5322 s.2.1.1
                return QStringLiteral("line of %1 octets at %2").arg(length).arg(lineStart);
            if (lineStart < headerEnd && length > 78)
                return QStringLiteral("header line of %1 octets: %2")
                    .arg(length)
                    .arg(QString::fromUtf8(message.mid(lineStart, length)));
            lineStart = i + 1;
        }
    }
    return {};
}

TestMessage baseMessage()
{
    TestMessage message;
    message.from = QStringLiteral("Alice Example <alice@example.org>");
    message.to = QStringList {QStringLiteral("bob@example.net")};
    message.subject = QStringLiteral("Test");
    message.body = QStringLiteral("Hello.\n");
    return message;
}

QByteArray rawHeader(const QByteArray& bytes, const QByteArray& name)
{
    const QByteArray message = "\r\n" + bytes; // the first header has no line before it
    // The header as written, unfolded: up to the next line that does not start with WSP.
    const qsizetype start = message.indexOf("\r\n" + name + ": ");
    if (start < 0)
        return {};
    QByteArray value;
    qsizetype pos = start + 2;
    do {
        const qsizetype end = message.indexOf("\r\n", pos);
        value += message.mid(pos, end - pos);
        pos = end + 2;
    } while (message.at(pos) == ' ' || message.at(pos) == '\t');
    return value.mid(name.size() + 2);
}

} // namespace

class TestTestMessage : public QObject
{
    Q_OBJECT

private slots:
    void subjectEncoding_data();
    void subjectEncoding();
    void bodyEncoding_data();
    void bodyEncoding();
    void addresses_data();
    void addresses();
    void badAddresses_data();
    void badAddresses();
    void headerInjection_data();
    void headerInjection();
    void dotStuffing_data();
    void dotStuffing();
    void dotStuffedMessageHasNoEarlyEnd();
    void messageIdAndDate();
    void attachments_data();
    void attachments();
    void bounds_data();
    void bounds();
    void sizeBound();
    void defaultBody();
};

void TestTestMessage::subjectEncoding_data()
{
    QTest::addColumn<QString>("subject");
    QTest::addColumn<bool>("encoded");
    QTest::newRow("ascii") << QStringLiteral("Mailscope test 42") << false;
    QTest::newRow("ascii-long-folded")
        << QStringLiteral("A rather long subject line ").repeated(12).trimmed() << false;
    QTest::newRow("latin") << QStringLiteral("Grüße aus Köln – größer") << true;
    QTest::newRow("cjk-long") << QStringLiteral("日本語の件名").repeated(20) << true;
    QTest::newRow("emoji-4-byte") << QStringLiteral("Test \U0001F600\U0001F4E7 ").repeated(9) << true;
    QTest::newRow("looks-like-encoded-word") << QStringLiteral("=?UTF-8?B?SGk=?= is literal") << true;
    QTest::newRow("unfoldable-ascii-word") << QStringLiteral("x").repeated(150) << true;
    QTest::newRow("tab-and-controls") << QStringLiteral("a\tb\x01"
                                                        "c")
                                      << true;
    QTest::newRow("empty") << QString() << false;
}

void TestTestMessage::subjectEncoding()
{
    QFETCH(QString, subject);
    QFETCH(bool, encoded);
    TestMessage message = baseMessage();
    message.subject = subject;
    const BuiltMessage built = message.build();
    QVERIFY2(built.ok(), qPrintable(built.error));
    QCOMPARE(wireProblem(built.bytes), QString());
    QCOMPARE(rawHeader(built.bytes, "Subject").contains("=?UTF-8?B?"), encoded);
    QString error;
    const QJsonObject parsed = parseWithPython(built.bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(parsed.value(QStringLiteral("defects")).toArray(), QJsonArray());
    QCOMPARE(header(parsed, QStringLiteral("Subject")), subject);
}

void TestTestMessage::bodyEncoding_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("encoding");
    const QString longAscii = QStringLiteral("a").repeated(5000);
    const QString longUmlauts = QStringLiteral("ä").repeated(3000);
    QTest::newRow("ascii-7bit") << QStringLiteral("Hello\nWorld\n") << QStringLiteral("Hello\nWorld\n")
                                << QStringLiteral("7bit");
    QTest::newRow("no-final-newline")
        << QStringLiteral("Hello") << QStringLiteral("Hello") << QStringLiteral("quoted-printable");
    QTest::newRow("german") << QStringLiteral("Grüße,\ndas ist ein Test.\n")
                            << QStringLiteral("Grüße,\ndas ist ein Test.\n")
                            << QStringLiteral("quoted-printable");
    QTest::newRow("russian-base64") << QStringLiteral("Привет, это проверка.\n").repeated(5)
                                    << QStringLiteral("Привет, это проверка.\n").repeated(5)
                                    << QStringLiteral("base64");
    QTest::newRow("ascii-line-over-998")
        << longAscii + u'\n' << longAscii + u'\n' << QStringLiteral("quoted-printable");
    QTest::newRow("utf8-line-over-998") << longUmlauts << longUmlauts << QStringLiteral("base64");
    QTest::newRow("trailing-whitespace")
        << QStringLiteral("end  \nTab\t\nü\n") << QStringLiteral("end  \nTab\t\nü\n")
        << QStringLiteral("quoted-printable");
    QTest::newRow("mixed-line-breaks")
        << QStringLiteral("a\r\nb\rc\nd\n") << QStringLiteral("a\nb\nc\nd\n") << QStringLiteral("7bit");
    QTest::newRow("dots-and-equals") << QStringLiteral(".\n..\n=3D\nFrom me\n")
                                     << QStringLiteral(".\n..\n=3D\nFrom me\n") << QStringLiteral("7bit");
    QTest::newRow("equals-utf8") << QStringLiteral("a=b ü\n") << QStringLiteral("a=b ü\n")
                                 << QStringLiteral("quoted-printable");
    QTest::newRow("empty") << QString() << QString() << QStringLiteral("7bit");
}

void TestTestMessage::bodyEncoding()
{
    QFETCH(QString, body);
    QFETCH(QString, expected);
    QFETCH(QString, encoding);
    TestMessage message = baseMessage();
    message.body = body;
    const BuiltMessage built = message.build();
    QVERIFY2(built.ok(), qPrintable(built.error));
    QCOMPARE(wireProblem(built.bytes), QString());
    QString error;
    const QJsonObject parsed = parseWithPython(built.bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(parsed.value(QStringLiteral("defects")).toArray(), QJsonArray());
    QCOMPARE(parsed.value(QStringLiteral("cte")).toString(), encoding);
    QCOMPARE(parsed.value(QStringLiteral("body")).toString(), expected);
    QCOMPARE(header(parsed, QStringLiteral("MIME-Version")), QStringLiteral("1.0"));
}

void TestTestMessage::addresses_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QStringList>("to");
    QTest::addColumn<QStringList>("cc");
    QTest::addColumn<bool>("smtpUtf8");
    QTest::addColumn<QString>("parsedFrom");
    QTest::addColumn<QString>("parsedTo");
    QTest::newRow("plain") << QStringLiteral("alice@example.org")
                           << QStringList {QStringLiteral("bob@example.net")} << QStringList() << false
                           << QStringLiteral("alice@example.org") << QStringLiteral("bob@example.net");
    QTest::newRow("display-names") << QStringLiteral("Jörg Müller <joerg@example.org>")
                                   << QStringList {QStringLiteral("Bob <bob@example.net>"),
                                                   QStringLiteral("\"Smith, Carol\" <carol@example.net>")}
                                   << QStringList {QStringLiteral("dan@example.net")} << false
                                   << QStringLiteral("Jörg Müller <joerg@example.org>")
                                   << QStringLiteral(
                                          "Bob <bob@example.net>, \"Smith, Carol\" <carol@example.net>");
    QTest::newRow("utf8-local-part") << QStringLiteral("alice@example.org")
                                     << QStringList {QStringLiteral("jörg@example.net")} << QStringList()
                                     << true << QStringLiteral("alice@example.org")
                                     << QStringLiteral("jörg@example.net");
    QTest::newRow("utf8-domain") << QStringLiteral("alice@bücher.example")
                                 << QStringList {QStringLiteral("bob@example.net")} << QStringList() << true
                                 << QStringLiteral("alice@bücher.example")
                                 << QStringLiteral("bob@example.net");
    QTest::newRow("utf8-cc-only") << QStringLiteral("alice@example.org")
                                  << QStringList {QStringLiteral("bob@example.net")}
                                  << QStringList {QStringLiteral("δοκιμή@παράδειγμα.δοκιμή")} << true
                                  << QStringLiteral("alice@example.org") << QStringLiteral("bob@example.net");
    QStringList many;
    for (int i = 0; i < 40; ++i)
        many.append(QStringLiteral("Recipient Number %1 <recipient%1@example.net>").arg(i));
    QTest::newRow("many-recipients-folded")
        << QStringLiteral("alice@example.org") << many << QStringList() << false
        << QStringLiteral("alice@example.org") << many.join(QStringLiteral(", "));
}

void TestTestMessage::addresses()
{
    QFETCH(QString, from);
    QFETCH(QStringList, to);
    QFETCH(QStringList, cc);
    QFETCH(bool, smtpUtf8);
    QFETCH(QString, parsedFrom);
    QFETCH(QString, parsedTo);
    TestMessage message = baseMessage();
    message.from = from;
    message.to = to;
    message.cc = cc;
    const BuiltMessage built = message.build();
    QVERIFY2(built.ok(), qPrintable(built.error));
    QCOMPARE(built.needsSmtpUtf8, smtpUtf8);
    // 8-bit bytes appear only for an internationalised address (RFC 6532), never otherwise.
    QCOMPARE(wireProblem(built.bytes, smtpUtf8), QString());
    QCOMPARE(wireProblem(built.bytes).isEmpty(), !smtpUtf8);
    QString error;
    const QJsonObject parsed = parseWithPython(built.bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(header(parsed, QStringLiteral("From")), parsedFrom);
    QCOMPARE(header(parsed, QStringLiteral("To")), parsedTo);
    QStringList envelope;
    for (const QString& address : to + cc)
        envelope.append(address.contains(u'<') ? address.section(u'<', 1).chopped(1) : address);
    QCOMPARE(message.recipients(), envelope);
}

void TestTestMessage::badAddresses_data()
{
    QTest::addColumn<QString>("address");
    QTest::newRow("no-at") << QStringLiteral("alice.example.org");
    QTest::newRow("empty-local") << QStringLiteral("@example.org");
    QTest::newRow("empty-domain") << QStringLiteral("alice@");
    QTest::newRow("space") << QStringLiteral("al ice@example.org");
    QTest::newRow("double-dot") << QStringLiteral("al..ice@example.org");
    QTest::newRow("unclosed") << QStringLiteral("Alice <alice@example.org");
    QTest::newRow("two-at") << QStringLiteral("a@b@example.org");
    QTest::newRow("crlf-injection") << QStringLiteral("bob@example.net\r\nBcc: eve@example.com");
    QTest::newRow("lf-in-name") << QStringLiteral("Bob\n <bob@example.net>");
    QTest::newRow("local-65") << QStringLiteral("a").repeated(65) + QStringLiteral("@example.org");
    QTest::newRow("empty") << QString();
}

void TestTestMessage::badAddresses()
{
    QFETCH(QString, address);
    QString error;
    QCOMPARE(TestMessage::addrSpec(address, &error), QString());
    QVERIFY(!error.isEmpty());
    TestMessage message = baseMessage();
    message.to = QStringList {address};
    const BuiltMessage built = message.build();
    QVERIFY(!built.ok());
    QCOMPARE(built.bytes, QByteArray());
    message = baseMessage();
    message.from = address;
    QVERIFY(!message.build().ok());
}

void TestTestMessage::headerInjection_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("plain") << QByteArray("X-Test-Id") << QStringLiteral("42") << true;
    QTest::newRow("utf8-value") << QByteArray("X-Comment") << QStringLiteral("Grüße an alle") << true;
    QTest::newRow("long-value") << QByteArray("X-Long") << QStringLiteral("word ").repeated(300).trimmed()
                                << true;
    QTest::newRow("all-ftext") << QByteArray("!#$%&'*+-.^_`|~0123456789") << QStringLiteral("v") << true;
    QTest::newRow("crlf-value") << QByteArray("X-Test") << QStringLiteral("a\r\nBcc: eve@example.com")
                                << false;
    QTest::newRow("lf-value") << QByteArray("X-Test") << QStringLiteral("a\nb") << false;
    QTest::newRow("cr-value") << QByteArray("X-Test") << QStringLiteral("a\rb") << false;
    QTest::newRow("nul-value") << QByteArray("X-Test") << QString(QChar(0)) << false;
    QTest::newRow("space-in-name") << QByteArray("X Test") << QStringLiteral("v") << false;
    QTest::newRow("colon-in-name") << QByteArray("X:Test") << QStringLiteral("v") << false;
    QTest::newRow("crlf-in-name") << QByteArray("X-A\r\nX-B") << QStringLiteral("v") << false;
    QTest::newRow("utf8-name") << QByteArray("X-\xc3\xa4") << QStringLiteral("v") << false;
    QTest::newRow("empty-name") << QByteArray() << QStringLiteral("v") << false;
    QTest::newRow("reserved-subject") << QByteArray("subject") << QStringLiteral("v") << false;
    QTest::newRow("reserved-content-type")
        << QByteArray("Content-Type") << QStringLiteral("text/html") << false;
    QTest::newRow("at-bound") << QByteArray("X-B")
                              << QStringLiteral("v").repeated(TestMessage::MaxHeaderChars - 3) << true;
    QTest::newRow("past-bound") << QByteArray("X-B")
                                << QStringLiteral("v").repeated(TestMessage::MaxHeaderChars - 2) << false;
}

void TestTestMessage::headerInjection()
{
    QFETCH(QByteArray, name);
    QFETCH(QString, value);
    QFETCH(bool, accepted);
    QCOMPARE(TestMessage::headerProblem(name, value).isEmpty(), accepted);
    TestMessage message = baseMessage();
    message.extraHeaders.append({name, value});
    const BuiltMessage built = message.build();
    QCOMPARE(built.ok(), accepted);
    if (!accepted) {
        QCOMPARE(built.bytes, QByteArray());
        return;
    }
    QCOMPARE(wireProblem(built.bytes), QString());
    QString error;
    const QJsonObject parsed = parseWithPython(built.bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(parsed.value(QStringLiteral("defects")).toArray(), QJsonArray());
    QCOMPARE(header(parsed, QString::fromLatin1(name)), value);
}

void TestTestMessage::dotStuffing_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("lone-dot-first") << QByteArray(".\r\n") << QByteArray("..\r\n");
    QTest::newRow("lone-dot-middle") << QByteArray("a\r\n.\r\nb\r\n") << QByteArray("a\r\n..\r\nb\r\n");
    QTest::newRow("dot-text") << QByteArray("a\r\n.b\r\n") << QByteArray("a\r\n..b\r\n");
    QTest::newRow("two-dots") << QByteArray("..x\r\n") << QByteArray("...x\r\n");
    QTest::newRow("inner-dot") << QByteArray("a.b\r\nc .\r\n") << QByteArray("a.b\r\nc .\r\n");
    QTest::newRow("bare-lf") << QByteArray("a\n.x") << QByteArray("a\n..x");
    QTest::newRow("crlf-dot-crlf") << QByteArray("x\r\n.\r\n.") << QByteArray("x\r\n..\r\n..");
}

void TestTestMessage::dotStuffing()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(TestMessage::dotStuffed(input), expected);
}

void TestTestMessage::dotStuffedMessageHasNoEarlyEnd()
{
    TestMessage message = baseMessage();
    message.body = QStringLiteral(".\n.\r\n..\nend\n");
    const BuiltMessage built = message.build();
    QVERIFY2(built.ok(), qPrintable(built.error));
    const QByteArray stuffed = TestMessage::dotStuffed(built.bytes);
    // RFC 5321 s.4.5.2: the data ends at the first line that is a lone ".".
    QVERIFY(!stuffed.contains("\r\n.\r\n"));
    QVERIFY(stuffed.contains("\r\n\r\n..\r\n..\r\n...\r\nend\r\n"));
    QCOMPARE(stuffed.size(), built.bytes.size() + 3);
}

void TestTestMessage::messageIdAndDate()
{
    const QDateTime date(QDate(2026, 12, 2), QTime(3, 4, 5), QTimeZone(-5 * 3600));
    TestMessage message = baseMessage();
    message.from = QStringLiteral("alice@Mail.Example.org");
    const BuiltMessage first = message.build({date});
    const BuiltMessage second = message.build({date});
    QVERIFY2(first.ok(), qPrintable(first.error));
    // RFC 5322 s.3.6.4: msg-id = "<" id-left "@" id-right ">", unique per message; the domain
    // in its ACE form, which is lower case (domains are case-insensitive, RFC 4343).
    static const QRegularExpression idPattern(QStringLiteral("^<[0-9a-f]{32}@mail\\.example\\.org>$"));
    QVERIFY2(idPattern.match(QString::fromLatin1(first.messageId)).hasMatch(), first.messageId.constData());
    QVERIFY(first.messageId != second.messageId);
    QCOMPARE(rawHeader(first.bytes, "Message-ID"), first.messageId);
    QCOMPARE(rawHeader(first.bytes, "Date"), QByteArray("Wed, 02 Dec 2026 03:04:05 -0500"));
    const QDateTime parsedBack =
        QDateTime::fromString(QString::fromLatin1(rawHeader(first.bytes, "Date")), Qt::RFC2822Date);
    QVERIFY(parsedBack.isValid());
    QCOMPARE(parsedBack, date);
    QCOMPARE(parsedBack.offsetFromUtc(), -5 * 3600);
    QString error;
    const QJsonObject parsed = parseWithPython(first.bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(header(parsed, QStringLiteral("Message-ID")), QString::fromLatin1(first.messageId));
    QCOMPARE(header(parsed, QStringLiteral("Date")), QStringLiteral("Wed, 02 Dec 2026 03:04:05 -0500"));

    // An internationalised domain: the id uses its ACE form (RFC 5890) and stays ASCII.
    message.from = QStringLiteral("alice@bücher.example");
    const BuiltMessage idn = message.build({date});
    QVERIFY2(idn.ok(), qPrintable(idn.error));
    QVERIFY2(idn.messageId.endsWith("@xn--bcher-kva.example>"), idn.messageId.constData());
    // Without a date the current time is used.
    const QDateTime before = QDateTime::currentDateTime().addSecs(-1);
    const BuiltMessage now = baseMessage().build();
    const QDateTime stamped =
        QDateTime::fromString(QString::fromLatin1(rawHeader(now.bytes, "Date")), Qt::RFC2822Date);
    QVERIFY(stamped >= before && stamped <= QDateTime::currentDateTime().addSecs(1));
}

void TestTestMessage::attachments_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("mimeType");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("expectedType");
    QByteArray allBytes;
    for (int round = 0; round < 3; ++round)
        for (int b = 0; b < 256; ++b)
            allBytes.append(static_cast<char>(b));
    QTest::newRow("binary-all-bytes") << QStringLiteral("bytes.bin") << QByteArray() << allBytes
                                      << QStringLiteral("application/octet-stream");
    QTest::newRow("utf8-name") << QStringLiteral("Grüße – Bericht 2026.pdf") << QByteArray("application/pdf")
                               << allBytes << QStringLiteral("application/pdf");
    QTest::newRow("long-utf8-name-continuations")
        << QStringLiteral("Überlange Datei ").repeated(8) + QStringLiteral("日本.txt")
        << QByteArray("text/plain") << QByteArray("line\r\n.\r\nline\n") << QStringLiteral("text/plain");
    QTest::newRow("quote-in-name") << QStringLiteral("say \"hi\" \\ now.txt") << QByteArray()
                                   << QByteArray("x") << QStringLiteral("application/octet-stream");
    QTest::newRow("empty-file") << QStringLiteral("empty") << QByteArray() << QByteArray()
                                << QStringLiteral("application/octet-stream");
    QTest::newRow("large-binary") << QStringLiteral("large.bin") << QByteArray() << allBytes.repeated(700)
                                  << QStringLiteral("application/octet-stream");
}

void TestTestMessage::attachments()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, mimeType);
    QFETCH(QByteArray, data);
    QFETCH(QString, expectedType);
    TestMessage message = baseMessage();
    message.subject = QStringLiteral("Anhang: Grüße");
    message.body = QStringLiteral("Body with ü\n");
    message.attachments.append({fileName, data, mimeType});
    message.attachments.append(
        {QStringLiteral("second.txt"), QByteArray("--=_mailscope_\r\n"), QByteArray()});
    const BuiltMessage built = message.build();
    QVERIFY2(built.ok(), qPrintable(built.error));
    QCOMPARE(wireProblem(built.bytes), QString());
    QString error;
    const QJsonObject parsed = parseWithPython(built.bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(parsed.value(QStringLiteral("defects")).toArray(), QJsonArray());
    QCOMPARE(parsed.value(QStringLiteral("parts")).toInt(), 3);
    QCOMPARE(header(parsed, QStringLiteral("Subject")), QStringLiteral("Anhang: Grüße"));
    QCOMPARE(parsed.value(QStringLiteral("body")).toString(), QStringLiteral("Body with ü\n"));
    const QJsonArray attached = parsed.value(QStringLiteral("attachments")).toArray();
    QCOMPARE(attached.size(), 2);
    const QJsonObject first = attached.at(0).toObject();
    QCOMPARE(first.value(QStringLiteral("filename")).toString(), fileName);
    QCOMPARE(first.value(QStringLiteral("type")).toString(), expectedType);
    QCOMPARE(QByteArray::fromBase64(first.value(QStringLiteral("data")).toString().toLatin1()), data);
    const QJsonObject second = attached.at(1).toObject();
    QCOMPARE(second.value(QStringLiteral("filename")).toString(), QStringLiteral("second.txt"));
    QCOMPARE(QByteArray::fromBase64(second.value(QStringLiteral("data")).toString().toLatin1()),
             QByteArray("--=_mailscope_\r\n"));
}

void TestTestMessage::bounds_data()
{
    QTest::addColumn<int>("recipients");
    QTest::addColumn<int>("headers");
    QTest::addColumn<int>("files");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("recipients-at-bound") << TestMessage::MaxRecipients << 0 << 0 << true;
    QTest::newRow("recipients-past-bound") << TestMessage::MaxRecipients + 1 << 0 << 0 << false;
    QTest::newRow("no-recipient") << 0 << 0 << 0 << false;
    QTest::newRow("headers-at-bound") << 1 << TestMessage::MaxExtraHeaders << 0 << true;
    QTest::newRow("headers-past-bound") << 1 << TestMessage::MaxExtraHeaders + 1 << 0 << false;
    QTest::newRow("files-at-bound") << 1 << 0 << TestMessage::MaxAttachments << true;
    QTest::newRow("files-past-bound") << 1 << 0 << TestMessage::MaxAttachments + 1 << false;
}

void TestTestMessage::bounds()
{
    QFETCH(int, recipients);
    QFETCH(int, headers);
    QFETCH(int, files);
    QFETCH(bool, accepted);
    TestMessage message = baseMessage();
    message.to.clear();
    for (int i = 0; i < recipients; ++i)
        (i % 2 ? message.cc : message.to).append(QStringLiteral("r%1@example.net").arg(i));
    for (int i = 0; i < headers; ++i)
        message.extraHeaders.append({"X-N" + QByteArray::number(i), QStringLiteral("v")});
    for (int i = 0; i < files; ++i)
        message.attachments.append({QStringLiteral("f%1").arg(i), QByteArray("x"), QByteArray()});
    const BuiltMessage built = message.build();
    QCOMPARE(built.ok(), accepted);
    QCOMPARE(built.bytes.isEmpty(), !accepted);
    if (accepted)
        QCOMPARE(wireProblem(built.bytes), QString());
}

void TestTestMessage::sizeBound()
{
    TestMessage message = baseMessage();
    message.attachments.append({QStringLiteral("a.bin"), QByteArray(1000, 'x'), QByteArray()});
    const qsizetype size = message.build().bytes.size();
    QVERIFY(size > 1000);
    MessageBuildOptions options;
    options.maxBytes = size;
    QVERIFY2(message.build(options).ok(), qPrintable(message.build(options).error));
    options.maxBytes = size - 1;
    const BuiltMessage refused = message.build(options);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.bytes, QByteArray());
    options.maxBytes = 999; // the input alone is past the bound: refused before encoding
    QVERIFY(!message.build(options).ok());
    TestMessage badType = baseMessage();
    badType.attachments.append({QStringLiteral("a"), QByteArray("x"), QByteArray("text plain")});
    QVERIFY(!badType.build().ok());
    TestMessage noName = baseMessage();
    noName.attachments.append({QString(), QByteArray("x"), QByteArray()});
    QVERIFY(!noName.build().ok());
    TestMessage badSubject = baseMessage();
    badSubject.subject = QStringLiteral("Hi\r\nBcc: eve@example.com");
    QVERIFY(!badSubject.build().ok());
}

void TestTestMessage::defaultBody()
{
    const QDateTime when(QDate(2026, 12, 2), QTime(3, 4, 5), QTimeZone::utc());
    const QString tls = TestMessage::defaultBody(
        {QStringLiteral("Mailscope 0.9"), when, QStringLiteral("mail.example.org:587"),
         QStringLiteral("TLSv1.3"), QStringLiteral("TLS_AES_256_GCM_SHA384"),
         QStringLiteral("CN=mail.example.org, issued by Example CA")});
    QCOMPARE(tls, QStringLiteral("This is a test message sent by Mailscope 0.9.\n"
                                 "\n"
                                 "Sent:        Wed, 02 Dec 2026 03:04:05 +0000\n"
                                 "Server:      mail.example.org:587\n"
                                 "TLS version: TLSv1.3\n"
                                 "Cipher:      TLS_AES_256_GCM_SHA384\n"
                                 "Certificate: CN=mail.example.org, issued by Example CA\n"
                                 "\n"
                                 "The headers of this message show how it travelled on from that server.\n"));
    const QString plain =
        TestMessage::defaultBody({QStringLiteral("Mailscope 0.9"), when, QStringLiteral("127.0.0.1:25"),
                                  QString(), QString(), QString()});
    QVERIFY(plain.contains(
        QStringLiteral("Encryption:  none (the message travelled to the server in plain text)\n")));
    QVERIFY(!plain.contains(QStringLiteral("Cipher")));
}

QTEST_GUILESS_MAIN(TestTestMessage)
#include "TestTestMessage.moc"
