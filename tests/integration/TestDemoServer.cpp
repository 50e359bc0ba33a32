// The built-in demo server, checked with the real engine (ProbeSession), a raw SMTP client for
// what the engine does not exercise (AUTH, MAIL/RCPT/DATA, command injection, limits), and the
// `mailscope-cli demo` command end to end. Everything runs on 127.0.0.1 with free ports.

#include "demo/DemoServer.h"
#include "findings/FindingCatalogue.h"
#include "LineTestClient.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <csignal>
#include <memory>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTest>

namespace {

constexpr int WaitMs = 20000;

/**
 * A minimal SMTP client over QSslSocket for the conversation tests. Waits on conditions with
 * QTest::qWaitFor (like the QTRY_ macros), never on the clock.
 */
class SmtpTestClient final : public LineTestClient
{
public:
    /// The next complete reply, one entry per line without CRLF; empty on timeout or close.
    QList<QByteArray> readReply()
    {
        QList<QByteArray> lines;
        for (;;) {
            const QByteArray line = readLine();
            if (line == NoLine)
                return lines;
            lines.append(line);
            if (line.size() < 4 || line.at(3) != '-')
                return lines;
        }
    }

    /// Sends one command line and returns the last line of the reply.
    QByteArray command(const QByteArray& line)
    {
        send(line + "\r\n");
        const QList<QByteArray> lines = readReply();
        return lines.isEmpty() ? QByteArray() : lines.constLast();
    }

    /// Sends one command line and returns every line of the reply.
    QList<QByteArray> commandLines(const QByteArray& line)
    {
        send(line + "\r\n");
        return readReply();
    }
};

} // namespace

class TestDemoServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scenarioList();
    void listenersAndPorts();
    void fixedPort();

    void goodStartTls();
    void scenariosOverStartTls_data();
    void scenariosOverStartTls();
    void responseInjectionIsDiscarded();
    void scenariosOverImplicitTls_data();
    void scenariosOverImplicitTls();
    void untrustedWithoutDemoCa();
    void insecureContinuesWithOverride();

    void smtpConversation();
    void plaintextAuthInNoStartTls();
    void authFails();
    void commandInjection_data();
    void commandInjection();
    void lineTooLong();
    void idleTimeout();
    void abruptClientsDoNotHurt();

    void cliEndToEnd();
    void cliListScenarios();
    void cliUnknownScenario();
    void cliHelpDoesNotStartServer();
    void cliCheckStopsCleanlyOnCtrlC();

private:
    ProbeOptions optionsFor(TlsMode mode) const;
    std::unique_ptr<ProbeSession> runProbe(const QString& scenario, const ProbeOptions& options);
    /// Connects, reads the banner, sends EHLO, STARTTLS and starts TLS; QVERIFYs each step.
    void upgrade(SmtpTestClient& client);

    DemoServer m_server;
};

void TestDemoServer::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    QVERIFY(m_server.isListening());
    QVERIFY(!m_server.caFile().isEmpty());
    QVERIFY(QFile::exists(m_server.caFile()));
    QCOMPARE(m_server.caCertificates().size(), 1);
}

