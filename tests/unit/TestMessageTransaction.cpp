// The message transaction: the decisions of MessageTransaction (parameters, queue ids, refusal
// kinds, SIZE) and the exact bytes and writes of ProbeSession over the in-memory transport
// (PIPELINING: the envelope in ONE write; lock-step otherwise; BDAT; enforce sends nothing).

#include "FakeLineTransport.h"
#include "Handshakes.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

namespace {
Reply reply(int code, const char* text)
{
    Reply r;
    r.code = code;
    r.positive = code < 400;
    r.text = QString::fromUtf8(text);
    r.lines = {QByteArray::number(code) + ' ' + text};
    return r;
}

SendOptions sample()
{
    SendOptions send;
    send.message.from = QStringLiteral("ann@example.org");
    send.message.to = {QStringLiteral("bob@example.org"), QStringLiteral("cy@example.org")};
    send.message.subject = QStringLiteral("t");
    send.message.body = QStringLiteral("hello\n");
    return send;
}

QByteArray ehlo(const char* lastCaps) { return QByteArray("250-mx.test\r\n") + lastCaps; }
} // namespace

class TestMessageTransaction final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queueIds_data();
    void queueIds();
    void recipientFindings_data();
    void recipientFindings();
    void parametersFollowTheOffer();
    void internationalAddressNeedsSmtpUtf8();
    void pipelinedEnvelopeIsOneWrite();
    void lockStepWhenPipeliningIsOff();
    void bdatSendsTheMessageUnstuffed();
    void enforceSendsNothingOverPlaintext();
    void payloadChunksJoinToTheWholePayload_data();
    void payloadChunksJoinToTheWholePayload();
    void largeMessageGoesInChunksWithProgress();
};

void TestMessageTransaction::queueIds_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("id");
    QTest::newRow("postfix") << "2.0.0 Ok: queued as 4QxYz1AbCd"
                             << "4QxYz1AbCd";
    QTest::newRow("exim") << "OK id=1sXyZa-0001Ab-2c"
                          << "1sXyZa-0001Ab-2c";
    QTest::newRow("sendmail") << "2.0.0 4B1JZ1Sb012345 Message accepted for delivery"
                              << "4B1JZ1Sb012345";
    QTest::newRow("none") << "2.0.0 OK"
                          << "";
}

void TestMessageTransaction::queueIds()
{
    QFETCH(QString, text);
    QFETCH(QString, id);
    QCOMPARE(MessageTransaction::queueIdFrom(reply(250, text.toUtf8().constData())), id);
}

void TestMessageTransaction::recipientFindings_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("finding");
    QTest::newRow("greylisted") << 450 << "4.2.0 <b@x>: Recipient address rejected: Greylisted"
                                << "recipient-greylisted";
    // RFC 6647: greylisting says so, in words or with 4.2.0 / 4.7.x, on 450 or 451.
    QTest::newRow("greylisted-451-4.7.1") << 451 << "4.7.1 Please try again later"
                                          << "recipient-greylisted";
    QTest::newRow("greylisted-no-enhanced") << 450 << "Greylisted for 5 minutes"
                                            << "recipient-greylisted";
    // RFC 5321 s.4.5.3.1.10 / RFC 3463 X.5.3: too many recipients, not greylisting.
    QTest::newRow("too-many") << 452 << "4.5.3 Error: too many recipients"
                              << "recipient-too-many";
    QTest::newRow("too-many-words") << 452 << "Too many recipients received this hour"
                                    << "recipient-too-many";
    // RFC 3463 X.3.1 and other temporary failures that do not say greylisting.
    QTest::newRow("storage") << 452 << "4.3.1 Insufficient system storage"
                             << "recipient-deferred";
    QTest::newRow("lookup") << 451 << "4.3.0 <b@x>: Temporary lookup failure"
                            << "recipient-deferred";
    QTest::newRow("busy") << 450 << "4.2.1 Mailbox busy, try again later"
                          << "recipient-deferred";
    QTest::newRow("later-not-grey") << 451 << "4.3.0 Local error, try again later"
                                    << "recipient-deferred";
    QTest::newRow("relay") << 554 << "5.7.1 <b@x>: Relay access denied"
                           << "recipient-relay-denied";
    QTest::newRow("unknown") << 550 << "5.1.1 <b@x>: Recipient address rejected: User unknown"
                             << "recipient-unknown";
    QTest::newRow("other") << 553 << "5.7.1 Sender not authorised for this recipient"
                           << "recipient-refused";
}

void TestMessageTransaction::recipientFindings()
{
    QFETCH(int, code);
    QFETCH(QString, text);
    QFETCH(QString, finding);
    QCOMPARE(MessageTransaction::recipientFinding(reply(code, text.toUtf8().constData())), finding);
}

