// mailscope-cli send's engine against the real Postfix of the fixture: submission on
// SUBMISSION_PORT (STARTTLS, SASL through Dovecot), local delivery into the test user's Maildir
// (STATEDIR/mail/alice/Maildir). The delivered file is read back and parsed with Python's email
// package (not with Mailscope's builder), so the expectations come from outside the code under test.

#include "findings/FindingCatalogue.h"
#include "RealServers.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

namespace {
/// Parses one delivered message with Python's email package and prints what the test checks.
const char* ParserScript = R"PY(
import email, email.policy, hashlib, json, sys
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
body = msg.get_body(preferencelist=('plain',))
atts = []
for part in msg.iter_attachments():
    data = part.get_payload(decode=True)
    atts.append({'filename': part.get_filename(), 'sha256': hashlib.sha256(data).hexdigest(), 'size': len(data)})
print(json.dumps({'subject': str(msg['subject']), 'from': str(msg['from']), 'to': str(msg['to']),
                  'x_test': str(msg['x-mailscope-test']), 'message_id': str(msg['message-id']),
                  'body': body.get_content() if body else None, 'attachments': atts,
                  'defects': len(msg.defects)}))
)PY";
} // namespace

class TestSendPostfix final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void utf8MessageWithAttachmentIsDelivered();
    void bdatDeliversTheSameBytes();
    void refusedRecipientGetsItsFinding();
    void dsnParametersReachPostfix();

private:
    ProbeOptions options(const SendOptions& send) const;
    TestMessage message(const QString& tag) const;
    /// The delivered file that carries `messageId`; waits for Postfix's local delivery.
    QString deliveredFile(const QString& messageId) const;
    static QJsonObject parsed(const QString& path);

    RealServers m_servers;
    QString m_maildir;
    QByteArray m_password;
    QByteArray m_attachment;
};

void TestSendPostfix::initTestCase()
{
    QString error;
    QVERIFY2(m_servers.load(&error), qPrintable(error));
    QVERIFY2(m_servers.port(QStringLiteral("SUBMISSION_PORT")) > 0, "SUBMISSION_PORT missing");
    QFile file(m_servers.value(QStringLiteral("TEST_PASSWORD_FILE")));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    m_password = file.readLine().trimmed();
    // start-postfix.sh delivers every local recipient into the test user's Maildir.
    m_maildir = QFileInfo(qEnvironmentVariable(RealServers::MailServersEnv)).absolutePath()
                + QStringLiteral("/mail/alice/Maildir/new");
    QVERIFY2(QFileInfo(m_maildir).isDir(), qPrintable(m_maildir));
    // Every byte value, and lines that would need dot-stuffing if they were not encoded.
    for (int i = 0; i < 4096; ++i)
        m_attachment.append(char(QRandomGenerator::global()->bounded(256)));
    m_attachment += "\r\n.\r\n\0\xff";
}

ProbeOptions TestSendPostfix::options(const SendOptions& send) const
{
    ProbeOptions o;
    o.host = QStringLiteral("localhost");
    o.port = m_servers.port(QStringLiteral("SUBMISSION_PORT"));
    o.tls = TlsMode::StartTls;
    o.extraCaCertificates = m_servers.certificates(QStringLiteral("CA_FILE"));
    o.stepTimeoutMs = 20000;
    o.user = m_servers.value(QStringLiteral("TEST_USER"));
    o.password = m_password;
    o.send = send;
    return o;
}

TestMessage TestSendPostfix::message(const QString& tag) const
{
    TestMessage m;
    m.from = QStringLiteral("Änne Test <alice@mailscope.test>");
    m.to = {QStringLiteral("Alice <alice@mailscope.test>")};
    m.subject =
        QStringLiteral("Grüße, 日本語 and a long subject line that has to be folded somewhere ") + tag;
    m.body = QStringLiteral("Hallo Ännchen,\n.a line with a leading dot\nZeile drei: €\n");
    m.attachments.append(
        {QStringLiteral("daten ä.bin"), m_attachment, QByteArrayLiteral("application/octet-stream")});
    m.extraHeaders.append({QByteArrayLiteral("X-Mailscope-Test"), tag});
    return m;
}