void TestDemoServer::scenarioList()
{
    const QStringList expected {QStringLiteral("good"),
                                QStringLiteral("no-starttls"),
                                QStringLiteral("starttls-rejected"),
                                QStringLiteral("response-injection"),
                                QStringLiteral("command-injection"),
                                QStringLiteral("expired-cert"),
                                QStringLiteral("wrong-host"),
                                QStringLiteral("self-signed"),
                                QStringLiteral("slow-banner"),
                                QStringLiteral("tarpit"),
                                QStringLiteral("auth-fails"),
                                QStringLiteral("drops-in-handshake"),
                                QStringLiteral("preauth"),
                                QStringLiteral("expects-implicit-tls"),
                                QStringLiteral("swapped-protocols"),
                                QStringLiteral("relay-denied"),
                                QStringLiteral("legacy-tls")};
    QStringList names;
    const QList<DemoServer::Scenario> scenarios = DemoServer::scenarios();
    for (const DemoServer::Scenario& s : scenarios) {
        names.append(s.name);
        QVERIFY2(!s.description.isEmpty(), qPrintable(s.name));
        QVERIFY(DemoServer::hasScenario(s.name));
    }
    QCOMPARE(names, expected);
    QVERIFY(!DemoServer::hasScenario(QStringLiteral("nonsense")));

    DemoServer server;
    QCOMPARE(server.scenario(), QStringLiteral("good"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unknown demo scenario")));
    server.setScenario(QStringLiteral("nonsense"));
    QCOMPARE(server.scenario(), QStringLiteral("good"));
    server.setScenario(QStringLiteral("wrong-host"));
    QCOMPARE(server.scenario(), QStringLiteral("wrong-host"));
}

void TestDemoServer::listenersAndPorts()
{
    const quint16 smtp = m_server.port(Protocol::Smtp, TlsMode::StartTls);
    const quint16 smtps = m_server.port(Protocol::Smtp, TlsMode::Implicit);
    QVERIFY(smtp != 0);
    QVERIFY(smtps != 0);
    QVERIFY(smtp != smtps);
    QCOMPARE(m_server.port(Protocol::Smtp, TlsMode::None), quint16(0));
    // IMAP and POP3 are served too, each on its own port (TestDemoImapPop3 has their details).
    const QList<quint16> others {
        m_server.port(Protocol::Imap, TlsMode::StartTls), m_server.port(Protocol::Imap, TlsMode::Implicit),
        m_server.port(Protocol::Pop3, TlsMode::StartTls), m_server.port(Protocol::Pop3, TlsMode::Implicit)};
    for (quint16 p : others) {
        QVERIFY(p != 0 && p != smtp && p != smtps);
        QCOMPARE(others.count(p), 1);
    }
    QCOMPARE(m_server.port(Protocol::Imap, TlsMode::None), quint16(0));

    const QSslCertificate ca = m_server.caCertificates().constFirst();
    QVERIFY(
        ca.subjectInfo(QSslCertificate::CommonName).value(0).startsWith(QLatin1String("Mailscope Demo CA")));
    QFile file(m_server.caFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QSslCertificate::fromData(file.readAll(), QSsl::Pem).value(0), ca);

    // Stop and start again: new ports, the same CA (kept between launches: TestDemoRestart).
    DemoServer server;
    QVERIFY(!server.isListening());
    QCOMPARE(server.port(Protocol::Smtp, TlsMode::StartTls), quint16(0));
    QVERIFY(server.start());
    const QList<QSslCertificate> firstCa = server.caCertificates();
    const QString firstFile = server.caFile();
    server.stop();
    QVERIFY(!server.isListening());
    QCOMPARE(server.port(Protocol::Smtp, TlsMode::StartTls), quint16(0));
    QVERIFY(server.start());
    QVERIFY(server.isListening());
    QCOMPARE(server.caCertificates(), firstCa);
    QCOMPARE(server.caFile(), firstFile);
}

void TestDemoServer::fixedPort()
{
    DemoServer server;
    QVERIFY(!server.start(65535));
    QVERIFY(!server.errorString().isEmpty());
    QVERIFY(!server.isListening());

    // A port the first server holds cannot be taken twice.
    DemoServer clash;
    QVERIFY(!clash.start(m_server.port(Protocol::Smtp, TlsMode::StartTls)));
    QVERIFY(clash.errorString().contains(QLatin1String("127.0.0.1")));

    // Find six free ports: SMTP on the given port, then SMTPS, IMAP, IMAPS, POP3, POP3S.
    bool started = false;
    for (quint16 base = 42125; base < 62000 && !started; base += 997)
        started = server.start(base);
    QVERIFY2(started, qPrintable(server.errorString()));
    const quint16 smtp = server.port(Protocol::Smtp, TlsMode::StartTls);
    QCOMPARE(server.port(Protocol::Smtp, TlsMode::Implicit), quint16(smtp + 1));
    QCOMPARE(server.port(Protocol::Imap, TlsMode::StartTls), quint16(smtp + 2));
    QCOMPARE(server.port(Protocol::Imap, TlsMode::Implicit), quint16(smtp + 3));
    QCOMPARE(server.port(Protocol::Pop3, TlsMode::StartTls), quint16(smtp + 4));
    QCOMPARE(server.port(Protocol::Pop3, TlsMode::Implicit), quint16(smtp + 5));

    SmtpTestClient client;
    QVERIFY(client.connectTo(smtp));
    QCOMPARE(client.readReply(), QList<QByteArray> {"220 localhost ESMTP Mailscope demo server"});
}

ProbeOptions TestDemoServer::optionsFor(TlsMode mode) const
{
    ProbeOptions options;
    options.host = DemoServer::hostName();
    options.port = m_server.port(Protocol::Smtp, mode);
    options.tls = mode;
    options.extraCaCertificates = m_server.caCertificates();
    options.stepTimeoutMs = 10000;
    return options;
}

std::unique_ptr<ProbeSession> TestDemoServer::runProbe(const QString& scenario, const ProbeOptions& options)
{
    m_server.setScenario(scenario);
    auto session = std::make_unique<ProbeSession>(options);
    session->start();
    // The callers assert isFinished(): a run that hangs fails there.
    [[maybe_unused]] const bool finished =
        QTest::qWaitFor([&session] { return session->isFinished(); }, 4 * WaitMs);
    return session;
}

void TestDemoServer::goodStartTls()
{
    const auto session = runProbe(QStringLiteral("good"), optionsFor(TlsMode::StartTls));
    QVERIFY(session->isFinished());
    const Run& run = session->run();
    QCOMPARE(findingIds(run), ids({}));
    QCOMPARE(run.verdict(), Verdict::Ok);

    const QList<StepId> expectedSteps {StepId::Resolve,     StepId::Connect,  StepId::Banner,
                                       StepId::Greeting,    StepId::StartTls, StepId::TlsHandshake,
                                       StepId::GreetingTls, StepId::Quit};
    QCOMPARE(run.steps.size(), expectedSteps.size());
    for (qsizetype i = 0; i < run.steps.size(); ++i) {
        QCOMPARE(run.steps.at(i).id, expectedSteps.at(i));
        QCOMPARE(run.steps.at(i).status, StepStatus::Ok);
    }

    QVERIFY(run.tls.has_value());
    QCOMPARE(run.tls->protocol, QStringLiteral("TLSv1.3"));
    QVERIFY(run.tls->verified);
    QVERIFY(run.tls->errors.isEmpty());
    QVERIFY(!run.tls->cipher.isEmpty());

    // The server sends leaf + intermediate; the root comes from the demo CA file.
    QCOMPARE(run.certificates.size(), 2);
    const CertificateInfo& leaf = run.certificates.constFirst();
    QCOMPARE(leaf.commonName, QStringLiteral("localhost"));
    QVERIFY(leaf.sanDns.contains(QStringLiteral("localhost")));
    QVERIFY(leaf.sanIp.contains(QStringLiteral("127.0.0.1")));
    QVERIFY(leaf.sanIp.contains(QStringLiteral("::1")));
    QVERIFY(!leaf.selfSigned);
    QVERIFY(run.certificates.at(1).commonName.contains(QLatin1String("Intermediate")));

    QVERIFY(hasCapability(run.capabilitiesPlain, QStringLiteral("STARTTLS")));
    QVERIFY(!hasCapability(run.capabilitiesPlain, QStringLiteral("AUTH")));
    QVERIFY(hasCapability(run.capabilitiesTls, QStringLiteral("AUTH")));
    QVERIFY(!hasCapability(run.capabilitiesTls, QStringLiteral("STARTTLS")));
    QVERIFY(hasCapability(run.capabilitiesTls, QStringLiteral("PIPELINING")));
    QVERIFY(hasCapability(run.capabilitiesTls, QStringLiteral("SIZE")));

    QVERIFY(std::any_of(run.transcript.cbegin(), run.transcript.cend(), [](const TranscriptEntry& e) {
        return e.dir == 'S' && e.text == QLatin1String("220 localhost ESMTP Mailscope demo server");
    }));
    QVERIFY(std::none_of(run.transcript.cbegin(), run.transcript.cend(),
                         [](const TranscriptEntry& e) { return e.discarded; }));
}

void TestDemoServer::scenariosOverStartTls_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("timeoutMs");
    QTest::addColumn<QStringList>("findings");
    QTest::addColumn<StepId>("failedStep"); // Resolve: nothing fails
    QTest::addColumn<Verdict>("verdict");

    QTest::newRow("no-starttls") << QStringLiteral("no-starttls") << 10000
                                 << QStringList {FindingIds::StartTlsNotOffered,
                                                 FindingIds::PlaintextAuthOffered}
                                 << StepId::StartTls << Verdict::Critical;
    QTest::newRow("starttls-rejected")
        << QStringLiteral("starttls-rejected") << 10000 << QStringList {FindingIds::StartTlsRejected}
        << StepId::StartTls << Verdict::Critical;
    QTest::newRow("response-injection")
        << QStringLiteral("response-injection") << 10000
        << QStringList {FindingIds::StartTlsResponseInjection} << StepId::Resolve << Verdict::Critical;
    QTest::newRow("expired-cert") << QStringLiteral("expired-cert") << 10000
                                  << QStringList {FindingIds::CertExpired} << StepId::TlsHandshake
                                  << Verdict::Critical;
    QTest::newRow("wrong-host") << QStringLiteral("wrong-host") << 10000
                                << QStringList {FindingIds::CertHostnameMismatch} << StepId::TlsHandshake
                                << Verdict::Critical;
    QTest::newRow("self-signed") << QStringLiteral("self-signed") << 10000
                                 << QStringList {FindingIds::CertSelfSigned} << StepId::TlsHandshake
                                 << Verdict::Critical;
    QTest::newRow("slow-banner") << QStringLiteral("slow-banner") << 500
                                 << QStringList {FindingIds::ServerTimeout} << StepId::Banner
                                 << Verdict::Critical;
    QTest::newRow("drops-in-handshake")
        << QStringLiteral("drops-in-handshake") << 10000 << QStringList {FindingIds::TlsHandshakeFailed}
        << StepId::TlsHandshake << Verdict::Critical;
    // The engine neither logs in nor probes for command injection: to it these servers look good.
    QTest::newRow("auth-fails") << QStringLiteral("auth-fails") << 10000 << QStringList {} << StepId::Resolve
                                << Verdict::Ok;
    QTest::newRow("command-injection")
        << QStringLiteral("command-injection") << 10000 << QStringList {} << StepId::Resolve << Verdict::Ok;
}

void TestDemoServer::scenariosOverStartTls()
{
    QFETCH(QString, scenario);
    QFETCH(int, timeoutMs);
    QFETCH(QStringList, findings);
    QFETCH(StepId, failedStep);
    QFETCH(Verdict, verdict);

    ProbeOptions options = optionsFor(TlsMode::StartTls);
    options.stepTimeoutMs = timeoutMs;
    const auto session = runProbe(scenario, options);
    QVERIFY(session->isFinished());
    const Run& run = session->run();
    const QByteArray found = findingIds(run).toUtf8();
    QCOMPARE(findingIds(run), ids(findings));
    QCOMPARE(run.verdict(), verdict);

    const auto failed = std::find_if(run.steps.cbegin(), run.steps.cend(),
                                     [](const StepRecord& s) { return s.status == StepStatus::Failed; });
    if (failedStep == StepId::Resolve) {
        QVERIFY2(failed == run.steps.cend(), failed == run.steps.cend() ? "" : qPrintable(failed->summary));
    } else {
        QVERIFY2(failed != run.steps.cend(), found.constData());
        QCOMPARE(failed->id, failedStep);
    }
    // Nothing the server said before TLS is taken as a capability over TLS.
    QVERIFY(!hasCapability(run.capabilitiesTls, QStringLiteral("INJECTED")));
}

void TestDemoServer::responseInjectionIsDiscarded()
{
    const auto session = runProbe(QStringLiteral("response-injection"), optionsFor(TlsMode::StartTls));
    QVERIFY(session->isFinished());
    const Run& run = session->run();
    QCOMPARE(findingIds(run), ids({FindingIds::StartTlsResponseInjection}));
    QCOMPARE(run.step(StepId::StartTls)->status, StepStatus::Warning);
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Ok);
    QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Ok);

    QStringList discarded;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.discarded) {
            discarded.append(e.text);
            QCOMPARE(e.dir, 'S');
            QVERIFY(!e.tls);
        } else {
            QVERIFY2(!e.text.contains(QLatin1String("INJECTED-BY-MIDDLEBOX")) || e.dir == 'I',
                     qPrintable(e.text));
        }
    }
    QCOMPARE(discarded, (QStringList {QStringLiteral("250-INJECTED-BY-MIDDLEBOX\r\n250 AUTH PLAIN\r\n")}));
    // The capabilities over TLS are the ones re-read after the handshake, not the injected ones.
    QVERIFY(!run.capabilitiesTls.contains(QStringLiteral("INJECTED-BY-MIDDLEBOX")));
    QVERIFY(!hasCapability(run.capabilitiesTls, QStringLiteral("INJECTED")));
    QVERIFY(hasCapability(run.capabilitiesTls, QStringLiteral("AUTH PLAIN LOGIN")));
}

