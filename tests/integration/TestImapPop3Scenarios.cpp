// IMAP, POP3 and SMTP AUTH against FakeMailServer scripts on 127.0.0.1: the real engine, the real
// SslLineTransport and real TLS (TestPki identities). Each row names a scenario file in
// tests/data/scenarios/ and what the run must look like; every test also checks that the server
// saw exactly the lines its script expected.

#include "FakeMailServer.h"
#include "findings/FindingCatalogue.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPki.h"
#include "TestPrinters.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

Q_DECLARE_METATYPE(TlsPolicy)
Q_DECLARE_METATYPE(TlsMode)
Q_DECLARE_METATYPE(Protocol)

namespace {

constexpr int RunTimeoutMs = 8000;
const QByteArray ScenarioPassword = "fake-s3cret"; // the password the scenario files expect

} // namespace

class TestImapPop3Scenarios final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scenarios_data();
    void scenarios();
    void injectionIsDiscarded_data();
    void injectionIsDiscarded();
    void redactionKeepsTheServerHappy_data();
    void redactionKeepsTheServerHappy();

private:
    std::unique_ptr<FakeMailServer> serverFor(const QString& scenario);
    ProbeOptions optionsFor(const FakeMailServer& server, Protocol protocol, TlsMode tls) const;
    void runToEnd(ProbeSession& session, FakeMailServer& server);
};

void TestImapPop3Scenarios::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("MAILSCOPE_TEST_DATA").isEmpty(), "MAILSCOPE_TEST_DATA is not set");
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(TestPki::instance().isValid());
}

std::unique_ptr<FakeMailServer> TestImapPop3Scenarios::serverFor(const QString& scenario)
{
    auto server = std::make_unique<FakeMailServer>();
    const TestPki::Identity id = TestPki::instance().identity(TestPki::Kind::Good);
    server->setLocalCertificateChain(id.chain);
    server->setPrivateKey(id.key);
    if (!server->loadScenario(scenario) || !server->listen()) {
        qWarning("%s", qPrintable(server->errorSummary()));
        return {};
    }
    return server;
}

ProbeOptions TestImapPop3Scenarios::optionsFor(const FakeMailServer& server, Protocol protocol,
                                               TlsMode tls) const
{
    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1"); // the good test certificate carries IP:127.0.0.1
    o.port = server.port();
    o.protocol = protocol;
    o.tls = tls;
    o.extraCaCertificates = TestPki::instance().caCertificates();
    o.stepTimeoutMs = 20000;
    return o;
}

