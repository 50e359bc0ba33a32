// CommandInjectionProbe over the in-memory transport: the exact bytes (STARTTLS and the injected
// NOOP in ONE write), nothing but QUIT after the handshake, and the verdict per protocol.

#include "audit/CommandInjectionProbe.h"
#include "FakeLineTransport.h"
#include "protocol/Dialect.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

class TestTlsInjectionProbe final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void injectedCommands();
    void smtpVulnerable();
    void smtpNotVulnerable();
    void smtpNoStartTls();
    void smtpPlaintextAnswerIsNotVulnerable();
    void implicitTlsIsNotApplicable();
    void imapVulnerable();
    void imapSecondGreetingAndStaleTagAreNotVulnerable();
    void smtpSecondGreetingIsNotVulnerable();
    void handshakeBrokenByTheInjectionIsNotVulnerable();
    void smtpFloodIsInconclusiveAndCutOff();
    void pop3Verdicts_data();
    void pop3Verdicts();

private:
    struct Harness
    {
        FakeLineTransport* transport = nullptr;
        std::unique_ptr<CommandInjectionProbe> probe;
    };
    static Harness make(Protocol protocol, TlsMode mode = TlsMode::StartTls);
    /// Plays the SMTP preamble up to the STARTTLS go-ahead.
    static void smtpUpToGoAhead(Harness& h);
    /// Plays the IMAP preamble through the handshake; returns the injected and LOGOUT tags.
    static std::pair<QByteArray, QByteArray> imapThroughHandshake(Harness& h);
    static void pop3ThroughHandshake(Harness& h);
};

TestTlsInjectionProbe::Harness TestTlsInjectionProbe::make(Protocol protocol, TlsMode mode)
{
    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = 2525;
    o.protocol = protocol;
    o.tls = mode;
    o.stepTimeoutMs = 5000;
    auto transport = std::make_unique<FakeLineTransport>();
    Harness h;
    h.transport = transport.get();
    h.probe = std::make_unique<CommandInjectionProbe>(o, std::move(transport));
    return h;
}

void TestTlsInjectionProbe::smtpUpToGoAhead(Harness& h)
{
    h.probe->start();
    h.transport->acceptConnection();
    h.transport->serverSends("220 fake ESMTP\r\n");
    QCOMPARE(h.transport->lastWrite(), QByteArray("EHLO mailscope.invalid\r\n"));
    h.transport->serverSends("250-fake\r\n250 STARTTLS\r\n");
    // The heart of the probe: both commands in one write.
    QCOMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\nNOOP\r\n"));
    QCOMPARE(h.transport->writeCount(), 2);
    h.transport->serverSends("220 2.0.0 Ready to start TLS\r\n");
    QVERIFY(h.transport->tlsRequested());
    QCOMPARE(h.transport->lastTlsOptions().peerVerifyName, QStringLiteral("127.0.0.1"));
}

void TestTlsInjectionProbe::injectedCommands()
{
    QCOMPARE(CommandInjectionProbe::injectedCommand(Protocol::Smtp, {}), QByteArray("NOOP\r\n"));
    QCOMPARE(CommandInjectionProbe::injectedCommand(Protocol::Pop3, {}), QByteArray("NOOP\r\n"));
    QCOMPARE(CommandInjectionProbe::injectedCommand(Protocol::Imap, "INJ1"), QByteArray("INJ1 NOOP\r\n"));
    // Each IMAP probe tags its injected command with a tag of its own (RFC 9051 s.2.2.1), which
    // no canned line and no other probe's reply can carry.
    const Harness a = make(Protocol::Imap);
    const Harness b = make(Protocol::Imap);
    const QRegularExpression shape(QStringLiteral("^INJ[0-9A-F]{8} NOOP\r\n$"));
    QVERIFY2(shape.match(QString::fromLatin1(a.probe->injectedCommand())).hasMatch(),
             a.probe->injectedCommand().constData());
    QVERIFY(a.probe->injectedCommand() != b.probe->injectedCommand());
    QCOMPARE(make(Protocol::Smtp).probe->injectedCommand(), QByteArray("NOOP\r\n"));
}

void TestTlsInjectionProbe::smtpVulnerable()
{
    Harness h = make(Protocol::Smtp);
    smtpUpToGoAhead(h);
    h.transport->completeHandshake({});
    QCOMPARE(h.transport->writtenAfterTlsRequest(), QByteArray("QUIT\r\n"));
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    // A vulnerable server answers the NOOP it buffered before TLS, inside TLS.
    h.transport->serverSends("250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n");
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::Vulnerable);
    QVERIFY2(h.probe->detail().contains(QLatin1String("250 2.0.0 Ok")), qPrintable(h.probe->detail()));
    QCOMPARE(CommandInjectionProbe::toKey(h.probe->verdict()), QStringLiteral("vulnerable"));
}

