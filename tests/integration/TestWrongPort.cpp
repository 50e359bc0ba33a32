// "The right hint instead of a wrong diagnosis": the real engine pointed at the wrong kind of
// port on 127.0.0.1. An implicit-TLS port checked with STARTTLS (the demo server's SMTPS, IMAPS
// and POP3S listeners), another protocol's greeting (FakeMailServer scripts), TLS records where a
// greeting belongs, and silent ports (raw QTcpServers). Each test asserts the exact finding set,
// the evidence that names the cause, the suggested settings, that nothing was sent on the main
// connection, and, where it applies, that the suggested settings really work.

#include "demo/DemoServer.h"
#include "FakeMailServer.h"
#include "findings/FindingCatalogue.h"
#include "protocol/GreetingSniffer.h"
#include "RunHelpers.h"
#include "TestPki.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

Q_DECLARE_METATYPE(Protocol)
Q_DECLARE_METATYPE(TlsMode)

namespace {

constexpr int StepTimeoutMs = 1000;
/// A guard against a hang, far above what any of these runs needs; never asserted as a time.
constexpr int RunBoundMs = 20000;

/// A port that says what it is told, or nothing: for silent ports and raw TLS bytes.
class RawServer final : public QTcpServer
{
public:
    QByteArray greeting; ///< written at once on every connection
    bool closeAfterGreeting = false;
    QByteArray answer; ///< written when the client sends anything
    bool closeOnData = false;
    int connections = 0;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto* socket = new QTcpSocket(this);
        socket->setSocketDescriptor(descriptor);
        ++connections;
        if (!greeting.isEmpty())
            socket->write(greeting);
        if (closeAfterGreeting)
            socket->disconnectFromHost();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
            socket->readAll();
            if (!answer.isEmpty())
                socket->write(answer);
            if (closeOnData)
                socket->disconnectFromHost();
        });
    }
};

QList<QString> clientLines(const Run& run)
{
    QList<QString> lines;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.dir == 'C')
            lines.append(e.text);
    }
    return lines;
}

ProbeOptions rawOptions(quint16 port, Protocol protocol = Protocol::Smtp)
{
    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = port;
    o.protocol = protocol;
    o.tls = TlsMode::StartTls;
    o.stepTimeoutMs = StepTimeoutMs;
    return o;
}

} // namespace

class TestWrongPort final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QSslSocket::supportsSsl());
        QVERIFY(TestPki::instance().isValid());
        QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
    }

    void implicitTlsPortCheckedWithStartTls_data();
    void implicitTlsPortCheckedWithStartTls();
    void foreignGreeting_data();
    void foreignGreeting();
    void foreignGreetingInsideImplicitTls();
    void tlsRecordsWhereTheGreetingBelongs_data();
    void tlsRecordsWhereTheGreetingBelongs();
    void silentPortThatIsNotTls_data();
    void silentPortThatIsNotTls();
    void cancelWhileAskingForTls();
    void plaintextPortCheckedWithImplicitTls_data();
    void plaintextPortCheckedWithImplicitTls();
    void demoStartTlsPortCheckedWithImplicitTls_data();
    void demoStartTlsPortCheckedWithImplicitTls();
    void demoScenarios_data();
    void demoScenarios();
    void cliPrintsTheCorrectedCommand();

private:
    DemoServer m_demo;
};

void TestWrongPort::implicitTlsPortCheckedWithStartTls_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("greeter");
    QTest::newRow("smtps as smtp starttls") << Protocol::Smtp << QStringLiteral("an SMTP server");
    QTest::newRow("imaps as imap starttls") << Protocol::Imap << QStringLiteral("an IMAP server");
    QTest::newRow("pop3s as pop3 stls") << Protocol::Pop3 << QStringLiteral("a POP3 server");
}

