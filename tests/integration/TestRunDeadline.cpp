// The run deadline (mailscope-cli check --deadline, CheckRunner) against tarpitting servers on
// 127.0.0.1: a FakeMailScript that stops answering (W:) and the demo server's tarpit scenario
// (every reply after 3 s, on every connection, so the TLS audit's probes wait too). Each case
// asserts the cause (which step the deadline cut, what the finding says was not done), never a
// duration; QTRY_*'s bound only guards against a hang.

#include "audit/TlsAudit.h"
#include "check/CheckRunner.h"
#include "demo/DemoServer.h"
#include "FakeMailServer.h"
#include "findings/FindingCatalogue.h"
#include "RunHelpers.h"
#include "TestPrinters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

namespace {
constexpr int ProcessTimeoutMs = 60000;

struct CliResult
{
    int exitCode = -1;
    QJsonObject report;
    QByteArray stdErr;
};

/// Runs mailscope-cli with `args`, spinning the event loop (the servers live in this process).
CliResult runCli(const QStringList& args)
{
    CliResult result;
    QProcess cli;
    cli.start(QStringLiteral(MAILSCOPE_CLI_PATH), args);
    [&] {
        QVERIFY(cli.waitForStarted());
        QTRY_COMPARE_WITH_TIMEOUT(cli.state(), QProcess::NotRunning, ProcessTimeoutMs);
    }();
    result.exitCode = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
    result.report = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    result.stdErr = cli.readAllStandardError();
    return result;
}

QStringList stepStatuses(const QJsonObject& report)
{
    QStringList list;
    for (const QJsonValue& v : report.value(QLatin1String("steps")).toArray()) {
        const QJsonObject s = v.toObject();
        list.append(s.value(QLatin1String("id")).toString() + QLatin1Char('=')
                    + s.value(QLatin1String("status")).toString());
    }
    return list;
}

QString stepSummary(const QJsonObject& report, const QString& id)
{
    for (const QJsonValue& v : report.value(QLatin1String("steps")).toArray()) {
        if (v.toObject().value(QLatin1String("id")).toString() == id)
            return v.toObject().value(QLatin1String("summary")).toString();
    }
    return {};
}

QStringList findingIds(const QJsonObject& report)
{
    QStringList ids;
    for (const QJsonValue& v : report.value(QLatin1String("findings")).toArray())
        ids.append(v.toObject().value(QLatin1String("id")).toString());
    ids.sort();
    return ids;
}

QString findingDetail(const QJsonObject& report, const QString& id)
{
    for (const QJsonValue& v : report.value(QLatin1String("findings")).toArray()) {
        if (v.toObject().value(QLatin1String("id")).toString() == id)
            return v.toObject().value(QLatin1String("detail")).toString();
    }
    return {};
}

QStringList toStrings(const QJsonValue& value)
{
    QStringList list;
    for (const QJsonValue& v : value.toArray())
        list.append(v.toString());
    return list;
}

/// The audit parts that need the server, as the report names them: every version of the matrix
/// (raw probes: none is decided without the server), the four TLS enumerations that start at
/// once, OCSP and the injection probe.
QStringList networkParts()
{
    return {QStringLiteral("SSLv2 version probe"),
            QStringLiteral("SSLv3 version probe"),
            QStringLiteral("TLSv1.0 version probe"),
            QStringLiteral("TLSv1.1 version probe"),
            QStringLiteral("TLSv1.2 version probe"),
            QStringLiteral("TLSv1.3 version probe"),
            QStringLiteral("cipher enumeration for TLSv1.3"),
            QStringLiteral("cipher enumeration for TLSv1.2"),
            QStringLiteral("cipher enumeration for TLSv1.1"),
            QStringLiteral("cipher enumeration for TLSv1.0"),
            QStringLiteral("OCSP stapling probe"),
            QStringLiteral("command-injection probe")};
}
} // namespace

class TestRunDeadline final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cliCutsTheRunningStep();
    void cliKeepsACriticalVerdict();
    void cliFullAuditAgainstTarpit();
    void cliShowsProgressOnATerminal();
    void runnerCutsTheAuditAfterTheConversation();

private:
    DemoServer m_demo;
};

void TestRunDeadline::initTestCase()
{
    QVERIFY2(m_demo.start(0), qPrintable(m_demo.errorString()));
    m_demo.setScenario(QStringLiteral("tarpit"));
}

