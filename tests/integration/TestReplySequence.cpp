// Replies are matched to the commands they answer, end to end: the real engine, SslLineTransport
// and TLS against FakeMailServer scripts (tests/data/scenarios/) for SMTP, IMAP and POP3. A reply
// that cannot answer the command sent (RFC 5321 s.4.3.2, RFC 9051 s.2.2.1, RFC 1939 s.3), or a
// line the server sends before the client spoke, is reply-out-of-sequence and ends the run: the
// connection is closed and nothing more is sent, not even QUIT. Synchronisation is QTRY_* only.

#include "FakeMailServer.h"
#include "findings/FindingCatalogue.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPki.h"
#include "TestPrinters.h"

#include <QSignalSpy>
#include <QTest>

Q_DECLARE_METATYPE(Protocol)
Q_DECLARE_METATYPE(StepId)

namespace {

constexpr int RunTimeoutMs = 8000;
/// Far beyond RunTimeoutMs: a run that only ends through a timeout fails the QTRY.
constexpr int EngineStepTimeoutMs = 20000;

QList<QByteArray> lines(std::initializer_list<const char*> list)
{
    QList<QByteArray> out;
    for (const char* l : list)
        out.append(QByteArray(l));
    return out;
}

const QString OutOfSequence = QString(FindingIds::ReplyOutOfSequence);

} // namespace

class TestReplySequence final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void replyDoesNotFit_data();
    void replyDoesNotFit();
    void secondGreetingDoesNotEndOk();
    void unaskedBeforeTheClientSpoke_data();
    void unaskedBeforeTheClientSpoke();

private:
    std::unique_ptr<FakeMailServer> serverFor(const QString& scenario);
    static ProbeOptions optionsFor(const FakeMailServer& server, Protocol protocol);
};

void TestReplySequence::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("MAILSCOPE_TEST_DATA").isEmpty(), "MAILSCOPE_TEST_DATA is not set");
    QVERIFY(TestPki::instance().isValid());
}

std::unique_ptr<FakeMailServer> TestReplySequence::serverFor(const QString& scenario)
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

ProbeOptions TestReplySequence::optionsFor(const FakeMailServer& server, Protocol protocol)
{
    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1"); // the good test certificate carries IP:127.0.0.1
    o.port = server.port();
    o.protocol = protocol;
    o.tls = TlsMode::StartTls;
    o.policy = TlsPolicy::Enforce;
    o.extraCaCertificates = TestPki::instance().caCertificates();
    o.stepTimeoutMs = EngineStepTimeoutMs;
    return o;
}

void TestReplySequence::replyDoesNotFit_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("steps");
    QTest::addColumn<QString>("evidence"); ///< the finding's detail quotes what arrived
    QTest::addColumn<QList<QByteArray>>("received"); ///< exactly what the server got

    const QString upToTls =
        QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok tls-handshake=ok ");
    const QString atGreeting =
        QStringLiteral("resolve=ok connect=ok banner=ok greeting=failed starttls=skipped "
                       "tls-handshake=skipped greeting-tls=skipped quit=skipped");
    const QString atStartTls = QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=failed "
                                              "tls-handshake=skipped greeting-tls=skipped quit=skipped");

    QTest::newRow("smtp 220 to EHLO inside TLS")
        << "smtp-second-greeting-in-tls" << Protocol::Smtp << upToTls + "greeting-tls=failed quit=skipped"
        << "220 mx.test.invalid ESMTP second greeting"
        << lines({"EHLO mailscope.invalid", "STARTTLS", "EHLO mailscope.invalid"});
    QTest::newRow("smtp 354 to EHLO") << "smtp-354-to-ehlo" << Protocol::Smtp << atGreeting
                                      << "354 End data with" << lines({"EHLO mailscope.invalid"});
    QTest::newRow("smtp 250 to STARTTLS") << "smtp-250-to-starttls" << Protocol::Smtp << atStartTls
                                          << "250 2.0.0 Ok" << lines({"EHLO mailscope.invalid", "STARTTLS"});
    QTest::newRow("smtp a reply ahead")
        << "smtp-extra-reply-before-starttls" << Protocol::Smtp << atStartTls
        << "250 2.0.0 Ok, one reply ahead" << lines({"EHLO mailscope.invalid"});
    QTest::newRow("imap wrong tag inside TLS")
        << "imap-wrong-tag-in-tls" << Protocol::Imap << upToTls + "greeting-tls=failed quit=skipped"
        << "A2 OK Begin TLS negotiation now." << lines({"A1 CAPABILITY", "A2 STARTTLS", "A3 CAPABILITY"});
    QTest::newRow("imap continuation to CAPABILITY")
        << "imap-continuation-to-capability" << Protocol::Imap << atGreeting << "+ go ahead"
        << lines({"A1 CAPABILITY"});
    QTest::newRow("pop3 second greeting inside TLS")
        << "pop3-second-greeting-in-tls" << Protocol::Pop3 << upToTls + "greeting-tls=failed quit=skipped"
        << "+OK Capability list follows" << lines({"CAPA", "STLS", "CAPA"});
}

