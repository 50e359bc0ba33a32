// The SMTP conversation over the in-memory transport: exact bytes, the order of steps, and the
// RFC 3207 rules (nothing parsed after the go-ahead, nothing written before the trust decision).

#include "FakeLineTransport.h"
#include "findings/FindingCatalogue.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <QSignalSpy>
#include <QTest>

namespace {

constexpr QByteArrayView Banner = "220 mx.test ESMTP\r\n";
constexpr QByteArrayView EhloPlain = "250-mx.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SIZE 1000\r\n";
constexpr QByteArrayView EhloTls =
    "250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n";

TlsHandshakeInfo goodHandshake()
{
    TlsHandshakeInfo info;
    info.facts.protocol = QStringLiteral("TLSv1.3");
    info.facts.cipher = QStringLiteral("TLS_AES_256_GCM_SHA384");
    info.facts.keyExchange = QStringLiteral("ECDHE X25519");
    info.facts.verified = true;
    return info;
}

TlsHandshakeInfo untrustedHandshake()
{
    TlsHandshakeInfo info = goodHandshake();
    info.facts.verified = false;
    info.errors = {QSslError(QSslError::CertificateExpired), QSslError(QSslError::HostNameMismatch)};
    for (const QSslError& e : std::as_const(info.errors))
        info.facts.errors.append(e.errorString());
    return info;
}

/// One engine over one fake transport, with helpers that play the server's part.
struct Harness
{
    explicit Harness(ProbeOptions options = defaults())
    {
        auto fake = std::make_unique<FakeLineTransport>();
        transport = fake.get();
        session = std::make_unique<ProbeSession>(std::move(options), std::move(fake));
        finished = std::make_unique<QSignalSpy>(session.get(), &ProbeSession::finished);
    }

    static ProbeOptions defaults()
    {
        ProbeOptions o;
        o.host = QStringLiteral("127.0.0.1");
        o.port = 2525;
        o.heloName = QStringLiteral("probe.test");
        o.stepTimeoutMs = 5000;
        return o;
    }

    QStringList stepStatuses() const
    {
        QStringList list;
        for (const StepRecord& s : session->run().steps)
            list.append(toKey(s.id) + QLatin1Char('=') + toKey(s.status));
        return list;
    }

    std::unique_ptr<ProbeSession> session;
    FakeLineTransport* transport = nullptr;
    std::unique_ptr<QSignalSpy> finished;
};

#define CONNECT_AND_GREET(h)                                                                                 \
    do {                                                                                                     \
        (h).session->start();                                                                                \
        QTRY_VERIFY((h).transport->isOpen());                                                                \
        (h).transport->acceptConnection();                                                                   \
        (h).transport->serverSends(Banner.toByteArray());                                                    \
        QTRY_COMPARE((h).transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));                         \
    } while (false)

} // namespace

class TestSmtpSession final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fullStartTlsConversation();
    void nothingIsWrittenBeforeTheTrustDecision();
    void insecureContinuesAndRecordsTheOverride();
    void injectedBytesAfterGoAheadAreDiscarded();
    void fragmentedMultilineReply();
    void startTlsNotOfferedUnderEnforce();
    void startTlsNotOfferedUnderOpportunistic();
    void startTlsRejected_data();
    void startTlsRejected();
    void plaintextAuthOfferedIsFlagged();
    void ehloFallsBackToHelo();
    void stopAfterGreetingSendsQuit();
    void stepModePausesBeforeEachStep();
    void cancelStopsAtOnce();
    void silentServerTimesOut();
    void connectionRefused();
    void malformedReply();
    void overlongLine();
    void serverClosesBeforeReply();
    void handshakeFailure();
    void serviceUnavailableBanner();
    void implicitTlsHandshakesBeforeBanner();
    void plaintextModeNeverStartsTls();
};