QString TestSendPostfix::deliveredFile(const QString& messageId) const
{
    QString found;
    const QByteArray needle = "Message-ID: " + messageId.toLatin1();
    const bool delivered = QTest::qWaitFor(
        [&] {
            const QFileInfoList files = QDir(m_maildir).entryInfoList(QDir::Files);
            for (const QFileInfo& info : files) {
                QFile f(info.filePath());
                if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle)) {
                    found = info.filePath();
                    return true;
                }
            }
            return false;
        },
        20000);
    return delivered ? found : QString();
}

QJsonObject TestSendPostfix::parsed(const QString& path)
{
    QProcess python;
    python.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromUtf8(ParserScript), path});
    if (!python.waitForFinished(30000) || python.exitCode() != 0) {
        qWarning("python3: %s", python.readAllStandardError().constData());
        return {};
    }
    return QJsonDocument::fromJson(python.readAllStandardOutput()).object();
}

void TestSendPostfix::utf8MessageWithAttachmentIsDelivered()
{
    SendOptions send;
    send.message = message(QStringLiteral("data-1"));
    const Run run = runToEnd(options(send));
    QCOMPARE(findingIds(run), QString());
    QCOMPARE(stepsOf(run),
             QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok tls-handshake=ok "
                            "greeting-tls=ok auth=ok mail-from=ok rcpt-to=ok data=ok quit=ok"));
    // Postfix offers PIPELINING: the envelope went in one write, recorded in the mail-from step
    // before any of its replies; rcpt-to and data only read theirs.
    QVERIFY(run.capabilitiesTls.contains(QStringLiteral("PIPELINING")));
    QStringList envelope;
    bool replyBeforeEnvelopeEnd = false;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.step == StepId::MailFrom && e.dir == 'C')
            envelope.append(e.text.section(QLatin1Char(' '), 0, 1));
        if (e.step == StepId::MailFrom && e.dir == 'S' && envelope.size() < 3)
            replyBeforeEnvelopeEnd = true;
        if ((e.step == StepId::RcptTo || e.step == StepId::Data) && e.dir == 'C')
            QVERIFY2(!e.text.startsWith(QLatin1String("RCPT")) && e.text != QLatin1String("DATA"),
                     qPrintable(e.text));
    }
    QCOMPARE(envelope,
             (QStringList {QStringLiteral("MAIL FROM:<alice@mailscope.test>"),
                           QStringLiteral("RCPT TO:<alice@mailscope.test>"), QStringLiteral("DATA")}));
    QVERIFY(!replyBeforeEnvelopeEnd);
    // Postfix's final reply: "250 2.0.0 Ok: queued as <id>".
    QVERIFY(run.message);
    const QString queueId = run.message->queueReply.section(QLatin1String("queued as "), 1);
    QVERIFY2(run.message->queueReply.startsWith(QLatin1String("250 2.0.0 Ok: queued as "))
                 && !queueId.isEmpty(),
             qPrintable(run.message->queueReply));
    QVERIFY(run.step(StepId::Data)->summary.contains(queueId));

    const QString path = deliveredFile(run.message->messageId);
    QVERIFY2(!path.isEmpty(), "not delivered into the Maildir");
    const QJsonObject m = parsed(path);
    QCOMPARE(m.value(QStringLiteral("defects")).toInt(-1), 0);
    QCOMPARE(m.value(QStringLiteral("subject")).toString(),
             QStringLiteral("Grüße, 日本語 and a long subject line that has to be folded somewhere data-1"));
    QCOMPARE(m.value(QStringLiteral("from")).toString(), QStringLiteral("Änne Test <alice@mailscope.test>"));
    QCOMPARE(m.value(QStringLiteral("x_test")).toString(), QStringLiteral("data-1"));
    QCOMPARE(m.value(QStringLiteral("message_id")).toString(), run.message->messageId);
    QCOMPARE(m.value(QStringLiteral("body")).toString(),
             QStringLiteral("Hallo Ännchen,\n.a line with a leading dot\nZeile drei: €\n"));
    const QJsonObject attachment = m.value(QStringLiteral("attachments")).toArray().at(0).toObject();
    QCOMPARE(m.value(QStringLiteral("attachments")).toArray().size(), 1);
    QCOMPARE(attachment.value(QStringLiteral("filename")).toString(), QStringLiteral("daten ä.bin"));
    QCOMPARE(attachment.value(QStringLiteral("size")).toInt(), int(m_attachment.size()));
    QCOMPARE(attachment.value(QStringLiteral("sha256")).toString(),
             QString::fromLatin1(QCryptographicHash::hash(m_attachment, QCryptographicHash::Sha256).toHex()));
}

