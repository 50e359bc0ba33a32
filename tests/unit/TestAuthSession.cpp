// The one ProbeSession driving IMAP, POP3 and SMTP AUTH over the in-memory transport: exact bytes
// (tags, STARTTLS/STLS, SASL payloads, SASL-IR), the auth step's state machine and policy rules,
// and redaction of every line that carries a credential.

#include "FakeLineTransport.h"
#include "findings/FindingCatalogue.h"
#include "Handshakes.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <QSignalSpy>
#include <QTest>

namespace {

const QByteArray Password = "s3cret";
const QByteArray PlainIr = "AGFsaWNlAHMzY3JldA=="; // base64("\0alice\0s3cret")

ProbeOptions optionsFor(Protocol protocol, TlsMode tls = TlsMode::StartTls)
{
    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = 10143;
    o.protocol = protocol;
    o.tls = tls;
    o.heloName = QStringLiteral("probe.test");
    o.stepTimeoutMs = 5000;
    o.user = QStringLiteral("alice");
    o.password = Password;
    return o;
}

struct Harness
{
    explicit Harness(const ProbeOptions& options)
    {
        auto fake = std::make_unique<FakeLineTransport>();
        transport = fake.get();
        session = std::make_unique<ProbeSession>(options, std::move(fake));
    }

    QString steps() const
    {
        QStringList list;
        for (const StepRecord& s : session->run().steps)
            list.append(toKey(s.id) + QLatin1Char('=') + toKey(s.status));
        return list.join(QLatin1Char(' '));
    }

    QStringList clientLines() const
    {
        QStringList lines;
        for (const TranscriptEntry& e : session->run().transcript) {
            if (e.dir == 'C')
                lines.append(e.text);
        }
        return lines;
    }

    std::unique_ptr<ProbeSession> session;
    FakeLineTransport* transport = nullptr;
};

/// Starts the run and accepts the connection.
#define START(h)                                                                                             \
    do {                                                                                                     \
        (h).session->start();                                                                                \
        QTRY_VERIFY((h).transport->isOpen());                                                                \
        (h).transport->acceptConnection();                                                                   \
    } while (false)

/// The server sends `bytes`; the engine must answer with exactly `expected` as its next write.
#define EXCHANGE(h, bytes, expected)                                                                         \
    do {                                                                                                     \
        const int writesBefore = (h).transport->writeCount();                                                \
        (h).transport->serverSends(QByteArray(bytes));                                                       \
        QTRY_VERIFY2((h).transport->writeCount() > writesBefore || (h).session->isFinished(),                \
                     "no answer to " bytes);                                                                 \
        QCOMPARE((h).transport->lastWrite(), QByteArray(expected));                                          \
    } while (false)

/// Everything the run shows: transcript, step summaries, findings.
QString everythingShown(const Run& run)
{
    QStringList all;
    for (const TranscriptEntry& e : run.transcript)
        all.append(e.text);
    for (const StepRecord& s : run.steps)
        all.append(s.summary);
    for (const Finding& f : run.findings)
        all << f.title << f.detail;
    return all.join(QLatin1Char('\n'));
}

#define VERIFY_NO_SECRET(run)                                                                                \
    do {                                                                                                     \
        const QString shown = everythingShown(run);                                                          \
        QVERIFY2(!shown.contains(QString::fromLatin1(Password)), qPrintable(shown));                         \
        QVERIFY2(!shown.contains(QString::fromLatin1(PlainIr)), qPrintable(shown));                          \
        QVERIFY2(!shown.contains(QLatin1String("czNjcmV0")), qPrintable(shown)); /* base64("s3cret") */      \
    } while (false)

} // namespace

