// The demo server's IMAP and POP3 sides, checked byte for byte with a raw QSslSocket client (the
// conversation, each scenario, STARTTLS/STLS injection behaviours), and with the engine
// (ProbeSession) once it speaks IMAP and POP3. Everything runs on 127.0.0.1 with free ports.

#include "demo/DemoImapConnection.h"
#include "demo/DemoServer.h"
#include "findings/FindingCatalogue.h"
#include "LineTestClient.h"
#include "protocol/Dialect.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <algorithm>
#include <memory>
#include <QSet>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTest>

namespace {

constexpr int WaitMs = 20000;
/// IMAP and POP3 readers over the raw line client.
class LineClient final : public LineTestClient
{
public:
    /// Sends "tag command" and returns every line up to and including the tagged reply.
    QList<QByteArray> imap(const QByteArray& tag, const QByteArray& command)
    {
        send(tag + ' ' + command + "\r\n");
        return readImapReply(tag);
    }
    /// The lines up to and including the one tagged `tag`.
    QList<QByteArray> readImapReply(const QByteArray& tag)
    {
        QList<QByteArray> lines;
        for (;;) {
            const QByteArray line = readLine();
            lines.append(line);
            if (line == LineTestClient::NoLine || line.startsWith(tag + ' '))
                return lines;
        }
    }
    /// Sends "tag command" and returns the first line, for a command that asks for more ("+ ").
    QByteArray continuation(const QByteArray& tag, const QByteArray& command)
    {
        send(tag + ' ' + command + "\r\n");
        return readLine();
    }
    /// The tagged reply line only.
    QByteArray imapTagged(const QByteArray& tag, const QByteArray& command)
    {
        return imap(tag, command).constLast();
    }

    /// Sends one POP3 command and returns its first reply line.
    QByteArray pop3(const QByteArray& command)
    {
        send(command + "\r\n");
        return readLine();
    }
    /// Sends one POP3 command with a multi-line answer (RFC 1939 s.3): every line, "." included.
    QList<QByteArray> pop3Multi(const QByteArray& command)
    {
        send(command + "\r\n");
        QList<QByteArray> lines {readLine()};
        if (!lines.constFirst().startsWith("+OK"))
            return lines;
        for (;;) {
            const QByteArray line = readLine();
            lines.append(line);
            if (line == "." || line == LineTestClient::NoLine)
                return lines;
        }
    }
};

const QByteArray ImapGreeting =
    QByteArrayLiteral("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Mailscope demo IMAP server ready");
const QByteArray ImapTlsGreeting =
    QByteArrayLiteral("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] Mailscope demo IMAP server ready");
const QByteArray Pop3Greeting = QByteArrayLiteral("+OK Mailscope demo POP3 server ready");

} // namespace

class TestDemoImapPop3 final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listeners();
    void preauthScenarioListed();

    void imapArguments_data();
    void imapArguments();
    void imapConversation();
    void imapAuthenticatePlain();
    void imapImplicitTlsAndLiterals();
    void imapNoStartTls();
    void imapStartTlsRejected();
    void imapPreauth();
    void imapAuthFails();
    void imapResponseInjection();
    void imapCommandInjection_data();
    void imapCommandInjection();
    void imapLimits();

    void pop3Conversation();
    void pop3AuthPlain();
    void pop3ImplicitTls();
    void pop3NoStartTls();
    void pop3StartTlsRejected();
    void pop3ResponseInjection();
    void pop3CommandInjection_data();
    void pop3CommandInjection();
    void pop3PreauthIsGood();

    void certificates_data();
    void certificates();
    void dropsInHandshake_data();
    void dropsInHandshake();
    void slowBanner_data();
    void slowBanner();
    void idleTimeout_data();
    void idleTimeout();

    void engine_data();
    void engine();

private:
    /// Connects to IMAP, reads the greeting, STARTTLS and TLS; QVERIFYs each step.
    void imapUpgrade(LineClient& client);
    /// Connects to POP3, reads the greeting, STLS and TLS; QVERIFYs each step.
    void pop3Upgrade(LineClient& client);
    /// Connects to `protocol`'s STARTTLS port and reads `greeting`; QVERIFYs each step.
    void connectGreeted(LineClient& client, Protocol protocol, const QByteArray& greeting);
    /// The response-injection scenario up to the handshake: `startTls` is answered by `goAhead` and
    /// the forged `injected` line in the same write; then TLS. QVERIFYs each step.
    void responseInjection(LineClient& client, Protocol protocol, const QByteArray& greeting,
                           const QByteArray& startTls, const QByteArray& goAhead, const QByteArray& injected);
    /// The rows of imapCommandInjection and pop3CommandInjection: `startTlsAndMore` in one write
    /// (the plaintext command after STARTTLS), the go-ahead, TLS, then `overTls`, whose first reply
    /// line must be the row's firstLineOverTls.
    void commandInjection(Protocol protocol, const QByteArray& greeting, const QByteArray& startTlsAndMore,
                          const QByteArray& goAhead, const QByteArray& overTls);

    DemoServer m_server;
};

void TestDemoImapPop3::initTestCase() { QVERIFY2(m_server.start(), qPrintable(m_server.errorString())); }