void TestSendPostfix::bdatDeliversTheSameBytes()
{
    // The same message once with DATA and once with BDAT (CHUNKING, RFC 3030): what Postfix stored
    // is the same apart from its own trace headers and the per-message Date and Message-ID.
    QByteArray delivered[2];
    for (int i = 0; i < 2; ++i) {
        SendOptions send;
        send.message = message(QStringLiteral("same-bytes"));
        send.bdat = i == 1;
        const Run run = runToEnd(options(send));
        QCOMPARE(findingIds(run), QString());
        bool sawBdat = false;
        for (const TranscriptEntry& e : run.transcript)
            sawBdat = sawBdat
                      || (e.dir == 'C' && e.text.startsWith(QLatin1String("BDAT "))
                          && e.text.endsWith(QLatin1String(" LAST")));
        QCOMPARE(sawBdat, send.bdat);
        QVERIFY(run.message && run.message->queueReply.contains(QLatin1String("queued as")));
        const QString path = deliveredFile(run.message->messageId);
        QVERIFY(!path.isEmpty());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        // From the test's own headers on (the builder writes Date first? not assumed: cut at
        // From:, which Postfix never adds), without the two lines that differ per message.
        bytes = bytes.mid(bytes.indexOf("\nFrom: "));
        QList<QByteArray> lines = bytes.split('\n');
        lines.removeIf(
            [](const QByteArray& l) { return l.startsWith("Date: ") || l.startsWith("Message-ID: "); });
        delivered[i] = lines.join('\n');
        // The multipart boundary is drawn at random per message (RFC 2046 s.5.1.1).
        const qsizetype at = delivered[i].indexOf("boundary=\"") + 10;
        QVERIFY(at > 10);
        const QByteArray boundary = delivered[i].mid(at, delivered[i].indexOf('"', at) - at);
        QVERIFY(boundary.size() > 8);
        delivered[i].replace(boundary, "BOUNDARY");
        QVERIFY(delivered[i].size() > m_attachment.size());
    }
    QCOMPARE(delivered[1], delivered[0]);
}

void TestSendPostfix::refusedRecipientGetsItsFinding()
{
    // start-postfix.sh refuses refused@mailscope.test with 550 5.1.1 (check_recipient_access).
    SendOptions send;
    send.message = message(QStringLiteral("refused"));
    send.message.to = {QStringLiteral("refused@mailscope.test"), QStringLiteral("alice@mailscope.test")};
    const Run run = runToEnd(options(send));
    QCOMPARE(findingIds(run), ids({QStringLiteral("recipient-unknown")}));
    QCOMPARE(findingDetail(run, QStringLiteral("recipient-unknown")),
             QStringLiteral("refused@mailscope.test: 550 5.1.1 <refused@mailscope.test>: Recipient address "
                            "rejected: No such user here"));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 8),
             QStringLiteral("mail-from=ok rcpt-to=failed rcpt-to=ok data=ok quit=ok"));
    QVERIFY(!deliveredFile(run.message->messageId).isEmpty());
}

