// The message transaction (mail-from, rcpt-to, data) of the real engine over a real socket against
// scripted servers (tests/data/scenarios/smtp-send-*.txt): what the engine sent is checked by the
// server's script, what it recorded by the Run. The expectations (which commands, which findings)
// come from the scripts and the RFCs, not from the engine.

#include "FakeMailServer.h"
#include "findings/FindingCatalogue.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPki.h"

#include <memory>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

namespace {
constexpr int RunTimeoutMs = 8000;

TestMessage sampleMessage(QStringList to)
{
    TestMessage m;
    m.from = QStringLiteral("Ann <ann@example.org>");
    m.to = std::move(to);
    m.subject = QStringLiteral("Grüße aus dem Test");
    m.body = QStringLiteral("Hallo Bob,\n.a line that starts with a dot\nbye\n");
    return m;
}

/// The client lines of `step` (every step of that id), in order.
QStringList clientLinesIn(const Run& run, StepId step)
{
    QStringList lines;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.dir == 'C' && e.step == step)
            lines.append(e.text);
    }
    return lines;
}
} // namespace

class TestSendScenarios final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pipelinedSendDelivers();
    void greylistedRecipientStillSendsToTheOther();
    void connectionLostAfterTheMessage();
    void sizeExceededSendsNothing();
    void requireTlsMissingSendsNothing();
    void relayDeniedInPipeline();
    void largeMessageStreamsWithProgress();
    void senderRefusedSendsNothingMore();
    void messageRefusedAfterTheDot();
    void tooManyRecipientsIsNotGreylisting();

private:
    std::unique_ptr<FakeMailServer> serverFor(const QString& scenario);
    ProbeOptions optionsFor(const FakeMailServer& server, const SendOptions& send) const;
    Run play(FakeMailServer& server, const ProbeOptions& options);
};

void TestSendScenarios::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("MAILSCOPE_TEST_DATA").isEmpty(), "MAILSCOPE_TEST_DATA is not set");
    QVERIFY(TestPki::instance().isValid());
}

std::unique_ptr<FakeMailServer> TestSendScenarios::serverFor(const QString& scenario)
{
    QFile file(FakeMailServer::scenarioPath(scenario));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    auto server = std::make_unique<FakeMailServer>();
    const TestPki::Identity id = TestPki::instance().identity(TestPki::Kind::Good);
    server->setLocalCertificateChain(id.chain);
    server->setPrivateKey(id.key);
    if (!server->loadScript(QString::fromUtf8(file.readAll())) || !server->listen()) {
        qWarning("%s", qPrintable(server->errorSummary()));
        return {};
    }
    return server;
}

ProbeOptions TestSendScenarios::optionsFor(const FakeMailServer& server, const SendOptions& send) const
{
    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = server.port();
    o.extraCaCertificates = TestPki::instance().caCertificates();
    o.stepTimeoutMs = 20000;
    o.send = send;
    return o;
}

Run TestSendScenarios::play(FakeMailServer& server, const ProbeOptions& options)
{
    ProbeSession session(options);
    session.start();
    if (!QTest::qWaitFor([&] { return session.isFinished(); }, RunTimeoutMs))
        qWarning("the run did not finish");
    if (!QTest::qWaitFor([&] { return server.isFinished(); }, 5000))
        qWarning("the server did not see the end of the conversation");
    return session.run();
}