void TestWrongPort::implicitTlsPortCheckedWithStartTls()
{
    QFETCH(Protocol, protocol);
    QFETCH(QString, greeter);
    m_demo.setScenario(QStringLiteral("good"));
    ProbeOptions options;
    options.host = DemoServer::hostName();
    options.port = m_demo.port(protocol, TlsMode::Implicit); // the demo's implicit-TLS listener
    options.protocol = protocol;
    options.tls = TlsMode::StartTls;
    options.extraCaCertificates = m_demo.caCertificates();
    options.stepTimeoutMs = StepTimeoutMs;
    const Run run = runToEnd(options, RunBoundMs);

    QCOMPARE(sortedFindingIds(run), QStringList {FindingIds::ImplicitTlsExpected});
    QCOMPARE(stepsOf(run),
             QStringLiteral("resolve=ok connect=ok banner=failed greeting=skipped starttls=skipped "
                            "tls-handshake=skipped greeting-tls=skipped quit=skipped"));
    QVERIFY2(clientLines(run).isEmpty(), qPrintable(dump(run))); // nothing was sent in plaintext
    // The cause: one step timeout without a greeting, then a handshake that succeeded at once on
    // a new connection, and who greeted inside it (the listener's protocol).
    const QString detail = run.finding(FindingIds::ImplicitTlsExpected)->detail;
    QVERIFY2(detail.startsWith(QLatin1String("No greeting in plaintext within 1 s. A TLS handshake on a new "
                                             "connection succeeded at once (TLSv1.3), and ")
                               + greeter + QLatin1String(" greeted inside it: ")),
             qPrintable(detail));
    QVERIFY(run.suggestion.has_value());
    QCOMPARE(run.suggestion->protocol, protocol);
    QCOMPARE(run.suggestion->tls, TlsMode::Implicit);
    QCOMPARE(run.suggestion->reason,
             QStringLiteral("This port expects TLS at once: run again with implicit TLS."));

    // The suggestion works: the same port with implicit TLS is a good run.
    options.tls = run.suggestion->tls;
    options.protocol = run.suggestion->protocol;
    const Run corrected = runToEnd(options, RunBoundMs);
    QCOMPARE(sortedFindingIds(corrected), QStringList());
    QCOMPARE(corrected.verdict(), Verdict::Ok);
    QVERIFY(!corrected.suggestion);
}

void TestWrongPort::foreignGreeting_data()
{
    QTest::addColumn<Protocol>("asked");
    QTest::addColumn<QString>("greeting");
    QTest::addColumn<QString>("what");
    QTest::addColumn<std::optional<Protocol>>("suggested");
    const auto none = std::optional<Protocol>();
    QTest::newRow("imap under smtp") << Protocol::Smtp
                                     << QStringLiteral("* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.")
                                     << QStringLiteral("an IMAP server") << std::optional(Protocol::Imap);
    QTest::newRow("pop3 under smtp") << Protocol::Smtp << QStringLiteral("+OK Dovecot ready.")
                                     << QStringLiteral("a POP3 server") << std::optional(Protocol::Pop3);
    QTest::newRow("pop3 under imap") << Protocol::Imap
                                     << QStringLiteral("+OK POP3 server ready <1896.697170952@dbc>")
                                     << QStringLiteral("a POP3 server") << std::optional(Protocol::Pop3);
    QTest::newRow("smtp under imap") << Protocol::Imap << QStringLiteral("220 mx.example.test ESMTP Postfix")
                                     << QStringLiteral("an SMTP server") << std::optional(Protocol::Smtp);
    QTest::newRow("smtp under pop3") << Protocol::Pop3 << QStringLiteral("220 mx.example.test ESMTP Postfix")
                                     << QStringLiteral("an SMTP server") << std::optional(Protocol::Smtp);
    QTest::newRow("imap under pop3") << Protocol::Pop3 << QStringLiteral("* OK IMAP4rev1 Service Ready")
                                     << QStringLiteral("an IMAP server") << std::optional(Protocol::Imap);
    QTest::newRow("http under smtp") << Protocol::Smtp << QStringLiteral("HTTP/1.1 400 Bad Request")
                                     << QStringLiteral("a web (HTTP) server") << none;
    QTest::newRow("ssh under smtp") << Protocol::Smtp
                                    << QStringLiteral("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")
                                    << QStringLiteral("an SSH server") << none;
    QTest::newRow("ssh under imap") << Protocol::Imap << QStringLiteral("SSH-2.0-OpenSSH_9.2p1")
                                    << QStringLiteral("an SSH server") << none;
    QTest::newRow("http under pop3") << Protocol::Pop3 << QStringLiteral("HTTP/1.0 408 Request Time-out")
                                     << QStringLiteral("a web (HTTP) server") << none;
}