void TestImapPop3Scenarios::runToEnd(ProbeSession& session, FakeMailServer& server)
{
    QSignalSpy finished(&session, &ProbeSession::finished);
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.isFinished(), RunTimeoutMs);
    QCOMPARE(finished.count(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(server.isFinished(), 5000);
}

void TestImapPop3Scenarios::scenarios_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<TlsMode>("tls");
    QTest::addColumn<TlsPolicy>("policy");
    QTest::addColumn<QString>("user"); // empty: no auth step
    QTest::addColumn<QString>("steps");
    QTest::addColumn<QStringList>("findings");
    QTest::addColumn<QString>("authSummary"); // substring of the auth step's summary

    const auto S = TlsMode::StartTls;
    const auto I = TlsMode::Implicit;
    const auto E = TlsPolicy::Enforce;
    const QString alice = QStringLiteral("alice");
    const QString starttlsAll = QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok "
                                               "tls-handshake=ok greeting-tls=ok");

    // ---- IMAP ----
    QTest::newRow("imap starttls") << "imap-starttls-good" << Protocol::Imap << S << E << QString()
                                   << starttlsAll + QStringLiteral(" quit=ok") << QStringList {} << QString();
    QTest::newRow("imap no starttls")
        << "imap-no-starttls" << Protocol::Imap << S << E << QString()
        << "resolve=ok connect=ok banner=ok greeting=ok starttls=failed tls-handshake=skipped "
           "greeting-tls=skipped quit=ok"
        << QStringList {"plaintext-auth-offered", "starttls-not-offered"} << QString();
    QTest::newRow("imap starttls refused")
        << "imap-starttls-rejected" << Protocol::Imap << S << E << QString()
        << "resolve=ok connect=ok banner=ok greeting=ok starttls=failed tls-handshake=skipped "
           "greeting-tls=skipped quit=ok"
        << QStringList {"starttls-rejected"} << QString();
    QTest::newRow("imap preauth")
        << "imap-preauth" << Protocol::Imap << S << E << alice
        << "resolve=ok connect=ok banner=warning greeting=ok starttls=failed tls-handshake=skipped "
           "greeting-tls=skipped auth=skipped quit=ok"
        << QStringList {"imap-preauth-before-tls"} << QString();
    QTest::newRow("imap logindisabled and alert")
        << "imap-logindisabled" << Protocol::Imap << S << E << QString()
        << starttlsAll + QStringLiteral(" quit=ok") << QStringList {"imap-plaintext-alert"} << QString();
    QTest::newRow("imap auth success") << "imap-auth-success" << Protocol::Imap << S << E << alice
                                       << starttlsAll + QStringLiteral(" auth=ok quit=ok") << QStringList {}
                                       << "Logged in as alice with PLAIN over TLS";
    QTest::newRow("imap auth failure")
        << "imap-auth-failure" << Protocol::Imap << I << E << alice
        << "resolve=ok connect=ok tls-handshake=ok banner=ok greeting=ok auth=failed quit=ok"
        << QStringList {"auth-failed"} << "password is wrong";
    QTest::newRow("imap implicit login command")
        << "imap-implicit-good" << Protocol::Imap << I << E << alice
        << "resolve=ok connect=ok tls-handshake=ok banner=ok greeting=ok auth=ok quit=ok" << QStringList {}
        << "Logged in as alice with LOGIN over TLS";

    // ---- POP3 ----
    QTest::newRow("pop3 stls") << "pop3-stls-good" << Protocol::Pop3 << S << E << QString()
                               << starttlsAll + QStringLiteral(" quit=ok") << QStringList {} << QString();
    QTest::newRow("pop3 no stls")
        << "pop3-no-stls" << Protocol::Pop3 << S << E << QString()
        << "resolve=ok connect=ok banner=ok greeting=ok starttls=failed tls-handshake=skipped "
           "greeting-tls=skipped quit=ok"
        << QStringList {"plaintext-auth-offered", "starttls-not-offered"} << QString();
    QTest::newRow("pop3 stls refused")
        << "pop3-stls-rejected" << Protocol::Pop3 << S << E << QString()
        << "resolve=ok connect=ok banner=ok greeting=ok starttls=failed tls-handshake=skipped "
           "greeting-tls=skipped quit=ok"
        << QStringList {"starttls-rejected"} << QString();
    QTest::newRow("pop3 auth success") << "pop3-auth-success" << Protocol::Pop3 << S << E << alice
                                       << starttlsAll + QStringLiteral(" auth=ok quit=ok") << QStringList {}
                                       << "Logged in as alice with PLAIN over TLS";
    QTest::newRow("pop3 auth failure")
        << "pop3-auth-failure" << Protocol::Pop3 << I << E << alice
        << "resolve=ok connect=ok tls-handshake=ok banner=ok greeting=ok auth=failed quit=ok"
        << QStringList {"auth-failed"} << "password is wrong";

    // ---- SMTP AUTH ----
    QTest::newRow("smtp auth plain") << "smtp-auth-plain-success" << Protocol::Smtp << S << E << alice
                                     << starttlsAll + QStringLiteral(" auth=ok quit=ok") << QStringList {}
                                     << "Logged in as alice with PLAIN over TLS";
    QTest::newRow("smtp auth login") << "smtp-auth-login-success" << Protocol::Smtp << S << E << alice
                                     << starttlsAll + QStringLiteral(" auth=ok quit=ok") << QStringList {}
                                     << "Logged in as alice with LOGIN over TLS";
    QTest::newRow("smtp auth failure") << "smtp-auth-failure" << Protocol::Smtp << S << E << alice
                                       << starttlsAll + QStringLiteral(" auth=failed quit=ok")
                                       << QStringList {"auth-failed"} << "password is wrong";
    QTest::newRow("smtp app password") << "smtp-auth-app-password" << Protocol::Smtp << S << E << alice
                                       << starttlsAll + QStringLiteral(" auth=failed quit=ok")
                                       << QStringList {"auth-failed"} << "application-specific password";
}

void TestImapPop3Scenarios::scenarios()
{
    QFETCH(QString, scenario);
    QFETCH(Protocol, protocol);
    QFETCH(TlsMode, tls);
    QFETCH(TlsPolicy, policy);
    QFETCH(QString, user);
    QFETCH(QString, steps);
    QFETCH(QStringList, findings);
    QFETCH(QString, authSummary);

    auto server = serverFor(scenario);
    QVERIFY(server);
    ProbeOptions options = optionsFor(*server, protocol, tls);
    options.policy = policy;
    options.user = user;
    options.password = user.isEmpty() ? QByteArray() : ScenarioPassword;
    options.showSecrets = true; // so that the transcript can be compared with what the server received
    ProbeSession session(options);
    runToEnd(session, *server);
    if (QTest::currentTestFailed())
        return;
    const Run& run = session.run();

    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary() + dump(run)));
    QVERIFY(server->isComplete());
    QCOMPARE(server->receivedLines(), clientLinesOf(run));
    QCOMPARE(stepsOf(run), steps);
    QCOMPARE(findingIds(run), ids(findings));
    if (!authSummary.isEmpty())
        QVERIFY2(run.step(StepId::Auth)->summary.contains(authSummary),
                 qPrintable(run.step(StepId::Auth)->summary));
    if (findings.contains(FindingIds::AuthFailed))
        QVERIFY2(findingDetail(run, FindingIds::AuthFailed).contains(authSummary),
                 qPrintable(findingDetail(run, FindingIds::AuthFailed)));
    if (tls == TlsMode::StartTls && run.tls) {
        QVERIFY(run.tls->verified);
        QVERIFY(!run.capabilitiesTls.isEmpty());
    }
}