void TestDemoImapPop3::listeners()
{
    QSet<quint16> ports;
    for (Protocol protocol : {Protocol::Smtp, Protocol::Imap, Protocol::Pop3}) {
        for (TlsMode mode : {TlsMode::StartTls, TlsMode::Implicit}) {
            const quint16 port = m_server.port(protocol, mode);
            QVERIFY(port != 0);
            ports.insert(port);
        }
        QCOMPARE(m_server.port(protocol, TlsMode::None), quint16(0));
    }
    QCOMPARE(ports.size(), 6);

    // A fixed base port: IMAP, IMAPS, POP3, POP3S on base + 2 .. base + 5.
    DemoServer server;
    bool started = false;
    for (quint16 base = 43127; base < 62000 && !started; base += 991)
        started = server.start(base);
    QVERIFY2(started, qPrintable(server.errorString()));
    const quint16 base = server.port(Protocol::Smtp, TlsMode::StartTls);
    QCOMPARE(server.port(Protocol::Imap, TlsMode::StartTls), quint16(base + 2));
    QCOMPARE(server.port(Protocol::Imap, TlsMode::Implicit), quint16(base + 3));
    QCOMPARE(server.port(Protocol::Pop3, TlsMode::StartTls), quint16(base + 4));
    QCOMPARE(server.port(Protocol::Pop3, TlsMode::Implicit), quint16(base + 5));
    LineClient imap;
    QVERIFY(imap.connectTo(quint16(base + 2)));
    QCOMPARE(imap.readLine(), ImapGreeting);
    LineClient pop3;
    QVERIFY(pop3.connectTo(quint16(base + 4)));
    QCOMPARE(pop3.readLine(), Pop3Greeting);
}

void TestDemoImapPop3::preauthScenarioListed()
{
    QVERIFY(DemoServer::hasScenario(QStringLiteral("preauth")));
    const QList<DemoServer::Scenario> scenarios = DemoServer::scenarios();
    const auto preauth =
        std::find_if(scenarios.cbegin(), scenarios.cend(),
                     [](const DemoServer::Scenario& s) { return s.name == QLatin1String("preauth"); });
    QVERIFY(preauth != scenarios.cend());
    QVERIFY(preauth->description.contains(QLatin1String("PREAUTH")));
    QVERIFY(preauth->description.contains(QLatin1String("good")));
}

// ---- IMAP ----------------------------------------------------------------------------------------

void TestDemoImapPop3::imapArguments_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QList<QByteArray>>("arguments");

    QTest::newRow("empty") << QByteArray() << true << QList<QByteArray> {};
    QTest::newRow("atoms") << QByteArray("demo demo") << true << QList<QByteArray> {"demo", "demo"};
    QTest::newRow("quoted") << QByteArray(R"("de mo" "p\"w\\d")") << true
                            << QList<QByteArray> {"de mo", R"(p"w\d)"};
    QTest::newRow("empty quoted") << QByteArray(R"("" x)") << true << QList<QByteArray> {"", "x"};
    QTest::newRow("literals") << QByteArray("{4}\r\ndemo {2+}\r\nab") << true
                              << QList<QByteArray> {"demo", "ab"};
    QTest::newRow("literal with CRLF")
        << QByteArray("{4}\r\nd\r\no x") << true << QList<QByteArray> {"d\r\no", "x"};
    QTest::newRow("unterminated quote") << QByteArray(R"("demo)") << false << QList<QByteArray> {};
    QTest::newRow("text after quote") << QByteArray(R"("a"b)") << false << QList<QByteArray> {};
    QTest::newRow("short literal") << QByteArray("{5}\r\nabc") << false << QList<QByteArray> {};
    QTest::newRow("literal without CRLF") << QByteArray("{4}demo") << false << QList<QByteArray> {};
    QTest::newRow("bad literal size") << QByteArray("{x}\r\n") << false << QList<QByteArray> {};
}

void TestDemoImapPop3::imapArguments()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(QList<QByteArray>, arguments);

    QList<QByteArray> parsed;
    QCOMPARE(DemoImapConnection::parseArguments(text, &parsed), ok);
    if (ok)
        QCOMPARE(parsed, arguments);
}

void TestDemoImapPop3::connectGreeted(LineClient& client, Protocol protocol, const QByteArray& greeting)
{
    QVERIFY(client.connectTo(m_server.port(protocol, TlsMode::StartTls)));
    QCOMPARE(client.readLine(), greeting);
}

void TestDemoImapPop3::responseInjection(LineClient& client, Protocol protocol, const QByteArray& greeting,
                                         const QByteArray& startTls, const QByteArray& goAhead,
                                         const QByteArray& injected)
{
    m_server.setScenario(QStringLiteral("response-injection"));
    connectGreeted(client, protocol, greeting);
    if (QTest::currentTestFailed())
        return;
    client.send(startTls + "\r\n");
    QCOMPARE(client.readLine(), goAhead);
    // The forged line came in the same write: it is already there.
    QVERIFY(client.hasLineNow());
    QCOMPARE(client.readLine(), injected);
    QVERIFY(client.startTls(m_server.caCertificates()));
}

void TestDemoImapPop3::commandInjection(Protocol protocol, const QByteArray& greeting,
                                        const QByteArray& startTlsAndMore, const QByteArray& goAhead,
                                        const QByteArray& overTls)
{
    QFETCH(QString, scenario);
    QFETCH(QByteArray, firstLineOverTls);

    m_server.setScenario(scenario);
    LineClient client;
    connectGreeted(client, protocol, greeting);
    if (QTest::currentTestFailed())
        return;
    client.send(startTlsAndMore); // one write: the injection
    QCOMPARE(client.readLine(), goAhead);
    QVERIFY(client.startTls(m_server.caCertificates()));
    client.send(overTls + "\r\n");
    QCOMPARE(client.readLine(), firstLineOverTls);
}