void TestRunDeadline::cliCutsTheRunningStep()
{
    // The server answers EHLO, then sits on STARTTLS far longer than the deadline; each step
    // alone may take a minute (--timeout 60), so only the deadline can end the run.
    FakeMailServer server;
    QVERIFY2(server.loadScript(QStringLiteral("S: 220 fake ESMTP\n"
                                              "C: EHLO mailscope.invalid\n"
                                              "S: 250-fake\n"
                                              "S: 250 STARTTLS\n"
                                              "C: STARTTLS\n"
                                              "W: 60000\n"
                                              "S: 220 2.0.0 Ready\n"))
                 && server.listen(),
             qPrintable(server.errorSummary()));
    const CliResult r = runCli({QStringLiteral("check"), QStringLiteral("127.0.0.1:%1").arg(server.port()),
                                QStringLiteral("--json"), QStringLiteral("--timeout"), QStringLiteral("60"),
                                QStringLiteral("--deadline"), QStringLiteral("2")});
    QVERIFY2(!r.report.isEmpty(), r.stdErr.constData());
    // A partial run: UNKNOWN, exit 3 (monitoring-plugins convention).
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.report.value(QLatin1String("verdict")).toString(), QStringLiteral("unknown"));
    QCOMPARE(stepStatuses(r.report),
             (QStringList {"resolve=ok", "connect=ok", "banner=ok", "greeting=ok", "starttls=failed",
                           "tls-handshake=skipped", "greeting-tls=skipped", "quit=skipped"}));
    QCOMPARE(stepSummary(r.report, QStringLiteral("starttls")),
             QStringLiteral("Run deadline of 2 s reached"));
    QCOMPARE(stepSummary(r.report, QStringLiteral("quit")),
             QStringLiteral("Not run: the run deadline of 2 s was reached"));
    QCOMPARE(findingIds(r.report), QStringList {FindingIds::RunDeadlineReached});
    QCOMPARE(findingDetail(r.report, FindingIds::RunDeadlineReached),
             QStringLiteral("Deadline 2 s. Cut short: step starttls. Steps done: resolve, connect, banner, "
                            "greeting. Not run: tls-handshake, greeting-tls, quit."));
    QVERIFY(r.report.value(QLatin1String("tls_audit")).isNull());
    // stderr is a pipe here, not a terminal: no progress line, nothing at all.
    QCOMPARE(r.stdErr, QByteArray());
    // What the server saw: exactly the conversation up to STARTTLS, then the client went away.
    QCOMPARE(server.receivedLines(), (QList<QByteArray> {"EHLO mailscope.invalid", "STARTTLS"}));
}

void TestRunDeadline::cliKeepsACriticalVerdict()
{
    // No STARTTLS (critical under enforce), then QUIT is never answered.
    FakeMailServer server;
    QVERIFY2(server.loadScript(QStringLiteral("S: 220 fake ESMTP\n"
                                              "C: EHLO mailscope.invalid\n"
                                              "S: 250-fake\n"
                                              "S: 250 SIZE 1000\n"
                                              "C: QUIT\n"
                                              "W: 60000\n"
                                              "S: 221 bye\n"))
                 && server.listen(),
             qPrintable(server.errorSummary()));
    const CliResult r = runCli({QStringLiteral("check"), QStringLiteral("127.0.0.1:%1").arg(server.port()),
                                QStringLiteral("--json"), QStringLiteral("--timeout"), QStringLiteral("60"),
                                QStringLiteral("--deadline"), QStringLiteral("2")});
    QVERIFY2(!r.report.isEmpty(), r.stdErr.constData());
    // What was established before the deadline is worse than "unknown": CRITICAL, exit 2.
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.report.value(QLatin1String("verdict")).toString(), QStringLiteral("critical"));
    QCOMPARE(stepStatuses(r.report),
             (QStringList {"resolve=ok", "connect=ok", "banner=ok", "greeting=ok", "starttls=failed",
                           "tls-handshake=skipped", "greeting-tls=skipped", "quit=failed"}));
    QCOMPARE(stepSummary(r.report, QStringLiteral("quit")), QStringLiteral("Run deadline of 2 s reached"));
    QCOMPARE(findingIds(r.report),
             (QStringList {FindingIds::RunDeadlineReached, FindingIds::StartTlsNotOffered}));
}