void TestMessageTransaction::parametersFollowTheOffer()
{
    SendOptions send = sample();
    send.dsnNotify = "SUCCESS,FAILURE";
    send.requireTls = true;
    MessageTransaction offered(send, {QStringLiteral("SIZE 5000"), QStringLiteral("DSN"),
                                      QStringLiteral("REQUIRETLS"), QStringLiteral("8BITMIME")});
    QVERIFY(!offered.prepare({}));
    const QByteArray size = QByteArray::number(offered.built().bytes.size());
    // RFC 3461 s.4.4: ENVID is the Message-ID without brackets (xtext needs no escapes for it).
    const QByteArray id = offered.built().messageId;
    QVERIFY2(QRegularExpression(QStringLiteral("^<[0-9a-f]+@example\\.org>$"))
                 .match(QString::fromLatin1(id))
                 .hasMatch(),
             id.constData());
    QCOMPARE(offered.mailFromCommand(), "MAIL FROM:<ann@example.org> SIZE=" + size
                                            + " RET=HDRS ENVID=" + id.mid(1).chopped(1) + " REQUIRETLS\r\n");
    QCOMPARE(offered.rcptCommand(1), QByteArray("RCPT TO:<cy@example.org> NOTIFY=SUCCESS,FAILURE\r\n"));
    QVERIFY(!offered.pipelined());

    send.requireTls = false;
    MessageTransaction plain(send, {});
    QVERIFY(!plain.prepare({}));
    QCOMPARE(plain.mailFromCommand(), QByteArray("MAIL FROM:<ann@example.org>\r\n"));
    QCOMPARE(plain.rcptCommand(0), QByteArray("RCPT TO:<bob@example.org>\r\n"));

    MessageTransaction small(sample(), {QStringLiteral("SIZE 100")});
    const auto problem = small.prepare({});
    QVERIFY(problem);
    QCOMPARE(problem->findingId, QStringLiteral("message-too-large"));
    QCOMPARE(MessageTransaction::sizeLimit({QStringLiteral("SIZE 0")}), 0); // RFC 1870: no fixed limit
}

void TestMessageTransaction::internationalAddressNeedsSmtpUtf8()
{
    SendOptions send = sample();
    send.message.to = {QStringLiteral("jörg@example.org")};
    MessageTransaction without(send, {QStringLiteral("8BITMIME")});
    const auto problem = without.prepare({});
    QVERIFY(problem);
    QCOMPARE(problem->findingId, QStringLiteral("smtputf8-not-offered"));
    MessageTransaction with(send, {QStringLiteral("8BITMIME"), QStringLiteral("SMTPUTF8")});
    QVERIFY(!with.prepare({}));
    QVERIFY(with.mailFromCommand().endsWith(" BODY=8BITMIME SMTPUTF8\r\n"));
    QCOMPARE(with.rcptCommand(0), QByteArray("RCPT TO:<jörg@example.org>\r\n"));
}

namespace {
/// Runs a STARTTLS conversation up to the envelope; returns the session and its fake transport.
struct Conversation
{
    std::unique_ptr<ProbeSession> session;
    FakeLineTransport* transport = nullptr;

    explicit Conversation(SendOptions send, const char* tlsCaps, TlsPolicy policy = TlsPolicy::Enforce,
                          TlsMode mode = TlsMode::StartTls)
    {
        ProbeOptions o;
        o.host = QStringLiteral("127.0.0.1");
        o.port = 2525;
        o.heloName = QStringLiteral("probe.test");
        o.stepTimeoutMs = 5000;
        o.policy = policy;
        o.tls = mode;
        o.send = std::move(send);
        auto fake = std::make_unique<FakeLineTransport>();
        transport = fake.get();
        session = std::make_unique<ProbeSession>(o, std::move(fake));
        session->start();
        if (!QTest::qWaitFor([&] { return transport->isOpen(); }, 5000))
            return;
        transport->acceptConnection();
        transport->serverSends("220 mx.test ESMTP\r\n");
        if (!QTest::qWaitFor([&] { return transport->lastWrite() == "EHLO probe.test\r\n"; }, 5000))
            return;
        if (mode == TlsMode::None) {
            transport->serverSends(ehlo(tlsCaps));
            return;
        }
        transport->serverSends(ehlo("250 STARTTLS\r\n"));
        if (!QTest::qWaitFor([&] { return transport->lastWrite() == "STARTTLS\r\n"; }, 5000))
            return;
        transport->serverSends("220 go ahead\r\n");
        if (!QTest::qWaitFor([&] { return transport->tlsRequested(); }, 5000))
            return;
        transport->completeHandshake(goodHandshake());
        if (!QTest::qWaitFor([&] { return transport->writeCount() == 3; }, 5000))
            return;
        transport->serverSends(ehlo(tlsCaps));
    }
};
} // namespace

