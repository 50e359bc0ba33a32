// The SMTP conversation over the in-memory transport: exact bytes, the order of steps, and the
// RFC 3207 rules (nothing parsed after the go-ahead, nothing written before the trust decision).

#include "FakeLineTransport.h"
#include "findings/FindingCatalogue.h"
#include "Handshakes.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <algorithm>
#include <QSignalSpy>
#include <QTest>

namespace {

constexpr QByteArrayView Banner = "220 mx.test ESMTP\r\n";
constexpr QByteArrayView EhloPlain = "250-mx.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SIZE 1000\r\n";
constexpr QByteArrayView EhloTls =
    "250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n";

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

/// Connects and greets, offers STARTTLS in the EHLO reply, and answers STARTTLS with `goAhead`:
/// the engine must then ask for TLS (RFC 3207 s.4).
#define REACH_TLS_REQUEST(h, goAhead)                                                                        \
    do {                                                                                                     \
        CONNECT_AND_GREET(h);                                                                                \
        (h).transport->serverSends(EhloPlain.toByteArray());                                                 \
        QTRY_COMPARE((h).transport->lastWrite(), QByteArray("STARTTLS\r\n"));                                \
        (h).transport->serverSends(goAhead);                                                                 \
        QTRY_VERIFY((h).transport->tlsRequested());                                                          \
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
    void serverHangsUpWhilePausedBeforeHandshake();
    void cancelStopsAtOnce();
    void silentServerTimesOut();
    void connectionRefused();
    void connectionTimesOut();
    void greetingRejected();
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
    REACH_TLS_REQUEST(h, "220 Ready\r\n");
    const int writesAtGoAhead = h.transport->writeCount();

    // Before the handshake completes nothing is written, however long we wait.
    QCoreApplication::processEvents();
    QCOMPARE(h.transport->writeCount(), writesAtGoAhead);

    h.transport->completeHandshake(
        untrustedHandshake({QSslError::CertificateExpired, QSslError::HostNameMismatch}));
    QTRY_COMPARE(h.finished->count(), 1);
    // Strict by default: not a single byte (not even QUIT) to a server whose identity is unproven.
    QCOMPARE(h.transport->writtenAfterTlsRequest(), QByteArray());
    QCOMPARE(h.transport->events().constLast().kind, FakeLineTransport::Event::Abort);

    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Skipped);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Skipped);
    QCOMPARE(findingIds(run), ids({FindingIds::CertExpired, FindingIds::CertHostnameMismatch}));
    QVERIFY(!run.tls->verified);
    QCOMPARE(run.verdict(), Verdict::Critical);
}

void TestSmtpSession::insecureContinuesAndRecordsTheOverride()
{
    ProbeOptions options = Harness::defaults();
    options.insecure = true;
    Harness h(options);
    REACH_TLS_REQUEST(h, "220 Ready\r\n");
    h.transport->completeHandshake(
        untrustedHandshake({QSslError::CertificateExpired, QSslError::HostNameMismatch}));
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));

    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Warning);
    QCOMPARE(findingIds(run), ids({FindingIds::CertExpired, FindingIds::CertHostnameMismatch,
                                   FindingIds::CertVerificationOverridden}));
    QVERIFY(run.tls->verificationOverridden);
}

void TestSmtpSession::injectedBytesAfterGoAheadAreDiscarded()
{
    Harness h;
    // The go-ahead and a forged reply in one segment, plus a partial line.
    REACH_TLS_REQUEST(h, "220 Ready\r\n250-INJECTED\r\n250 AUTH PLAIN\r\npartial");
    QVERIFY(!h.transport->canReadLine());
    h.transport->completeHandshake(goodHandshake());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
    h.transport->serverSends(EhloTls.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 Bye\r\n");
    QTRY_COMPARE(h.finished->count(), 1);

    const Run& run = h.session->run();
    QCOMPARE(findingIds(run), ids({FindingIds::StartTlsResponseInjection}));
    QCOMPARE(run.finding(FindingIds::StartTlsResponseInjection)->severity, Severity::Critical);
    QStringList discarded;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.discarded) {
            discarded.append(e.text);
            QCOMPARE(e.dir, 'S');
            QVERIFY(!e.tls);
        }
    }
    // One entry, the exact bytes, with their counts.
    QCOMPARE(discarded, (QStringList {QStringLiteral("250-INJECTED\r\n250 AUTH PLAIN\r\npartial")}));
    const auto entry = std::find_if(run.transcript.cbegin(), run.transcript.cend(),
                                    [](const TranscriptEntry& e) { return e.discarded; });
    QCOMPARE(entry->bytes, qint64(37));
    QCOMPARE(entry->lines, 3);
    QVERIFY(!entry->truncated);
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
    QCOMPARE(findingIds(run), ids({FindingIds::PlaintextSession, FindingIds::StartTlsNotOffered}));
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
    QCOMPARE(findingIds(run), ids({FindingIds::StartTlsNotOffered}));
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