void TestTlsInjectionProbe::smtpNotVulnerable()
{
    Harness h = make(Protocol::Smtp);
    smtpUpToGoAhead(h);
    h.transport->completeHandshake({});
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.transport->serverSends("221 2.0.0 Bye\r\n");
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::NotVulnerable);
    QCOMPARE(h.transport->writtenAfterTlsRequest(), QByteArray("QUIT\r\n"));
}

void TestTlsInjectionProbe::smtpNoStartTls()
{
    Harness h = make(Protocol::Smtp);
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.probe->start();
    h.transport->acceptConnection();
    h.transport->serverSends("220 fake ESMTP\r\n");
    h.transport->serverSends("250-fake\r\n250 8BITMIME\r\n");
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::NotApplicable);
    QVERIFY(!h.transport->written().contains("NOOP"));
}

void TestTlsInjectionProbe::smtpPlaintextAnswerIsNotVulnerable()
{
    // The NOOP answered before TLS (in plaintext) was not executed inside TLS: not this bug.
    Harness h = make(Protocol::Smtp);
    h.probe->start();
    h.transport->acceptConnection();
    h.transport->serverSends("220 fake ESMTP\r\n");
    h.transport->serverSends("250-fake\r\n250 STARTTLS\r\n");
    h.transport->serverSends("220 2.0.0 Ready\r\n250 2.0.0 Ok\r\n");
    QVERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake({});
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.transport->serverSends("221 2.0.0 Bye\r\n");
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::NotVulnerable);
    QVERIFY(h.probe->transcript()
                .join(QLatin1Char('\n'))
                .contains(QLatin1String("[plaintext, discarded] 250 2.0.0 Ok")));
}

void TestTlsInjectionProbe::implicitTlsIsNotApplicable()
{
    Harness h = make(Protocol::Smtp, TlsMode::Implicit);
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.probe->start();
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::NotApplicable);
    QCOMPARE(h.transport->writeCount(), 0);
}

std::pair<QByteArray, QByteArray> TestTlsInjectionProbe::imapThroughHandshake(Harness& h)
{
    h.probe->start();
    h.transport->acceptConnection();
    h.transport->serverSends("* OK IMAP ready\r\n");
    const QByteArray capability = h.transport->lastWrite();
    const QByteArray tag = capability.left(capability.indexOf(' '));
    h.transport->serverSends("* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag + " OK done\r\n");
    const QByteArray startTls = h.transport->lastWrite();
    [&] {
        QVERIFY2(startTls.endsWith(" STARTTLS\r\n" + h.probe->injectedCommand()), startTls.constData());
    }();
    const QByteArray injectedTag = h.probe->injectedCommand().left(h.probe->injectedCommand().indexOf(' '));
    const QByteArray stTag = startTls.left(startTls.indexOf(' '));
    h.transport->serverSends(stTag + " OK Begin TLS\r\n");
    [&] { QVERIFY(h.transport->tlsRequested()); }();
    h.transport->completeHandshake({});
    const QByteArray logout = h.transport->writtenAfterTlsRequest();
    [&] { QVERIFY2(logout.endsWith(" LOGOUT\r\n"), logout.constData()); }();
    return {injectedTag, logout.left(logout.indexOf(' '))};
}

void TestTlsInjectionProbe::imapVulnerable()
{
    Harness h = make(Protocol::Imap);
    const auto [injectedTag, logoutTag] = imapThroughHandshake(h);
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.transport->serverSends(injectedTag + " OK NOOP completed\r\n* BYE\r\n" + logoutTag + " OK bye\r\n");
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::Vulnerable);
    QVERIFY2(h.probe->detail().contains(QString::fromLatin1(injectedTag + " OK NOOP completed")),
             qPrintable(h.probe->detail()));
}

void TestTlsInjectionProbe::imapSecondGreetingAndStaleTagAreNotVulnerable()
{
    // Untagged data answers nothing, and a completion tagged for another command (the old fixed
    // tag INJ1, the STARTTLS tag) proves nothing: only LOGOUT was answered.
    Harness h = make(Protocol::Imap);
    const auto [injectedTag, logoutTag] = imapThroughHandshake(h);
    QVERIFY(injectedTag != "INJ1");
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.transport->serverSends("* OK IMAP ready again\r\nINJ1 OK NOOP completed\r\n* BYE\r\n" + logoutTag
                             + " OK bye\r\n");
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::NotVulnerable);
    QVERIFY2(h.probe->detail().contains(QLatin1String("INJ1 OK NOOP completed")),
             qPrintable(h.probe->detail()));
}

