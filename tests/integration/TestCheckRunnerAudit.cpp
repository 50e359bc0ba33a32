// CheckRunner over real sockets: the conversation and the TLS audit side by side against the
// built-in demo server, merged into one Run. Synchronisation is QTRY_* / QSignalSpy only.

#include "audit/TlsAudit.h"
#include "check/CheckRunner.h"
#include "demo/DemoServer.h"
#include "findings/FindingCatalogue.h"
#include "RunHelpers.h"
#include "TestPrinters.h"

#include <QSignalSpy>
#include <QTest>

namespace {
constexpr int RunTimeoutMs = 60000;

QStringList stepStatuses(const Run& run)
{
    QStringList list;
    for (const StepRecord& s : run.steps)
        list.append(toKey(s.id) + QLatin1Char('=') + toKey(s.status));
    return list;
}
} // namespace

class TestCheckRunnerAudit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sessionAndAuditMergeIntoOneRun_data();
    void sessionAndAuditMergeIntoOneRun();
    void cancelStopsConversationAndAudit();

private:
    CheckOptions demoOptions() const;

    DemoServer m_demo;
};

void TestCheckRunnerAudit::initTestCase() { QVERIFY2(m_demo.start(0), qPrintable(m_demo.errorString())); }

CheckOptions TestCheckRunnerAudit::demoOptions() const
{
    CheckOptions o;
    o.probe.host = DemoServer::hostName();
    o.probe.port = m_demo.port(Protocol::Smtp, TlsMode::StartTls);
    o.probe.extraCaCertificates = m_demo.caCertificates();
    o.probe.stepTimeoutMs = 10000;
    return o;
}

void TestCheckRunnerAudit::sessionAndAuditMergeIntoOneRun_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("findings");
    QTest::addColumn<Verdict>("verdict");
    // The conversation alone finds nothing wrong with either (TestDemoServer); only the
    // injection probe of the audit tells them apart (the scenario is CVE-2011-0411 by design).
    QTest::newRow("good") << "good" << QStringList {} << Verdict::Ok;
    QTest::newRow("command-injection")
        << "command-injection" << QStringList {QString(FindingIds::StartTlsCommandInjection)}
        << Verdict::Critical;
}

void TestCheckRunnerAudit::sessionAndAuditMergeIntoOneRun()
{
    QFETCH(QString, scenario);
    QFETCH(QStringList, findings);
    QFETCH(Verdict, verdict);
    m_demo.setScenario(scenario);
    CheckOptions o = demoOptions();
    o.probe.audit.commandInjection = true;
    o.probe.audit.versions = true;
    CheckRunner runner(o);
    QSignalSpy finished(&runner, &CheckRunner::finished);
    QSignalSpy sessionDone(&runner, &CheckRunner::sessionFinished);
    QSignalSpy progress(&runner, &CheckRunner::auditProgress);
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(runner.isFinished(), RunTimeoutMs);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(sessionDone.size(), 1);
    QVERIFY(runner.hasMergedRun());

    const Run& run = runner.run();
    // The conversation's part...
    QCOMPARE(stepStatuses(run),
             (QStringList {"resolve=ok", "connect=ok", "banner=ok", "greeting=ok", "starttls=ok",
                           "tls-handshake=ok", "greeting-tls=ok", "quit=ok"}));
    QVERIFY(run.tls.has_value());
    // ...and the audit's, in the same run.
    QVERIFY(run.tlsAudit.has_value());
    QCOMPARE(run.tlsAudit->commandInjection,
             verdict == Verdict::Critical ? QStringLiteral("vulnerable") : QStringLiteral("not-vulnerable"));
    QCOMPARE(run.tlsVersions.value(QStringLiteral("TLSv1.2")), QStringLiteral("accepted"));
    QCOMPARE(run.tlsVersions.value(QStringLiteral("TLSv1.3")), QStringLiteral("accepted"));
    QCOMPARE(run.tlsAudit->probeCount, runner.audit()->result().probes);
    QCOMPARE(findingIds(run), ids(findings));
    QCOMPARE(run.verdict(), verdict);
    // Progress ends at "all done".
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.constLast().at(0).toInt(), progress.constLast().at(1).toInt());
}

void TestCheckRunnerAudit::cancelStopsConversationAndAudit()
{
    // The demo greets after 3 s: the conversation waits at the banner, and so does every probe
    // of the audit (each plays the real STARTTLS preamble), so neither can be over yet.
    m_demo.setScenario(QStringLiteral("slow-banner"));
    CheckOptions o = demoOptions();
    o.probe.audit.versions = true;
    CheckRunner runner(o);
    QSignalSpy finished(&runner, &CheckRunner::finished);
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(runner.run().steps.size(), 3, RunTimeoutMs);
    QCOMPARE(runner.run().steps.constLast().id, StepId::Banner);
    QVERIFY(!runner.audit()->isFinished());
    runner.cancel();
    QCOMPARE(finished.size(), 1);
    QVERIFY(runner.audit()->isFinished());
    const Run& run = runner.run();
    QVERIFY(run.aborted);
    QCOMPARE(stepStatuses(run), (QStringList {"resolve=ok", "connect=ok", "banner=failed", "greeting=skipped",
                                              "starttls=skipped", "tls-handshake=skipped",
                                              "greeting-tls=skipped", "quit=skipped"}));
    // A stopped conversation says nothing about the server; the cut audit adds nothing to it.
    QCOMPARE(findingIds(run), ids({FindingIds::RunCancelled}));
    QVERIFY(!run.tlsAudit.has_value());
    QCOMPARE(run.verdict(), Verdict::Unknown);
}

QTEST_GUILESS_MAIN(TestCheckRunnerAudit)
#include "TestCheckRunnerAudit.moc"