void TestSmtpSession::serverHangsUpWhilePausedBeforeHandshake()
{
    // Step mode: the server accepts STARTTLS, then hangs up while the user looks at the go-ahead.
    // Continuing must not start a handshake on (or write anything to) the closed connection.
    Harness h;
    h.session->setStepMode(true);
    QList<StepId> pauses;
    QObject::connect(h.session.get(), &ProbeSession::paused, h.session.get(), [&h, &pauses](StepId next) {
        pauses.append(next);
        if (next != StepId::TlsHandshake)
            QMetaObject::invokeMethod(h.session.get(), &ProbeSession::resume, Qt::QueuedConnection);
    });
    CONNECT_AND_GREET(h);
    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    h.transport->serverSends("220 Ready\r\n");
    QTRY_VERIFY(!pauses.isEmpty() && pauses.constLast() == StepId::TlsHandshake);
    QVERIFY(h.session->isPaused());
    h.transport->serverCloses();
    const qsizetype eventsAtClose = h.transport->events().size();
    h.session->resume();
    QTRY_COMPARE(h.finished->count(), 1);

    const QList<FakeLineTransport::Event> events = h.transport->events();
    for (qsizetype i = eventsAtClose; i < events.size(); ++i) {
        QVERIFY2(events.at(i).kind != FakeLineTransport::Event::Write, events.at(i).bytes.constData());
        QVERIFY(events.at(i).kind != FakeLineTransport::Event::StartTls);
    }
    QVERIFY(!h.transport->tlsRequested());
    const Run& run = h.session->run();
    QCOMPARE(findingIds(run), ids({FindingIds::ServerClosedEarly}));
    QCOMPARE(h.stepStatuses(),
             (QStringList {QStringLiteral("resolve=ok"), QStringLiteral("connect=ok"),
                           QStringLiteral("banner=ok"), QStringLiteral("greeting=ok"),
                           QStringLiteral("starttls=ok"), QStringLiteral("tls-handshake=failed"),
                           QStringLiteral("greeting-tls=skipped"), QStringLiteral("quit=skipped")}));
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
    QCOMPARE(findingIds(run), ids({FindingIds::RunCancelled}));
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
    QCOMPARE(findingIds(run), ids({FindingIds::ServerTimeout}));
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
    QCOMPARE(findingIds(run), ids({FindingIds::ConnectionRefused}));
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Skipped);
}

void TestSmtpSession::connectionTimesOut()
{
    // Nothing answers the connect (a filtering firewall): the step timeout ends it, and the
    // finding says it was a timeout, not a refusal.
    ProbeOptions options = Harness::defaults();
    options.stepTimeoutMs = 200;
    Harness h(options);
    h.session->start();
    QTRY_VERIFY(h.transport->isOpen());
    QTRY_COMPARE(h.finished->count(), 1);
    const Run& run = h.session->run();
    QCOMPARE(findingIds(run), ids({FindingIds::ConnectionTimeout}));
    QCOMPARE(findingDetail(run, FindingIds::ConnectionTimeout),
             QStringLiteral("No answer from 127.0.0.1:2525 within 0.2 s"));
    QCOMPARE(run.step(StepId::Connect)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::Connect)->summary, QStringLiteral("No answer from 127.0.0.1:2525 (timed out)"));
    QCOMPARE(run.verdict(), Verdict::Critical);
    QCOMPARE(h.transport->written(), QByteArray());
}

void TestSmtpSession::greetingRejected()
{
    // Both EHLO and the HELO fallback refused (RFC 5321 s.4.1.1.1): no capabilities, no STARTTLS.
    Harness h;
    CONNECT_AND_GREET(h);
    h.transport->serverSends("550 5.7.1 Go away\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("HELO probe.test\r\n"));
    h.transport->serverSends("550 5.7.1 Go away\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 bye\r\n");
    QTRY_COMPARE(h.finished->count(), 1);
    const Run& run = h.session->run();
    QCOMPARE(findingIds(run), ids({FindingIds::GreetingRejected}));
    QCOMPARE(findingDetail(run, FindingIds::GreetingRejected), QStringLiteral("550 5.7.1 Go away"));
    QCOMPARE(run.step(StepId::Greeting)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::StartTls)->status, StepStatus::Skipped);
    QCOMPARE(run.verdict(), Verdict::Critical);
    QCOMPARE(h.transport->written(), QByteArray("EHLO probe.test\r\nHELO probe.test\r\nQUIT\r\n"));
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
    QCOMPARE(findingIds(run), ids({FindingIds::ReplyMalformed}));
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
    QCOMPARE(findingIds(run), ids({FindingIds::ReplyTooLong}));
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
    QCOMPARE(findingIds(run), ids({FindingIds::ServerClosedEarly}));
    QCOMPARE(run.step(StepId::Greeting)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Skipped);
}

void TestSmtpSession::handshakeFailure()
{
    Harness h;
    REACH_TLS_REQUEST(h, "220 Ready\r\n");
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
    QCOMPARE(findingIds(h.session->run()), ids({FindingIds::ServiceUnavailable}));
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
    QCOMPARE(findingIds(h.session->run()), ids({}));
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
