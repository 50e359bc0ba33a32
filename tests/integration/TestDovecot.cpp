// IMAP and POP3 against a real Dovecot (private instance on 127.0.0.1 started by the ctest fixture
// real-servers: own config, passwd-file user, test CA chain): STARTTLS/STLS and implicit TLS, login
// with the right password, auth-failed with a wrong one.
//
// Dovecot treats a 127.0.0.1 -> 127.0.0.1 connection as secure: before STARTTLS it offers
// AUTH=PLAIN without LOGINDISABLED, so plaintext-auth-offered is expected (and only that) on the
// STARTTLS ports. That is Dovecot's loopback rule, not a Mailscope bug.

#include "findings/FindingCatalogue.h"
#include "RealServers.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <QSignalSpy>
#include <QTest>

Q_DECLARE_METATYPE(Protocol)
Q_DECLARE_METATYPE(TlsMode)

namespace {

} // namespace

class TestDovecot final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void loginSucceeds_data();
    void loginSucceeds();
    void wrongPasswordIsAuthFailed_data();
    void wrongPasswordIsAuthFailed();
    void imapCapabilitiesAreReReadUnderTls();
    void pop3CapaIsMultiLine();
    void noUserMeansNoAuthStep();

private:
    ProbeOptions options(Protocol protocol, TlsMode mode) const;
    RealServers m_servers;
    QString m_user;
    QByteArray m_password;
};

void TestDovecot::initTestCase()
{
    QString error;
    QVERIFY2(m_servers.load(&error), qPrintable(error));
    for (const char* key : {"IMAP_PORT", "IMAPS_PORT", "POP3_PORT", "POP3S_PORT"})
        QVERIFY2(m_servers.port(QString::fromLatin1(key)) > 0, key);
    m_user = m_servers.value(QStringLiteral("TEST_USER"));
    QVERIFY(!m_user.isEmpty());
    QFile file(m_servers.value(QStringLiteral("TEST_PASSWORD_FILE")));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    m_password = file.readLine().trimmed();
    QVERIFY(!m_password.isEmpty());
}

ProbeOptions TestDovecot::options(Protocol protocol, TlsMode mode) const
{
    const bool implicit = mode == TlsMode::Implicit;
    const QString portKey = protocol == Protocol::Imap
                                ? (implicit ? QStringLiteral("IMAPS_PORT") : QStringLiteral("IMAP_PORT"))
                                : (implicit ? QStringLiteral("POP3S_PORT") : QStringLiteral("POP3_PORT"));
    ProbeOptions o;
    o.host = QStringLiteral("localhost"); // the leaf certificate names localhost
    o.port = m_servers.port(portKey);
    o.protocol = protocol;
    o.tls = mode;
    o.extraCaCertificates = m_servers.certificates(QStringLiteral("CA_FILE"));
    o.stepTimeoutMs = 20000;
    o.user = m_user;
    o.password = m_password;
    return o;
}

void TestDovecot::loginSucceeds_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<TlsMode>("mode");
    QTest::addColumn<QString>("steps");
    QTest::addColumn<QStringList>("findings");

    const QString starttls =
        QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok tls-handshake=ok "
                       "greeting-tls=ok auth=ok quit=ok");
    const QString implicit =
        QStringLiteral("resolve=ok connect=ok tls-handshake=ok banner=ok greeting=ok auth=ok quit=ok");
    QTest::newRow("imap starttls") << Protocol::Imap << TlsMode::StartTls << starttls
                                   << QStringList {QStringLiteral("plaintext-auth-offered")};
    QTest::newRow("imaps") << Protocol::Imap << TlsMode::Implicit << implicit << QStringList {};
    QTest::newRow("pop3 stls") << Protocol::Pop3 << TlsMode::StartTls << starttls
                               << QStringList {QStringLiteral("plaintext-auth-offered")};
    QTest::newRow("pop3s") << Protocol::Pop3 << TlsMode::Implicit << implicit << QStringList {};
}

void TestDovecot::loginSucceeds()
{
    QFETCH(Protocol, protocol);
    QFETCH(TlsMode, mode);
    QFETCH(QString, steps);
    QFETCH(QStringList, findings);

    const Run run = runToEnd(options(protocol, mode));
    QVERIFY2(stepsOf(run) == steps, qPrintable(stepsOf(run) + dump(run)));
    QCOMPARE(findingIds(run), ids(findings));
    QCOMPARE(run.step(StepId::Auth)->summary,
             QStringLiteral("Logged in as %1 with PLAIN over TLS").arg(m_user));
    QVERIFY(run.tls && run.tls->verified);
    QCOMPARE(run.certificates.size(), 2);
    // Every credential-carrying line is redacted; the password is nowhere.
    const auto authLine =
        std::find_if(run.transcript.cbegin(), run.transcript.cend(),
                     [](const TranscriptEntry& e) { return e.dir == 'C' && e.step == StepId::Auth; });
    QVERIFY(authLine != run.transcript.cend());
    QVERIFY2(authLine->text.endsWith(QLatin1String("AUTH PLAIN [redacted]"))
                 || authLine->text.endsWith(QLatin1String("AUTHENTICATE PLAIN [redacted]")),
             qPrintable(authLine->text));
    QVERIFY(authLine->tls);
    for (const TranscriptEntry& e : run.transcript)
        QVERIFY(!e.text.contains(QString::fromLatin1(m_password)));
}

