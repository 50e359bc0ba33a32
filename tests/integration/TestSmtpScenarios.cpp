// The real engine (ProbeSession + SslLineTransport + QSslSocket) against FakeMailServer on
// 127.0.0.1: one scripted server per test, certificates from TestPki. Every test asserts
// both sides: the Run the engine recorded, and that the server saw exactly the lines its script
// expected (FakeMailServer::errors() empty). Synchronisation is QTRY_* only.

#include "FakeMailServer.h"
#include "findings/FindingCatalogue.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPki.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <QDir>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using Kind = TestPki::Kind;

Q_DECLARE_METATYPE(TestPki::Kind)
Q_DECLARE_METATYPE(TlsPolicy)
Q_DECLARE_METATYPE(TlsMode)
Q_DECLARE_METATYPE(Severity)
Q_DECLARE_METATYPE(Verdict)
Q_DECLARE_METATYPE(StepId)

namespace {

/// Generous bound for a whole run on loopback; the engine's own step timeout is larger, so a run
/// that only ends through a timeout fails the QTRY instead of passing slowly.
constexpr int RunTimeoutMs = 8000;
constexpr int EngineStepTimeoutMs = 20000;

// The step lists several tests expect (stepsOf), by how far the conversation got.
const QString AllStepsOk = QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok "
                                          "tls-handshake=ok greeting-tls=ok quit=ok");
const QString StartTlsFailed = QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=failed "
                                              "tls-handshake=skipped greeting-tls=skipped quit=ok");
const QString HandshakeFailed = QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok "
                                               "tls-handshake=failed greeting-tls=skipped quit=skipped");
const QString BannerFailedNoQuit =
    QStringLiteral("resolve=ok connect=ok banner=failed greeting=skipped starttls=skipped "
                   "tls-handshake=skipped greeting-tls=skipped quit=skipped");
const QString BannerFailedThenQuit =
    QStringLiteral("resolve=ok connect=ok banner=failed greeting=skipped starttls=skipped "
                   "tls-handshake=skipped greeting-tls=skipped quit=ok");

/// A scripted server and the session that ran against it to the end.
struct Played
{
    std::unique_ptr<FakeMailServer> server;
    std::unique_ptr<ProbeSession> session;
    const Run& run() const { return session->run(); }
};

} // namespace

class TestSmtpScenarios final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scenarioFilesParse();

    void starttlsSuccess();
    void starttlsNotOffered_data();
    void starttlsNotOffered();
    void starttlsRejected();
    void handshakeFailure_data();
    void handshakeFailure();
    void certificateFailure_data();
    void certificateFailure();
    void responseInjection();
    void silentServer();
    void fragmentedReplies();
    void ehloRejectedFallsBackToHelo();
    void malformedReply();
    void hugeLine_data();
    void hugeLine();
    void banner554();
    void banner554ThenClose();
    void banner554ThenCloseOnQuit();
    void implicitTlsSuccess();
    void transcriptReplaysAsScenario_data();
    void transcriptReplaysAsScenario();
    void serverClosesWhileStepModePaused_data();
    void serverClosesWhileStepModePaused();

    void fakeServerReportsMismatch();
    void fakeServerSeesBytesAfterTls();
    void fakeServerRejectsBadScripts();

private:
    /// A listening server playing `scenario` (a file name) with the given identity.
    std::unique_ptr<FakeMailServer> serverFor(const QString& scenario, Kind identity = Kind::Good);
    std::unique_ptr<FakeMailServer> serverForScript(const QString& script, Kind identity = Kind::Good);
    static ProbeOptions optionsFor(const FakeMailServer& server);
    /// Runs `session` to its end and waits until the server saw the connection close. Check
    /// QTest::currentTestFailed() afterwards.
    static void runToEnd(ProbeSession& session, FakeMailServer& server, int timeoutMs = RunTimeoutMs);
    /// The server played without a single complaint, and saw exactly the lines the engine says it sent.
    static void verifyServerAgrees(const FakeMailServer& server, const Run& run);
    /// Runs a session with optionsFor(`server`), changed by `adjust`, against `server` to the end
    /// (runToEnd) into `played`. False, with the failure recorded, when the server did not start or
    /// the run did not end.
    [[nodiscard]] static bool play(Played& played, std::unique_ptr<FakeMailServer> server,
                                   const std::function<void(ProbeOptions&)>& adjust = {},
                                   int timeoutMs = RunTimeoutMs);
};

// ---- helpers -------------------------------------------------------------------------------------

std::unique_ptr<FakeMailServer> TestSmtpScenarios::serverForScript(const QString& script, Kind identity)
{
    auto server = std::make_unique<FakeMailServer>();
    const TestPki::Identity id = TestPki::instance().identity(identity);
    server->setLocalCertificateChain(id.chain);
    server->setPrivateKey(id.key);
    if (!server->loadScript(script) || !server->listen()) {
        qWarning("%s", qPrintable(server->errorSummary()));
        return {};
    }
    return server;
}

