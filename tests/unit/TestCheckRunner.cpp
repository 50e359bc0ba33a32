// CheckRunner over the in-memory transport (no audit, so no sockets): it forwards the session's
// progress, yields the session's Run as the one Run, stops at once on cancel and pauses in step
// mode. The session + audit merge over real sockets is in tests/integration/TestCheckRunnerAudit.

#include "check/CheckRunner.h"
#include "FakeLineTransport.h"
#include "findings/FindingCatalogue.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <QSignalSpy>
#include <QTest>

namespace {

constexpr QByteArrayView Banner = "220 mx.test ESMTP\r\n";
constexpr QByteArrayView EhloPlain = "250-mx.test\r\n250-STARTTLS\r\n250 SIZE 1000\r\n";
constexpr QByteArrayView EhloTls = "250-mx.test\r\n250 SIZE 1000\r\n";

TlsHandshakeInfo goodHandshake()
{
    TlsHandshakeInfo info;
    info.facts.protocol = QStringLiteral("TLSv1.3");
    info.facts.cipher = QStringLiteral("TLS_AES_256_GCM_SHA384");
    info.facts.keyExchange = QStringLiteral("ECDHE X25519");
    info.facts.verified = true;
    return info;
}

/// A runner over a fake transport; the test plays the server.
struct Harness
{
    explicit Harness(CheckOptions options = defaults())
    {
        auto fake = std::make_unique<FakeLineTransport>();
        transport = fake.get();
        runner = std::make_unique<CheckRunner>(std::move(options), std::move(fake));
        finished = std::make_unique<QSignalSpy>(runner.get(), &CheckRunner::finished);
    }

    static CheckOptions defaults()
    {
        CheckOptions o;
        o.probe.host = QStringLiteral("127.0.0.1");
        o.probe.port = 2525;
        o.probe.heloName = QStringLiteral("probe.test");
        o.probe.stepTimeoutMs = 5000;
        return o;
    }

    QStringList stepStatuses() const
    {
        QStringList list;
        for (const StepRecord& s : runner->run().steps)
            list.append(toKey(s.id) + QLatin1Char('=') + toKey(s.status));
        return list;
    }

    std::unique_ptr<CheckRunner> runner;
    FakeLineTransport* transport = nullptr;
    std::unique_ptr<QSignalSpy> finished;
};

} // namespace

class TestCheckRunner final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goodRunIsTheSessionsRun();
    void cancelStopsAtOnce();
    void cancelBeforeStart();
    void stepModePausesAndResumes();
    void deadlineCutsTheRunningStep();
    void deadlineKeepsACriticalVerdict();
    void deadlineClockWaitsWhilePaused();
};