void TestDemoImapPop3::imapUpgrade(LineClient& client)
{
    connectGreeted(client, Protocol::Imap, ImapGreeting);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(client.imapTagged("A1", "STARTTLS"), QByteArray("A1 OK Begin TLS negotiation now"));
    QVERIFY(client.startTls(m_server.caCertificates()));
    QVERIFY(client.sslErrors().isEmpty());
}

void TestDemoImapPop3::imapConversation()
{
    m_server.setScenario(QStringLiteral("good"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Imap, TlsMode::StartTls)));
    QCOMPARE(client.readLine(), ImapGreeting);

    // Plaintext: STARTTLS offered, passwords refused (RFC 9051 s.6.2.3, LOGINDISABLED).
    QCOMPARE(
        client.imap("A1", "CAPABILITY"),
        (QList<QByteArray> {"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED", "A1 OK CAPABILITY completed"}));
    QCOMPARE(client.imapTagged("A2", "LOGIN demo demo"),
             QByteArray("A2 NO [PRIVACYREQUIRED] Plaintext login is disabled until TLS is active"));
    QCOMPARE(client.imapTagged("A3", "AUTHENTICATE PLAIN " + plainResponse("demo", "demo")),
             QByteArray("A3 NO [PRIVACYREQUIRED] Authentication is disabled until TLS is active"));
    QCOMPARE(client.imapTagged("A4", "noop"), QByteArray("A4 OK NOOP completed"));
    QCOMPARE(client.imapTagged("A5", "FROBNICATE"), QByteArray("A5 BAD Unknown command"));
    QCOMPARE(client.imapTagged("A6", "SELECT INBOX"), QByteArray("A6 BAD Not logged in"));
    QCOMPARE(client.imapTagged("A7", "STARTTLS now"), QByteArray("A7 BAD Syntax: STARTTLS"));
    client.send("\r\n");
    QCOMPARE(client.readLine(), QByteArray("* BAD Missing or invalid tag"));
    QCOMPARE(client.imapTagged("A8", ""), QByteArray("A8 BAD Missing command"));

    QCOMPARE(client.imapTagged("A9", "STARTTLS"), QByteArray("A9 OK Begin TLS negotiation now"));
    QVERIFY(client.startTls(m_server.caCertificates()));
    QVERIFY(client.sslErrors().isEmpty());

    // Over TLS: AUTH=PLAIN and SASL-IR instead of STARTTLS and LOGINDISABLED.
    QCOMPARE(client.imap("B1", "CAPABILITY"),
             (QList<QByteArray> {"* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR", "B1 OK CAPABILITY completed"}));
    QCOMPARE(client.imapTagged("B2", "STARTTLS"), QByteArray("B2 BAD TLS is already active"));
    QCOMPARE(client.imapTagged("B3", "LOGIN demo wrong"),
             QByteArray("B3 NO [AUTHENTICATIONFAILED] Invalid credentials"));
    QCOMPARE(client.imapTagged("B4", "LOGIN demo"), QByteArray("B4 BAD Syntax: LOGIN username password"));
    QCOMPARE(client.imapTagged("B5", R"(LOGIN "demo" "demo")"), QByteArray("B5 OK Logged in"));
    QCOMPARE(client.imapTagged("B6", "LOGIN demo demo"), QByteArray("B6 BAD Already logged in"));
    QCOMPARE(client.imap("B7", "CAPABILITY"),
             (QList<QByteArray> {"* CAPABILITY IMAP4rev1", "B7 OK CAPABILITY completed"}));

    QCOMPARE(client.imap("B8", "SELECT inbox"),
             (QList<QByteArray> {
                 "* 0 EXISTS", "* 0 RECENT", R"(* FLAGS (\Answered \Flagged \Deleted \Seen \Draft))",
                 "* OK [PERMANENTFLAGS ()] No permanent flags permitted", "* OK [UIDVALIDITY 1] UIDs valid",
                 "* OK [UIDNEXT 1] Predicted next UID", "B8 OK [READ-WRITE] SELECT completed"}));
    QCOMPARE(client.imapTagged("B9", "EXAMINE INBOX"), QByteArray("B9 OK [READ-ONLY] EXAMINE completed"));
    QCOMPARE(client.imapTagged("B10", "SELECT Archive"),
             QByteArray("B10 NO [NONEXISTENT] Mailbox does not exist"));

    QCOMPARE(client.imap("B11", "LOGOUT"),
             (QList<QByteArray> {"* BYE Mailscope demo IMAP server logging out", "B11 OK LOGOUT completed"}));
    QVERIFY(client.waitForClose());
}