std::unique_ptr<FakeMailServer> TestSmtpScenarios::serverFor(const QString& scenario, Kind identity)
{
    QFile file(FakeMailServer::scenarioPath(scenario));
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("cannot read scenario %s", qPrintable(file.fileName()));
        return {};
    }
    return serverForScript(QString::fromUtf8(file.readAll()), identity);
}

ProbeOptions TestSmtpScenarios::optionsFor(const FakeMailServer& server)
{
    ProbeOptions o;
    // An address literal: no DNS, and nothing but 127.0.0.1 is ever contacted. The good
    // certificate carries IP:127.0.0.1 in its SAN.
    o.host = QStringLiteral("127.0.0.1");
    o.port = server.port();
    o.protocol = Protocol::Smtp;
    o.tls = TlsMode::StartTls;
    o.policy = TlsPolicy::Enforce;
    o.extraCaCertificates = TestPki::instance().caCertificates();
    o.stepTimeoutMs = EngineStepTimeoutMs;
    return o;
}

void TestSmtpScenarios::runToEnd(ProbeSession& session, FakeMailServer& server, int timeoutMs)
{
    QSignalSpy finished(&session, &ProbeSession::finished);
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.isFinished(), timeoutMs);
    QCOMPARE(finished.count(), 1);
    // The engine has closed its side; wait for the server to notice, so that every byte the
    // client sent has been read and judged.
    QTRY_VERIFY_WITH_TIMEOUT(server.isFinished(), 5000);
}

void TestSmtpScenarios::verifyServerAgrees(const FakeMailServer& server, const Run& run)
{
    QVERIFY2(server.errors().isEmpty(), qPrintable(server.errorSummary()));
    QCOMPARE(server.receivedLines(), clientLinesOf(run));
}

bool TestSmtpScenarios::play(Played& played, std::unique_ptr<FakeMailServer> server,
                             const std::function<void(ProbeOptions&)>& adjust, int timeoutMs)
{
    if (!QTest::qVerify(server != nullptr, "server", "", __FILE__, __LINE__))
        return false;
    ProbeOptions options = optionsFor(*server);
    if (adjust)
        adjust(options);
    played.server = std::move(server);
    played.session = std::make_unique<ProbeSession>(options);
    runToEnd(*played.session, *played.server, timeoutMs);
    return !QTest::currentTestFailed();
}

// ---- tests ---------------------------------------------------------------------------------------

void TestSmtpScenarios::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("MAILSCOPE_TEST_DATA").isEmpty(), "MAILSCOPE_TEST_DATA is not set");
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(TestPki::instance().isValid());
}

void TestSmtpScenarios::scenarioFilesParse()
{
    const QDir dir(QFileInfo(FakeMailServer::scenarioPath(QStringLiteral("x"))).absolutePath());
    const QStringList files = dir.entryList({QStringLiteral("*.txt")}, QDir::Files);
    // Every scenario file in tests/data/scenarios (51 today): a file that fails to load, or one
    // that goes missing, fails here.
    QCOMPARE(files.size(), 54);
    for (const QString& file : files) {
        FakeMailServer server;
        const QString name = QFileInfo(file).completeBaseName();
        QVERIFY2(server.loadScenario(name), qPrintable(name + QStringLiteral(": ") + server.errorSummary()));
        QVERIFY2(!server.directives().isEmpty(), qPrintable(name));
    }
}

void TestSmtpScenarios::starttlsSuccess()
{
    auto server = serverFor(QStringLiteral("smtp-starttls-good"));
    QVERIFY(server);
    ProbeSession session(optionsFor(*server));
    QSignalSpy capabilitiesChanged(&session, &ProbeSession::capabilitiesChanged);
    runToEnd(session, *server);
    if (QTest::currentTestFailed())
        return;
    const Run& run = session.run();

    QCOMPARE(stepsOf(run), AllStepsOk);
    QCOMPARE(findingIds(run), ids({}));
    QCOMPARE(toKey(run.verdict()), toKey(Verdict::Ok));
    verifyServerAgrees(*server, run);
    QCOMPARE(server->receivedLines(),
             bytesList({"EHLO mailscope.invalid", "STARTTLS", "EHLO mailscope.invalid", "QUIT"}));
    QCOMPARE(server->linesReceivedAfterTls(), bytesList({"EHLO mailscope.invalid", "QUIT"}));
    QVERIFY(server->isComplete());

    // RFC 3207 s.4: capabilities re-read over TLS; AUTH appears only there.
    QCOMPARE(run.capabilitiesPlain,
             QStringList({QStringLiteral("PIPELINING"), QStringLiteral("SIZE 10240000"),
                          QStringLiteral("STARTTLS"), QStringLiteral("8BITMIME")}));
    QCOMPARE(run.capabilitiesTls,
             QStringList({QStringLiteral("PIPELINING"), QStringLiteral("SIZE 10240000"),
                          QStringLiteral("AUTH PLAIN LOGIN"), QStringLiteral("8BITMIME")}));
    QCOMPARE(capabilitiesChanged.count(), 2);

    QVERIFY(run.tls.has_value());
    QCOMPARE(run.tls->protocol, QStringLiteral("TLSv1.3"));
    QVERIFY(!run.tls->cipher.isEmpty());
    QVERIFY(run.tls->verified);
    QVERIFY(run.tls->errors.isEmpty());
    QVERIFY(!run.tls->verificationOverridden);
    QCOMPARE(run.certificates.size(), 2);
    QCOMPARE(run.certificates.at(0).commonName, QStringLiteral("localhost"));
    QCOMPARE(run.certificates.at(1).commonName, QStringLiteral("Mailscope Test Intermediate CA"));

    // The transcript marks exactly the lines after the handshake as TLS.
    bool sawTls = false;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.dir == 'I')
            continue;
        QVERIFY(!e.discarded);
        if (e.tls)
            sawTls = true;
        else
            QVERIFY2(!sawTls, qPrintable(QStringLiteral("plaintext line after TLS: ") + e.text));
    }
    QVERIFY(sawTls);
    QCOMPARE(run.target.connectedAddress, QStringLiteral("127.0.0.1"));
}