void TestWrongPort::foreignGreeting()
{
    QFETCH(Protocol, asked);
    QFETCH(QString, greeting);
    QFETCH(QString, what);
    QFETCH(std::optional<Protocol>, suggested);
    FakeMailServer server;
    QVERIFY2(server.loadScript(QStringLiteral("S: ") + greeting), qPrintable(server.errorSummary()));
    QVERIFY(server.listen());
    const Run run = runToEnd(rawOptions(server.port(), asked), RunBoundMs);

    QCOMPARE(sortedFindingIds(run), QStringList {FindingIds::WrongProtocol});
    QCOMPARE(run.finding(FindingIds::WrongProtocol)->detail, what + QLatin1String(" answered: ") + greeting);
    QCOMPARE(run.step(StepId::Banner)->status, StepStatus::Failed);
    QVERIFY2(clientLines(run).isEmpty(), qPrintable(dump(run)));
    QCOMPARE(run.suggestion.has_value(), suggested.has_value());
    if (suggested) {
        QCOMPARE(run.suggestion->protocol, *suggested);
        QCOMPARE(run.suggestion->tls, TlsMode::StartTls); // only the protocol was wrong
    }
    // The server saw the connection end without a single command.
    QTRY_VERIFY_WITH_TIMEOUT(server.isFinished(), RunBoundMs);
    QCOMPARE(server.receivedLines(), QList<QByteArray>());
    QVERIFY2(server.errors().isEmpty(), qPrintable(server.errorSummary()));
}

void TestWrongPort::foreignGreetingInsideImplicitTls()
{
    // An IMAPS port checked as SMTPS: the handshake works, the greeting inside it is IMAP's.
    FakeMailServer server;
    const TestPki::Identity id = TestPki::instance().identity(TestPki::Kind::Good);
    server.setLocalCertificateChain(id.chain);
    server.setPrivateKey(id.key);
    QVERIFY(server.loadScript(QStringLiteral("T\nS: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")));
    QVERIFY(server.listen());
    ProbeOptions options = rawOptions(server.port());
    options.tls = TlsMode::Implicit;
    options.extraCaCertificates = TestPki::instance().caCertificates();
    const Run run = runToEnd(options, RunBoundMs);

    QCOMPARE(sortedFindingIds(run), QStringList {FindingIds::WrongProtocol});
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Ok);
    QCOMPARE(run.step(StepId::Banner)->status, StepStatus::Failed);
    QVERIFY(run.suggestion.has_value());
    QCOMPARE(run.suggestion->protocol, Protocol::Imap);
    QCOMPARE(run.suggestion->tls, TlsMode::Implicit);
    QCOMPARE(run.suggestion->reason, QStringLiteral("This port speaks IMAP: run again as IMAP."));
    QTRY_VERIFY_WITH_TIMEOUT(server.isFinished(), RunBoundMs);
    QVERIFY2(server.errors().isEmpty(), qPrintable(server.errorSummary()));
}

void TestWrongPort::tlsRecordsWhereTheGreetingBelongs_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("close");
    // RFC 8446 s.6: a fatal protocol_version alert; and the start of a ServerHello record.
    QTest::newRow("alert, then close") << QByteArray::fromHex("15030300020246") << true;
    QTest::newRow("alert, then silence") << QByteArray::fromHex("15030300020246") << false;
    QTest::newRow("handshake record, then silence") << QByteArray::fromHex("160303007a0200007603") << false;
}

void TestWrongPort::tlsRecordsWhereTheGreetingBelongs()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, close);
    RawServer server;
    server.greeting = bytes;
    server.closeAfterGreeting = close;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const Run run = runToEnd(rawOptions(server.serverPort(), Protocol::Pop3), RunBoundMs);

    QCOMPARE(sortedFindingIds(run), QStringList {FindingIds::ImplicitTlsExpected});
    const QString detail = run.finding(FindingIds::ImplicitTlsExpected)->detail;
    QCOMPARE(detail, QLatin1String("TLS record bytes arrived where the POP3 greeting belongs: ")
                         + QString::fromLatin1(bytes.toHex(' ')) + QLatin1String(" (hex)"));
    QVERIFY(run.suggestion.has_value());
    QCOMPARE(run.suggestion->protocol, Protocol::Pop3);
    QCOMPARE(run.suggestion->tls, TlsMode::Implicit);
    QVERIFY(clientLines(run).isEmpty());
    // The bytes said enough: no second connection was needed to ask.
    QCOMPARE(server.connections, 1);
}