void TestDemoServer::scenariosOverImplicitTls_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("timeoutMs");
    QTest::addColumn<QString>("finding"); // empty: a good run
    QTest::addColumn<StepId>("failedStep");

    QTest::newRow("good") << QStringLiteral("good") << 10000 << QString() << StepId::Resolve;
    QTest::newRow("expired-cert") << QStringLiteral("expired-cert") << 10000
                                  << QString(FindingIds::CertExpired) << StepId::TlsHandshake;
    QTest::newRow("wrong-host") << QStringLiteral("wrong-host") << 10000
                                << QString(FindingIds::CertHostnameMismatch) << StepId::TlsHandshake;
    QTest::newRow("self-signed") << QStringLiteral("self-signed") << 10000
                                 << QString(FindingIds::CertSelfSigned) << StepId::TlsHandshake;
    QTest::newRow("slow-banner") << QStringLiteral("slow-banner") << 500 << QString(FindingIds::ServerTimeout)
                                 << StepId::Banner;
    QTest::newRow("drops-in-handshake") << QStringLiteral("drops-in-handshake") << 10000
                                        << QString(FindingIds::TlsHandshakeFailed) << StepId::TlsHandshake;
}

void TestDemoServer::scenariosOverImplicitTls()
{
    QFETCH(QString, scenario);
    QFETCH(int, timeoutMs);
    QFETCH(QString, finding);
    QFETCH(StepId, failedStep);

    ProbeOptions options = optionsFor(TlsMode::Implicit);
    options.stepTimeoutMs = timeoutMs;
    const auto session = runProbe(scenario, options);
    QVERIFY(session->isFinished());
    const Run& run = session->run();
    const QByteArray found = findingIds(run).toUtf8();
    const auto failed = std::find_if(run.steps.cbegin(), run.steps.cend(),
                                     [](const StepRecord& s) { return s.status == StepStatus::Failed; });
    QCOMPARE(findingIds(run), finding.isEmpty() ? ids({}) : ids({finding}));
    if (finding.isEmpty()) {
        QCOMPARE(run.verdict(), Verdict::Ok);
        for (const StepRecord& s : run.steps)
            QCOMPARE(s.status, StepStatus::Ok);
        QVERIFY(run.tls.has_value());
        QCOMPARE(run.tls->protocol, QStringLiteral("TLSv1.3"));
        QCOMPARE(run.certificates.value(0).commonName, QStringLiteral("localhost"));
        // Implicit TLS: the only greeting is already encrypted, so AUTH is offered.
        QVERIFY(hasCapability(run.capabilitiesTls, QStringLiteral("AUTH")));
        QVERIFY(!hasCapability(run.capabilitiesTls, QStringLiteral("STARTTLS")));
        return;
    }
    QCOMPARE(run.verdict(), Verdict::Critical);
    QVERIFY2(failed != run.steps.cend(), found.constData());
    QCOMPARE(failed->id, failedStep);
}