void TestDemoImapPop3::imapAuthenticatePlain()
{
    m_server.setScenario(QStringLiteral("good"));
    {
        LineClient client;
        imapUpgrade(client);
        if (QTest::currentTestFailed())
            return;
        // SASL-IR (RFC 4959): the response on the command line.
        QCOMPARE(client.imapTagged("C1", "AUTHENTICATE PLAIN " + plainResponse("demo", "wrong")),
                 QByteArray("C1 NO [AUTHENTICATIONFAILED] Invalid credentials"));
        QCOMPARE(client.imapTagged("C2", "AUTHENTICATE PLAIN ="),
                 QByteArray("C2 BAD Invalid PLAIN response"));
        QCOMPARE(client.imapTagged("C3", "AUTHENTICATE CRAM-MD5"),
                 QByteArray("C3 NO Unsupported authentication mechanism"));
        // A continuation: "+ ", then the response or "*" (RFC 9051 s.6.2.2).
        QCOMPARE(client.continuation("C4", "AUTHENTICATE PLAIN"), QByteArray("+ "));
        client.send("*\r\n");
        QCOMPARE(client.readLine(), QByteArray("C4 BAD Authentication cancelled"));
        QCOMPARE(client.continuation("C5", "AUTHENTICATE PLAIN"), QByteArray("+ "));
        client.send("not base64!\r\n");
        QCOMPARE(client.readLine(), QByteArray("C5 BAD Invalid base64 data"));
        QCOMPARE(client.continuation("C6", "AUTHENTICATE PLAIN"), QByteArray("+ "));
        client.send(plainResponse("demo", "demo") + "\r\n");
        QCOMPARE(client.readLine(), QByteArray("C6 OK Logged in"));
        QCOMPARE(client.imapTagged("C7", "AUTHENTICATE PLAIN " + plainResponse("demo", "demo")),
                 QByteArray("C7 BAD Already logged in"));
    }
    {
        LineClient client;
        imapUpgrade(client);
        if (QTest::currentTestFailed())
            return;
        // An authzid equal to the user is fine (RFC 4616).
        const QByteArray response = QByteArray("demo\0demo\0demo", 14).toBase64();
        QCOMPARE(client.imapTagged("D1", "authenticate plain " + response), QByteArray("D1 OK Logged in"));
    }
}

void TestDemoImapPop3::imapImplicitTlsAndLiterals()
{
    m_server.setScenario(QStringLiteral("good"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Imap, TlsMode::Implicit)));
    QVERIFY(client.startTls(m_server.caCertificates()));
    QCOMPARE(client.readLine(), ImapTlsGreeting);

    // Synchronizing literals: "+" before each one.
    client.send("L1 LOGIN {4}\r\n");
    QCOMPARE(client.readLine(), QByteArray("+ Ready for literal data"));
    client.send("demo {5}\r\n");
    QCOMPARE(client.readLine(), QByteArray("+ Ready for literal data"));
    client.send("wrong\r\n");
    QCOMPARE(client.readLine(), QByteArray("L1 NO [AUTHENTICATIONFAILED] Invalid credentials"));
    // A literal that is too large is refused before it is sent.
    client.send("L2 LOGIN {99999}\r\n");
    QCOMPARE(client.readLine(), QByteArray("L2 BAD Literal too large"));
    // Non-synchronizing literals (RFC 7888) in one write, no "+".
    QCOMPARE(client.imapTagged("L3", "LOGIN {4+}\r\ndemo {4+}\r\ndemo"), QByteArray("L3 OK Logged in"));
    QCOMPARE(client.imapTagged("L4", "LOGOUT"), QByteArray("L4 OK LOGOUT completed"));
    QVERIFY(client.waitForClose());
}

void TestDemoImapPop3::imapNoStartTls()
{
    m_server.setScenario(QStringLiteral("no-starttls"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Imap, TlsMode::StartTls)));
    QCOMPARE(client.readLine(), ImapTlsGreeting); // the same offer, but in plaintext
    QCOMPARE(client.imapTagged("A1", "STARTTLS"), QByteArray("A1 BAD Unknown command"));
    QCOMPARE(client.imapTagged("A2", "LOGIN demo demo"), QByteArray("A2 OK Logged in"));
}

void TestDemoImapPop3::imapStartTlsRejected()
{
    m_server.setScenario(QStringLiteral("starttls-rejected"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Imap, TlsMode::StartTls)));
    QCOMPARE(client.readLine(), ImapGreeting);
    QCOMPARE(client.imapTagged("A2", "STARTTLS"), QByteArray("A2 NO [UNAVAILABLE] TLS not available"));
    QCOMPARE(client.imapTagged("A3", "NOOP"), QByteArray("A3 OK NOOP completed"));
    QVERIFY(!client.socket().isEncrypted());
}

void TestDemoImapPop3::imapPreauth()
{
    m_server.setScenario(QStringLiteral("preauth"));
    {
        LineClient client;
        QVERIFY(client.connectTo(m_server.port(Protocol::Imap, TlsMode::StartTls)));
        QCOMPARE(client.readLine(),
                 QByteArray("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] Logged in as demo"));
        // RFC 9051 s.6.2.1: STARTTLS is for the not-authenticated state; too late now.
        QCOMPARE(client.imapTagged("A1", "STARTTLS"),
                 QByteArray("A1 BAD STARTTLS is not valid in the authenticated state"));
        QCOMPARE(client.imapTagged("A2", "SELECT INBOX"), QByteArray("A2 OK [READ-WRITE] SELECT completed"));
        QVERIFY(!client.socket().isEncrypted());
    }
    {
        // Over implicit TLS PREAUTH is harmless: no STARTTLS to lose.
        LineClient client;
        QVERIFY(client.connectTo(m_server.port(Protocol::Imap, TlsMode::Implicit)));
        QVERIFY(client.startTls(m_server.caCertificates()));
        QCOMPARE(client.readLine(), QByteArray("* PREAUTH [CAPABILITY IMAP4rev1] Logged in as demo"));
    }
}