void TestTlsInjectionProbe::smtpSecondGreetingIsNotVulnerable()
{
    // A 220 greeting repeated inside TLS cannot be NOOP's reply (RFC 5321 s.4.3.2: NOOP -> 250).
    Harness h = make(Protocol::Smtp);
    smtpUpToGoAhead(h);
    h.transport->completeHandshake({});
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.transport->serverSends("220 fake ESMTP again\r\n221 2.0.0 Bye\r\n");
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::NotVulnerable);
    QVERIFY2(h.probe->detail().contains(QLatin1String("220 fake ESMTP again")),
             qPrintable(h.probe->detail()));
    QCOMPARE(h.transport->writtenAfterTlsRequest(), QByteArray("QUIT\r\n"));
}

void TestTlsInjectionProbe::handshakeBrokenByTheInjectionIsNotVulnerable()
{
    // Dovecot hands the bytes after STARTTLS to its TLS layer ("wrong version number") and the
    // handshake fails: no TLS session, so the injected command cannot have run inside one.
    Harness h = make(Protocol::Smtp);
    smtpUpToGoAhead(h);
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.transport->failHandshake(QStringLiteral("The server closed the connection during the TLS handshake."));
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::NotVulnerable);
    QVERIFY2(h.probe->detail().contains(QLatin1String("TLS handshake failed")),
             qPrintable(h.probe->detail()));
    QCOMPARE(h.transport->writtenAfterTlsRequest(), QByteArray());
}

void TestTlsInjectionProbe::smtpFloodIsInconclusiveAndCutOff()
{
    Harness h = make(Protocol::Smtp);
    smtpUpToGoAhead(h);
    h.transport->completeHandshake({});
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    // 2 MB of continuation lines in one read: never a complete reply, never a verdict by itself.
    h.transport->serverSends(QByteArray("250-flood\r\n").repeated(200000));
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::Inconclusive);
    QCOMPARE(CommandInjectionProbe::toKey(h.probe->verdict()), QStringLiteral("inconclusive"));
    QVERIFY2(h.probe->detail().contains(QLatin1String("flooding")), qPrintable(h.probe->detail()));
    // The connection was cut at the bound, and the transcript holds the bounded part only.
    QCOMPARE(h.transport->events().constLast().kind, FakeLineTransport::Event::Abort);
    QVERIFY(!h.transport->isOpen());
    int afterTls = 0;
    bool counting = false;
    for (const QString& line : h.probe->transcript()) {
        if (line == QLatin1String("C: QUIT"))
            counting = true;
        else if (counting)
            ++afterTls;
    }
    QCOMPARE(afterTls, InjectionReplyJudge::MaxLines + 1);
}

void TestTlsInjectionProbe::pop3ThroughHandshake(Harness& h)
{
    h.probe->start();
    h.transport->acceptConnection();
    h.transport->serverSends("+OK POP3 ready\r\n");
    QCOMPARE(h.transport->lastWrite(), QByteArray("CAPA\r\n"));
    h.transport->serverSends("+OK\r\nUSER\r\nSTLS\r\n.\r\n");
    QCOMPARE(h.transport->lastWrite(), QByteArray("STLS\r\nNOOP\r\n"));
    h.transport->serverSends("+OK Begin TLS\r\n");
    QVERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake({});
    QCOMPARE(h.transport->writtenAfterTlsRequest(), QByteArray("QUIT\r\n"));
}

void TestTlsInjectionProbe::pop3Verdicts_data()
{
    QTest::addColumn<QByteArray>("afterTls");
    QTest::addColumn<QString>("verdict");
    // RFC 1939 s.3: NOOP before login is refused (-ERR); QUIT gets +OK.
    QTest::newRow("discarded") << QByteArray("+OK Logging out.\r\n") << "not-vulnerable";
    QTest::newRow("NOOP answered") << QByteArray("-ERR Not logged in\r\n+OK Bye\r\n") << "vulnerable";
    QTest::newRow("second greeting") << QByteArray("+OK POP3 ready again\r\n+OK Bye\r\n") << "inconclusive";
    QTest::newRow("flood") << QByteArray("+OK flood\r\n").repeated(100000) << "inconclusive";
}

void TestTlsInjectionProbe::pop3Verdicts()
{
    QFETCH(QByteArray, afterTls);
    QFETCH(QString, verdict);
    Harness h = make(Protocol::Pop3);
    pop3ThroughHandshake(h);
    if (QTest::currentTestFailed())
        return;
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.transport->serverSends(afterTls);
    h.transport->serverCloses();
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(CommandInjectionProbe::toKey(h.probe->verdict()), verdict);
}

QTEST_GUILESS_MAIN(TestTlsInjectionProbe)
#include "TestTlsInjectionProbe.moc"