void TestCheckRunner::goodRunIsTheSessionsRun()
{
    Harness h;
    QSignalSpy started(h.runner.get(), &CheckRunner::stepStarted);
    QSignalSpy stepDone(h.runner.get(), &CheckRunner::stepFinished);
    QSignalSpy lines(h.runner.get(), &CheckRunner::transcriptAppended);
    QSignalSpy tls(h.runner.get(), &CheckRunner::tlsChanged);
    QSignalSpy sessionDone(h.runner.get(), &CheckRunner::sessionFinished);
    QCOMPARE(h.runner->plannedSteps(),
             (QList<StepId> {StepId::Resolve, StepId::Connect, StepId::Banner, StepId::Greeting,
                             StepId::StartTls, StepId::TlsHandshake, StepId::GreetingTls, StepId::Quit}));
    QVERIFY(h.runner->audit() == nullptr);
    h.runner->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    h.transport->serverSends(Banner.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
    h.transport->serverSends(EhloPlain.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    h.transport->serverSends("220 Ready\r\n");
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake(goodHandshake());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
    h.transport->serverSends(EhloTls.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    h.transport->serverSends("221 Bye\r\n");
    QTRY_COMPARE(h.finished->size(), 1);

    QVERIFY(h.runner->isFinished());
    QVERIFY(!h.runner->hasMergedRun());
    // Without an audit the one Run is the session's own, not a copy.
    QCOMPARE(&h.runner->run(), &h.runner->session()->run());
    QCOMPARE(h.stepStatuses(),
             (QStringList {"resolve=ok", "connect=ok", "banner=ok", "greeting=ok", "starttls=ok",
                           "tls-handshake=ok", "greeting-tls=ok", "quit=ok"}));
    QCOMPARE(sortedFindingIds(h.runner->run()), QStringList {});
    QCOMPARE(h.runner->run().verdict(), Verdict::Ok);
    // Every step the session ran was forwarded once, started and finished.
    QCOMPARE(started.size(), 8);
    QCOMPARE(stepDone.size(), 8);
    QCOMPARE(lines.size(), h.runner->run().transcript.size());
    QVERIFY(tls.size() >= 1);
    QCOMPARE(sessionDone.size(), 1);
}

void TestCheckRunner::cancelStopsAtOnce()
{
    Harness h;
    h.runner->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    QTRY_COMPARE(h.runner->run().steps.size(), 3); // waiting for the banner
    h.runner->cancel();
    // Synchronously: the CLI's Ctrl+C and the GUI's Stop print and show the run right away.
    QCOMPARE(h.finished->size(), 1);
    const Run& run = h.runner->run();
    QVERIFY(run.aborted);
    QCOMPARE(sortedFindingIds(run), QStringList {FindingIds::RunCancelled});
    QCOMPARE(h.stepStatuses(), (QStringList {"resolve=ok", "connect=ok", "banner=failed", "greeting=skipped",
                                             "starttls=skipped", "tls-handshake=skipped",
                                             "greeting-tls=skipped", "quit=skipped"}));
    QCOMPARE(run.verdict(), Verdict::Unknown);
    h.runner->cancel(); // a second stop changes nothing
    QCOMPARE(h.finished->size(), 1);
}

void TestCheckRunner::cancelBeforeStart()
{
    CheckOptions options = Harness::defaults();
    options.probe.audit.versions = true; // an audit that never starts must not hold the run open
    Harness h(options);
    h.runner->cancel();
    QCOMPARE(h.finished->size(), 1);
    QVERIFY(h.runner->isFinished());
    QVERIFY(h.runner->run().aborted);
    // Nothing touched the network.
    const QList<FakeLineTransport::Event> events = h.transport->events();
    QVERIFY(std::none_of(events.cbegin(), events.cend(), [](const FakeLineTransport::Event& e) {
        return e.kind == FakeLineTransport::Event::Connect || e.kind == FakeLineTransport::Event::Write;
    }));
}

void TestCheckRunner::stepModePausesAndResumes()
{
    Harness h;
    QSignalSpy paused(h.runner.get(), &CheckRunner::paused);
    h.runner->setStepMode(true);
    h.runner->start();
    // resolve runs, then the runner waits before connect.
    QTRY_COMPARE(paused.size(), 1);
    QCOMPARE(paused.constFirst().constFirst().value<StepId>(), StepId::Connect);
    QVERIFY(h.runner->isPaused());
    QVERIFY(!h.transport->isOpen());
    h.runner->resume();
    QVERIFY(!h.runner->isPaused());
    QTRY_VERIFY(h.transport->isOpen());
    // Leaving step mode mid-run: the rest runs without pausing.
    h.runner->setStepMode(false);
    h.transport->acceptConnection();
    h.transport->serverSends(Banner.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
    QCOMPARE(paused.size(), 1);
    h.runner->cancel();
    QCOMPARE(h.finished->size(), 1);
}

void TestCheckRunner::deadlineCutsTheRunningStep()
{
    // The server accepts the connection and never greets. Each step may take a minute; the
    // whole run may take 50 ms, so the deadline, not a step timeout, ends it.
    CheckOptions options = Harness::defaults();
    options.probe.stepTimeoutMs = 60000;
    options.deadlineMs = 50;
    Harness h(options);
    h.runner->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    QTRY_COMPARE(h.finished->size(), 1);

    QVERIFY(h.runner->deadlineReached());
    const Run& run = h.runner->run();
    QVERIFY(run.aborted);
    QCOMPARE(h.stepStatuses(), (QStringList {"resolve=ok", "connect=ok", "banner=failed", "greeting=skipped",
                                             "starttls=skipped", "tls-handshake=skipped",
                                             "greeting-tls=skipped", "quit=skipped"}));
    QCOMPARE(run.step(StepId::Banner)->summary, QStringLiteral("Run deadline of 0.05 s reached"));
    QCOMPARE(run.step(StepId::Quit)->summary,
             QStringLiteral("Not run: the run deadline of 0.05 s was reached"));
    QCOMPARE(sortedFindingIds(run), QStringList {FindingIds::RunDeadlineReached});
    const Finding* f = run.finding(FindingIds::RunDeadlineReached);
    QCOMPARE(f->step, std::optional<StepId>(StepId::Banner));
    QCOMPARE(f->severity, Severity::Warning);
    QCOMPARE(f->detail,
             QStringLiteral("Deadline 0.05 s. Cut short: step banner. Steps done: resolve, connect. "
                            "Not run: greeting, starttls, tls-handshake, greeting-tls, quit."));
    // A partial run says nothing certain about the server.
    QCOMPARE(run.verdict(), Verdict::Unknown);
    QCOMPARE(h.transport->events().constLast().kind, FakeLineTransport::Event::Abort);
}

void TestCheckRunner::deadlineKeepsACriticalVerdict()
{
    // STARTTLS is missing (critical under enforce); the server then never answers QUIT.
    CheckOptions options = Harness::defaults();
    options.probe.stepTimeoutMs = 60000;
    options.deadlineMs = 50;
    Harness h(options);
    h.runner->start();
    QTRY_VERIFY(h.transport->isOpen());
    h.transport->acceptConnection();
    h.transport->serverSends(Banner.toByteArray());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
    h.transport->serverSends("250-mx.test\r\n250 SIZE 1000\r\n");
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("QUIT\r\n"));
    QTRY_COMPARE(h.finished->size(), 1);

    const Run& run = h.runner->run();
    QCOMPARE(h.stepStatuses(),
             (QStringList {"resolve=ok", "connect=ok", "banner=ok", "greeting=ok", "starttls=failed",
                           "tls-handshake=skipped", "greeting-tls=skipped", "quit=failed"}));
    QCOMPARE(run.step(StepId::Quit)->summary, QStringLiteral("Run deadline of 0.05 s reached"));
    QCOMPARE(sortedFindingIds(run),
             (QStringList {FindingIds::RunDeadlineReached, FindingIds::StartTlsNotOffered}));
    // Something worse than "unknown" was established before the deadline: it stands.
    QCOMPARE(run.verdict(), Verdict::Critical);
}

void TestCheckRunner::deadlineClockWaitsWhilePaused()
{
    CheckOptions options = Harness::defaults();
    options.deadlineMs = 60000;
    Harness h(options);
    QSignalSpy paused(h.runner.get(), &CheckRunner::paused);
    h.runner->setStepMode(true);
    h.runner->start();
    QVERIFY(h.runner->isDeadlineClockRunning());
    QTRY_COMPARE(paused.size(), 1);
    // The user is taking the time, not the server.
    QVERIFY(!h.runner->isDeadlineClockRunning());
    h.runner->resume();
    QVERIFY(h.runner->isDeadlineClockRunning());
    h.runner->cancel();
    QVERIFY(!h.runner->isDeadlineClockRunning());
    QVERIFY(!h.runner->deadlineReached());
}

QTEST_GUILESS_MAIN(TestCheckRunner)
#include "TestCheckRunner.moc"