class TestAuthSession final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void planIncludesAuthOnlyWithUser();

    void imapStartTlsAndSaslIr();
    void imapAuthenticateWithoutSaslIr();
    void imapLoginCommandFallback();
    void imapLoginFails();
    void imapPreauthBeforeTls();
    void imapPlaintextAlert();
    void imapByeGreeting();
    void imapPlaintextAuthOffered();
    void imapImplicitTls();

    void pop3StlsAndAuthPlain();
    void pop3UserPassFails();
    void pop3WithoutCapa();

    void smtpPlainAfterStartTls();
    void smtpLoginForced();
    void smtpCramMd5Chosen();
    void smtpXoauth2Failure();
    void smtpWrongPassword();
    void smtpForcedMechanismNotOffered();
    void smtpBadChallengeIsCancelled();
    void enforceNeverSendsCredentialsInPlaintext();
    void opportunisticFlagsPlaintextCredentials();
    void opportunisticCramMd5InPlaintextIsAWarning();
    void noAuthBeforeTlsIsExplained();
    void enforceRefusesUntrustedCertificate();
    void showSecretsShowsAndMarks();
};

void TestAuthSession::planIncludesAuthOnlyWithUser()
{
    ProbeOptions o = optionsFor(Protocol::Imap);
    QCOMPARE(
        ProbeSession::planFor(o),
        (QList<StepId> {StepId::Resolve, StepId::Connect, StepId::Banner, StepId::Greeting, StepId::StartTls,
                        StepId::TlsHandshake, StepId::GreetingTls, StepId::Auth, StepId::Quit}));
    o.tls = TlsMode::Implicit;
    QCOMPARE(ProbeSession::planFor(o),
             (QList<StepId> {StepId::Resolve, StepId::Connect, StepId::TlsHandshake, StepId::Banner,
                             StepId::Greeting, StepId::Auth, StepId::Quit}));
    o.tls = TlsMode::None;
    o.user.clear();
    QCOMPARE(ProbeSession::planFor(o), (QList<StepId> {StepId::Resolve, StepId::Connect, StepId::Banner,
                                                       StepId::Greeting, StepId::Quit}));
    ProbeSession session(o, std::make_unique<FakeLineTransport>());
    QCOMPARE(session.plannedSteps(), ProbeSession::planFor(o));
}

// ---- IMAP -----------------------------------------------------------------------------------------

void TestAuthSession::imapStartTlsAndSaslIr()
{
    Harness h(optionsFor(Protocol::Imap));
    START(h);
    EXCHANGE(h, "* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS LOGINDISABLED] Dovecot ready.\r\n",
             "A1 CAPABILITY\r\n");
    EXCHANGE(
        h,
        "* CAPABILITY IMAP4rev1 SASL-IR STARTTLS LOGINDISABLED\r\nA1 OK Pre-login capabilities listed.\r\n",
        "A2 STARTTLS\r\n");
    h.transport->serverSends("A2 OK Begin TLS negotiation now.\r\n");
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake(goodHandshake());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("A3 CAPABILITY\r\n"));
    EXCHANGE(
        h,
        "* CAPABILITY IMAP4rev1 SASL-IR ID AUTH=PLAIN AUTH=LOGIN\r\nA3 OK Pre-login capabilities listed.\r\n",
        "A4 AUTHENTICATE PLAIN " + PlainIr + "\r\n");
    EXCHANGE(h, "A4 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n", "A5 LOGOUT\r\n");
    h.transport->serverSends("* BYE Logging out\r\nA5 OK Logout completed.\r\n");
    QTRY_VERIFY(h.session->isFinished());

    QCOMPARE(h.transport->writtenAfterTlsRequest(),
             "A3 CAPABILITY\r\nA4 AUTHENTICATE PLAIN " + PlainIr + "\r\nA5 LOGOUT\r\n");
    const Run& run = h.session->run();
    QCOMPARE(h.steps(),
             QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok tls-handshake=ok "
                            "greeting-tls=ok auth=ok quit=ok"));
    QCOMPARE(run.step(StepId::Auth)->summary, QStringLiteral("Logged in as alice with PLAIN over TLS"));
    QCOMPARE(run.step(StepId::Banner)->summary, QStringLiteral("Server greeted: Dovecot ready."));
    QCOMPARE(run.capabilitiesPlain, (QStringList {"IMAP4rev1", "SASL-IR", "STARTTLS", "LOGINDISABLED"}));
    QCOMPARE(run.capabilitiesTls, (QStringList {"IMAP4rev1", "SASL-IR", "ID", "AUTH=PLAIN", "AUTH=LOGIN"}));
    QVERIFY2(run.findings.isEmpty(), qPrintable(run.findings.value(0).id));
    QCOMPARE(run.verdict(), Verdict::Ok);
    QVERIFY(h.clientLines().contains(QStringLiteral("A4 AUTHENTICATE PLAIN [redacted]")));
    QVERIFY(!run.secretsShown);
    VERIFY_NO_SECRET(run);
}