void TestDemoImapPop3::imapAuthFails()
{
    m_server.setScenario(QStringLiteral("auth-fails"));
    LineClient client;
    imapUpgrade(client);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(client.imapTagged("A2", "LOGIN demo demo"),
             QByteArray("A2 NO [AUTHENTICATIONFAILED] Invalid credentials"));
    QCOMPARE(client.imapTagged("A3", "AUTHENTICATE PLAIN " + plainResponse("demo", "demo")),
             QByteArray("A3 NO [AUTHENTICATIONFAILED] Invalid credentials"));
}

void TestDemoImapPop3::imapResponseInjection()
{
    LineClient client;
    responseInjection(client, Protocol::Imap, ImapGreeting, "A1 STARTTLS", "A1 OK Begin TLS negotiation now",
                      "* CAPABILITY IMAP4rev1 AUTH=PLAIN INJECTED-BY-MIDDLEBOX");
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(client.imap("B1", "CAPABILITY"),
             (QList<QByteArray> {"* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR", "B1 OK CAPABILITY completed"}));
}

void TestDemoImapPop3::imapCommandInjection_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QByteArray>("firstLineOverTls");

    // A correct server discards the NOOP sent with STARTTLS: the first line over TLS is CAPABILITY's.
    QTest::newRow("good") << QStringLiteral("good")
                          << QByteArray("* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR");
    // CVE-2011-0411 style: the plaintext NOOP is answered inside TLS.
    QTest::newRow("command-injection")
        << QStringLiteral("command-injection") << QByteArray("A2 OK NOOP completed");
}

void TestDemoImapPop3::imapCommandInjection()
{
    commandInjection(Protocol::Imap, ImapGreeting, "A1 STARTTLS\r\nA2 NOOP\r\n",
                     "A1 OK Begin TLS negotiation now", "A3 CAPABILITY");
}

void TestDemoImapPop3::imapLimits()
{
    m_server.setScenario(QStringLiteral("good"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Imap, TlsMode::StartTls)));
    QCOMPARE(client.readLine(), ImapGreeting);
    client.send("A1 NOOP " + QByteArray(5000, 'x') + "\r\n");
    QCOMPARE(client.readLine(), QByteArray("* BAD Line too long"));
    QCOMPARE(client.imapTagged("A2", "NOOP"), QByteArray("A2 OK NOOP completed"));
    // Too many bad commands end the connection.
    QByteArray many;
    for (int i = 0; i < 25; ++i)
        many += "X" + QByteArray::number(i) + " BOGUS\r\n";
    client.send(many);
    QByteArray last;
    for (QByteArray line = client.readLine(); line != LineTestClient::NoLine; line = client.readLine())
        last = line;
    QCOMPARE(last, QByteArray("* BYE Too many invalid commands"));
    QVERIFY(client.waitForClose());
}

// ---- POP3 ----------------------------------------------------------------------------------------

void TestDemoImapPop3::pop3Upgrade(LineClient& client)
{
    connectGreeted(client, Protocol::Pop3, Pop3Greeting);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(client.pop3("STLS"), QByteArray("+OK Begin TLS negotiation"));
    QVERIFY(client.startTls(m_server.caCertificates()));
    QVERIFY(client.sslErrors().isEmpty());
}

void TestDemoImapPop3::pop3Conversation()
{
    m_server.setScenario(QStringLiteral("good"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Pop3, TlsMode::StartTls)));
    QCOMPARE(client.readLine(), Pop3Greeting);

    // Plaintext: STLS offered, neither USER nor SASL.
    QCOMPARE(client.pop3Multi("CAPA"),
             (QList<QByteArray> {"+OK Capability list follows", "TOP", "UIDL", "STLS", "RESP-CODES",
                                 "AUTH-RESP-CODE", "PIPELINING", "."}));
    QCOMPARE(client.pop3("USER demo"),
             QByteArray("-ERR [AUTH] Plaintext authentication is disabled until TLS is active"));
    QCOMPARE(client.pop3("AUTH PLAIN " + plainResponse("demo", "demo")),
             QByteArray("-ERR [AUTH] Authentication is disabled until TLS is active"));
    QCOMPARE(client.pop3("STAT"), QByteArray("-ERR Not logged in"));
    QCOMPARE(client.pop3("FROB"), QByteArray("-ERR Unknown command"));
    QCOMPARE(client.pop3("STLS now"), QByteArray("-ERR Syntax: STLS"));
    QCOMPARE(client.pop3("stls"), QByteArray("+OK Begin TLS negotiation"));
    QVERIFY(client.startTls(m_server.caCertificates()));
    QVERIFY(client.sslErrors().isEmpty());

    // Over TLS: USER and SASL PLAIN, no STLS.
    QCOMPARE(client.pop3Multi("CAPA"),
             (QList<QByteArray> {"+OK Capability list follows", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE",
                                 "PIPELINING", "USER", "SASL PLAIN", "."}));
    QCOMPARE(client.pop3("STLS"), QByteArray("-ERR Command not permitted when TLS active"));
    QCOMPARE(client.pop3("PASS demo"), QByteArray("-ERR Send USER first"));
    QCOMPARE(client.pop3("USER demo"), QByteArray("+OK Send your password"));
    QCOMPARE(client.pop3("PASS wrong"), QByteArray("-ERR [AUTH] Invalid credentials"));
    QCOMPARE(client.pop3("PASS demo"), QByteArray("-ERR Send USER first"));
    QCOMPARE(client.pop3("USER demo"), QByteArray("+OK Send your password"));
    QCOMPARE(client.pop3("PASS demo"), QByteArray("+OK Logged in"));

    // TRANSACTION: an empty maildrop.
    QCOMPARE(client.pop3("STAT"), QByteArray("+OK 0 0"));
    QCOMPARE(client.pop3Multi("LIST"), (QList<QByteArray> {"+OK 0 messages (0 octets)", "."}));
    QCOMPARE(client.pop3Multi("UIDL"), (QList<QByteArray> {"+OK", "."}));
    QCOMPARE(client.pop3("LIST 1"), QByteArray("-ERR No such message"));
    QCOMPARE(client.pop3("RETR 1"), QByteArray("-ERR No such message"));
    QCOMPARE(client.pop3("NOOP"), QByteArray("+OK"));
    QCOMPARE(client.pop3("USER demo"), QByteArray("-ERR Already logged in"));
    QCOMPARE(client.pop3Multi("CAPA"),
             (QList<QByteArray> {"+OK Capability list follows", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE",
                                 "PIPELINING", "."}));
    QCOMPARE(client.pop3("QUIT"), QByteArray("+OK Bye"));
    QVERIFY(client.waitForClose());
}