void TestSmtpSession::fullStartTlsConversation()
{
    Harness h;
    CONNECT_AND_GREET(h);
    QCOMPARE(h.transport->lastAddress(), QHostAddress(QStringLiteral("127.0.0.1")));
    QCOMPARE(h.transport->lastPort(), quint16(2525));

    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    h.transport->serverSends("220 2.0.0 Ready to start TLS\r\n");
    QTRY_VERIFY(h.transport->tlsRequested());
    QCOMPARE(h.transport->lastTlsOptions().peerVerifyName, QStringLiteral("127.0.0.1"));

    h.transport->completeHandshake(goodHandshake());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
    h.transport->serverSends(EhloTls.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 2.0.0 Bye\r\n");
    QTRY_COMPARE(h.finished->count(), 1);

    // Exactly these bytes, in this order, and TLS requested between STARTTLS and the second EHLO.
    QCOMPARE(h.transport->written(),
             QByteArray("EHLO probe.test\r\nSTARTTLS\r\nEHLO probe.test\r\nQUIT\r\n"));
    QCOMPARE(h.transport->writtenAfterTlsRequest(), QByteArray("EHLO probe.test\r\nQUIT\r\n"));

    const Run& run = h.session->run();
    QCOMPARE(h.stepStatuses(),
             (QStringList {QStringLiteral("resolve=ok"), QStringLiteral("connect=ok"),
                           QStringLiteral("banner=ok"), QStringLiteral("greeting=ok"),
                           QStringLiteral("starttls=ok"), QStringLiteral("tls-handshake=ok"),
                           QStringLiteral("greeting-tls=ok"), QStringLiteral("quit=ok")}));
    QCOMPARE(run.capabilitiesPlain, (QStringList {QStringLiteral("PIPELINING"), QStringLiteral("STARTTLS"),
                                                  QStringLiteral("SIZE 1000")}));
    QCOMPARE(run.capabilitiesTls,
             (QStringList {QStringLiteral("PIPELINING"), QStringLiteral("AUTH PLAIN LOGIN"),
                           QStringLiteral("SIZE 1000")}));
    QVERIFY(run.tls.has_value());
    QCOMPARE(run.tls->protocol, QStringLiteral("TLSv1.3"));
    QVERIFY(run.findings.isEmpty());
    QCOMPARE(run.verdict(), Verdict::Ok);

    // The transcript marks what travelled under TLS.
    const auto ehloTls = std::find_if(run.transcript.cbegin(), run.transcript.cend(),
                                      [](const TranscriptEntry& e) { return e.dir == 'C' && e.tls; });
    QVERIFY(ehloTls != run.transcript.cend());
    QCOMPARE(ehloTls->text, QStringLiteral("EHLO probe.test"));
    QCOMPARE(ehloTls->step, StepId::GreetingTls);
    const auto plainStartTls =
        std::find_if(run.transcript.cbegin(), run.transcript.cend(),
                     [](const TranscriptEntry& e) { return e.text == QLatin1String("STARTTLS"); });
    QVERIFY(plainStartTls != run.transcript.cend());
    QVERIFY(!plainStartTls->tls);
}

void TestSmtpSession::nothingIsWrittenBeforeTheTrustDecision()
{
    Harness h;
    CONNECT_AND_GREET(h);
    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    h.transport->serverSends("220 Ready\r\n");
    QTRY_VERIFY(h.transport->tlsRequested());
    const int writesAtGoAhead = h.transport->writeCount();

    // Before the handshake completes nothing is written, however long we wait.
    QCoreApplication::processEvents();
    QCOMPARE(h.transport->writeCount(), writesAtGoAhead);

    h.transport->completeHandshake(untrustedHandshake());
    QTRY_COMPARE(h.finished->count(), 1);
    // Strict by default: not a single byte (not even QUIT) to a server whose identity is unproven.
    QCOMPARE(h.transport->writtenAfterTlsRequest(), QByteArray());
    QCOMPARE(h.transport->events().constLast().kind, FakeLineTransport::Event::Abort);

    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Skipped);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Skipped);
    QVERIFY(run.hasFinding(FindingIds::CertExpired));
    QVERIFY(run.hasFinding(FindingIds::CertHostnameMismatch));
    QVERIFY(!run.hasFinding(FindingIds::CertVerificationOverridden));
    QVERIFY(!run.tls->verified);
    QCOMPARE(run.verdict(), Verdict::Critical);
}

void TestSmtpSession::insecureContinuesAndRecordsTheOverride()
{
    ProbeOptions options = Harness::defaults();
    options.insecure = true;
    Harness h(options);
    CONNECT_AND_GREET(h);
    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    h.transport->serverSends("220 Ready\r\n");
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake(untrustedHandshake());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));

    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Warning);
    QVERIFY(run.hasFinding(FindingIds::CertVerificationOverridden));
    QVERIFY(run.hasFinding(FindingIds::CertExpired)); // still reported
    QVERIFY(run.tls->verificationOverridden);
}