void TestSmtpScenarios::starttlsNotOffered_data()
{
    QTest::addColumn<TlsPolicy>("policy");
    QTest::addColumn<QString>("steps");
    QTest::addColumn<QStringList>("findings");
    QTest::addColumn<Severity>("severity");
    QTest::addColumn<Verdict>("verdict");

    QTest::newRow("enforce") << TlsPolicy::Enforce << StartTlsFailed
                             << QStringList {QStringLiteral("starttls-not-offered")} << Severity::Critical
                             << Verdict::Critical;
    QTest::newRow("opportunistic") << TlsPolicy::Opportunistic
                                   << QStringLiteral(
                                          "resolve=ok connect=ok banner=ok greeting=ok starttls=warning "
                                          "tls-handshake=skipped greeting-tls=skipped quit=ok")
                                   << QStringList {QStringLiteral("plaintext-session"),
                                                   QStringLiteral("starttls-not-offered")}
                                   << Severity::Warning << Verdict::Warning;
}

void TestSmtpScenarios::starttlsNotOffered()
{
    QFETCH(TlsPolicy, policy);
    QFETCH(QString, steps);
    QFETCH(QStringList, findings);
    QFETCH(Severity, severity);
    QFETCH(Verdict, verdict);

    Played played;
    const auto adjust = [policy](ProbeOptions& o) { o.policy = policy; };
    if (!play(played, serverFor(QStringLiteral("smtp-no-starttls")), adjust))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), steps);
    QCOMPARE(findingIds(run), ids(findings));
    QCOMPARE(toKey(run.finding(FindingIds::StartTlsNotOffered)->severity), toKey(severity));
    QCOMPARE(toKey(run.verdict()), toKey(verdict));
    verifyServerAgrees(*server, run);
    // Never STARTTLS to a server that did not offer it; QUIT in both policies.
    QCOMPARE(server->receivedLines(), bytesList({"EHLO mailscope.invalid", "QUIT"}));
    QVERIFY(server->isComplete());
    QVERIFY(!run.tls.has_value());
    QVERIFY(run.capabilitiesTls.isEmpty());
}

void TestSmtpScenarios::starttlsRejected()
{
    Played played;
    if (!play(played, serverFor(QStringLiteral("smtp-starttls-rejected"))))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), StartTlsFailed);
    QCOMPARE(findingIds(run), ids({QStringLiteral("starttls-rejected")}));
    QVERIFY(run.finding(FindingIds::StartTlsRejected)->detail.contains(QLatin1String("454")));
    QCOMPARE(toKey(run.verdict()), toKey(Verdict::Critical));
    verifyServerAgrees(*server, run);
    QCOMPARE(server->receivedLines(), bytesList({"EHLO mailscope.invalid", "STARTTLS", "QUIT"}));
    QVERIFY(server->isComplete());
}

void TestSmtpScenarios::handshakeFailure_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("detail"); // the cause, as the finding states it (not a timeout)
    QTest::newRow("close-after-go-ahead")
        << QStringLiteral("smtp-starttls-close-after-go-ahead")
        << QStringLiteral("The server closed the connection during the TLS handshake.");
    QTest::newRow("garbage-instead-of-tls")
        << QStringLiteral("smtp-starttls-garbage-handshake")
        << QStringLiteral("Error during SSL handshake: error:0A00010B:SSL routines::wrong version number");
    QTest::newRow("close-mid-handshake")
        << QStringLiteral("smtp-starttls-close-mid-handshake")
        << QStringLiteral("The server closed the connection during the TLS handshake.");
}

void TestSmtpScenarios::handshakeFailure()
{
    QFETCH(QString, scenario);
    QFETCH(QString, detail);
    Played played;
    if (!play(played, serverFor(scenario)))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), HandshakeFailed);
    QCOMPARE(findingIds(run), ids({QStringLiteral("tls-handshake-failed")}));
    QCOMPARE(toKey(run.verdict()), toKey(Verdict::Critical));
    // The exact cause: a timeout would say so instead (and raise server-timeout).
    QCOMPARE(findingDetail(run, FindingIds::TlsHandshakeFailed), detail);
    QVERIFY(!run.tls.has_value());
    verifyServerAgrees(*server, run);
    QCOMPARE(server->receivedLines(), bytesList({"EHLO mailscope.invalid", "STARTTLS"}));
}