void TestSendScenarios::pipelinedSendDelivers()
{
    auto server = serverFor(QStringLiteral("smtp-send-good"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@example.org"), QStringLiteral("cy@example.org")});
    const Run run = play(*server, optionsFor(*server, send));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(findingIds(run), QString());
    QCOMPARE(stepsOf(run),
             QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok tls-handshake=ok "
                            "greeting-tls=ok mail-from=ok rcpt-to=ok rcpt-to=ok data=ok quit=ok"));
    // RFC 2920: the whole envelope was written in the mail-from step, before any reply was read;
    // the rcpt-to steps only read theirs.
    const QStringList envelope = clientLinesIn(run, StepId::MailFrom);
    QCOMPARE(envelope.size(), 4);
    QVERIFY(envelope.at(0).startsWith(QLatin1String("MAIL FROM:<ann@example.org> SIZE=")));
    QCOMPARE(envelope.mid(1),
             (QStringList {QStringLiteral("RCPT TO:<bob@example.org>"),
                           QStringLiteral("RCPT TO:<cy@example.org>"), QStringLiteral("DATA")}));
    QCOMPARE(clientLinesIn(run, StepId::RcptTo), QStringList());
    // SIZE= is the size of the message as the server received it (RFC 1870 s.6): the lines the
    // server got between DATA's 354 and "." joined, dot-stuffing undone.
    const QList<QByteArray> received = server->receivedLines();
    const qsizetype dataAt = received.indexOf("DATA");
    const qsizetype endAt = received.lastIndexOf(".");
    QVERIFY(dataAt > 0 && endAt > dataAt);
    QByteArray message;
    for (qsizetype i = dataAt + 1; i < endAt; ++i)
        message += (received.at(i).startsWith("..") ? received.at(i).mid(1) : received.at(i)) + "\r\n";
    QCOMPARE(envelope.at(0), QStringLiteral("MAIL FROM:<ann@example.org> SIZE=%1").arg(message.size()));
    // RFC 5321 s.4.5.2: the line that starts with a dot went with a second one.
    QVERIFY(received.contains("..a line that starts with a dot"));
    QVERIFY(message.contains("\r\n.a line that starts with a dot\r\n"));
    // The queue id, and the message object of the report.
    QVERIFY(run.message);
    QCOMPARE(run.message->queueReply, QStringLiteral("250 2.0.0 Ok: queued as 4QxYz1AbCd"));
    QVERIFY(message.contains("Message-ID: " + run.message->messageId.toLatin1()));
    QVERIFY(run.step(StepId::Data)->summary.contains(QLatin1String("queue id 4QxYz1AbCd")));
    // The transcript shows the headers and a summary, never the body.
    QStringList shown;
    for (const TranscriptEntry& e : run.transcript)
        shown.append(e.text);
    const QString all = shown.join(QLatin1Char('\n'));
    QVERIFY(all.contains(QLatin1String("Subject: =?UTF-8?")));
    QVERIFY(!all.contains(QLatin1String("Hallo Bob")));
    QVERIFY(!all.contains(QLatin1String("SGFsbG8gQm9i"))); // "Hallo Bob" in base64
    QVERIFY(all.contains(QLatin1String("message body not recorded")));
}

void TestSendScenarios::greylistedRecipientStillSendsToTheOther()
{
    auto server = serverFor(QStringLiteral("smtp-send-greylisted"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@example.org"), QStringLiteral("cy@example.org")});
    const Run run = play(*server, optionsFor(*server, send));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(findingIds(run), ids({QStringLiteral("recipient-greylisted")}));
    QVERIFY(findingDetail(run, QStringLiteral("recipient-greylisted"))
                .contains(QLatin1String("bob@example.org: 450 4.2.0")));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=ok rcpt-to=warning rcpt-to=ok data=ok quit=ok"));
    QCOMPARE(run.message->queueReply, QStringLiteral("250 2.0.0 Ok: queued as 7GreyOk"));
    QCOMPARE(run.verdict(), Verdict::Warning);
}

void TestSendScenarios::connectionLostAfterTheMessage()
{
    auto server = serverFor(QStringLiteral("smtp-send-lost-mid-data"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@example.org")});
    const Run run = play(*server, optionsFor(*server, send));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(findingIds(run), ids({QStringLiteral("delivery-unknown")}));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=ok rcpt-to=ok data=failed quit=skipped"));
    QVERIFY(run.message);
    QCOMPARE(run.message->queueReply, QString());
    QCOMPARE(run.verdict(), Verdict::Critical);
}

void TestSendScenarios::sizeExceededSendsNothing()
{
    auto server = serverFor(QStringLiteral("smtp-send-size-exceeded"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@example.org")});
    send.message.body = QString(3000, QLatin1Char('x'));
    const Run run = play(*server, optionsFor(*server, send));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(findingIds(run), ids({QStringLiteral("message-too-large")}));
    QVERIFY(findingDetail(run, QStringLiteral("message-too-large"))
                .contains(QLatin1String("at most 1000 bytes (SIZE 1000)")));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=failed rcpt-to=skipped data=skipped quit=ok"));
}

void TestSendScenarios::requireTlsMissingSendsNothing()
{
    auto server = serverFor(QStringLiteral("smtp-send-requiretls-missing"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@example.org")});
    send.requireTls = true;
    const Run run = play(*server, optionsFor(*server, send));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(findingIds(run), ids({QStringLiteral("requiretls-not-offered")}));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=failed rcpt-to=skipped data=skipped quit=ok"));
}

void TestSendScenarios::relayDeniedInPipeline()
{
    auto server = serverFor(QStringLiteral("smtp-send-relay-denied"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@elsewhere.example")});
    const Run run = play(*server, optionsFor(*server, send));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(findingIds(run), ids({QStringLiteral("recipient-relay-denied")}));
    QCOMPARE(findingDetail(run, QStringLiteral("recipient-relay-denied")),
             QStringLiteral("bob@elsewhere.example: 554 5.7.1 <bob@elsewhere.example>: Relay access denied"));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=ok rcpt-to=failed data=skipped quit=ok"));
}

void TestSendScenarios::largeMessageStreamsWithProgress()
{
    auto server = serverFor(QStringLiteral("smtp-send-good"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@example.org"), QStringLiteral("cy@example.org")});
    QByteArray file(1024 * 1024, Qt::Uninitialized);
    QRandomGenerator random(1234);
    random.fillRange(reinterpret_cast<quint32*>(file.data()), file.size() / 4);
    send.message.attachments.append({QStringLiteral("big.bin"), file, "application/octet-stream"});
    ProbeSession session(optionsFor(*server, send));
    QSignalSpy progress(&session, &ProbeSession::messageProgress);
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.isFinished(), RunTimeoutMs);
    QTRY_VERIFY(server->isFinished());
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    const Run& run = session.run();
    QCOMPARE(findingIds(run), QString());
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=ok rcpt-to=ok rcpt-to=ok data=ok quit=ok"));
    // What the server received, dot-stuffing undone (RFC 5321 s.4.5.2), is the message whose size
    // went in SIZE= (RFC 1870 s.6), and it carries the file byte for byte (base64, RFC 2045 s.6.8).
    QCOMPARE(server->dataBodies().size(), 1);
    QByteArray message;
    QByteArray flat;
    for (const QByteArray& line : server->dataBodies().constFirst().split('\n')) {
        if (line.isEmpty())
            continue;
        const QByteArray unstuffed = line.startsWith("..") ? line.mid(1) : line;
        message += unstuffed + '\n';
        flat += unstuffed.chopped(1); // without its CR
    }
    const QString mailFrom = clientLinesIn(run, StepId::MailFrom).value(0);
    QCOMPARE(mailFrom, QStringLiteral("MAIL FROM:<ann@example.org> SIZE=%1").arg(message.size()));
    QVERIFY(flat.contains(file.toBase64()));
    // Progress: one signal per 64 KiB chunk, growing, the last one at the whole message.
    const qint64 total = message.size();
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.size(), int((total + 65535) / 65536));
    qint64 previous = 0;
    for (const QList<QVariant>& args : std::as_const(progress)) {
        QVERIFY(args.at(0).toLongLong() > previous);
        QCOMPARE(args.at(1).toLongLong(), total);
        previous = args.at(0).toLongLong();
    }
    QCOMPARE(previous, total);
}

void TestSendScenarios::senderRefusedSendsNothingMore()
{
    auto server = serverFor(QStringLiteral("smtp-send-sender-refused"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@example.org")});
    send.pipelining = false;
    const Run run = play(*server, optionsFor(*server, send));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(findingIds(run), ids({QStringLiteral("sender-refused")}));
    QCOMPARE(findingDetail(run, QStringLiteral("sender-refused")),
             QStringLiteral("553 5.7.1 <ann@example.org>: Sender address rejected: not owned by user alice"));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=failed rcpt-to=skipped data=skipped quit=ok"));
    QCOMPARE(run.verdict(), Verdict::Critical);
}

void TestSendScenarios::messageRefusedAfterTheDot()
{
    auto server = serverFor(QStringLiteral("smtp-send-message-refused"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@example.org")});
    const Run run = play(*server, optionsFor(*server, send));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(findingIds(run), ids({QStringLiteral("message-refused")}));
    QCOMPARE(findingDetail(run, QStringLiteral("message-refused")),
             QStringLiteral("554 5.7.1 Message rejected: spam content detected"));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=ok rcpt-to=ok data=failed quit=ok"));
    QCOMPARE(server->dataBodies().size(), 1); // the whole message went, then the refusal
    QCOMPARE(run.message->queueReply, QString());
    QCOMPARE(run.verdict(), Verdict::Critical);
}

void TestSendScenarios::tooManyRecipientsIsNotGreylisting()
{
    auto server = serverFor(QStringLiteral("smtp-send-too-many"));
    QVERIFY(server);
    SendOptions send;
    send.message = sampleMessage({QStringLiteral("bob@example.org"), QStringLiteral("cy@example.org")});
    const Run run = play(*server, optionsFor(*server, send));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(findingIds(run), ids({QStringLiteral("recipient-too-many")}));
    QCOMPARE(findingDetail(run, QStringLiteral("recipient-too-many")),
             QStringLiteral("cy@example.org: 452 4.5.3 Error: too many recipients"));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=ok rcpt-to=ok rcpt-to=warning data=ok quit=ok"));
    QCOMPARE(run.message->queueReply, QStringLiteral("250 2.0.0 Ok: queued as 9TooMany"));
    QCOMPARE(run.verdict(), Verdict::Warning);
}

QTEST_GUILESS_MAIN(TestSendScenarios)
#include "TestSendScenarios.moc"