void TestSmtpSession::injectedBytesAfterGoAheadAreDiscarded()
{
    Harness h;
    CONNECT_AND_GREET(h);
    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    // The go-ahead and a forged reply in one segment, plus a partial line.
    h.transport->serverSends("220 Ready\r\n250-INJECTED\r\n250 AUTH PLAIN\r\npartial");
    QTRY_VERIFY(h.transport->tlsRequested());
    QVERIFY(!h.transport->canReadLine());
    h.transport->completeHandshake(goodHandshake());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
    h.transport->serverSends(EhloTls.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 Bye\r\n");
    QTRY_COMPARE(h.finished->count(), 1);

    const Run& run = h.session->run();
    QVERIFY(run.hasFinding(FindingIds::StartTlsResponseInjection));
    QCOMPARE(run.finding(FindingIds::StartTlsResponseInjection)->severity, Severity::Critical);
    QStringList discarded;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.discarded) {
            discarded.append(e.text);
            QCOMPARE(e.dir, 'S');
            QVERIFY(!e.tls);
        }
    }
    QCOMPARE(discarded, (QStringList {QStringLiteral("250-INJECTED"), QStringLiteral("250 AUTH PLAIN"),
                                      QStringLiteral("partial")}));
    QVERIFY(!run.capabilitiesTls.join(QLatin1Char(' ')).contains(QLatin1String("INJECTED")));
    QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Ok);
    QCOMPARE(run.step(StepId::StartTls)->status, StepStatus::Warning);
}

void TestSmtpSession::fragmentedMultilineReply()
{
    Harness h;
    CONNECT_AND_GREET(h);
    const QByteArray ehlo = EhloPlain.toByteArray();
    for (char c : ehlo)
        h.transport->serverSends(QByteArray(1, c));
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    QCOMPARE(h.session->run().capabilitiesPlain.size(), 3);
}

void TestSmtpSession::startTlsNotOfferedUnderEnforce()
{
    Harness h;
    CONNECT_AND_GREET(h);
    h.transport->serverSends("250-mx.test\r\n250 PIPELINING\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 Bye\r\n");
    QTRY_COMPARE(h.finished->count(), 1);

    QCOMPARE(h.transport->written(), QByteArray("EHLO probe.test\r\nQUIT\r\n"));
    QVERIFY(!h.transport->tlsRequested());
    const Run& run = h.session->run();
    QCOMPARE(run.finding(FindingIds::StartTlsNotOffered)->severity, Severity::Critical);
    QCOMPARE(run.step(StepId::StartTls)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Skipped);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Ok);
    QCOMPARE(run.verdict(), Verdict::Critical);
}

void TestSmtpSession::startTlsNotOfferedUnderOpportunistic()
{
    ProbeOptions options = Harness::defaults();
    options.policy = TlsPolicy::Opportunistic;
    Harness h(options);
    CONNECT_AND_GREET(h);
    h.transport->serverSends("250-mx.test\r\n250 PIPELINING\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 Bye\r\n");
    QTRY_COMPARE(h.finished->count(), 1);

    const Run& run = h.session->run();
    QCOMPARE(run.finding(FindingIds::StartTlsNotOffered)->severity, Severity::Warning);
    QVERIFY(run.hasFinding(FindingIds::PlaintextSession));
    QCOMPARE(run.step(StepId::StartTls)->status, StepStatus::Warning);
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Skipped);
    QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Skipped);
    QCOMPARE(run.verdict(), Verdict::Warning);
}

void TestSmtpSession::startTlsRejected_data()
{
    QTest::addColumn<TlsPolicy>("policy");
    QTest::addColumn<StepStatus>("status");
    QTest::addColumn<Severity>("severity");
    QTest::newRow("enforce") << TlsPolicy::Enforce << StepStatus::Failed << Severity::Critical;
    QTest::newRow("opportunistic") << TlsPolicy::Opportunistic << StepStatus::Warning << Severity::Warning;
}

