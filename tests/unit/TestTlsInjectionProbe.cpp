// CommandInjectionProbe over the in-memory transport: the exact bytes (STARTTLS and the injected
// NOOP in ONE write), nothing but QUIT after the handshake, and the verdict per protocol.

#include "FakeLineTransport.h"
#include "protocol/Dialect.h"
#include "tls/CommandInjectionProbe.h"

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

private:
    struct Harness
    {
        FakeLineTransport* transport = nullptr;
        std::unique_ptr<CommandInjectionProbe> probe;
    };
    static Harness make(Protocol protocol, TlsMode mode = TlsMode::StartTls);
    /// Plays the SMTP preamble up to the STARTTLS go-ahead.
    static void smtpUpToGoAhead(Harness& h);
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
    QCOMPARE(CommandInjectionProbe::injectedCommand(Protocol::Smtp), QByteArray("NOOP\r\n"));
    QCOMPARE(CommandInjectionProbe::injectedCommand(Protocol::Pop3), QByteArray("NOOP\r\n"));
    QCOMPARE(CommandInjectionProbe::injectedCommand(Protocol::Imap), QByteArray("INJ1 NOOP\r\n"));
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

void TestTlsInjectionProbe::imapVulnerable()
{
    QVERIFY(Dialect::create(Protocol::Imap, QByteArray("x")));
    Harness h = make(Protocol::Imap);
    h.probe->start();
    h.transport->acceptConnection();
    h.transport->serverSends("* OK IMAP ready\r\n");
    const QByteArray capability = h.transport->lastWrite();
    const QByteArray tag = capability.left(capability.indexOf(' '));
    h.transport->serverSends("* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag + " OK done\r\n");
    const QByteArray startTls = h.transport->lastWrite();
    QVERIFY2(startTls.endsWith(" STARTTLS\r\nINJ1 NOOP\r\n"), startTls.constData());
    const QByteArray stTag = startTls.left(startTls.indexOf(' '));
    h.transport->serverSends(stTag + " OK Begin TLS\r\n");
    QVERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake({});
    const QByteArray logout = h.transport->writtenAfterTlsRequest();
    QVERIFY2(logout.endsWith(" LOGOUT\r\n"), logout.constData());
    QSignalSpy done(h.probe.get(), &CommandInjectionProbe::finished);
    h.transport->serverSends("INJ1 OK NOOP completed\r\n* BYE\r\n" + logout.left(logout.indexOf(' '))
                             + " OK bye\r\n");
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(h.probe->verdict(), CommandInjectionProbe::Verdict::Vulnerable);
}

QTEST_GUILESS_MAIN(TestTlsInjectionProbe)
#include "TestTlsInjectionProbe.moc"