void TestWrongPort::silentPortThatIsNotTls_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<bool>("closeOnData");
    QTest::addColumn<QString>("evidence");
    QTest::newRow("silent to the ClientHello too")
        << QByteArray() << false
        << QStringLiteral("The port did not answer a TLS ClientHello within 1 s either.");
    QTest::newRow("hangs up on the ClientHello")
        << QByteArray() << true
        << QStringLiteral("The port closed the connection when a TLS ClientHello arrived.");
    QTest::newRow("answers the ClientHello in plaintext")
        << QByteArray("500 5.5.2 Error: command not recognized\r\n") << false
        << QStringLiteral("The port did not answer a TLS ClientHello in TLS (");
}

void TestWrongPort::silentPortThatIsNotTls()
{
    QFETCH(QByteArray, answer);
    QFETCH(bool, closeOnData);
    QFETCH(QString, evidence);
    RawServer server;
    server.answer = answer;
    server.closeOnData = closeOnData;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const Run run = runToEnd(rawOptions(server.serverPort()), RunBoundMs);

    // Still "stopped answering", now with the TLS question answered: no hint that is not true.
    QCOMPARE(sortedFindingIds(run), QStringList {FindingIds::ServerTimeout});
    const QString detail = run.finding(FindingIds::ServerTimeout)->detail;
    QVERIFY2(detail.startsWith(QLatin1String("No complete reply within 1 s in step banner. ") + evidence),
             qPrintable(detail));
    QVERIFY(!run.suggestion);
    QCOMPARE(run.step(StepId::Banner)->status, StepStatus::Failed);
    QVERIFY(clientLines(run).isEmpty());
    QCOMPARE(server.connections, 2); // the check's own connection, and the TLS question's
}

void TestWrongPort::cancelWhileAskingForTls()
{
    RawServer server; // silent: the TLS question waits out its bound
    QVERIFY(server.listen(QHostAddress::LocalHost));
    ProbeSession session(rawOptions(server.serverPort()));
    QSignalSpy finished(&session, &ProbeSession::finished);
    session.start();
    QTRY_COMPARE_WITH_TIMEOUT(server.connections, 2, RunBoundMs);
    QVERIFY(!session.isFinished());
    session.cancel();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(sortedFindingIds(session.run()), QStringList {FindingIds::RunCancelled});
    QCOMPARE(session.run().verdict(), Verdict::Unknown);
}

void TestWrongPort::plaintextPortCheckedWithImplicitTls_data()
{
    QTest::addColumn<Protocol>("asked");
    QTest::addColumn<QByteArray>("greeting");
    QTest::addColumn<QString>("finding");
    QTest::addColumn<std::optional<Protocol>>("suggested");
    QTest::newRow("smtp greets, smtps asked")
        << Protocol::Smtp << QByteArray("220 mx.example.test ESMTP Postfix")
        << QString(FindingIds::StartTlsExpected) << std::optional(Protocol::Smtp);
    QTest::newRow("imap greets, smtps asked")
        << Protocol::Smtp << QByteArray("* OK IMAP4rev1 Service Ready")
        << QString(FindingIds::StartTlsExpected) << std::optional(Protocol::Imap);
    QTest::newRow("pop3 greets, pop3s asked")
        << Protocol::Pop3 << QByteArray("+OK POP3 server ready") << QString(FindingIds::StartTlsExpected)
        << std::optional(Protocol::Pop3);
    QTest::newRow("ssh greets, imaps asked")
        << Protocol::Imap << QByteArray("SSH-2.0-OpenSSH_9.2p1") << QString(FindingIds::WrongProtocol)
        << std::optional<Protocol>();
}