void TestSmtpSession::startTlsRejected()
{
    QFETCH(TlsPolicy, policy);
    QFETCH(StepStatus, status);
    QFETCH(Severity, severity);
    ProbeOptions options = Harness::defaults();
    options.policy = policy;
    Harness h(options);
    CONNECT_AND_GREET(h);
    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    h.transport->serverSends("454 4.7.0 TLS not available due to local problem\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 Bye\r\n");
    QTRY_COMPARE(h.finished->count(), 1);

    const Run& run = h.session->run();
    const Finding* f = run.finding(FindingIds::StartTlsRejected);
    QVERIFY(f);
    QCOMPARE(f->severity, severity);
    QCOMPARE(f->detail, QStringLiteral("454 4.7.0 TLS not available due to local problem"));
    QCOMPARE(run.step(StepId::StartTls)->status, status);
    QVERIFY(!h.transport->tlsRequested());
}

void TestSmtpSession::plaintextAuthOfferedIsFlagged()
{
    Harness h;
    CONNECT_AND_GREET(h);
    h.transport->serverSends("250-mx.test\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    const Finding* f = h.session->run().finding(FindingIds::PlaintextAuthOffered);
    QVERIFY(f);
    QCOMPARE(f->detail, QStringLiteral("AUTH PLAIN LOGIN"));
    QCOMPARE(f->step, std::optional<StepId>(StepId::Greeting));
}

void TestSmtpSession::ehloFallsBackToHelo()
{
    Harness h;
    CONNECT_AND_GREET(h);
    h.transport->serverSends("502 5.5.2 Command not recognized\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("HELO probe.test\r\n"));
    h.transport->serverSends("250 mx.test\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Greeting)->status, StepStatus::Warning);
    QVERIFY(run.hasFinding(FindingIds::StartTlsNotOffered));
    QVERIFY(run.capabilitiesPlain.isEmpty());
}

void TestSmtpSession::stopAfterGreetingSendsQuit()
{
    ProbeOptions options = Harness::defaults();
    options.stopAfter = StepId::Greeting;
    Harness h(options);
    CONNECT_AND_GREET(h);
    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 Bye\r\n");
    QTRY_COMPARE(h.finished->count(), 1);
    QCOMPARE(h.stepStatuses(),
             (QStringList {QStringLiteral("resolve=ok"), QStringLiteral("connect=ok"),
                           QStringLiteral("banner=ok"), QStringLiteral("greeting=ok"),
                           QStringLiteral("starttls=skipped"), QStringLiteral("tls-handshake=skipped"),
                           QStringLiteral("greeting-tls=skipped"), QStringLiteral("quit=ok")}));
    QCOMPARE(h.session->run().verdict(), Verdict::Ok);
}

void TestSmtpSession::stepModePausesBeforeEachStep()
{
    Harness h;
    h.session->setStepMode(true);
    QSignalSpy paused(h.session.get(), &ProbeSession::paused);
    h.session->start();
    // The first step runs at once; then the engine waits before "connect".
    QTRY_COMPARE(paused.count(), 1);
    QCOMPARE(paused.at(0).at(0).value<StepId>(), StepId::Connect);
    QVERIFY(h.session->isPaused());
    QCoreApplication::processEvents();
    QVERIFY(!h.transport->isOpen());

    h.session->resume();
    QVERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    QTRY_COMPARE(paused.count(), 2);
    QCOMPARE(paused.at(1).at(0).value<StepId>(), StepId::Banner);
    h.session->resume();
    h.transport->serverSends(Banner.toByteArray());
    QTRY_COMPARE(paused.count(), 3);
    QCOMPARE(paused.at(2).at(0).value<StepId>(), StepId::Greeting);
    QCOMPARE(h.transport->writeCount(), 0);
    h.session->resume();
    QCOMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
}

void TestSmtpSession::cancelStopsAtOnce()
{
    Harness h;
    CONNECT_AND_GREET(h);
    h.session->cancel();
    QCOMPARE(h.finished->count(), 1);
    QVERIFY(!h.transport->isOpen());
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Greeting)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Skipped);
    QVERIFY(run.hasFinding(FindingIds::RunCancelled));
    QCOMPARE(run.verdict(), Verdict::Unknown);
    // Late server bytes change nothing.
    h.transport->serverSends(EhloPlain.toByteArray());
    QCoreApplication::processEvents();
    QCOMPARE(h.transport->written(), QByteArray("EHLO probe.test\r\n"));
}

void TestSmtpSession::silentServerTimesOut()
{
    ProbeOptions options = Harness::defaults();
    options.stepTimeoutMs = 200;
    Harness h(options);
    h.session->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    QTRY_COMPARE(h.finished->count(), 1);
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Banner)->status, StepStatus::Failed);
    QVERIFY(run.hasFinding(FindingIds::ServerTimeout));
    QCOMPARE(h.transport->events().constLast().kind, FakeLineTransport::Event::Abort);
}