void TestRunDeadline::cliFullAuditAgainstTarpit()
{
    // Every connection of the demo's tarpit greets after 3 s: at 1 s neither the conversation
    // nor any probe of the audit has heard from the server.
    const CliResult r = runCli(
        {QStringLiteral("check"),
         QStringLiteral("localhost:%1").arg(m_demo.port(Protocol::Smtp, TlsMode::StartTls)),
         QStringLiteral("--ca-file"), m_demo.caFile(), QStringLiteral("--tls-versions"),
         QStringLiteral("--ciphers"), QStringLiteral("--injection-test"), QStringLiteral("--timeout"),
         QStringLiteral("5"), QStringLiteral("--deadline"), QStringLiteral("1"), QStringLiteral("--json")});
    QVERIFY2(!r.report.isEmpty(), r.stdErr.constData());
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.report.value(QLatin1String("verdict")).toString(), QStringLiteral("unknown"));
    QCOMPARE(
        stepStatuses(r.report),
        (QStringList {"resolve=ok", "connect=ok", "banner=failed", "greeting=skipped", "starttls=skipped",
                      "tls-handshake=skipped", "greeting-tls=skipped", "quit=skipped"}));
    QCOMPARE(stepSummary(r.report, QStringLiteral("banner")), QStringLiteral("Run deadline of 1 s reached"));
    QCOMPARE(findingIds(r.report), QStringList {FindingIds::RunDeadlineReached});
    const QString detail = findingDetail(r.report, FindingIds::RunDeadlineReached);
    const QString expectedStart = QStringLiteral(
        "Deadline 1 s. Cut short: step banner. Steps done: resolve, connect. Not run: greeting, "
        "starttls, tls-handshake, greeting-tls, quit. TLS audit: 0 of ");
    QVERIFY2(detail.startsWith(expectedStart), qPrintable(detail));
    QVERIFY2(
        detail.endsWith(
            QStringLiteral(" probes done; not finished: %1.").arg(networkParts().join(QStringLiteral(", ")))),
        qPrintable(detail));
    // The partial audit: nothing decided that needed the server, and it says what it missed.
    const QJsonObject audit = r.report.value(QLatin1String("tls_audit")).toObject();
    QCOMPARE(toStrings(audit.value(QLatin1String("unfinished"))), networkParts());
    QCOMPARE(audit.value(QLatin1String("command_injection")).toString(), QString());
    QCOMPARE(audit.value(QLatin1String("ocsp")).toString(), QString());
    QVERIFY(r.report.value(QLatin1String("ciphers")).toObject().isEmpty());
    // Raw probes decide every version with the server, so none was decided.
    QVERIFY(r.report.value(QLatin1String("tls_versions")).toObject().isEmpty());
}

void TestRunDeadline::cliShowsProgressOnATerminal()
{
    // script(1) gives the CLI a pseudo-terminal: stdout and stderr both go to it.
    QProcess term;
    const QString command =
        QStringLiteral("'%1' check localhost:%2 --ca-file '%3' --tls-versions --deadline 1.5 --json")
            .arg(QStringLiteral(MAILSCOPE_CLI_PATH))
            .arg(m_demo.port(Protocol::Smtp, TlsMode::StartTls))
            .arg(m_demo.caFile());
    term.start(QStringLiteral("script"), {QStringLiteral("-qefc"), command, QStringLiteral("/dev/null")});
    QVERIFY(term.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(term.state(), QProcess::NotRunning, ProcessTimeoutMs);
    QCOMPARE(term.exitCode(), 3);
    const QByteArray output = term.readAllStandardOutput();
    // The step running and the audit's probes, rewritten in place, then erased before the report.
    QVERIFY2(output.contains("mailscope: step 3 of 8: banner"), output.constData());
    QVERIFY2(output.contains("TLS audit 0 of "), output.constData());
    const qsizetype report = output.indexOf("{");
    QVERIFY(report > 0);
    QVERIFY2(output.left(report).endsWith("\r\x1b[K"), output.constData());
    QVERIFY(!output.mid(report).contains("mailscope: step"));
}

void TestRunDeadline::runnerCutsTheAuditAfterTheConversation()
{
    // The conversation ends at once (stop after resolve: nothing to connect to); the audit's
    // probes then wait on the tarpit until the deadline cuts them.
    CheckOptions o;
    o.probe.host = DemoServer::hostName();
    o.probe.port = m_demo.port(Protocol::Smtp, TlsMode::StartTls);
    o.probe.extraCaCertificates = m_demo.caCertificates();
    o.probe.stopAfter = StepId::Resolve;
    o.probe.audit.commandInjection = true;
    o.deadlineMs = 1000;
    CheckRunner runner(o);
    QSignalSpy finished(&runner, &CheckRunner::finished);
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(runner.isSessionFinished(), ProcessTimeoutMs);
    QVERIFY(!runner.audit()->isFinished());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, ProcessTimeoutMs);
    QVERIFY(runner.deadlineReached());
    QVERIFY(runner.hasMergedRun());
    const Run& run = runner.run();
    QVERIFY(run.aborted);
    QCOMPARE(sortedFindingIds(run), QStringList {FindingIds::RunDeadlineReached});
    QCOMPARE(run.finding(FindingIds::RunDeadlineReached)->detail,
             QStringLiteral("Deadline 1 s. The conversation had ended. TLS audit: 0 of 1 probes done; not "
                            "finished: command-injection probe."));
    QCOMPARE(run.verdict(), Verdict::Unknown);
    QVERIFY(run.tlsAudit.has_value());
    QCOMPARE(run.tlsAudit->unfinished, QStringList {QStringLiteral("command-injection probe")});
    QCOMPARE(run.tlsAudit->commandInjection, QString());
    // The conversation's own steps are untouched by the deadline.
    QCOMPARE(run.step(StepId::Resolve)->status, StepStatus::Ok);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Skipped);
}

QTEST_GUILESS_MAIN(TestRunDeadline)
#include "TestRunDeadline.moc"