void TestWrongPort::plaintextPortCheckedWithImplicitTls()
{
    QFETCH(Protocol, asked);
    QFETCH(QByteArray, greeting);
    QFETCH(QString, finding);
    QFETCH(std::optional<Protocol>, suggested);
    RawServer server; // greets every connection in plaintext, as such servers do
    server.greeting = greeting + "\r\n";
    QVERIFY(server.listen(QHostAddress::LocalHost));
    ProbeOptions options = rawOptions(server.serverPort(), asked);
    options.tls = TlsMode::Implicit;
    const Run run = runToEnd(options, RunBoundMs);

    QCOMPARE(sortedFindingIds(run), QStringList {finding});
    QCOMPARE(run.step(StepId::TlsHandshake)->status, StepStatus::Failed);
    const QString detail = run.finding(finding)->detail;
    // OpenSSL read the greeting as a record header; the plaintext connection then saw it whole.
    if (suggested) {
        QVERIFY2(detail.startsWith(QLatin1String("The TLS handshake failed (")), qPrintable(detail));
        QVERIFY2(detail.contains(QLatin1String("wrong version number")), qPrintable(detail));
        QVERIFY2(detail.endsWith(QLatin1String(" was greeted in plaintext by ")
                                 + GreetingSniffer::describe(GreetingSniffer::identify(greeting))
                                 + QLatin1String(": ") + QString::fromLatin1(greeting)),
                 qPrintable(detail));
    } else {
        QCOMPARE(detail, QStringLiteral("an SSH server answered: ") + QString::fromLatin1(greeting));
    }
    QCOMPARE(run.suggestion.has_value(), suggested.has_value());
    if (suggested) {
        QCOMPARE(run.suggestion->protocol, *suggested);
        QCOMPARE(run.suggestion->tls, TlsMode::StartTls);
    }
    QCOMPARE(server.connections, 2);
}

void TestWrongPort::demoStartTlsPortCheckedWithImplicitTls_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::newRow("smtp") << Protocol::Smtp;
    QTest::newRow("imap") << Protocol::Imap;
    QTest::newRow("pop3") << Protocol::Pop3;
}

void TestWrongPort::demoStartTlsPortCheckedWithImplicitTls()
{
    QFETCH(Protocol, protocol);
    m_demo.setScenario(QStringLiteral("good"));
    ProbeOptions options;
    options.host = DemoServer::hostName();
    options.port = m_demo.port(protocol, TlsMode::StartTls);
    options.protocol = protocol;
    options.tls = TlsMode::Implicit;
    options.extraCaCertificates = m_demo.caCertificates();
    options.stepTimeoutMs = StepTimeoutMs;
    const Run run = runToEnd(options, RunBoundMs);
    QCOMPARE(sortedFindingIds(run), QStringList {FindingIds::StartTlsExpected});
    QVERIFY(run.suggestion.has_value());
    QCOMPARE(run.suggestion->protocol, protocol);
    QCOMPARE(run.suggestion->tls, TlsMode::StartTls);
    QCOMPARE(run.suggestion->reason,
             QStringLiteral("This port greets in plaintext: run again with STARTTLS."));

    options.tls = run.suggestion->tls;
    const Run corrected = runToEnd(options, RunBoundMs);
    QCOMPARE(sortedFindingIds(corrected), QStringList());
    QCOMPARE(corrected.verdict(), Verdict::Ok);
}

void TestWrongPort::demoScenarios_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("finding");
    QTest::addColumn<Protocol>("suggestedProtocol");
    QTest::addColumn<TlsMode>("suggestedTls");
    const QString implicit = QStringLiteral("expects-implicit-tls");
    const QString swapped = QStringLiteral("swapped-protocols");
    QTest::newRow("implicit smtp") << implicit << Protocol::Smtp << QString(FindingIds::ImplicitTlsExpected)
                                   << Protocol::Smtp << TlsMode::Implicit;
    QTest::newRow("implicit imap") << implicit << Protocol::Imap << QString(FindingIds::ImplicitTlsExpected)
                                   << Protocol::Imap << TlsMode::Implicit;
    QTest::newRow("implicit pop3") << implicit << Protocol::Pop3 << QString(FindingIds::ImplicitTlsExpected)
                                   << Protocol::Pop3 << TlsMode::Implicit;
    QTest::newRow("swapped smtp") << swapped << Protocol::Smtp << QString(FindingIds::WrongProtocol)
                                  << Protocol::Imap << TlsMode::StartTls;
    QTest::newRow("swapped imap") << swapped << Protocol::Imap << QString(FindingIds::WrongProtocol)
                                  << Protocol::Pop3 << TlsMode::StartTls;
    QTest::newRow("swapped pop3") << swapped << Protocol::Pop3 << QString(FindingIds::WrongProtocol)
                                  << Protocol::Smtp << TlsMode::StartTls;
}