void TestSmtpSession::connectionRefused()
{
    Harness h;
    h.session->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->refuseConnection();
    QTRY_COMPARE(h.finished->count(), 1);
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Connect)->status, StepStatus::Failed);
    QVERIFY(run.hasFinding(FindingIds::ConnectionRefused));
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Skipped);
}

void TestSmtpSession::malformedReply()
{
    Harness h;
    h.session->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    // No protocol's greeting at all (an SSH or IMAP banner is wrong-protocol: TestWrongPort).
    h.transport->serverSends("Welcome to the mail service\r\n");
    QTRY_COMPARE(h.finished->count(), 1);
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Banner)->status, StepStatus::Failed);
    QVERIFY(run.hasFinding(FindingIds::ReplyMalformed));
    QVERIFY(run.finding(FindingIds::ReplyMalformed)->detail.contains(QLatin1String("Welcome")));
}

void TestSmtpSession::overlongLine()
{
    Harness h;
    h.session->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    h.transport->serverSends("220 ");
    h.transport->serverSends(QByteArray(LineTransport::DefaultMaxLineLength + 10, 'x'));
    QTRY_COMPARE(h.finished->count(), 1);
    const Run& run = h.session->run();
    QVERIFY(run.hasFinding(FindingIds::ReplyTooLong));
    QCOMPARE(run.step(StepId::Banner)->status, StepStatus::Failed);
}

void TestSmtpSession::serverClosesBeforeReply()
{
    Harness h;
    CONNECT_AND_GREET(h);
    h.transport->serverSends("250-mx.test\r\n");
    h.transport->serverCloses();
    QTRY_COMPARE(h.finished->count(), 1);
    const Run& run = h.session->run();
    QVERIFY(run.hasFinding(FindingIds::ServerClosedEarly));
    QCOMPARE(run.step(StepId::Greeting)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Skipped);
}

void TestSmtpSession::handshakeFailure()
{
    Harness h;
    CONNECT_AND_GREET(h);
    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    h.transport->serverSends("220 Ready\r\n");
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->failHandshake(QStringLiteral("tlsv1 alert protocol version"));
    QTRY_COMPARE(h.finished->count(), 1);
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Failed);
    QCOMPARE(run.finding(FindingIds::TlsHandshakeFailed)->detail,
             QStringLiteral("tlsv1 alert protocol version"));
    QCOMPARE(h.transport->writtenAfterTlsRequest(), QByteArray());
}

void TestSmtpSession::serviceUnavailableBanner()
{
    Harness h;
    h.session->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    h.transport->serverSends("554 5.7.1 No SMTP service here\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    QVERIFY(h.session->run().hasFinding(FindingIds::ServiceUnavailable));
}

void TestSmtpSession::implicitTlsHandshakesBeforeBanner()
{
    ProbeOptions options = Harness::defaults();
    options.tls = TlsMode::Implicit;
    options.port = 465;
    Harness h(options);
    h.session->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    QTRY_VERIFY(h.transport->tlsRequested());
    QCOMPARE(h.transport->writeCount(), 0);
    h.transport->completeHandshake(goodHandshake());
    h.transport->serverSends(Banner.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
    h.transport->serverSends(EhloTls.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 Bye\r\n");
    QTRY_COMPARE(h.finished->count(), 1);
    QCOMPARE(h.stepStatuses(), (QStringList {QStringLiteral("resolve=ok"), QStringLiteral("connect=ok"),
                                             QStringLiteral("tls-handshake=ok"), QStringLiteral("banner=ok"),
                                             QStringLiteral("greeting=ok"), QStringLiteral("quit=ok")}));
    QVERIFY(h.session->run().capabilitiesPlain.isEmpty());
    QCOMPARE(h.session->run().capabilitiesTls.size(), 3);
    QVERIFY(!h.session->run().hasFinding(FindingIds::PlaintextAuthOffered));
}

void TestSmtpSession::plaintextModeNeverStartsTls()
{
    ProbeOptions options = Harness::defaults();
    options.tls = TlsMode::None;
    Harness h(options);
    CONNECT_AND_GREET(h);
    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    QVERIFY(!h.transport->tlsRequested());
}

QTEST_GUILESS_MAIN(TestSmtpSession)
#include "TestSmtpSession.moc"