namespace {
/// Parses a delivery status notification (RFC 3464) with Python's email package.
const char* DsnScript = R"PY(
import email, email.policy, json, sys
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_binary_file(f, policy=email.policy.compat32)
parts = msg.get_payload() if msg.is_multipart() else []
status = {}
recipients = []
for part in parts:
    if part.get_content_type() == 'message/delivery-status':
        blocks = part.get_payload()
        status = {k.lower(): v for k, v in blocks[0].items()}
        recipients = [{k.lower(): v for k, v in b.items()} for b in blocks[1:]]
print(json.dumps({'type': msg.get_content_type(), 'report_type': msg.get_param('report-type'),
                  'parts': [p.get_content_type() for p in parts], 'status': status,
                  'recipients': recipients}))
)PY";
} // namespace

void TestSendPostfix::dsnParametersReachPostfix()
{
    SendOptions send;
    send.message = message(QStringLiteral("dsn"));
    send.message.attachments.clear();
    send.dsnNotify = "SUCCESS";
    const Run run = runToEnd(options(send));
    QCOMPARE(findingIds(run), QString());
    QVERIFY(run.message);
    // The envelope as sent (RFC 3461 s.4): RET and ENVID on MAIL, NOTIFY on RCPT.
    const QString envid = run.message->messageId.mid(1).chopped(1);
    QStringList envelope;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.dir == 'C'
            && (e.text.startsWith(QLatin1String("MAIL FROM:"))
                || e.text.startsWith(QLatin1String("RCPT TO:"))))
            envelope.append(e.text);
    }
    QCOMPARE(envelope.size(), 2);
    QVERIFY2(envelope.at(0).endsWith(QStringLiteral(" RET=HDRS ENVID=%1").arg(envid)),
             qPrintable(envelope.at(0)));
    QCOMPARE(envelope.at(1), QStringLiteral("RCPT TO:<alice@mailscope.test> NOTIFY=SUCCESS"));
    // Postfix took them as meant: NOTIFY=SUCCESS makes it report the delivery to the sender (a
    // multipart/report, RFC 3464), which names the ENVID as Original-Envelope-Id and, as RET=HDRS
    // asks, returns the headers only (text/rfc822-headers, RFC 3462).
    QString report;
    const QByteArray needle = "Original-Envelope-Id: " + envid.toLatin1();
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     for (const QFileInfo& info : QDir(m_maildir).entryInfoList(QDir::Files)) {
                         QFile f(info.filePath());
                         if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle)) {
                             report = info.filePath();
                             return true;
                         }
                     }
                     return false;
                 },
                 20000),
             "no delivery status notification arrived");
    QProcess python;
    python.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromUtf8(DsnScript), report});
    QVERIFY(python.waitForFinished(30000));
    QCOMPARE(python.exitCode(), 0);
    const QJsonObject dsn = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
    QCOMPARE(dsn.value(QStringLiteral("type")).toString(), QStringLiteral("multipart/report"));
    QCOMPARE(dsn.value(QStringLiteral("report_type")).toString(), QStringLiteral("delivery-status"));
    QCOMPARE(dsn.value(QStringLiteral("parts")).toArray().last().toString(),
             QStringLiteral("text/rfc822-headers"));
    QCOMPARE(dsn.value(QStringLiteral("status"))
                 .toObject()
                 .value(QStringLiteral("original-envelope-id"))
                 .toString(),
             envid);
    const QJsonArray recipients = dsn.value(QStringLiteral("recipients")).toArray();
    QCOMPARE(recipients.size(), 1);
    QCOMPARE(recipients.at(0).toObject().value(QStringLiteral("action")).toString(),
             QStringLiteral("delivered"));
}

QTEST_GUILESS_MAIN(TestSendPostfix)
#include "TestSendPostfix.moc"