void TestMessageTransaction::pipelinedEnvelopeIsOneWrite()
{
    Conversation c(sample(), "250 PIPELINING\r\n");
    QTRY_COMPARE(c.transport->writeCount(), 4);
    // RFC 2920 s.3.1: MAIL, both RCPTs and DATA (last in the group) in one write.
    QCOMPARE(
        c.transport->lastWrite(),
        QByteArray("MAIL FROM:<ann@example.org>\r\nRCPT TO:<bob@example.org>\r\nRCPT TO:<cy@example.org>\r\n"
                   "DATA\r\n"));
    // All four replies in one read: each is matched to its command, none is taken as unasked.
    c.transport->serverSends(
        "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <cy@example.org>: User unknown\r\n354 go\r\n");
    QTRY_COMPARE(c.transport->writeCount(), 5);
    const QByteArray payload = c.transport->lastWrite();
    QVERIFY(payload.endsWith("\r\nhello\r\n.\r\n"));
    c.transport->serverSends("250 2.0.0 Ok: queued as ABC\r\n");
    QTRY_COMPARE(c.transport->lastWrite(), QByteArray("QUIT\r\n"));
    c.transport->serverSends("221 Bye\r\n");
    QTRY_VERIFY(c.session->isFinished());
    const Run& run = c.session->run();
    QCOMPARE(findingIds(run), ids({QStringLiteral("recipient-unknown")}));
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=ok rcpt-to=ok rcpt-to=failed data=ok quit=ok"));
    QCOMPARE(run.message->queueReply, QStringLiteral("250 2.0.0 Ok: queued as ABC"));
}

void TestMessageTransaction::lockStepWhenPipeliningIsOff()
{
    SendOptions send = sample();
    send.pipelining = false;
    Conversation c(send, "250 PIPELINING\r\n");
    QTRY_COMPARE(c.transport->lastWrite(), QByteArray("MAIL FROM:<ann@example.org>\r\n"));
    c.transport->serverSends("250 Ok\r\n");
    QTRY_COMPARE(c.transport->lastWrite(), QByteArray("RCPT TO:<bob@example.org>\r\n"));
    c.transport->serverSends("250 Ok\r\n");
    QTRY_COMPARE(c.transport->lastWrite(), QByteArray("RCPT TO:<cy@example.org>\r\n"));
    c.transport->serverSends("250 Ok\r\n");
    QTRY_COMPARE(c.transport->lastWrite(), QByteArray("DATA\r\n"));
    QCOMPARE(c.transport->writeCount(), 7);
}

void TestMessageTransaction::bdatSendsTheMessageUnstuffed()
{
    SendOptions send = sample();
    send.message.body = QStringLiteral(".starts with a dot\n");
    send.bdat = true;
    send.message.to = {QStringLiteral("bob@example.org")};
    Conversation c(send, "250-PIPELINING\r\n250 CHUNKING\r\n");
    // With BDAT the envelope goes without DATA; the chunk waits for the RCPT reply.
    QTRY_COMPARE(c.transport->lastWrite(),
                 QByteArray("MAIL FROM:<ann@example.org>\r\nRCPT TO:<bob@example.org>\r\n"));
    c.transport->serverSends("250 Ok\r\n250 Ok\r\n");
    QTRY_VERIFY(c.transport->lastWrite().startsWith("BDAT "));
    const QByteArray chunk = c.transport->lastWrite();
    const qsizetype headerEnd = chunk.indexOf("\r\n");
    const QList<QByteArray> words = chunk.left(headerEnd).split(' ');
    QCOMPARE(words.size(), 3);
    QCOMPARE(words.at(2), QByteArray("LAST"));
    // RFC 3030 s.2: exactly the announced number of octets, not dot-stuffed, no terminator.
    QCOMPARE(chunk.size() - headerEnd - 2, words.at(1).toLongLong());
    QVERIFY(chunk.endsWith("\r\n.starts with a dot\r\n"));
}

void TestMessageTransaction::enforceSendsNothingOverPlaintext()
{
    Conversation c(sample(), "250 PIPELINING\r\n", TlsPolicy::Opportunistic, TlsMode::None);
    QTRY_VERIFY(c.transport->lastWrite().startsWith("MAIL FROM:")); // opportunistic: sent
    Conversation e(sample(), "250 PIPELINING\r\n", TlsPolicy::Enforce, TlsMode::None);
    QTRY_COMPARE(e.transport->lastWrite(), QByteArray("QUIT\r\n"));
    QCOMPARE(e.transport->written(), QByteArray("EHLO probe.test\r\nQUIT\r\n"));
    QCOMPARE(e.session->run().step(StepId::MailFrom)->status, StepStatus::Failed);
}