void TestDemoServer::untrustedWithoutDemoCa()
{
    ProbeOptions options = optionsFor(TlsMode::StartTls);
    options.extraCaCertificates.clear();
    const auto session = runProbe(QStringLiteral("good"), options);
    QVERIFY(session->isFinished());
    const Run& run = session->run();
    QCOMPARE(findingIds(run), ids({FindingIds::CertUntrustedChain}));
    QCOMPARE(run.verdict(), Verdict::Critical);
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Failed);
    // Strict: nothing more is sent after an untrusted handshake, so no greeting over TLS.
    QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Skipped);
    QVERIFY(run.capabilitiesTls.isEmpty());
}

void TestDemoServer::insecureContinuesWithOverride()
{
    ProbeOptions options = optionsFor(TlsMode::StartTls);
    options.extraCaCertificates.clear();
    options.insecure = true;
    const auto session = runProbe(QStringLiteral("good"), options);
    QVERIFY(session->isFinished());
    const Run& run = session->run();
    QCOMPARE(findingIds(run), ids({FindingIds::CertUntrustedChain, FindingIds::CertVerificationOverridden}));
    QVERIFY(run.tls.has_value());
    QVERIFY(run.tls->verificationOverridden);
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Warning);
    QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Ok);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Ok);
    QVERIFY(hasCapability(run.capabilitiesTls, QStringLiteral("AUTH")));
}