void TestReplySequence::replyDoesNotFit()
{
    QFETCH(QString, scenario);
    QFETCH(Protocol, protocol);
    QFETCH(QString, steps);
    QFETCH(QString, evidence);
    QFETCH(QList<QByteArray>, received);

    auto server = serverFor(scenario);
    QVERIFY(server);
    ProbeSession session(optionsFor(*server, protocol));
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.isFinished(), RunTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(server->isFinished(), 5000);
    const Run& run = session.run();

    QCOMPARE(stepsOf(run), steps);
    QCOMPARE(sortedFindingIds(run), QStringList {OutOfSequence});
    QCOMPARE(toKey(run.verdict()), toKey(Verdict::Critical));
    const Finding* finding = run.finding(FindingIds::ReplyOutOfSequence);
    QCOMPARE(toKey(finding->severity), toKey(Severity::Critical));
    QVERIFY2(finding->detail.contains(evidence), qPrintable(finding->detail));
    // Nothing after the reply that did not fit: the server got exactly these lines, no QUIT.
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary() + dump(run)));
    QCOMPARE(server->receivedLines(), received);
    QCOMPARE(clientLinesOf(run), received);
}

void TestReplySequence::secondGreetingDoesNotEndOk()
{
    // The symptoms, one by one, with a login planned: no "0 extensions" from a greeting
    // taken as EHLO's reply, no "no way to log in", no credentials sent, no verdict OK.
    auto server = serverFor(QStringLiteral("smtp-second-greeting-in-tls"));
    QVERIFY(server);
    ProbeOptions options = optionsFor(*server, Protocol::Smtp);
    options.user = QStringLiteral("alice");
    options.password = "fake-s3cret";
    ProbeSession session(options);
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.isFinished(), RunTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(server->isFinished(), 5000);
    const Run& run = session.run();

    QCOMPARE(stepsOf(run), QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok "
                                          "tls-handshake=ok greeting-tls=failed auth=skipped quit=skipped"));
    QCOMPARE(sortedFindingIds(run), QStringList {OutOfSequence});
    QCOMPARE(toKey(run.verdict()), toKey(Verdict::Critical));
    QVERIFY(run.capabilitiesTls.isEmpty());
    const QString summary = run.step(StepId::GreetingTls)->summary;
    QVERIFY2(summary.contains(QLatin1String("220 mx.test.invalid ESMTP second greeting")),
             qPrintable(summary));
    QVERIFY2(!summary.contains(QLatin1String("extension")), qPrintable(summary));
    QVERIFY2(run.step(StepId::Auth)->summary.contains(QLatin1String("earlier step failed")),
             qPrintable(run.step(StepId::Auth)->summary));
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QCOMPARE(server->linesReceivedAfterTls(), lines({"EHLO mailscope.invalid"}));
}

