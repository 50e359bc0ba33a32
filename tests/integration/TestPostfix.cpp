// The engine against a real Postfix (private instance on 127.0.0.1, started by the ctest fixture
// real-servers with a test CA -> intermediate -> leaf chain the setup generated).

#include "findings/FindingCatalogue.h"
#include "RealServers.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

class TestPostfix final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void startTlsVerifiedWithTestCa();
    void implicitTlsOnSmtps();
    void wrongCaIsUntrusted();
    void stopAfterGreetingNeverStartsTls();
    void cliReportsOkWithExitCodeZero();
    void cliExitCodeIsCriticalWhenUntrusted();

private:
    ProbeOptions options(quint16 port, TlsMode mode) const;

    RealServers m_servers;
};

void TestPostfix::initTestCase()
{
    QString error;
    QVERIFY2(m_servers.load(&error), qPrintable(error));
    QVERIFY(m_servers.port(QStringLiteral("SMTP_PORT")) > 0);
    QVERIFY(!m_servers.certificates(QStringLiteral("CA_FILE")).isEmpty());
}

ProbeOptions TestPostfix::options(quint16 port, TlsMode mode) const
{
    ProbeOptions o;
    // The name, not the address: certificates are checked against what the user typed, and
    // "localhost" also exercises falling back from ::1 (nothing listens there) to 127.0.0.1.
    o.host = QStringLiteral("localhost");
    o.port = port;
    o.tls = mode;
    o.extraCaCertificates = m_servers.certificates(QStringLiteral("CA_FILE"));
    o.stepTimeoutMs = 20000;
    return o;
}

void TestPostfix::startTlsVerifiedWithTestCa()
{
    const Run run = runToEnd(options(m_servers.port(QStringLiteral("SMTP_PORT")), TlsMode::StartTls));
    QStringList statuses;
    for (const StepRecord& s : run.steps)
        statuses.append(toKey(s.id) + QLatin1Char('=') + toKey(s.status));
    QCOMPARE(statuses, (QStringList {QStringLiteral("resolve=ok"), QStringLiteral("connect=ok"),
                                     QStringLiteral("banner=ok"), QStringLiteral("greeting=ok"),
                                     QStringLiteral("starttls=ok"), QStringLiteral("tls-handshake=ok"),
                                     QStringLiteral("greeting-tls=ok"), QStringLiteral("quit=ok")}));
    QCOMPARE(run.verdict(), Verdict::Ok);
    QVERIFY2(run.findings.isEmpty(), qPrintable(run.findings.value(0).id));
    QCOMPARE(run.target.connectedAddress, QStringLiteral("127.0.0.1"));

    QVERIFY(run.capabilitiesPlain.contains(QStringLiteral("STARTTLS")));
    QVERIFY(!run.capabilitiesTls.isEmpty());
    QVERIFY(!run.capabilitiesTls.contains(QStringLiteral("STARTTLS"))); // Postfix stops offering it under TLS

    QVERIFY(run.tls.has_value());
    QCOMPARE(run.tls->protocol, QStringLiteral("TLSv1.3"));
    QVERIFY(run.tls->verified);
    QVERIFY(!run.tls->cipher.isEmpty());
    QVERIFY(run.tls->keyExchange.startsWith(QLatin1String("ECDHE")));

    // The server sends leaf + intermediate; the leaf names localhost.
    QCOMPARE(run.certificates.size(), 2);
    QVERIFY(run.certificates.at(0).sanDns.contains(QStringLiteral("localhost")));
    QVERIFY(run.certificates.at(0).issuer.contains(QLatin1String("Intermediate"), Qt::CaseInsensitive));
    QVERIFY(run.certificates.at(0).daysLeft > 300);
    QVERIFY(!run.certificates.at(0).signatureAlgorithm.isEmpty());
    QCOMPARE(run.certificates.at(0).sha256.size(), 32 * 3 - 1);

    // The banner is Postfix's, read in plaintext; the second EHLO went over TLS.
    const auto banner =
        std::find_if(run.transcript.cbegin(), run.transcript.cend(),
                     [](const TranscriptEntry& e) { return e.dir == 'S' && e.step == StepId::Banner; });
    QVERIFY(banner != run.transcript.cend());
    QVERIFY(banner->text.startsWith(QLatin1String("220 ")));
    QVERIFY(!banner->tls);
    QVERIFY(std::any_of(run.transcript.cbegin(), run.transcript.cend(), [](const TranscriptEntry& e) {
        return e.dir == 'C' && e.tls && e.text.startsWith(QLatin1String("EHLO"));
    }));
}

