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
    void brokenCertificates_data();
    void brokenCertificates();
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
    QCOMPARE(findingIds(run), ids({}));
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
    // Compared with the certificate's own dates (the PEM the fixture generated), not a lower bound
    // that a cached certificate drifts past.
    const QList<QSslCertificate> leafPem =
        QSslCertificate::fromPath(m_servers.value(QStringLiteral("CERT_DIR")) + QStringLiteral("/leaf.pem"));
    QCOMPARE(leafPem.size(), 1);
    QCOMPARE(run.certificates.at(0).notAfter, leafPem.first().expiryDate());
    QCOMPARE(run.certificates.at(0).daysLeft,
             QDateTime::currentDateTimeUtc().secsTo(leafPem.first().expiryDate()) / 86400);
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
    QCOMPARE(findingIds(run), ids({FindingIds::CertUntrustedChain}));
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

void TestPostfix::brokenCertificates_data()
{
    // The fixture's STARTTLS listeners that each present one bad certificate (start-postfix.sh).
    QTest::addColumn<QString>("portKey");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<QStringList>("findings"); // without cert-verification-overridden
    const QList<std::pair<const char*, QStringList>> cases {
        {"SMTP_CERT_EXPIRED_PORT", {FindingIds::CertExpired}},
        {"SMTP_CERT_NOTYETVALID_PORT", {FindingIds::CertNotYetValid}},
        {"SMTP_CERT_WRONGHOST_PORT", {FindingIds::CertHostnameMismatch}},
        {"SMTP_CERT_SELFSIGNED_PORT", {FindingIds::CertSelfSigned}},
        // OpenSSL (security level 2) refuses to verify these three, so each is also untrusted.
        {"SMTP_CERT_RSA1024_PORT", {FindingIds::CertUntrustedChain, FindingIds::CertWeakKey}},
        // The SHA-1 signature and the missing intermediate are named by the TLS audit
        // (CertificateAudit, TestTlsAudit::certificateCases); the conversation alone only knows
        // that verification failed.
        {"SMTP_CERT_SHA1_PORT", {FindingIds::CertUntrustedChain}},
        {"SMTP_CERT_NOINTERMEDIATE_PORT", {FindingIds::CertUntrustedChain}},
    };
    for (const auto& [key, findings] : cases) {
        for (const bool insecure : {false, true})
            QTest::addRow("%s%s", key, insecure ? " insecure" : "")
                << QString::fromLatin1(key) << insecure << findings;
    }
}

void TestPostfix::brokenCertificates()
{
    // The STARTTLS trust decision against a real server: strict stops right after the handshake
    // and writes nothing under TLS; --insecure goes on and records the override.
    QFETCH(QString, portKey);
    QFETCH(bool, insecure);
    QFETCH(QStringList, findings);
    ProbeOptions o = options(m_servers.port(portKey), TlsMode::StartTls);
    QVERIFY(o.port != 0);
    o.insecure = insecure;
    const Run run = runToEnd(o);
    const QStringList clientTls = [&run] {
        QStringList lines;
        for (const TranscriptEntry& e : run.transcript) {
            if (e.dir == 'C' && e.tls)
                lines.append(e.text);
        }
        return lines;
    }();
    if (!insecure) {
        QCOMPARE(findingIds(run), ids(findings));
        QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Failed);
        QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Skipped);
        QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Skipped);
        QCOMPARE(clientTls, QStringList {});
        QVERIFY(run.capabilitiesTls.isEmpty());
    } else {
        findings.append(FindingIds::CertVerificationOverridden);
        QCOMPARE(findingIds(run), ids(findings));
        QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Warning);
        QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Ok);
        QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Ok);
        QVERIFY(run.tls->verificationOverridden);
        QCOMPARE(clientTls.size(), 2); // EHLO and QUIT
    }
    QCOMPARE(run.verdict(), Verdict::Critical);
    QVERIFY(!run.tls->verified);
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