void TestReplySequence::unaskedBeforeTheClientSpoke_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("steps");
    QTest::addColumn<QStringList>("findings");
    QTest::addColumn<QString>("evidence");
    QTest::addColumn<QList<QByteArray>>("received");

    const QString upToTls =
        QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok tls-handshake=ok ");
    // Step mode pauses before greeting-tls, after the handshake: the server's line arrives while the
    // client is silent, so it can be nothing but unasked.
    QTest::newRow("smtp second greeting")
        << "smtp-unasked-greeting-in-tls" << Protocol::Smtp << upToTls + "greeting-tls=failed quit=skipped"
        << QStringList {OutOfSequence} << "220 mx.test.invalid ESMTP second greeting"
        << lines({"EHLO mailscope.invalid", "STARTTLS"});
    QTest::newRow("pop3 second greeting")
        << "pop3-unasked-greeting-in-tls" << Protocol::Pop3 << upToTls + "greeting-tls=failed quit=skipped"
        << QStringList {OutOfSequence} << "+OK pop3.test.invalid ready again." << lines({"CAPA", "STLS"});
    // IMAP lets a server send untagged data at any time (RFC 9051 s.7): not out of step.
    QTest::newRow("imap untagged greeting")
        << "imap-unasked-greeting-in-tls" << Protocol::Imap << upToTls + "greeting-tls=ok quit=ok"
        << QStringList {} << QString()
        << lines({"A1 CAPABILITY", "A2 STARTTLS", "A3 CAPABILITY", "A4 LOGOUT"});
}

void TestReplySequence::unaskedBeforeTheClientSpoke()
{
    QFETCH(QString, scenario);
    QFETCH(Protocol, protocol);
    QFETCH(QString, steps);
    QFETCH(QStringList, findings);
    QFETCH(QString, evidence);
    QFETCH(QList<QByteArray>, received);

    auto server = serverFor(scenario);
    QVERIFY(server);
    ProbeSession session(optionsFor(*server, protocol));
    session.setStepMode(true);
    // "Next step" at every pause, except before greeting-tls until the test allows it.
    bool mayEnterGreetingTls = false;
    bool pausedAtGreetingTls = false;
    connect(&session, &ProbeSession::paused, this, [&](StepId next) {
        if (next == StepId::GreetingTls && !mayEnterGreetingTls) {
            pausedAtGreetingTls = true;
            return;
        }
        QMetaObject::invokeMethod(&session, &ProbeSession::resume, Qt::QueuedConnection);
    });
    session.start();
    if (findings.isEmpty()) {
        // Nothing to detect: wait until the server has sent its unasked line, then go on.
        QTRY_VERIFY_WITH_TIMEOUT(pausedAtGreetingTls && server->tlsEstablished(), RunTimeoutMs);
        mayEnterGreetingTls = true;
        session.resume();
    }
    // Otherwise the run must end on its own while paused: detecting the line ends it.
    QTRY_VERIFY_WITH_TIMEOUT(session.isFinished(), RunTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(server->isFinished(), 5000);
    const Run& run = session.run();

    QCOMPARE(stepsOf(run), steps);
    QCOMPARE(sortedFindingIds(run), findings);
    if (!findings.isEmpty()) {
        QVERIFY(pausedAtGreetingTls);
        const QString detail = run.finding(FindingIds::ReplyOutOfSequence)->detail;
        QVERIFY2(detail.contains(evidence), qPrintable(detail));
        QVERIFY2(detail.contains(QLatin1String("unasked")), qPrintable(detail));
        QCOMPARE(run.finding(FindingIds::ReplyOutOfSequence)->step,
                 std::optional<StepId>(StepId::GreetingTls));
    }
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary() + dump(run)));
    QCOMPARE(server->receivedLines(), received);
}

QTEST_GUILESS_MAIN(TestReplySequence)
#include "TestReplySequence.moc"