void TestDovecot::wrongPasswordIsAuthFailed_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<TlsMode>("mode");
    QTest::addColumn<QString>("code");
    QTest::newRow("imap starttls") << Protocol::Imap << TlsMode::StartTls
                                   << QStringLiteral("[AUTHENTICATIONFAILED]");
    QTest::newRow("imaps") << Protocol::Imap << TlsMode::Implicit << QStringLiteral("[AUTHENTICATIONFAILED]");
    QTest::newRow("pop3 stls") << Protocol::Pop3 << TlsMode::StartTls << QStringLiteral("-ERR [AUTH]");
    QTest::newRow("pop3s") << Protocol::Pop3 << TlsMode::Implicit << QStringLiteral("-ERR [AUTH]");
}

void TestDovecot::wrongPasswordIsAuthFailed()
{
    QFETCH(Protocol, protocol);
    QFETCH(TlsMode, mode);
    QFETCH(QString, code);

    ProbeOptions o = options(protocol, mode);
    o.password = "definitely-wrong-" + m_password;
    const Run run = runToEnd(o);
    QCOMPARE(run.step(StepId::Auth)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Ok); // LOGOUT / QUIT still sent
    // Dovecot treats 127.0.0.1 as secure and offers plaintext logins before STARTTLS (see above).
    QCOMPARE(findingIds(run), mode == TlsMode::StartTls
                                  ? ids({FindingIds::AuthFailed, FindingIds::PlaintextAuthOffered})
                                  : ids({FindingIds::AuthFailed}));
    const Finding* f = run.finding(FindingIds::AuthFailed);
    QVERIFY2(f, qPrintable(dump(run)));
    QVERIFY2(f->detail.contains(code), qPrintable(f->detail));
    QVERIFY2(f->detail.contains(QLatin1String("password is wrong")), qPrintable(f->detail));
    QCOMPARE(run.verdict(), Verdict::Critical);
    for (const TranscriptEntry& e : run.transcript)
        QVERIFY(!e.text.contains(QString::fromLatin1(o.password)));
}

void TestDovecot::imapCapabilitiesAreReReadUnderTls()
{
    ProbeOptions o = options(Protocol::Imap, TlsMode::StartTls);
    o.user.clear();
    const Run run = runToEnd(o);
    QVERIFY2(run.capabilitiesPlain.contains(QStringLiteral("STARTTLS")),
             qPrintable(run.capabilitiesPlain.join(' ')));
    QVERIFY(!run.capabilitiesTls.contains(QStringLiteral("STARTTLS")));
    QVERIFY(run.capabilitiesTls.contains(QStringLiteral("AUTH=PLAIN")));
    QVERIFY(run.capabilitiesTls.contains(QStringLiteral("AUTH=LOGIN")));
    QCOMPARE(findingIds(run), ids({FindingIds::PlaintextAuthOffered}));
    // Deterministic tags: A1 CAPABILITY, A2 STARTTLS, A3 CAPABILITY, A4 LOGOUT.
    QStringList client;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.dir == 'C')
            client.append(e.text);
    }
    QCOMPARE(client, (QStringList {"A1 CAPABILITY", "A2 STARTTLS", "A3 CAPABILITY", "A4 LOGOUT"}));
    // Dovecot puts its capabilities in the greeting's response code; Mailscope notes and still asks.
    QVERIFY(std::any_of(run.transcript.cbegin(), run.transcript.cend(), [](const TranscriptEntry& e) {
        return e.dir == 'I' && e.text.contains(QLatin1String("greeting already listed capabilities"));
    }));
}

void TestDovecot::pop3CapaIsMultiLine()
{
    ProbeOptions o = options(Protocol::Pop3, TlsMode::StartTls);
    o.user.clear();
    const Run run = runToEnd(o);
    QCOMPARE(findingIds(run), ids({FindingIds::PlaintextAuthOffered})); // the loopback rule
    QCOMPARE(run.verdict(), Verdict::Warning);
    QVERIFY(run.capabilitiesPlain.contains(QStringLiteral("STLS")));
    QVERIFY(run.capabilitiesPlain.contains(QStringLiteral("CAPA")));
    QVERIFY(std::any_of(run.capabilitiesTls.cbegin(), run.capabilitiesTls.cend(),
                        [](const QString& c) { return c.startsWith(QLatin1String("SASL ")); }));
}

void TestDovecot::noUserMeansNoAuthStep()
{
    ProbeOptions o = options(Protocol::Imap, TlsMode::Implicit);
    o.user.clear();
    o.password.clear();
    const Run run = runToEnd(o);
    QCOMPARE(stepsOf(run),
             QStringLiteral("resolve=ok connect=ok tls-handshake=ok banner=ok greeting=ok quit=ok"));
    QCOMPARE(findingIds(run), ids({}));
    QCOMPARE(run.verdict(), Verdict::Ok);
}

QTEST_GUILESS_MAIN(TestDovecot)
#include "TestDovecot.moc"