void TestWrongPort::demoScenarios()
{
    QFETCH(QString, scenario);
    QFETCH(Protocol, protocol);
    QFETCH(QString, finding);
    QFETCH(Protocol, suggestedProtocol);
    QFETCH(TlsMode, suggestedTls);
    QVERIFY(DemoServer::hasScenario(scenario));
    m_demo.setScenario(scenario);
    ProbeOptions options;
    options.host = DemoServer::hostName();
    options.port = m_demo.port(protocol, TlsMode::StartTls); // the port a newcomer picks as "SMTP"
    options.protocol = protocol;
    options.tls = TlsMode::StartTls;
    options.extraCaCertificates = m_demo.caCertificates();
    options.stepTimeoutMs = StepTimeoutMs;
    const Run run = runToEnd(options, RunBoundMs);
    QCOMPARE(sortedFindingIds(run), QStringList {finding});
    QVERIFY(run.suggestion.has_value());
    QCOMPARE(run.suggestion->protocol, suggestedProtocol);
    QCOMPARE(run.suggestion->tls, suggestedTls);

    // What the GUI's "Run again" does: the same port, the suggested settings: a good run.
    options.protocol = run.suggestion->protocol;
    options.tls = run.suggestion->tls;
    const Run corrected = runToEnd(options, RunBoundMs);
    QCOMPARE(sortedFindingIds(corrected), QStringList());
    QCOMPARE(corrected.verdict(), Verdict::Ok);
    m_demo.setScenario(QStringLiteral("good"));
}

void TestWrongPort::cliPrintsTheCorrectedCommand()
{
    // mailscope-cli against the in-process demo's SMTPS port, asked for STARTTLS.
    m_demo.setScenario(QStringLiteral("good"));
    const QString target = QStringLiteral("localhost:%1").arg(m_demo.port(Protocol::Smtp, TlsMode::Implicit));
    const auto check = [](const QStringList& arguments, QByteArray* out) {
        QProcess process;
        process.setProgram(QStringLiteral(MAILSCOPE_CLI_PATH));
        process.setArguments(arguments);
        process.start();
        // The demo server lives in this process: its event loop must turn while the CLI runs.
        if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, RunBoundMs))
            return -1;
        *out = process.readAllStandardOutput();
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    };
    const QStringList arguments {QStringLiteral("check"),     target,
                                 QStringLiteral("--timeout"), QStringLiteral("1"),
                                 QStringLiteral("--ca-file"), m_demo.caFile()};
    QByteArray text;
    QCOMPARE(check(arguments, &text), 2);
    const QString expected =
        QStringLiteral("\nTry instead\n  This port expects TLS at once: run again with implicit "
                       "TLS.\n  %1 check %2 --timeout 1 --ca-file %3 --tls implicit\n")
            .arg(QStringLiteral(MAILSCOPE_CLI_PATH), target, m_demo.caFile());
    QVERIFY2(QString::fromUtf8(text).endsWith(expected), text.constData());

    QByteArray json;
    QCOMPARE(check(arguments + QStringList {QStringLiteral("--json")}, &json), 2);
    const QJsonObject report = QJsonDocument::fromJson(json).object();
    QCOMPARE(report.value(QLatin1String("suggestion")).toObject().value(QLatin1String("tls")).toString(),
             QStringLiteral("implicit"));
    QCOMPARE(report.value(QLatin1String("suggestion")).toObject().value(QLatin1String("protocol")).toString(),
             QStringLiteral("smtp"));

    // The printed command, run as printed, is a good check.
    QByteArray corrected;
    QCOMPARE(check(arguments + QStringList {QStringLiteral("--tls"), QStringLiteral("implicit")}, &corrected),
             0);
}

QTEST_GUILESS_MAIN(TestWrongPort)
#include "TestWrongPort.moc"