void TestDemoImapPop3::pop3AuthPlain()
{
    m_server.setScenario(QStringLiteral("good"));
    {
        LineClient client;
        pop3Upgrade(client);
        if (QTest::currentTestFailed())
            return;
        // RFC 5034: the initial response on the command line.
        QCOMPARE(client.pop3Multi("AUTH"), (QList<QByteArray> {"+OK", "PLAIN", "."}));
        QCOMPARE(client.pop3("AUTH CRAM-MD5"), QByteArray("-ERR Unsupported authentication mechanism"));
        QCOMPARE(client.pop3("AUTH PLAIN " + plainResponse("demo", "wrong")),
                 QByteArray("-ERR [AUTH] Invalid credentials"));
        QCOMPARE(client.pop3("AUTH PLAIN " + plainResponse("demo", "demo")), QByteArray("+OK Logged in"));
        QCOMPARE(client.pop3("STAT"), QByteArray("+OK 0 0"));
    }
    {
        LineClient client;
        pop3Upgrade(client);
        if (QTest::currentTestFailed())
            return;
        // A continuation: "+ ", then the response or "*".
        QCOMPARE(client.pop3("AUTH PLAIN"), QByteArray("+ "));
        QCOMPARE(client.pop3("*"), QByteArray("-ERR Authentication cancelled"));
        QCOMPARE(client.pop3("AUTH PLAIN"), QByteArray("+ "));
        QCOMPARE(client.pop3("not base64!"), QByteArray("-ERR Invalid base64 data"));
        QCOMPARE(client.pop3("AUTH PLAIN"), QByteArray("+ "));
        QCOMPARE(client.pop3(plainResponse("demo", "demo")), QByteArray("+OK Logged in"));
    }
}

void TestDemoImapPop3::pop3ImplicitTls()
{
    m_server.setScenario(QStringLiteral("good"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Pop3, TlsMode::Implicit)));
    QVERIFY(client.startTls(m_server.caCertificates()));
    QVERIFY(client.sslErrors().isEmpty());
    QCOMPARE(client.readLine(), Pop3Greeting);
    QCOMPARE(client.pop3Multi("CAPA"),
             (QList<QByteArray> {"+OK Capability list follows", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE",
                                 "PIPELINING", "USER", "SASL PLAIN", "."}));
    QCOMPARE(client.pop3("USER demo"), QByteArray("+OK Send your password"));
    QCOMPARE(client.pop3("PASS demo"), QByteArray("+OK Logged in"));
    QCOMPARE(client.pop3("QUIT"), QByteArray("+OK Bye"));
    QVERIFY(client.waitForClose());
}

void TestDemoImapPop3::pop3NoStartTls()
{
    m_server.setScenario(QStringLiteral("no-starttls"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Pop3, TlsMode::StartTls)));
    QCOMPARE(client.readLine(), Pop3Greeting);
    QCOMPARE(client.pop3Multi("CAPA"),
             (QList<QByteArray> {"+OK Capability list follows", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE",
                                 "PIPELINING", "USER", "SASL PLAIN", "."}));
    QCOMPARE(client.pop3("STLS"), QByteArray("-ERR Unknown command"));
    QCOMPARE(client.pop3("USER demo"), QByteArray("+OK Send your password"));
    QCOMPARE(client.pop3("PASS demo"), QByteArray("+OK Logged in"));
}

void TestDemoImapPop3::pop3StartTlsRejected()
{
    m_server.setScenario(QStringLiteral("starttls-rejected"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(Protocol::Pop3, TlsMode::StartTls)));
    QCOMPARE(client.readLine(), Pop3Greeting);
    QVERIFY(client.pop3Multi("CAPA").contains("STLS"));
    QCOMPARE(client.pop3("STLS"), QByteArray("-ERR TLS not available"));
    QCOMPARE(client.pop3("USER demo"),
             QByteArray("-ERR [AUTH] Plaintext authentication is disabled until TLS is active"));
}