// ---- the SMTP conversation, with a raw client --------------------------------------------------

void TestDemoServer::upgrade(SmtpTestClient& client)
{
    QVERIFY(client.connectTo(m_server.port(Protocol::Smtp, TlsMode::StartTls)));
    QCOMPARE(client.readReply(), QList<QByteArray> {"220 localhost ESMTP Mailscope demo server"});
    QCOMPARE(client.command("EHLO client.test"), QByteArray("250 STARTTLS"));
    QCOMPARE(client.command("STARTTLS"), QByteArray("220 2.0.0 Ready to start TLS"));
    QVERIFY(client.startTls(m_server.caCertificates()));
    QVERIFY(client.sslErrors().isEmpty());
}

void TestDemoServer::smtpConversation()
{
    m_server.setScenario(QStringLiteral("good"));
    SmtpTestClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Smtp, TlsMode::StartTls)));
    QCOMPARE(client.readReply(), QList<QByteArray> {"220 localhost ESMTP Mailscope demo server"});

    // Plaintext: STARTTLS offered, AUTH neither offered nor accepted.
    QCOMPARE(client.commandLines("EHLO client.test"),
             (QList<QByteArray> {"250-localhost", "250-PIPELINING", "250-SIZE 10240000", "250-8BITMIME",
                                 "250-ENHANCEDSTATUSCODES", "250 STARTTLS"}));
    QCOMPARE(client.command("AUTH PLAIN " + plainResponse("demo", "demo")),
             QByteArray("538 5.7.11 Encryption required for requested authentication mechanism"));
    QCOMPARE(client.command("STARTTLS now"), QByteArray("501 5.5.4 Syntax: STARTTLS"));
    QCOMPARE(client.command("MAIL FROM:<a@example.org>"), QByteArray("250 2.1.0 Ok"));
    QCOMPARE(client.command("STARTTLS"), QByteArray("220 2.0.0 Ready to start TLS"));
    QVERIFY(client.startTls(m_server.caCertificates()));
    QVERIFY(client.sslErrors().isEmpty());

    // RFC 3207 s.4: the EHLO state and the transaction are forgotten.
    QCOMPARE(client.command("RCPT TO:<b@example.org>"), QByteArray("503 5.5.1 Error: need MAIL command"));
    QCOMPARE(client.command("MAIL FROM:<a@example.org>"),
             QByteArray("503 5.5.1 Error: send HELO/EHLO first"));
    QCOMPARE(client.command("EHLO client.test"), QByteArray("250 AUTH PLAIN LOGIN"));
    QCOMPARE(client.command("STARTTLS"), QByteArray("554 5.5.1 Error: TLS already active"));

    // AUTH PLAIN (RFC 4616) with wrong and right credentials, AUTH LOGIN, cancel.
    QCOMPARE(client.command("AUTH PLAIN " + plainResponse("demo", "wrong")),
             QByteArray("535 5.7.8 Authentication credentials invalid"));
    QCOMPARE(client.command("AUTH CRAM-MD5"), QByteArray("504 5.5.4 Unrecognized authentication type"));
    QCOMPARE(client.command("AUTH PLAIN"), QByteArray("334 "));
    QCOMPARE(client.command("*"), QByteArray("501 5.7.0 Authentication cancelled"));
    QCOMPARE(client.command("AUTH LOGIN"), QByteArray("334 VXNlcm5hbWU6"));
    QCOMPARE(client.command("not base64!"), QByteArray("501 5.5.2 Cannot decode response"));
    QCOMPARE(client.command("AUTH LOGIN"), QByteArray("334 VXNlcm5hbWU6"));
    QCOMPARE(client.command(QByteArray("demo").toBase64()), QByteArray("334 UGFzc3dvcmQ6"));
    QCOMPARE(client.command(QByteArray("demo").toBase64()),
             QByteArray("235 2.7.0 Authentication successful"));
    QCOMPARE(client.command("AUTH PLAIN " + plainResponse("demo", "demo")),
             QByteArray("503 5.5.1 Error: already authenticated"));

    // A message, with a dot-stuffed line; pipelined commands are answered in order.
    QCOMPARE(client.command("DATA"), QByteArray("503 5.5.1 Error: need MAIL command"));
    QCOMPARE(client.command("MAIL FROM:<a@example.org> SIZE=99999999"),
             QByteArray("552 5.3.4 Message size exceeds fixed limit"));
    client.send("MAIL FROM:<a@example.org> SIZE=100 BODY=8BITMIME\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
    QCOMPARE(client.readReply(), QList<QByteArray> {"250 2.1.0 Ok"});
    QCOMPARE(client.readReply(), QList<QByteArray> {"250 2.1.5 Ok"});
    QCOMPARE(client.readReply(), QList<QByteArray> {"354 End data with <CR><LF>.<CR><LF>"});
    client.send("Subject: demo\r\n\r\n..a line that starts with a dot\r\nQUIT\r\n.\r\n");
    const QByteArray queued = client.readReply().value(0);
    QVERIFY2(QRegularExpression(QStringLiteral("^250 2\\.0\\.0 Ok: queued as DEMO\\d+$"))
                 .match(QString::fromLatin1(queued))
                 .hasMatch(),
             queued.constData());

    client.send("NOOP\r\nRSET\r\nVRFY x\r\n\r\n");
    QCOMPARE(client.readReply(), QList<QByteArray> {"250 2.0.0 Ok"});
    QCOMPARE(client.readReply(), QList<QByteArray> {"250 2.0.0 Ok"});
    QCOMPARE(client.readReply(), QList<QByteArray> {"502 5.5.2 Error: command not recognized"});
    QCOMPARE(client.readReply(), QList<QByteArray> {"500 5.5.2 Error: bad syntax"});

    QCOMPARE(client.command("QUIT"), QByteArray("221 2.0.0 Bye"));
    QVERIFY(client.waitForClose());
}