void TestImapPop3Scenarios::injectionIsDiscarded_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QStringList>("discarded");
    QTest::newRow("imap") << "imap-starttls-injection" << Protocol::Imap
                          << QStringList {"* CAPABILITY IMAP4rev1 AUTH=PLAIN INJECTED\r\nA3 OK forged\r\n"};
    QTest::newRow("pop3") << "pop3-stls-injection" << Protocol::Pop3
                          << QStringList {"+OK\r\nUSER\r\nINJECTED\r\n.\r\n"};
}

void TestImapPop3Scenarios::injectionIsDiscarded()
{
    QFETCH(QString, scenario);
    QFETCH(Protocol, protocol);
    QFETCH(QStringList, discarded);

    auto server = serverFor(scenario);
    QVERIFY(server);
    ProbeSession session(optionsFor(*server, protocol, TlsMode::StartTls));
    runToEnd(session, *server);
    if (QTest::currentTestFailed())
        return;
    const Run& run = session.run();
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary() + dump(run)));
    QCOMPARE(server->receivedLines(), clientLinesOf(run));
    QCOMPARE(findingIds(run), ids({FindingIds::StartTlsResponseInjection}));
    QCOMPARE(run.step(StepId::StartTls)->status, StepStatus::Warning);
    QCOMPARE(run.step(StepId::GreetingTls)->status, StepStatus::Ok);
    QStringList seen;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.discarded)
            seen.append(e.text);
    }
    QCOMPARE(seen, discarded);
    QVERIFY(!run.capabilitiesTls.contains(QStringLiteral("INJECTED")));
}

void TestImapPop3Scenarios::redactionKeepsTheServerHappy_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<TlsMode>("tls");
    QTest::addColumn<QStringList>("redactedLines");
    QTest::newRow("imap sasl-ir") << "imap-auth-success" << Protocol::Imap << TlsMode::StartTls
                                  << QStringList {"A4 AUTHENTICATE PLAIN [redacted]"};
    QTest::newRow("imap continuation")
        << "imap-auth-failure" << Protocol::Imap << TlsMode::Implicit << QStringList {"[redacted]"};
    QTest::newRow("imap login") << "imap-implicit-good" << Protocol::Imap << TlsMode::Implicit
                                << QStringList {"A2 LOGIN [redacted]"};
    QTest::newRow("pop3 auth") << "pop3-auth-success" << Protocol::Pop3 << TlsMode::StartTls
                               << QStringList {"AUTH PLAIN [redacted]"};
    QTest::newRow("pop3 pass") << "pop3-auth-failure" << Protocol::Pop3 << TlsMode::Implicit
                               << QStringList {"PASS [redacted]"};
    QTest::newRow("smtp plain") << "smtp-auth-plain-success" << Protocol::Smtp << TlsMode::StartTls
                                << QStringList {"AUTH PLAIN [redacted]"};
    QTest::newRow("smtp login") << "smtp-auth-login-success" << Protocol::Smtp << TlsMode::StartTls
                                << QStringList {"[redacted]", "[redacted]"};
}

void TestImapPop3Scenarios::redactionKeepsTheServerHappy()
{
    QFETCH(QString, scenario);
    QFETCH(Protocol, protocol);
    QFETCH(TlsMode, tls);
    QFETCH(QStringList, redactedLines);

    auto server = serverFor(scenario);
    QVERIFY(server);
    ProbeOptions options = optionsFor(*server, protocol, tls);
    options.user = QStringLiteral("alice");
    options.password = ScenarioPassword;
    ProbeSession session(options);
    runToEnd(session, *server);
    if (QTest::currentTestFailed())
        return;
    const Run& run = session.run();
    // The server received the real credentials (its script matched) ...
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary() + dump(run)));
    QVERIFY(server->isComplete());
    QVERIFY(!run.secretsShown);
    // ... while the transcript shows them only as [redacted], line for line.
    const QList<QByteArray> received = server->receivedLines();
    const QList<QByteArray> shown = clientLinesOf(run);
    QCOMPARE(shown.size(), received.size());
    QStringList redacted;
    for (qsizetype i = 0; i < shown.size(); ++i) {
        if (shown.at(i) == received.at(i))
            continue;
        QVERIFY2(shown.at(i).endsWith("[redacted]"), shown.at(i).constData());
        QVERIFY(received.at(i).startsWith(shown.at(i).chopped(10)));
        redacted.append(QString::fromUtf8(shown.at(i)));
    }
    QCOMPARE(redacted, redactedLines);
    for (const TranscriptEntry& e : run.transcript) {
        QVERIFY2(!e.text.contains(QString::fromLatin1(ScenarioPassword)), qPrintable(e.text));
        QVERIFY2(!e.text.contains(QLatin1String("ZmFrZS1zM2NyZXQ")), qPrintable(e.text)); // base64 of it
        QVERIFY2(!e.text.contains(QLatin1String("AGFsaWNlAGZha2Ut")), qPrintable(e.text)); // PLAIN message
    }
}

QTEST_GUILESS_MAIN(TestImapPop3Scenarios)
#include "TestImapPop3Scenarios.moc"