void TestSmtpScenarios::certificateFailure_data()
{
    QTest::addColumn<Kind>("identity");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<QString>("finding");

    const QList<std::pair<Kind, QString>> kinds {
        {Kind::Expired, QStringLiteral("cert-expired")},
        {Kind::NotYetValid, QStringLiteral("cert-not-yet-valid")},
        {Kind::WrongHost, QStringLiteral("cert-hostname-mismatch")},
        {Kind::SelfSigned, QStringLiteral("cert-self-signed")},
        {Kind::UntrustedCa, QStringLiteral("cert-untrusted-chain")},
    };
    for (const auto& [kind, finding] : kinds) {
        for (const bool insecure : {false, true}) {
            const QString row =
                TestPki::name(kind) + (insecure ? QStringLiteral("/insecure") : QStringLiteral("/strict"));
            QTest::newRow(qPrintable(row)) << kind << insecure << finding;
        }
    }
}

void TestSmtpScenarios::certificateFailure()
{
    QFETCH(Kind, identity);
    QFETCH(bool, insecure);
    QFETCH(QString, finding);

    Played played;
    const auto adjust = [insecure](ProbeOptions& o) { o.insecure = insecure; };
    if (!play(played,
              serverFor(insecure ? QStringLiteral("smtp-starttls-good")
                                 : QStringLiteral("smtp-starttls-cert-strict"),
                        identity),
              adjust))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QVERIFY2(run.finding(finding), qPrintable(findingIds(run)));
    QCOMPARE(toKey(run.finding(finding)->severity), toKey(Severity::Critical));
    QCOMPARE(toKey(run.verdict()), toKey(Verdict::Critical));
    QVERIFY(run.tls.has_value());
    QVERIFY(!run.tls->verified);
    QVERIFY(!run.tls->errors.isEmpty());
    QVERIFY(!run.certificates.isEmpty());
    verifyServerAgrees(*server, run);

    if (!insecure) {
        QCOMPARE(stepsOf(run), HandshakeFailed);
        QCOMPARE(findingIds(run), ids({finding}));
        // Nothing at all went to a server whose identity is not proven, not even QUIT.
        QCOMPARE(server->bytesReceivedAfterTls(), qint64(0));
        QVERIFY(server->linesReceivedAfterTls().isEmpty());
        QVERIFY(server->isComplete());
        QCOMPARE(server->receivedLines(), bytesList({"EHLO mailscope.invalid", "STARTTLS"}));
        QVERIFY(!run.tls->verificationOverridden);
        QVERIFY(run.capabilitiesTls.isEmpty());
    } else {
        QCOMPARE(stepsOf(run), QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok "
                                              "tls-handshake=warning greeting-tls=ok quit=ok"));
        QStringList expected {QStringLiteral("cert-verification-overridden"), finding};
        expected.sort();
        QCOMPARE(findingIds(run), ids(expected));
        QVERIFY(server->tlsEstablished());
        QVERIFY(run.tls->verificationOverridden);
        QCOMPARE(server->linesReceivedAfterTls(), bytesList({"EHLO mailscope.invalid", "QUIT"}));
        QVERIFY(run.capabilitiesTls.contains(QStringLiteral("AUTH PLAIN LOGIN")));
        QVERIFY(server->isComplete());
    }
}

void TestSmtpScenarios::responseInjection()
{
    Played played;
    if (!play(played, serverFor(QStringLiteral("smtp-starttls-injection"))))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=warning "
                                          "tls-handshake=ok greeting-tls=ok quit=ok"));
    QCOMPARE(findingIds(run), ids({QStringLiteral("starttls-response-injection")}));
    QVERIFY(run.finding(FindingIds::StartTlsResponseInjection)->step == StepId::StartTls);
    QCOMPARE(toKey(run.verdict()), toKey(Verdict::Critical));

    // Recorded, flagged, never processed.
    QCOMPARE(serverTextsOf(run, true),
             (QStringList {QStringLiteral("250-injected.invalid\r\n250 AUTH INJECTED\r\n")}));
    for (const TranscriptEntry& e : run.transcript) {
        if (e.discarded)
            QVERIFY(!e.tls);
        if (e.text.contains(QLatin1String("INJECTED")) && e.dir == 'S')
            QVERIFY(e.discarded);
    }
    for (const QString& cap : run.capabilitiesTls)
        QVERIFY2(!cap.contains(QLatin1String("INJECTED"), Qt::CaseInsensitive), qPrintable(cap));
    // The EHLO over TLS got the real answer.
    QCOMPARE(run.capabilitiesTls,
             (QStringList {QStringLiteral("AUTH PLAIN LOGIN"), QStringLiteral("8BITMIME")}));
    verifyServerAgrees(*server, run);
    QCOMPARE(server->linesReceivedAfterTls(), bytesList({"EHLO mailscope.invalid", "QUIT"}));
    QVERIFY(server->isComplete());
}