void TestPostfix::implicitTlsOnSmtps()
{
    const Run run = runToEnd(options(m_servers.port(QStringLiteral("SMTPS_PORT")), TlsMode::Implicit));
    QCOMPARE(run.verdict(), Verdict::Ok);
    QCOMPARE(run.steps.at(2).id, StepId::TlsHandshake);
    QCOMPARE(run.steps.at(2).status, StepStatus::Ok);
    QVERIFY(run.capabilitiesPlain.isEmpty());
    QVERIFY(!run.capabilitiesTls.isEmpty());
    QVERIFY(std::all_of(run.transcript.cbegin(), run.transcript.cend(),
                        [](const TranscriptEntry& e) { return e.dir == 'I' || e.tls; }));
}

void TestPostfix::wrongCaIsUntrusted()
{
    ProbeOptions o = options(m_servers.port(QStringLiteral("SMTP_PORT")), TlsMode::StartTls);
    o.extraCaCertificates = m_servers.certificates(QStringLiteral("WRONG_CA_FILE"));
    const Run run = runToEnd(o);
    QVERIFY(run.hasFinding(FindingIds::CertUntrustedChain));
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Skipped);
    QCOMPARE(run.verdict(), Verdict::Critical);
    QVERIFY(!run.tls->verified);
    // The chain is still shown in full; the error belongs to the intermediate, whose issuer is unknown.
    QCOMPARE(run.certificates.size(), 2);
    QVERIFY(run.certificates.at(0).errors.isEmpty());
    QCOMPARE(run.certificates.at(1).errors.size(), 1);
    // Nothing was sent after the handshake.
    QVERIFY(std::none_of(run.transcript.cbegin(), run.transcript.cend(),
                         [](const TranscriptEntry& e) { return e.dir == 'C' && e.tls; }));
}

void TestPostfix::stopAfterGreetingNeverStartsTls()
{
    ProbeOptions o = options(m_servers.port(QStringLiteral("SMTP_PORT")), TlsMode::StartTls);
    o.stopAfter = StepId::Greeting;
    const Run run = runToEnd(o);
    QCOMPARE(run.verdict(), Verdict::Ok);
    QCOMPARE(run.step(StepId::StartTls)->status, StepStatus::Skipped);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Ok);
    QVERIFY(!run.tls.has_value());
}

void TestPostfix::cliReportsOkWithExitCodeZero()
{
    QProcess cli;
    cli.start(QStringLiteral(MAILSCOPE_CLI_PATH),
              {QStringLiteral("check"),
               QStringLiteral("localhost:%1").arg(m_servers.port(QStringLiteral("SMTP_PORT"))),
               QStringLiteral("--ca-file"), m_servers.value(QStringLiteral("CA_FILE")),
               QStringLiteral("--json")});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 0);
    const QJsonObject report = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    QCOMPARE(report.value(QLatin1String("schema_version")).toInt(), 1);
    QCOMPARE(report.value(QLatin1String("verdict")).toString(), QStringLiteral("ok"));
    QCOMPARE(report.value(QLatin1String("tls")).toObject().value(QLatin1String("protocol")).toString(),
             QStringLiteral("TLSv1.3"));
}

void TestPostfix::cliExitCodeIsCriticalWhenUntrusted()
{
    // Without --ca-file the test CA is unknown: strict verification makes this CRITICAL (2).
    QProcess cli;
    cli.start(QStringLiteral(MAILSCOPE_CLI_PATH),
              {QStringLiteral("check"),
               QStringLiteral("localhost:%1").arg(m_servers.port(QStringLiteral("SMTP_PORT")))});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 2);
    const QString text = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY(text.contains(QLatin1String("cert-untrusted-chain")));
    QVERIFY(text.contains(QLatin1String("Verdict: CRITICAL")));
}

QTEST_GUILESS_MAIN(TestPostfix)
#include "TestPostfix.moc"