void TestDemoServer::plaintextAuthInNoStartTls()
{
    m_server.setScenario(QStringLiteral("no-starttls"));
    SmtpTestClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Smtp, TlsMode::StartTls)));
    QCOMPARE(client.readReply().size(), 1);
    const QList<QByteArray> ehlo = client.commandLines("EHLO client.test");
    QVERIFY(!ehlo.contains("250-STARTTLS") && !ehlo.contains("250 STARTTLS"));
    QCOMPARE(ehlo.value(ehlo.size() - 1), QByteArray("250 AUTH PLAIN LOGIN"));
    QCOMPARE(client.command("STARTTLS"), QByteArray("502 5.5.2 Error: command not recognized"));
    QCOMPARE(client.command("AUTH PLAIN " + plainResponse("demo", "demo")),
             QByteArray("235 2.7.0 Authentication successful"));
    QCOMPARE(client.command("QUIT"), QByteArray("221 2.0.0 Bye"));
}

void TestDemoServer::authFails()
{
    m_server.setScenario(QStringLiteral("auth-fails"));
    SmtpTestClient client;
    upgrade(client);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(client.command("EHLO client.test"), QByteArray("250 AUTH PLAIN LOGIN"));
    QCOMPARE(client.command("AUTH PLAIN " + plainResponse("demo", "demo")),
             QByteArray("535 5.7.8 Authentication credentials invalid"));
    QCOMPARE(client.command("AUTH LOGIN " + QByteArray("demo").toBase64()), QByteArray("334 UGFzc3dvcmQ6"));
    QCOMPARE(client.command(QByteArray("demo").toBase64()),
             QByteArray("535 5.7.8 Authentication credentials invalid"));
}

void TestDemoServer::commandInjection_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QByteArray>("firstReplyOverTls");

    // A correct server discards the NOOP sent with STARTTLS: the first reply over TLS is EHLO's.
    QTest::newRow("good") << QStringLiteral("good") << QByteArray("250-localhost");
    // CVE-2011-0411: the plaintext NOOP is answered inside TLS, before the client said anything.
    QTest::newRow("command-injection") << QStringLiteral("command-injection") << QByteArray("250 2.0.0 Ok");
}

void TestDemoServer::commandInjection()
{
    QFETCH(QString, scenario);
    QFETCH(QByteArray, firstReplyOverTls);

    m_server.setScenario(scenario);
    SmtpTestClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Smtp, TlsMode::StartTls)));
    QCOMPARE(client.readReply().size(), 1);
    QCOMPARE(client.command("EHLO client.test"), QByteArray("250 STARTTLS"));
    client.send("STARTTLS\r\nNOOP\r\n"); // one write: the injection
    QCOMPARE(client.readReply(), QList<QByteArray> {"220 2.0.0 Ready to start TLS"});
    QVERIFY(client.startTls(m_server.caCertificates()));
    client.send("EHLO client.test\r\n");
    QCOMPARE(client.readReply().value(0), firstReplyOverTls);
}