void TestSmtpScenarios::silentServer()
{
    Played played;
    const auto adjust = [](ProbeOptions& o) { o.stepTimeoutMs = 300; };
    if (!play(played, serverFor(QStringLiteral("smtp-silent")), adjust, 3000))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), BannerFailedNoQuit);
    QCOMPARE(findingIds(run), ids({QStringLiteral("server-timeout")}));
    // No banner, so the engine asked on a second connection whether the port expects TLS at once
    // (TestWrongPort covers the answers); this one-client server refuses that second client.
    QCOMPARE(server->errors(), QStringList {QStringLiteral(
                                   "a second client connected; the server plays one client per script")});
    // The cause, not a clock: the finding names the step timeout that ran out.
    QVERIFY2(run.finding(FindingIds::ServerTimeout)
                 ->detail.startsWith(QLatin1String("No complete reply within 0.3 s in step banner. ")),
             qPrintable(run.finding(FindingIds::ServerTimeout)->detail));
    QVERIFY(server->receivedLines().isEmpty());
    QVERIFY(!server->isComplete()); // it never got to say its banner
}

void TestSmtpScenarios::fragmentedReplies()
{
    Played played;
    if (!play(played, serverFor(QStringLiteral("smtp-fragmented")), {}, 15000))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), AllStepsOk);
    QCOMPARE(findingIds(run), ids({}));
    QCOMPARE(run.capabilitiesPlain, (QStringList {QStringLiteral("SIZE 10240000"), QStringLiteral("STARTTLS"),
                                                  QStringLiteral("8BITMIME")}));
    QCOMPARE(run.capabilitiesTls, (QStringList {QStringLiteral("SIZE 10240000"), QStringLiteral("AUTH PLAIN"),
                                                QStringLiteral("8BITMIME")}));
    // Lines are whole in the transcript: no CR left over, no line split where a read ended.
    const QStringList received = serverTextsOf(run, false);
    QCOMPARE(received.first(), QStringLiteral("220-mx.test.invalid ESMTP ready"));
    for (const QString& line : received) {
        QVERIFY2(!line.contains(QLatin1Char('\r')), qPrintable(line));
        QVERIFY2(line.size() >= 5, qPrintable(line));
    }
    QVERIFY(run.step(StepId::Banner)->summary.contains(QLatin1String("greetings may take several lines")));
    verifyServerAgrees(*server, run);
    QVERIFY(server->isComplete());
}

void TestSmtpScenarios::ehloRejectedFallsBackToHelo()
{
    Played played;
    if (!play(played, serverFor(QStringLiteral("smtp-ehlo-rejected"))))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), QStringLiteral("resolve=ok connect=ok banner=ok greeting=warning starttls=failed "
                                          "tls-handshake=skipped greeting-tls=skipped quit=ok"));
    QCOMPARE(findingIds(run), ids({QStringLiteral("starttls-not-offered")}));
    QVERIFY(run.capabilitiesPlain.isEmpty());
    verifyServerAgrees(*server, run);
    QCOMPARE(server->receivedLines(),
             bytesList({"EHLO mailscope.invalid", "HELO mailscope.invalid", "QUIT"}));
    QVERIFY(server->isComplete());
}

void TestSmtpScenarios::malformedReply()
{
    Played played;
    if (!play(played, serverFor(QStringLiteral("smtp-malformed-banner"))))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), BannerFailedNoQuit);
    QCOMPARE(findingIds(run), ids({QStringLiteral("reply-malformed")}));
    QVERIFY(run.finding(FindingIds::ReplyMalformed)->detail.contains(QLatin1String("hello there")));
    QCOMPARE(serverTextsOf(run, false), QStringList {QStringLiteral("hello there")});
    verifyServerAgrees(*server, run);
    QVERIFY(server->receivedLines().isEmpty());
}

void TestSmtpScenarios::hugeLine_data()
{
    QTest::addColumn<QString>("directive");
    // 100 KB, more than LineTransport::DefaultMaxLineLength (64 KB).
    QTest::newRow("unterminated") << QStringLiteral("P: 220 ");
    QTest::newRow("terminated") << QStringLiteral("S: 220 ");
}

void TestSmtpScenarios::hugeLine()
{
    QFETCH(QString, directive);
    const QString script = directive + QString(100 * 1024, QLatin1Char('x')) + QStringLiteral("\nW: 10000\n");
    Played played;
    if (!play(played, serverForScript(script)))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), BannerFailedNoQuit);
    QCOMPARE(findingIds(run), ids({QStringLiteral("reply-too-long")}));
    for (const TranscriptEntry& e : run.transcript)
        QVERIFY(e.text.size() < 4096);
    verifyServerAgrees(*server, run);
    QVERIFY(server->receivedLines().isEmpty());
}

void TestSmtpScenarios::banner554()
{
    Played played;
    if (!play(played, serverFor(QStringLiteral("smtp-banner-554"))))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), BannerFailedThenQuit);
    QCOMPARE(findingIds(run), ids({QStringLiteral("service-unavailable")}));
    QVERIFY(run.finding(FindingIds::ServiceUnavailable)->detail.contains(QLatin1String("554")));
    verifyServerAgrees(*server, run);
    QCOMPARE(server->receivedLines(), bytesList({"QUIT"}));
    QVERIFY(server->isComplete());
}