void TestDemoImapPop3::pop3ResponseInjection()
{
    LineClient client;
    responseInjection(client, Protocol::Pop3, Pop3Greeting, "STLS", "+OK Begin TLS negotiation",
                      "+OK INJECTED-BY-MIDDLEBOX");
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(client.pop3Multi("CAPA").value(7), QByteArray("SASL PLAIN"));
}

void TestDemoImapPop3::pop3CommandInjection_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QByteArray>("firstLineOverTls");

    QTest::newRow("good") << QStringLiteral("good") << QByteArray("+OK Capability list follows");
    QTest::newRow("command-injection")
        << QStringLiteral("command-injection") << QByteArray("-ERR Unknown command");
}

void TestDemoImapPop3::pop3CommandInjection()
{
    commandInjection(Protocol::Pop3, Pop3Greeting, "STLS\r\nXINJECTED\r\n", "+OK Begin TLS negotiation",
                     "CAPA");
}

void TestDemoImapPop3::pop3PreauthIsGood()
{
    // PREAUTH is an IMAP thing; POP3 (and SMTP) play the good scenario.
    m_server.setScenario(QStringLiteral("preauth"));
    LineClient client;
    pop3Upgrade(client);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(client.pop3("USER demo"), QByteArray("+OK Send your password"));
    QCOMPARE(client.pop3("PASS demo"), QByteArray("+OK Logged in"));
}

// ---- certificates, handshakes, timing ----------------------------------------------------------

void TestDemoImapPop3::certificates_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<TlsMode>("mode");
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("error");

    const struct
    {
        const char* name;
        QSslError::SslError error;
    } scenarios[] = {{"expired-cert", QSslError::CertificateExpired},
                     {"wrong-host", QSslError::HostNameMismatch},
                     {"self-signed", QSslError::SelfSignedCertificate}};
    for (const auto& s : scenarios) {
        QTest::addRow("imap %s", s.name)
            << Protocol::Imap << TlsMode::StartTls << QString::fromLatin1(s.name) << int(s.error);
        QTest::addRow("imaps %s", s.name)
            << Protocol::Imap << TlsMode::Implicit << QString::fromLatin1(s.name) << int(s.error);
        QTest::addRow("pop3 %s", s.name)
            << Protocol::Pop3 << TlsMode::StartTls << QString::fromLatin1(s.name) << int(s.error);
        QTest::addRow("pop3s %s", s.name)
            << Protocol::Pop3 << TlsMode::Implicit << QString::fromLatin1(s.name) << int(s.error);
    }
}

void TestDemoImapPop3::certificates()
{
    QFETCH(Protocol, protocol);
    QFETCH(TlsMode, mode);
    QFETCH(QString, scenario);
    QFETCH(int, error);

    m_server.setScenario(scenario);
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(protocol, mode)));
    if (mode == TlsMode::StartTls) {
        QVERIFY(client.readLine() != LineTestClient::NoLine);
        const QByteArray goAhead =
            protocol == Protocol::Imap ? client.imapTagged("A1", "STARTTLS") : client.pop3("STLS");
        QVERIFY2(goAhead.startsWith("A1 OK") || goAhead.startsWith("+OK"), goAhead.constData());
    }
    QVERIFY(!client.startTls(m_server.caCertificates()));
    const QList<QSslError>& errors = client.sslErrors();
    QVERIFY(std::any_of(errors.cbegin(), errors.cend(),
                        [error](const QSslError& e) { return e.error() == error; }));
}

void TestDemoImapPop3::dropsInHandshake_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<TlsMode>("mode");

    QTest::newRow("imap") << Protocol::Imap << TlsMode::StartTls;
    QTest::newRow("imaps") << Protocol::Imap << TlsMode::Implicit;
    QTest::newRow("pop3") << Protocol::Pop3 << TlsMode::StartTls;
    QTest::newRow("pop3s") << Protocol::Pop3 << TlsMode::Implicit;
}

void TestDemoImapPop3::dropsInHandshake()
{
    QFETCH(Protocol, protocol);
    QFETCH(TlsMode, mode);

    m_server.setScenario(QStringLiteral("drops-in-handshake"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(protocol, mode)));
    if (mode == TlsMode::StartTls) {
        QVERIFY(client.readLine() != LineTestClient::NoLine);
        const QByteArray goAhead =
            protocol == Protocol::Imap ? client.imapTagged("A1", "STARTTLS") : client.pop3("STLS");
        QVERIFY2(goAhead.startsWith("A1 OK") || goAhead.startsWith("+OK"), goAhead.constData());
    }
    QVERIFY(!client.startTls(m_server.caCertificates()));
    QVERIFY(client.waitForClose());
}

void TestDemoImapPop3::slowBanner_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<QByteArray>("greeting");
    QTest::addColumn<QByteArray>("answer");

    QTest::newRow("imap") << Protocol::Imap << QByteArray("A1 NOOP\r\n") << ImapGreeting
                          << QByteArray("A1 OK NOOP completed");
    QTest::newRow("pop3") << Protocol::Pop3 << QByteArray("STAT\r\n") << Pop3Greeting
                          << QByteArray("-ERR Not logged in");
}