void TestAuthSession::imapAuthenticateWithoutSaslIr()
{
    Harness h(optionsFor(Protocol::Imap, TlsMode::Implicit));
    START(h);
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake(goodHandshake());
    EXCHANGE(h, "* OK ready\r\n", "A1 CAPABILITY\r\n");
    EXCHANGE(h, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA1 OK done\r\n", "A2 AUTHENTICATE PLAIN\r\n");
    EXCHANGE(h, "+ \r\n", PlainIr + "\r\n");
    EXCHANGE(h, "A2 OK Logged in\r\n", "A3 LOGOUT\r\n");
    h.transport->serverSends("* BYE bye\r\nA3 OK done\r\n");
    QTRY_VERIFY(h.session->isFinished());
    QCOMPARE(h.session->run().step(StepId::Auth)->status, StepStatus::Ok);
    QCOMPARE(h.clientLines(),
             (QStringList {"A1 CAPABILITY", "A2 AUTHENTICATE PLAIN", "[redacted]", "A3 LOGOUT"}));
    VERIFY_NO_SECRET(h.session->run());
}

void TestAuthSession::imapLoginCommandFallback()
{
    Harness h(optionsFor(Protocol::Imap, TlsMode::Implicit));
    START(h);
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake(goodHandshake());
    EXCHANGE(h, "* OK ready\r\n", "A1 CAPABILITY\r\n");
    EXCHANGE(h, "* CAPABILITY IMAP4rev1 IDLE\r\nA1 OK done\r\n", "A2 LOGIN \"alice\" \"s3cret\"\r\n");
    EXCHANGE(h, "A2 OK Logged in\r\n", "A3 LOGOUT\r\n");
    h.transport->serverSends("A3 OK bye\r\n");
    QTRY_VERIFY(h.session->isFinished());
    QCOMPARE(h.session->run().step(StepId::Auth)->summary,
             QStringLiteral("Logged in as alice with LOGIN over TLS"));
    QVERIFY(h.clientLines().contains(QStringLiteral("A2 LOGIN [redacted]")));
    VERIFY_NO_SECRET(h.session->run());
}

void TestAuthSession::imapLoginFails()
{
    Harness h(optionsFor(Protocol::Imap, TlsMode::Implicit));
    START(h);
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake(goodHandshake());
    EXCHANGE(h, "* OK ready\r\n", "A1 CAPABILITY\r\n");
    EXCHANGE(h, "* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\nA1 OK done\r\n",
             "A2 AUTHENTICATE PLAIN " + PlainIr + "\r\n");
    EXCHANGE(h, "A2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n", "A3 LOGOUT\r\n");
    h.transport->serverSends("* BYE bye\r\nA3 OK done\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Auth)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Ok);
    const Finding* f = run.finding(FindingIds::AuthFailed);
    QVERIFY(f);
    QVERIFY2(f->detail.startsWith(QLatin1String("A2 NO [AUTHENTICATIONFAILED] Authentication failed.")),
             qPrintable(f->detail));
    QVERIFY2(f->detail.contains(QLatin1String("password is wrong")), qPrintable(f->detail));
    QVERIFY(run.step(StepId::Auth)->summary.contains(QLatin1String("password is wrong")));
    QCOMPARE(run.verdict(), Verdict::Critical);
    VERIFY_NO_SECRET(run);
}

void TestAuthSession::imapPreauthBeforeTls()
{
    Harness h(optionsFor(Protocol::Imap));
    START(h);
    EXCHANGE(h, "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] Logged in as alice\r\n", "A1 CAPABILITY\r\n");
    EXCHANGE(h, "* CAPABILITY IMAP4rev1 STARTTLS\r\nA1 OK done\r\n", "A2 LOGOUT\r\n");
    h.transport->serverSends("* BYE bye\r\nA2 OK done\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const Run& run = h.session->run();
    QCOMPARE(h.steps(), QStringLiteral("resolve=ok connect=ok banner=warning greeting=ok starttls=failed "
                                       "tls-handshake=skipped greeting-tls=skipped auth=skipped quit=ok"));
    QCOMPARE(findingIds(run), ids({FindingIds::ImapPreauthBeforeTls}));
    QCOMPARE(run.finding(FindingIds::ImapPreauthBeforeTls)->severity, Severity::Critical);
    QVERIFY(run.step(StepId::StartTls)->summary.contains(QLatin1String("PREAUTH")));
    QVERIFY(!h.transport->tlsRequested());
    QCOMPARE(h.transport->written(), QByteArray("A1 CAPABILITY\r\nA2 LOGOUT\r\n"));
}

void TestAuthSession::imapPlaintextAlert()
{
    ProbeOptions o = optionsFor(Protocol::Imap);
    o.user.clear();
    o.stopAfter = StepId::Greeting;
    Harness h(o);
    START(h);
    EXCHANGE(h, "* OK [ALERT] Your password expired: log in at http://phish.example\r\n",
             "A1 CAPABILITY\r\n");
    EXCHANGE(h, "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\nA1 OK done\r\n", "A2 LOGOUT\r\n");
    h.transport->serverSends("A2 OK bye\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const Run& run = h.session->run();
    const Finding* f = run.finding(FindingIds::ImapPlaintextAlert);
    QVERIFY(f);
    QCOMPARE(f->severity, Severity::Warning);
    QCOMPARE(f->detail, QStringLiteral("Your password expired: log in at http://phish.example"));
    QCOMPARE(run.verdict(), Verdict::Warning);
}

void TestAuthSession::imapByeGreeting()
{
    Harness h(optionsFor(Protocol::Imap));
    START(h);
    h.transport->serverSends("* BYE [UNAVAILABLE] Too many connections\r\n");
    QTRY_VERIFY(h.session->isFinished());
    QCOMPARE(h.transport->written(), QByteArray());
    QCOMPARE(h.session->run().step(StepId::Banner)->status, StepStatus::Failed);
    QCOMPARE(h.session->run().step(StepId::Quit)->status, StepStatus::Skipped);
    QCOMPARE(findingIds(h.session->run()), ids({FindingIds::ServiceUnavailable}));
}

void TestAuthSession::imapPlaintextAuthOffered()
{
    ProbeOptions o = optionsFor(Protocol::Imap);
    o.user.clear();
    o.stopAfter = StepId::Greeting;
    Harness h(o);
    START(h);
    EXCHANGE(h, "* OK ready\r\n", "A1 CAPABILITY\r\n");
    EXCHANGE(h, "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\nA1 OK done\r\n", "A2 LOGOUT\r\n");
    const Finding* f = h.session->run().finding(FindingIds::PlaintextAuthOffered);
    QVERIFY(f);
    QCOMPARE(f->detail, QStringLiteral("AUTH=PLAIN, LOGIN (no LOGINDISABLED)"));
}

void TestAuthSession::imapImplicitTls()
{
    ProbeOptions o = optionsFor(Protocol::Imap, TlsMode::Implicit);
    o.user.clear();
    Harness h(o);
    START(h);
    QTRY_VERIFY(h.transport->tlsRequested());
    QCOMPARE(h.transport->written(), QByteArray()); // nothing before the handshake
    h.transport->completeHandshake(goodHandshake());
    EXCHANGE(h, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n", "A1 CAPABILITY\r\n");
    EXCHANGE(h, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA1 OK done\r\n", "A2 LOGOUT\r\n");
    h.transport->serverSends("* BYE\r\nA2 OK done\r\n");
    QTRY_VERIFY(h.session->isFinished());
    QCOMPARE(h.steps(),
             QStringLiteral("resolve=ok connect=ok tls-handshake=ok banner=ok greeting=ok quit=ok"));
    QCOMPARE(h.session->run().verdict(), Verdict::Ok);
}

// ---- POP3 -----------------------------------------------------------------------------------------

void TestAuthSession::pop3StlsAndAuthPlain()
{
    Harness h(optionsFor(Protocol::Pop3));
    START(h);
    EXCHANGE(h, "+OK Dovecot ready.\r\n", "CAPA\r\n");
    EXCHANGE(h, "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSTLS\r\n.\r\n", "STLS\r\n");
    h.transport->serverSends("+OK Begin TLS negotiation now.\r\n");
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake(goodHandshake());
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("CAPA\r\n"));
    EXCHANGE(h, "+OK\r\nCAPA\r\nTOP\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n", "AUTH PLAIN " + PlainIr + "\r\n");
    EXCHANGE(h, "+OK Logged in.\r\n", "QUIT\r\n");
    h.transport->serverSends("+OK Logging out.\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const Run& run = h.session->run();
    QCOMPARE(h.steps(),
             QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok tls-handshake=ok "
                            "greeting-tls=ok auth=ok quit=ok"));
    QCOMPARE(run.capabilitiesPlain, (QStringList {"CAPA", "TOP", "UIDL", "STLS"}));
    QCOMPARE(run.capabilitiesTls, (QStringList {"CAPA", "TOP", "USER", "SASL PLAIN LOGIN"}));
    QCOMPARE(run.verdict(), Verdict::Ok);
    QVERIFY(h.clientLines().contains(QStringLiteral("AUTH PLAIN [redacted]")));
    VERIFY_NO_SECRET(run);
}

void TestAuthSession::pop3UserPassFails()
{
    Harness h(optionsFor(Protocol::Pop3, TlsMode::Implicit));
    START(h);
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake(goodHandshake());
    EXCHANGE(h, "+OK ready\r\n", "CAPA\r\n");
    EXCHANGE(h, "+OK\r\nUSER\r\n.\r\n", "USER alice\r\n");
    EXCHANGE(h, "+OK\r\n", "PASS s3cret\r\n");
    EXCHANGE(h, "-ERR [AUTH] Authentication failed.\r\n", "QUIT\r\n");
    h.transport->serverSends("+OK bye\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Auth)->status, StepStatus::Failed);
    QVERIFY(run.finding(FindingIds::AuthFailed)->detail.contains(QLatin1String("password is wrong")));
    QCOMPARE(h.clientLines(), (QStringList {"CAPA", "USER alice", "PASS [redacted]", "QUIT"}));
    VERIFY_NO_SECRET(run);
}

void TestAuthSession::pop3WithoutCapa()
{
    ProbeOptions o = optionsFor(Protocol::Pop3);
    o.user.clear();
    Harness h(o);
    START(h);
    EXCHANGE(h, "+OK old server\r\n", "CAPA\r\n");
    EXCHANGE(h, "-ERR unknown command\r\n", "QUIT\r\n");
    h.transport->serverSends("+OK bye\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Greeting)->status, StepStatus::Warning);
    QVERIFY(run.step(StepId::Greeting)->summary.contains(QLatin1String("STLS")));
    QCOMPARE(run.step(StepId::StartTls)->status, StepStatus::Failed);
    QCOMPARE(findingIds(run), ids({FindingIds::StartTlsNotOffered}));
}

// ---- SMTP AUTH ------------------------------------------------------------------------------------

namespace {
/// Banner, EHLO, STARTTLS, handshake, EHLO again offering `authLine`; the next write is returned.
#define SMTP_UP_TO_AUTH(h, authLine, expected)                                                               \
    do {                                                                                                     \
        START(h);                                                                                            \
        EXCHANGE(h, "220 mx.test ESMTP\r\n", "EHLO probe.test\r\n");                                         \
        EXCHANGE(h, "250-mx.test\r\n250 STARTTLS\r\n", "STARTTLS\r\n");                                      \
        (h).transport->serverSends("220 2.0.0 Ready\r\n");                                                   \
        QTRY_VERIFY((h).transport->tlsRequested());                                                          \
        (h).transport->completeHandshake(goodHandshake());                                                   \
        QTRY_COMPARE((h).transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));                         \
        EXCHANGE(h, "250-mx.test\r\n250-" authLine "\r\n250 SIZE 1000\r\n", expected);                       \
    } while (false)
} // namespace

void TestAuthSession::smtpPlainAfterStartTls()
{
    Harness h(optionsFor(Protocol::Smtp));
    SMTP_UP_TO_AUTH(h, "AUTH PLAIN LOGIN", "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n");
    EXCHANGE(h, "235 2.7.0 Authentication successful\r\n", "QUIT\r\n");
    h.transport->serverSends("221 bye\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Auth)->summary, QStringLiteral("Logged in as alice with PLAIN over TLS"));
    QCOMPARE(run.verdict(), Verdict::Ok);
    QCOMPARE(h.clientLines(), (QStringList {"EHLO probe.test", "STARTTLS", "EHLO probe.test",
                                            "AUTH PLAIN [redacted]", "QUIT"}));
    VERIFY_NO_SECRET(run);
}

void TestAuthSession::smtpLoginForced()
{
    ProbeOptions o = optionsFor(Protocol::Smtp);
    o.authMechanism = QStringLiteral("login");
    Harness h(o);
    SMTP_UP_TO_AUTH(h, "AUTH PLAIN LOGIN CRAM-MD5", "AUTH LOGIN\r\n");
    EXCHANGE(h, "334 VXNlcm5hbWU6\r\n", "YWxpY2U=\r\n");
    EXCHANGE(h, "334 UGFzc3dvcmQ6\r\n", "czNjcmV0\r\n");
    EXCHANGE(h, "235 2.7.0 ok\r\n", "QUIT\r\n");
    QCOMPARE(h.session->run().step(StepId::Auth)->status, StepStatus::Ok);
    QCOMPARE(h.clientLines().mid(3, 3), (QStringList {"AUTH LOGIN", "[redacted]", "[redacted]"}));
    VERIFY_NO_SECRET(h.session->run());
}

void TestAuthSession::smtpCramMd5Chosen()
{
    ProbeOptions o = optionsFor(Protocol::Smtp);
    o.user = QStringLiteral("tim");
    o.password = "tanstaaftanstaaf";
    Harness h(o);
    SMTP_UP_TO_AUTH(h, "AUTH LOGIN PLAIN CRAM-MD5", "AUTH CRAM-MD5\r\n");
    EXCHANGE(h, "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n",
             "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n");
    EXCHANGE(h, "235 2.7.0 ok\r\n", "QUIT\r\n");
    QCOMPARE(h.session->run().step(StepId::Auth)->summary,
             QStringLiteral("Logged in as tim with CRAM-MD5 over TLS"));
    QVERIFY(!everythingShown(h.session->run()).contains(QLatin1String("dGltIGI5")));
}

void TestAuthSession::smtpXoauth2Failure()
{
    ProbeOptions o = optionsFor(Protocol::Smtp);
    o.authMechanism = QStringLiteral("xoauth2");
    Harness h(o);
    const QByteArray ir = QByteArray("user=alice\x01"
                                     "auth=Bearer s3cret\x01\x01")
                              .toBase64();
    SMTP_UP_TO_AUTH(h, "AUTH PLAIN XOAUTH2", "AUTH XOAUTH2 " + ir + "\r\n");
    const QByteArray error = QByteArray(R"({"status":"401","schemes":"bearer"})").toBase64();
    EXCHANGE(h, "334 " + error + "\r\n", "\r\n");
    EXCHANGE(h, "535 5.7.8 Username and Password not accepted\r\n", "QUIT\r\n");
    const Run& run = h.session->run();
    const Finding* f = run.finding(FindingIds::AuthFailed);
    QVERIFY(f);
    QVERIFY2(f->detail.contains(QLatin1String("\"status\":\"401\"")), qPrintable(f->detail));
    QVERIFY(f->detail.contains(QLatin1String("password is wrong")));
    QVERIFY(h.clientLines().contains(QStringLiteral("AUTH XOAUTH2 [redacted]")));
    QVERIFY(!everythingShown(run).contains(QString::fromLatin1(ir)));
    VERIFY_NO_SECRET(run);
}

void TestAuthSession::smtpWrongPassword()
{
    Harness h(optionsFor(Protocol::Smtp));
    SMTP_UP_TO_AUTH(h, "AUTH PLAIN", "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n");
    EXCHANGE(h, "535 5.7.8 Error: authentication failed: authentication failure\r\n", "QUIT\r\n");
    h.transport->serverSends("221 bye\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Auth)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Ok);
    QCOMPARE(
        run.finding(FindingIds::AuthFailed)->detail,
        QStringLiteral("535 5.7.8 Error: authentication failed: authentication failure (The user name or "
                       "password is wrong (or this account may not log in here).)"));
    VERIFY_NO_SECRET(run);
}

void TestAuthSession::smtpForcedMechanismNotOffered()
{
    ProbeOptions o = optionsFor(Protocol::Smtp);
    o.authMechanism = QStringLiteral("cram-md5");
    Harness h(o);
    SMTP_UP_TO_AUTH(h, "AUTH PLAIN LOGIN", "QUIT\r\n");
    const StepRecord* auth = h.session->run().step(StepId::Auth);
    QCOMPARE(auth->status, StepStatus::Failed);
    QCOMPARE(auth->summary,
             QStringLiteral("The server does not offer CRAM-MD5 (SASL mechanisms offered: PLAIN LOGIN)"));
}

void TestAuthSession::smtpBadChallengeIsCancelled()
{
    ProbeOptions o = optionsFor(Protocol::Smtp);
    o.authMechanism = QStringLiteral("cram-md5");
    Harness h(o);
    SMTP_UP_TO_AUTH(h, "AUTH CRAM-MD5", "AUTH CRAM-MD5\r\n");
    EXCHANGE(h, "334 %%%not-base64%%%\r\n", "*\r\n");
    EXCHANGE(h, "501 5.7.0 Authentication aborted\r\n", "QUIT\r\n");
    const Run& run = h.session->run();
    QCOMPARE(run.step(StepId::Auth)->status, StepStatus::Failed);
    QVERIFY(run.step(StepId::Auth)->summary.contains(QLatin1String("base64")));
    QCOMPARE(findingIds(run), ids({FindingIds::AuthFailed}));
}

void TestAuthSession::enforceNeverSendsCredentialsInPlaintext()
{
    Harness h(optionsFor(Protocol::Smtp, TlsMode::None));
    START(h);
    EXCHANGE(h, "220 mx.test ESMTP\r\n", "EHLO probe.test\r\n");
    EXCHANGE(h, "250-mx.test\r\n250 AUTH PLAIN LOGIN\r\n", "QUIT\r\n");
    h.transport->serverSends("221 bye\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const StepRecord* auth = h.session->run().step(StepId::Auth);
    QCOMPARE(auth->status, StepStatus::Skipped);
    QCOMPARE(auth->summary, QStringLiteral("Not sent: no TLS (policy enforce)"));
    QCOMPARE(h.transport->written(), QByteArray("EHLO probe.test\r\nQUIT\r\n"));
    // The offer itself is reported; nothing was sent.
    QCOMPARE(findingIds(h.session->run()), ids({FindingIds::PlaintextAuthOffered}));
}

void TestAuthSession::opportunisticFlagsPlaintextCredentials()
{
    ProbeOptions o = optionsFor(Protocol::Pop3, TlsMode::None);
    o.policy = TlsPolicy::Opportunistic;
    Harness h(o);
    START(h);
    EXCHANGE(h, "+OK ready\r\n", "CAPA\r\n");
    EXCHANGE(h, "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n", "AUTH PLAIN " + PlainIr + "\r\n");
    EXCHANGE(h, "+OK Logged in.\r\n", "QUIT\r\n");
    const Run& run = h.session->run();
    QCOMPARE(findingIds(run),
             ids({FindingIds::CredentialsSentInPlaintext, FindingIds::PlaintextAuthOffered}));
    const Finding* f = run.finding(FindingIds::CredentialsSentInPlaintext);
    QCOMPARE(f->severity, Severity::Critical); // PLAIN reveals the password itself
    QCOMPARE(f->detail, QStringLiteral("PLAIN as alice without TLS (policy: opportunistic)"));
    QCOMPARE(run.step(StepId::Auth)->status, StepStatus::Warning);
    QCOMPARE(run.step(StepId::Auth)->summary, QStringLiteral("Logged in as alice with PLAIN WITHOUT TLS"));
    VERIFY_NO_SECRET(run);
}

void TestAuthSession::opportunisticCramMd5InPlaintextIsAWarning()
{
    // CRAM-MD5 sends only a keyed digest of the server's challenge (RFC 2195), not the password:
    // still worth a finding without TLS, but a warning, not critical.
    ProbeOptions o = optionsFor(Protocol::Smtp, TlsMode::None);
    o.policy = TlsPolicy::Opportunistic;
    o.user = QStringLiteral("tim");
    o.password = "tanstaaftanstaaf";
    o.authMechanism = QStringLiteral("cram-md5");
    Harness h(o);
    START(h);
    EXCHANGE(h, "220 mx.test ESMTP\r\n", "EHLO probe.test\r\n");
    EXCHANGE(h, "250-mx.test\r\n250 AUTH CRAM-MD5\r\n", "AUTH CRAM-MD5\r\n");
    // The example exchange of RFC 2195 section 2.
    EXCHANGE(h, "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n",
             "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n");
    EXCHANGE(h, "235 2.7.0 ok\r\n", "QUIT\r\n");
    h.transport->serverSends("221 bye\r\n");
    QTRY_VERIFY(h.session->isFinished());
    const Run& run = h.session->run();
    QCOMPARE(findingIds(run),
             ids({FindingIds::CredentialsSentInPlaintext, FindingIds::PlaintextAuthOffered}));
    const Finding* f = run.finding(FindingIds::CredentialsSentInPlaintext);
    QCOMPARE(f->severity, Severity::Warning);
    QCOMPARE(f->detail, QStringLiteral("CRAM-MD5 as tim without TLS (policy: opportunistic)"));
    QCOMPARE(run.verdict(), Verdict::Warning);
}

void TestAuthSession::noAuthBeforeTlsIsExplained()
{
    ProbeOptions o = optionsFor(Protocol::Smtp, TlsMode::None);
    o.policy = TlsPolicy::Opportunistic;
    Harness h(o);
    START(h);
    EXCHANGE(h, "220 mx.test ESMTP\r\n", "EHLO probe.test\r\n");
    EXCHANGE(h, "250-mx.test\r\n250 STARTTLS\r\n", "QUIT\r\n");
    const StepRecord* auth = h.session->run().step(StepId::Auth);
    QCOMPARE(auth->status, StepStatus::Skipped);
    QVERIFY2(auth->summary.contains(QLatin1String("offers no login before TLS")), qPrintable(auth->summary));
}

void TestAuthSession::enforceRefusesUntrustedCertificate()
{
    ProbeOptions o = optionsFor(Protocol::Smtp);
    o.insecure = true;
    Harness h(o);
    START(h);
    EXCHANGE(h, "220 mx.test ESMTP\r\n", "EHLO probe.test\r\n");
    EXCHANGE(h, "250-mx.test\r\n250 STARTTLS\r\n", "STARTTLS\r\n");
    h.transport->serverSends("220 go\r\n");
    QTRY_VERIFY(h.transport->tlsRequested());
    h.transport->completeHandshake(untrustedHandshake({QSslError::SelfSignedCertificate}));
    QTRY_COMPARE(h.transport->lastWrite(), QByteArray("EHLO probe.test\r\n"));
    EXCHANGE(h, "250-mx.test\r\n250 AUTH PLAIN\r\n", "QUIT\r\n");
    QCOMPARE(h.session->run().step(StepId::Auth)->summary,
             QStringLiteral("Not sent: the certificate is not trusted (policy enforce)"));
}

void TestAuthSession::showSecretsShowsAndMarks()
{
    ProbeOptions o = optionsFor(Protocol::Smtp);
    o.showSecrets = true;
    Harness h(o);
    SMTP_UP_TO_AUTH(h, "AUTH PLAIN", "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n");
    EXCHANGE(h, "235 ok\r\n", "QUIT\r\n");
    QVERIFY(h.session->run().secretsShown);
    QVERIFY(h.clientLines().contains(QStringLiteral("AUTH PLAIN AGFsaWNlAHMzY3JldA==")));
}

QTEST_GUILESS_MAIN(TestAuthSession)
#include "TestAuthSession.moc"