void TestSmtpScenarios::banner554ThenClose()
{
    // The server refuses service and hangs up without waiting for QUIT. Whether a QUIT still
    // goes out depends only on whether the engine has seen the close when its QUIT step begins.
    // Step mode fixes that moment: the server hangs up while the engine is paused before QUIT.
    // (A close that arrives together with the 554 is read in the banner step itself, and QUIT is
    // then skipped at once; the other order is banner554ThenCloseOnQuit.)
    auto server = serverForScript(QStringLiteral("S: 554 5.3.2 Too busy, try later\n"));
    QVERIFY(server);
    ProbeSession session(optionsFor(*server));
    session.setStepMode(true);
    QList<StepId> pauses;
    connect(&session, &ProbeSession::paused, this, [&session, &pauses](StepId next) {
        pauses.append(next);
        if (next != StepId::Quit)
            QMetaObject::invokeMethod(&session, &ProbeSession::resume, Qt::QueuedConnection);
    });
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(!pauses.isEmpty() && pauses.constLast() == StepId::Quit, RunTimeoutMs);
    QCOMPARE(session.run().step(StepId::Banner)->status, StepStatus::Failed);
    server->hangUp();
    QTRY_VERIFY(std::any_of(
        session.run().transcript.cbegin(), session.run().transcript.cend(),
        [](const TranscriptEntry& e) { return e.dir == 'I' && e.text.contains(QLatin1String("closed")); }));
    session.resume();
    QTRY_VERIFY(session.isFinished());
    const Run& run = session.run();

    QCOMPARE(stepsOf(run), BannerFailedNoQuit);
    QCOMPARE(run.step(StepId::Quit)->summary,
             QStringLiteral("Not sent: the server had already closed the connection"));
    QCOMPARE(findingIds(run), ids({FindingIds::ServiceUnavailable}));
    QCOMPARE(clientLinesOf(run), QList<QByteArray> {});
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
    QVERIFY(server->receivedLines().isEmpty());
}

void TestSmtpScenarios::banner554ThenCloseOnQuit()
{
    // The other order: the QUIT goes out, and the server hangs up instead of answering 221.
    // The QUIT step ends on the close (its summary says so), not on the 20 s step timeout.
    Played played;
    if (!play(played, serverForScript(QStringLiteral("S: 554 5.3.2 Too busy, try later\nC: QUIT\nX\n"))))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run), BannerFailedThenQuit);
    QCOMPARE(findingIds(run), ids({FindingIds::ServiceUnavailable}));
    QCOMPARE(run.step(StepId::Quit)->summary, QStringLiteral("The server closed the connection"));
    verifyServerAgrees(*server, run);
    QCOMPARE(server->receivedLines(), bytesList({"QUIT"}));
}

void TestSmtpScenarios::implicitTlsSuccess()
{
    Played played;
    const auto adjust = [](ProbeOptions& o) { o.tls = TlsMode::Implicit; };
    if (!play(played, serverFor(QStringLiteral("smtp-implicit-good")), adjust))
        return;
    const Run& run = played.run();
    const auto& server = played.server;

    QCOMPARE(stepsOf(run),
             QStringLiteral("resolve=ok connect=ok tls-handshake=ok banner=ok greeting=ok quit=ok"));
    QCOMPARE(findingIds(run), ids({}));
    QCOMPARE(toKey(run.verdict()), toKey(Verdict::Ok));
    QVERIFY(run.tls.has_value());
    QVERIFY(run.tls->verified);
    QVERIFY(run.capabilitiesPlain.isEmpty());
    QCOMPARE(run.capabilitiesTls,
             (QStringList {QStringLiteral("SIZE 10240000"), QStringLiteral("AUTH PLAIN LOGIN"),
                           QStringLiteral("8BITMIME")}));
    for (const TranscriptEntry& e : run.transcript) {
        if (e.dir != 'I')
            QVERIFY2(e.tls, qPrintable(e.text));
    }
    verifyServerAgrees(*server, run);
    QCOMPARE(server->linesReceivedAfterTls(), bytesList({"EHLO mailscope.invalid", "QUIT"}));
    QVERIFY(server->isComplete());
}

void TestSmtpScenarios::transcriptReplaysAsScenario_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<TlsMode>("mode");
    QTest::newRow("starttls-good") << QStringLiteral("smtp-starttls-good") << TlsMode::StartTls;
    QTest::newRow("injection") << QStringLiteral("smtp-starttls-injection") << TlsMode::StartTls;
    QTest::newRow("ehlo-rejected") << QStringLiteral("smtp-ehlo-rejected") << TlsMode::StartTls;
    QTest::newRow("implicit") << QStringLiteral("smtp-implicit-good") << TlsMode::Implicit;
}