void TestDemoServer::lineTooLong()
{
    m_server.setScenario(QStringLiteral("good"));
    SmtpTestClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Smtp, TlsMode::StartTls)));
    QCOMPARE(client.readReply().size(), 1);
    client.send("NOOP " + QByteArray(5000, 'x') + "\r\n");
    QCOMPARE(client.readReply(), QList<QByteArray> {"500 5.5.2 Error: line too long"});
    // The connection stays usable; the rest of the long line was skipped.
    QCOMPARE(client.command("NOOP"), QByteArray("250 2.0.0 Ok"));
    QCOMPARE(client.command("EHLO " + QByteArray(4000, 'y')), QByteArray("250 STARTTLS"));
}

void TestDemoServer::idleTimeout()
{
    DemoServer server;
    server.setIdleTimeout(300);
    QVERIFY(server.start());
    SmtpTestClient client;
    QVERIFY(client.connectTo(server.port(Protocol::Smtp, TlsMode::StartTls)));
    QCOMPARE(client.readReply().size(), 1);
    QCOMPARE(client.readReply(), QList<QByteArray> {"421 4.4.2 localhost Error: timeout exceeded"});
    QVERIFY(client.waitForClose());
}

void TestDemoServer::abruptClientsDoNotHurt()
{
    const quint16 smtp = m_server.port(Protocol::Smtp, TlsMode::StartTls);
    const quint16 smtps = m_server.port(Protocol::Smtp, TlsMode::Implicit);
    {
        // Gone before reading the banner, in the middle of a command, after STARTTLS's go-ahead, and
        // in the middle of an implicit-TLS handshake.
        m_server.setScenario(QStringLiteral("good"));
        SmtpTestClient early;
        QVERIFY(early.connectTo(smtp));
        early.socket().abort();

        SmtpTestClient midCommand;
        QVERIFY(midCommand.connectTo(smtp));
        QCOMPARE(midCommand.readReply().size(), 1);
        midCommand.send("EHLO half-a-li");
        midCommand.socket().flush();
        midCommand.socket().abort();

        SmtpTestClient afterGoAhead;
        QVERIFY(afterGoAhead.connectTo(smtp));
        QCOMPARE(afterGoAhead.readReply().size(), 1);
        QCOMPARE(afterGoAhead.command("STARTTLS"), QByteArray("220 2.0.0 Ready to start TLS"));
        afterGoAhead.socket().abort();

        SmtpTestClient garbage;
        QVERIFY(garbage.connectTo(smtps));
        garbage.send("this is not a TLS client hello\r\n");
        QVERIFY(garbage.waitForClose());

        m_server.setScenario(QStringLiteral("slow-banner"));
        SmtpTestClient impatient;
        QVERIFY(impatient.connectTo(smtp));
        impatient.send("EHLO too-early\r\n");
        impatient.socket().flush();
        impatient.socket().abort();
    }
    // The server is still fine.
    const auto session = runProbe(QStringLiteral("good"), optionsFor(TlsMode::StartTls));
    QVERIFY(session->isFinished());
    QCOMPARE(session->run().verdict(), Verdict::Ok);
}

// ---- mailscope-cli demo ------------------------------------------------------------------------

void TestDemoServer::cliCheckStopsCleanlyOnCtrlC()
{
    // A server that accepts and never speaks: the check waits in its banner step.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    QSignalSpy accepted(&silent, &QTcpServer::newConnection);
    QProcess check;
    check.start(QStringLiteral(MAILSCOPE_CLI_PATH),
                {QStringLiteral("check"), QStringLiteral("127.0.0.1:%1").arg(silent.serverPort()),
                 QStringLiteral("--timeout"), QStringLiteral("60")});
    QVERIFY(accepted.wait(WaitMs));
    ::kill(pid_t(check.processId()), SIGINT);
    QVERIFY(check.waitForFinished(WaitMs));
    QCOMPARE(check.exitStatus(), QProcess::NormalExit);
    QCOMPARE(check.exitCode(), 3); // UNKNOWN: the user stopped it; nothing grave was found
    const QString report = QString::fromUtf8(check.readAllStandardOutput());
    QVERIFY2(report.contains(QLatin1String("Stopped by you")), qPrintable(report));
    QVERIFY(report.contains(QLatin1String("Verdict: UNKNOWN")));
}