void TestDemoImapPop3::slowBanner()
{
    QFETCH(Protocol, protocol);
    QFETCH(QByteArray, command);
    QFETCH(QByteArray, greeting);
    QFETCH(QByteArray, answer);

    // A command sent before the (3 s late) greeting is held and answered after it, in order.
    m_server.setScenario(QStringLiteral("slow-banner"));
    LineClient client;
    QVERIFY(client.connectTo(m_server.port(protocol, TlsMode::StartTls)));
    client.send(command);
    QCOMPARE(client.readLine(), greeting);
    QCOMPARE(client.readLine(), answer);
}

void TestDemoImapPop3::idleTimeout_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QByteArray>("farewell");

    QTest::newRow("imap") << Protocol::Imap << QByteArray("* BYE Autologout; idle for too long");
    QTest::newRow("pop3") << Protocol::Pop3 << QByteArray("-ERR Disconnected for inactivity");
}

void TestDemoImapPop3::idleTimeout()
{
    QFETCH(Protocol, protocol);
    QFETCH(QByteArray, farewell);

    DemoServer server;
    server.setIdleTimeout(300);
    QVERIFY(server.start());
    LineClient client;
    QVERIFY(client.connectTo(server.port(protocol, TlsMode::StartTls)));
    QVERIFY(client.readLine() != LineTestClient::NoLine);
    QCOMPARE(client.readLine(), farewell);
    QVERIFY(client.waitForClose());
}

// ---- the engine against the demo ---------------------------------------------------------------

void TestDemoImapPop3::engine_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<TlsMode>("mode");
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("findings"); // empty: a good run
    QTest::addColumn<Verdict>("verdict");

    for (Protocol protocol : {Protocol::Imap, Protocol::Pop3}) {
        const char* p = protocol == Protocol::Imap ? "imap" : "pop3";
        QTest::addRow("%s good", p) << protocol << TlsMode::StartTls << QStringLiteral("good")
                                    << QStringList {} << Verdict::Ok;
        QTest::addRow("%s implicit good", p)
            << protocol << TlsMode::Implicit << QStringLiteral("good") << QStringList {} << Verdict::Ok;
        QTest::addRow("%s no-starttls", p)
            << protocol << TlsMode::StartTls
            << QStringLiteral("no-starttls")
            // Its capabilities offer a plaintext login (IMAP AUTH=PLAIN without LOGINDISABLED,
            // POP3 USER/SASL PLAIN), as the scripted imap/pop3-no-starttls scenarios expect too.
            << QStringList {FindingIds::StartTlsNotOffered, FindingIds::PlaintextAuthOffered}
            << Verdict::Critical;
        QTest::addRow("%s starttls-rejected", p)
            << protocol << TlsMode::StartTls << QStringLiteral("starttls-rejected")
            << QStringList {FindingIds::StartTlsRejected} << Verdict::Critical;
        QTest::addRow("%s response-injection", p)
            << protocol << TlsMode::StartTls << QStringLiteral("response-injection")
            << QStringList {FindingIds::StartTlsResponseInjection} << Verdict::Critical;
        QTest::addRow("%s expired-cert", p) << protocol << TlsMode::StartTls << QStringLiteral("expired-cert")
                                            << QStringList {FindingIds::CertExpired} << Verdict::Critical;
    }
    QTest::newRow("imap preauth") << Protocol::Imap << TlsMode::StartTls << QStringLiteral("preauth")
                                  << QStringList {FindingIds::ImapPreauthBeforeTls} << Verdict::Critical;
    QTest::newRow("pop3 preauth") << Protocol::Pop3 << TlsMode::StartTls << QStringLiteral("preauth")
                                  << QStringList {} << Verdict::Ok;
}

void TestDemoImapPop3::engine()
{
    QFETCH(Protocol, protocol);
    QFETCH(TlsMode, mode);
    QFETCH(QString, scenario);
    QFETCH(QStringList, findings);
    QFETCH(Verdict, verdict);

    m_server.setScenario(scenario);
    ProbeOptions options;
    options.host = DemoServer::hostName();
    options.port = m_server.port(protocol, mode);
    options.protocol = protocol;
    options.tls = mode;
    options.extraCaCertificates = m_server.caCertificates();
    options.stepTimeoutMs = 10000;
    ProbeSession session(options);
    QSignalSpy finished(&session, &ProbeSession::finished);
    session.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 4 * WaitMs);
    QVERIFY(session.isFinished());

    const Run& run = session.run();
    QCOMPARE(findingIds(run), ids(findings));
    QCOMPARE(run.verdict(), verdict);
    // Nothing the server said before TLS is taken as a capability over TLS.
    QVERIFY(!hasCapability(run.capabilitiesTls, QStringLiteral("INJECTED")));
    if (!findings.isEmpty())
        return;
    for (const StepRecord& s : run.steps)
        QVERIFY2(s.status == StepStatus::Ok, qPrintable(toKey(s.id) + QLatin1String(": ") + s.summary));
    QVERIFY(run.tls.has_value());
    QVERIFY(run.tls->verified);
    QVERIFY(!run.capabilitiesTls.isEmpty());
    QVERIFY(!hasCapability(run.capabilitiesTls, QStringLiteral("STARTTLS")));
    QVERIFY(!hasCapability(run.capabilitiesTls, QStringLiteral("STLS")));
}

QTEST_GUILESS_MAIN(TestDemoImapPop3)
#include "TestDemoImapPop3.moc"