void TestSmtpScenarios::transcriptReplaysAsScenario()
{
    QFETCH(QString, scenario);
    QFETCH(TlsMode, mode);

    auto original = serverFor(scenario);
    QVERIFY(original);
    ProbeOptions options = optionsFor(*original);
    options.tls = mode;
    ProbeSession first(options);
    runToEnd(first, *original);
    if (QTest::currentTestFailed())
        return;
    verifyServerAgrees(*original, first.run());

    // The exported transcript is itself a scenario: replay it and get the same conversation.
    const QString script = FakeMailServer::scriptFromTranscript(first.run().transcript);
    auto replay = serverForScript(script);
    QVERIFY2(replay, qPrintable(script));
    options.port = replay->port();
    ProbeSession second(options);
    runToEnd(second, *replay);
    if (QTest::currentTestFailed())
        return;

    QVERIFY2(replay->errors().isEmpty(), qPrintable(replay->errorSummary() + QStringLiteral("\n") + script));
    QCOMPARE(stepsOf(second.run()), stepsOf(first.run()));
    QCOMPARE(findingIds(second.run()), findingIds(first.run()));
    QCOMPARE(clientLinesOf(second.run()), clientLinesOf(first.run()));
    QCOMPARE(serverTextsOf(second.run(), false), serverTextsOf(first.run(), false));
    QCOMPARE(serverTextsOf(second.run(), true), serverTextsOf(first.run(), true));
    QCOMPARE(replay->receivedLines(), original->receivedLines());
}

void TestSmtpScenarios::serverClosesWhileStepModePaused_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<StepId>("pauseBefore");
    QTest::addColumn<QString>("steps");
    QTest::addColumn<QString>("detail"); // of the one finding, server-closed-early

    QTest::newRow("before-greeting") << QStringLiteral("smtp-close-after-banner") << StepId::Greeting
                                     << QStringLiteral(
                                            "resolve=ok connect=ok banner=ok greeting=failed "
                                            "starttls=skipped tls-handshake=skipped greeting-tls=skipped "
                                            "quit=skipped")
                                     << QStringLiteral("Closed before step greeting began");
    QTest::newRow("before-tls-handshake")
        << QStringLiteral("smtp-starttls-close-after-go-ahead") << StepId::TlsHandshake << HandshakeFailed
        << QStringLiteral("Closed before step tls-handshake began");
}

void TestSmtpScenarios::serverClosesWhileStepModePaused()
{
    // Step mode (the GUI's debugger) leaves the connection idle between steps; a server that
    // hangs up meanwhile must end the run at once when the user continues: not after the step
    // timeout, and without writing to (or starting a handshake on) a closed socket.
    QFETCH(QString, scenario);
    QFETCH(StepId, pauseBefore);
    QFETCH(QString, steps);
    QFETCH(QString, detail);

    auto server = serverFor(scenario);
    QVERIFY(server);
    ProbeSession session(optionsFor(*server));
    session.setStepMode(true);
    QList<StepId> pauses;
    connect(&session, &ProbeSession::paused, this, [&session, &pauses, pauseBefore](StepId next) {
        pauses.append(next);
        if (next != pauseBefore)
            QMetaObject::invokeMethod(&session, &ProbeSession::resume, Qt::QueuedConnection);
    });
    session.start();
    QTRY_VERIFY2_WITH_TIMEOUT(!pauses.isEmpty() && pauses.constLast() == pauseBefore,
                              qPrintable(stepsOf(session.run()) + dump(session.run())), RunTimeoutMs);
    QVERIFY(session.isPaused());
    // The server hung up; wait until the engine has noticed (it notes it in the transcript).
    QTRY_VERIFY(server->isFinished());
    const auto noticedClose = [&session] {
        const QList<TranscriptEntry>& t = session.run().transcript;
        return std::any_of(t.cbegin(), t.cend(), [](const TranscriptEntry& e) {
            return e.dir == 'I' && e.text.contains(QLatin1String("closed"));
        });
    };
    QTRY_VERIFY(noticedClose());
    const qsizetype closedAt = session.run().transcript.size();
    const QList<QByteArray> receivedBeforeResume = server->receivedLines();
    session.resume();
    QTRY_VERIFY(session.isFinished());
    const Run& run = session.run();

    QCOMPARE(stepsOf(run), steps);
    // The cause is the close the engine already saw, not a handshake attempted on a closed
    // socket (tls-handshake-failed) nor a wait for a reply that could not come (server-timeout).
    QCOMPARE(findingIds(run), ids({FindingIds::ServerClosedEarly}));
    QCOMPARE(findingDetail(run, FindingIds::ServerClosedEarly), detail);
    QVERIFY(!run.tls.has_value());
    // Nothing was written after the close: no client line in the transcript after the note, and
    // the server (which records until it hung up) received nothing more.
    for (qsizetype i = closedAt; i < run.transcript.size(); ++i)
        QVERIFY2(run.transcript.at(i).dir != 'C', qPrintable(run.transcript.at(i).text));
    QCOMPARE(server->receivedLines(), receivedBeforeResume);
    QVERIFY2(server->errors().isEmpty(), qPrintable(server->errorSummary()));
}

// ---- the harness itself ----------------------------------------------------------------------------