void TestDemoServer::cliEndToEnd()
{
    QProcess demo;
    demo.setProgram(QStringLiteral(MAILSCOPE_CLI_PATH));
    demo.setArguments({QStringLiteral("demo"), QStringLiteral("--scenario"), QStringLiteral("good")});
    demo.start();
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += demo.readAllStandardOutput()).contains("Try:"), WaitMs);
    QCOMPARE(demo.state(), QProcess::Running);

    const QString text = QString::fromUtf8(output);
    QVERIFY2(text.contains(QLatin1String("scenario: good")), output.constData());
    const QRegularExpressionMatch smtp =
        QRegularExpression(QStringLiteral("SMTP  \\(STARTTLS\\)\\s+127\\.0\\.0\\.1:(\\d+)")).match(text);
    const QRegularExpressionMatch smtps =
        QRegularExpression(QStringLiteral("SMTPS \\(implicit TLS\\)\\s+127\\.0\\.0\\.1:(\\d+)")).match(text);
    const QRegularExpressionMatch ca = QRegularExpression(QStringLiteral("Demo CA: (\\S+)")).match(text);
    QVERIFY2(smtp.hasMatch() && smtps.hasMatch() && ca.hasMatch(), output.constData());
    const QString caFile = ca.captured(1);
    QVERIFY(QFile::exists(caFile));

    // The IMAP and POP3 listeners are listed too, and greet.
    const struct
    {
        const char* label;
        QByteArray greeting;
    } others[] = {
        {"IMAP  \\(STARTTLS\\)",
         "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Mailscope demo IMAP server ready"},
        {"IMAPS \\(implicit TLS\\)", {}},
        {"POP3  \\(STLS\\)", "+OK Mailscope demo POP3 server ready"},
        {"POP3S \\(implicit TLS\\)", {}},
    };
    for (const auto& listener : others) {
        const QRegularExpressionMatch match =
            QRegularExpression(QString::fromLatin1(listener.label)
                               + QStringLiteral("\\s+127\\.0\\.0\\.1:(\\d+)"))
                .match(text);
        QVERIFY2(match.hasMatch(), listener.label);
        if (listener.greeting.isEmpty())
            continue;
        SmtpTestClient client;
        QVERIFY(client.connectTo(quint16(match.captured(1).toUInt())));
        QCOMPARE(client.readReply(), QList<QByteArray> {listener.greeting});
    }
    QVERIFY2(text.contains(QLatin1String("--protocol imap")), output.constData());

    const auto check = [&caFile](const QStringList& extra, QByteArray* json) {
        QProcess process;
        process.setProgram(QStringLiteral(MAILSCOPE_CLI_PATH));
        process.setArguments(QStringList {QStringLiteral("check")} + extra
                             + QStringList {QStringLiteral("--ca-file"), caFile, QStringLiteral("--json")});
        process.start();
        if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, 3 * WaitMs))
            return -1;
        *json = process.readAllStandardOutput();
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    };
    QByteArray json;
    QCOMPARE(check({QStringLiteral("localhost:") + smtp.captured(1)}, &json), 0);
    QJsonParseError error;
    const QJsonObject report = QJsonDocument::fromJson(json, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(report.value(QLatin1String("verdict")).toString(), QStringLiteral("ok"));
    QCOMPARE(report.value(QLatin1String("tls")).toObject().value(QLatin1String("protocol")).toString(),
             QStringLiteral("TLSv1.3"));

    QCOMPARE(check({QStringLiteral("localhost:") + smtps.captured(1), QStringLiteral("--tls"),
                    QStringLiteral("implicit")},
                   &json),
             0);
    QCOMPARE(QJsonDocument::fromJson(json).object().value(QLatin1String("verdict")).toString(),
             QStringLiteral("ok"));

    // SIGTERM: a clean stop, exit code 0. The CA file stays, for the next launch (TestDemoRestart).
    demo.terminate();
    QTRY_COMPARE_WITH_TIMEOUT(demo.state(), QProcess::NotRunning, WaitMs);
    QCOMPARE(demo.exitStatus(), QProcess::NormalExit);
    QCOMPARE(demo.exitCode(), 0);
    QVERIFY(demo.readAllStandardOutput().contains("stopped"));
    QFile kept(caFile);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(QSslCertificate::fromData(kept.readAll(), QSsl::Pem), m_server.caCertificates());
}

void TestDemoServer::cliListScenarios()
{
    QProcess process;
    process.start(QStringLiteral(MAILSCOPE_CLI_PATH),
                  {QStringLiteral("demo"), QStringLiteral("--list-scenarios")});
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, WaitMs);
    QCOMPARE(process.exitCode(), 0);
    const QString output = QString::fromUtf8(process.readAllStandardOutput());
    const QList<DemoServer::Scenario> scenarios = DemoServer::scenarios();
    for (const DemoServer::Scenario& s : scenarios) {
        QVERIFY2(output.contains(s.name), qPrintable(s.name));
        QVERIFY2(output.contains(s.description), qPrintable(s.description));
    }
}

void TestDemoServer::cliUnknownScenario()
{
    QProcess process;
    process.start(QStringLiteral(MAILSCOPE_CLI_PATH),
                  {QStringLiteral("demo"), QStringLiteral("--scenario"), QStringLiteral("nonsense")});
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, WaitMs);
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 3);
    const QByteArray error = process.readAllStandardError();
    QVERIFY2(error.contains("nonsense") && error.contains("response-injection"), error.constData());

    process.start(QStringLiteral(MAILSCOPE_CLI_PATH),
                  {QStringLiteral("demo"), QStringLiteral("--port"), QStringLiteral("seventy")});
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, WaitMs);
    QCOMPARE(process.exitCode(), 3);
}

void TestDemoServer::cliHelpDoesNotStartServer()
{
    QProcess process;
    process.start(QStringLiteral(MAILSCOPE_CLI_PATH), {QStringLiteral("help"), QStringLiteral("demo")});
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, WaitMs);
    QCOMPARE(process.exitCode(), 0);
    const QByteArray output = process.readAllStandardOutput();
    QVERIFY2(output.contains("--scenario") && output.contains("--list-scenarios"), output.constData());
}

QTEST_GUILESS_MAIN(TestDemoServer)
#include "TestDemoServer.moc"