namespace {
/// A body whose lines start with dots at many offsets, so chunk edges fall next to them.
QString dottedBody(int lines)
{
    QString body;
    for (int i = 0; i < lines; ++i)
        body += (i % 3 == 0 ? QStringLiteral(".") : QString()) + QString(i % 17, QLatin1Char('x')) + u'\n';
    return body;
}
} // namespace

void TestMessageTransaction::payloadChunksJoinToTheWholePayload_data()
{
    QTest::addColumn<bool>("bdat");
    QTest::addColumn<int>("chunk");
    for (const int chunk : {1, 2, 3, 7, 64, 65536}) {
        QTest::addRow("data-%d", chunk) << false << chunk;
        QTest::addRow("bdat-%d", chunk) << true << chunk;
    }
}

void TestMessageTransaction::payloadChunksJoinToTheWholePayload()
{
    QFETCH(bool, bdat);
    QFETCH(int, chunk);
    SendOptions send = sample();
    send.bdat = bdat;
    send.message.body = dottedBody(40);
    MessageTransaction t(send, {QStringLiteral("CHUNKING")});
    QVERIFY(!t.prepare({}));
    const QByteArray message = t.built().bytes;
    QVERIFY(message.contains("\r\n.\r\n") || message.contains("\r\n.x")); // dots at line starts
    // The expectation: RFC 3030 s.2 (BDAT: the octets as they are) or RFC 5321 s.4.5.2 and
    // s.4.1.1.4 (dot-stuffed by TestMessage::dotStuffed, then CRLF "." CRLF).
    QByteArray expected;
    if (bdat) {
        expected = "BDAT " + QByteArray::number(message.size()) + " LAST\r\n" + message;
    } else {
        expected = TestMessage::dotStuffed(message);
        if (!expected.endsWith("\r\n"))
            expected += "\r\n";
        expected += ".\r\n";
    }
    QByteArray joined;
    for (qint64 from = 0; from < message.size(); from += chunk)
        joined += t.payloadChunk(from, chunk);
    QCOMPARE(joined, expected);
    QCOMPARE(t.dataPayload(), expected);
}

void TestMessageTransaction::largeMessageGoesInChunksWithProgress()
{
    SendOptions send = sample();
    send.message.to = {QStringLiteral("bob@example.org")};
    send.message.body = dottedBody(20000); // about 190 KB: four chunks of 64 KiB
    Conversation c(send, "250 PIPELINING\r\n");
    QSignalSpy progress(c.session.get(), &ProbeSession::messageProgress);
    QTRY_COMPARE(c.transport->writeCount(), 4);
    c.transport->serverSends("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
    QTRY_VERIFY(!progress.isEmpty() && progress.constLast().at(0) == progress.constLast().at(1));
    // Each chunk is its own write; together they are the dot-stuffed message and its end.
    const QList<FakeLineTransport::Event> events = c.transport->events();
    QByteArray payload;
    int payloadWrites = 0;
    for (qsizetype i = events.size() - 1; i >= 0 && events.at(i).kind == FakeLineTransport::Event::Write;
         --i) {
        if (events.at(i).bytes.startsWith("MAIL FROM:"))
            break;
        payload.prepend(events.at(i).bytes);
        ++payloadWrites;
    }
    QVERIFY(payload.endsWith("\r\n.\r\n"));
    QByteArray unstuffed = payload.chopped(3); // "." CRLF
    unstuffed.replace("\r\n..", "\r\n.");
    const qint64 total = progress.constLast().at(1).toLongLong();
    QCOMPARE(unstuffed.size(), total);
    QVERIFY(unstuffed.contains("\r\n.xxxxxxxxxxxxx\r\n"));
    QCOMPARE(payloadWrites, int((total + 65535) / 65536));
    QCOMPARE(progress.size(), payloadWrites);
    qint64 previous = 0;
    for (const QList<QVariant>& args : std::as_const(progress)) {
        QVERIFY(args.at(0).toLongLong() > previous);
        QCOMPARE(args.at(1).toLongLong(), total);
        previous = args.at(0).toLongLong();
    }
    c.transport->serverSends("250 2.0.0 Ok: queued as BIG\r\n");
    QTRY_COMPARE(c.transport->lastWrite(), QByteArray("QUIT\r\n"));
}

QTEST_GUILESS_MAIN(TestMessageTransaction)
#include "TestMessageTransaction.moc"