void TestSmtpScenarios::fakeServerReportsMismatch()
{
    // A hand-driven client that says the wrong things: the server must notice each one.
    auto server =
        serverForScript(QStringLiteral("S: 220 hi\nC: EHLO expected\nS: 250 ok\nC~ ^QUIT$\nS: 221 bye\n"));
    QVERIFY(server);
    QTcpSocket client;
    client.connectToHost(FakeMailServer::address(), server->port());
    QTRY_VERIFY(client.canReadLine());
    QCOMPARE(client.readLine(), QByteArray("220 hi\r\n"));
    client.write("EHLO expected\r\n");
    QTRY_VERIFY(client.canReadLine());
    QCOMPARE(client.readLine(), QByteArray("250 ok\r\n"));
    client.write("NOOP\r\n"); // C~ ^QUIT$ does not match
    QTRY_VERIFY(server->isFinished());
    QCOMPARE(server->errors().size(), 1);
    QVERIFY2(server->errors().first().contains(QLatin1String("script line 4")),
             qPrintable(server->errorSummary()));
    QVERIFY(server->errors().first().contains(QLatin1String("NOOP")));
    QVERIFY(!server->isComplete());
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);

    // Bare LF, unmet expectations and a second client.
    server = serverForScript(QStringLiteral("S: 220 hi\nC: SKIP\nC: QUIT\n"));
    QVERIFY(server);
    QTcpSocket second;
    client.connectToHost(FakeMailServer::address(), server->port());
    QTRY_VERIFY(client.canReadLine());
    second.connectToHost(FakeMailServer::address(), server->port());
    QTRY_COMPARE(second.state(), QAbstractSocket::UnconnectedState);
    client.write("EHLO bare-lf\n");
    QTRY_COMPARE(server->receivedLines().size(), 1);
    client.disconnectFromHost();
    QTRY_VERIFY(server->isFinished());
    const QString errors = server->errorSummary();
    QCOMPARE(server->errors().size(), 3);
    QVERIFY2(errors.contains(QLatin1String("second client")), qPrintable(errors));
    QVERIFY2(errors.contains(QLatin1String("bare LF")), qPrintable(errors));
    QVERIFY2(errors.contains(QLatin1String("script line 3")), qPrintable(errors));
}

void TestSmtpScenarios::fakeServerSeesBytesAfterTls()
{
    // A client that keeps talking after a handshake it should have distrusted: the strict-trust
    // script (ending in T?) must report it, or the certificate tests would prove nothing.
    auto server = serverFor(QStringLiteral("smtp-starttls-cert-strict"));
    QVERIFY(server);
    QSslSocket client;
    connect(&client, &QSslSocket::sslErrors, &client,
            [&client](const QList<QSslError>&) { client.ignoreSslErrors(); });
    connect(&client, &QSslSocket::encrypted, &client, [&client] { client.write("QUIT\r\n"); });
    client.connectToHost(FakeMailServer::address(), server->port());
    const auto expectLine = [&client](const QByteArray& prefix) {
        QTRY_VERIFY(client.canReadLine());
        const QByteArray line = client.readLine();
        QVERIFY2(line.startsWith(prefix), line.constData());
    };
    expectLine("220 ");
    client.write("EHLO mailscope.invalid\r\n");
    expectLine("250-");
    expectLine("250-");
    expectLine("250 ");
    client.write("STARTTLS\r\n");
    expectLine("220 ");
    client.startClientEncryption();
    QTRY_COMPARE(server->linesReceivedAfterTls(), bytesList({"QUIT"}));
    QVERIFY(server->bytesReceivedAfterTls() > 0);
    QCOMPARE(server->errors().size(), 1);
    QVERIFY2(server->errors().first().contains(QLatin1String("after the end of the script")),
             qPrintable(server->errorSummary()));
}

void TestSmtpScenarios::fakeServerRejectsBadScripts()
{
    FakeMailServer server;
    QVERIFY(!server.loadScript(QStringLiteral("S: 220 ok\nZ: what\nW: soon\nC~ (unclosed\n")));
    QCOMPARE(server.errors().size(), 3);
    QVERIFY(server.errors().at(0).contains(QLatin1String("line 2")));
    QVERIFY(server.errors().at(1).contains(QLatin1String("line 3")));
    QVERIFY(server.errors().at(2).contains(QLatin1String("line 4")));

    QVERIFY(server.loadScript(
        QStringLiteral("# comment\n\n  S: 220 a  b \nR: 250 x\nI: a note\nC: SKIP\nC*\nT\nX\n")));
    const QList<FakeMailServer::Directive> d = server.directives();
    QCOMPARE(d.size(), 6);
    QCOMPARE(d.at(0).text, QByteArray("220 a  b "));
    QCOMPARE(d.at(0).lineNumber, 3);
    QCOMPARE(d.at(1).kind, FakeMailServer::Directive::Kind::Raw);
    QCOMPARE(d.at(2).kind, FakeMailServer::Directive::Kind::ExpectAny);
    QCOMPARE(d.at(3).kind, FakeMailServer::Directive::Kind::ConsumeData);
    QCOMPARE(d.at(4).kind, FakeMailServer::Directive::Kind::StartTls);
    QCOMPARE(d.at(5).kind, FakeMailServer::Directive::Kind::Close);
    QVERIFY(!server.loadScenario(QStringLiteral("no-such-scenario")));
}

QTEST_GUILESS_MAIN(TestSmtpScenarios)
#include "TestSmtpScenarios.moc"
