// SMTP AUTH against a real Postfix submission listener (SASL through the private Dovecot, TLS
// required before AUTH: smtpd_tls_security_level=encrypt, smtpd_tls_auth_only=yes).

#include "findings/FindingCatalogue.h"
#include "RealServers.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <QSignalSpy>
#include <QTest>

Q_DECLARE_METATYPE(TlsPolicy)

namespace {

} // namespace

class TestSubmission final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void authSucceedsAfterStartTls_data();
    void authSucceedsAfterStartTls();
    void wrongPasswordIs535();
    void withoutTlsAuthIsAbsentAndExplained_data();
    void withoutTlsAuthIsAbsentAndExplained();

private:
    ProbeOptions options() const;
    RealServers m_servers;
    QString m_user;
    QByteArray m_password;
};

void TestSubmission::initTestCase()
{
    QString error;
    QVERIFY2(m_servers.load(&error), qPrintable(error));
    QVERIFY2(m_servers.port(QStringLiteral("SUBMISSION_PORT")) > 0,
             "SUBMISSION_PORT missing: Postfix starts it only when the private Dovecot runs");
    m_user = m_servers.value(QStringLiteral("TEST_USER"));
    QFile file(m_servers.value(QStringLiteral("TEST_PASSWORD_FILE")));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    m_password = file.readLine().trimmed();
    QVERIFY(!m_password.isEmpty());
}

ProbeOptions TestSubmission::options() const
{
    ProbeOptions o;
    o.host = QStringLiteral("localhost");
    o.port = m_servers.port(QStringLiteral("SUBMISSION_PORT"));
    o.protocol = Protocol::Smtp;
    o.tls = TlsMode::StartTls;
    o.extraCaCertificates = m_servers.certificates(QStringLiteral("CA_FILE"));
    o.stepTimeoutMs = 20000;
    o.user = m_user;
    o.password = m_password;
    return o;
}

void TestSubmission::authSucceedsAfterStartTls_data()
{
    QTest::addColumn<QString>("mechanism");
    QTest::addColumn<QString>("used");
    QTest::newRow("auto") << QStringLiteral("auto") << QStringLiteral("PLAIN");
    QTest::newRow("plain") << QStringLiteral("plain") << QStringLiteral("PLAIN");
    QTest::newRow("login") << QStringLiteral("login") << QStringLiteral("LOGIN");
}

void TestSubmission::authSucceedsAfterStartTls()
{
    QFETCH(QString, mechanism);
    QFETCH(QString, used);
    ProbeOptions o = options();
    o.authMechanism = mechanism;
    const Run run = runToEnd(o);
    QVERIFY2(stepsOf(run)
                 == QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok "
                                   "tls-handshake=ok greeting-tls=ok auth=ok quit=ok"),
             qPrintable(stepsOf(run) + dump(run)));
    QCOMPARE(run.step(StepId::Auth)->summary,
             QStringLiteral("Logged in as %1 with %2 over TLS").arg(m_user, used));
    QVERIFY2(run.findings.isEmpty(), qPrintable(dump(run)));
    // Postfix offers AUTH only under TLS (smtpd_tls_auth_only).
    QVERIFY(std::none_of(run.capabilitiesPlain.cbegin(), run.capabilitiesPlain.cend(),
                         [](const QString& c) { return c.startsWith(QLatin1String("AUTH")); }));
    QVERIFY(run.capabilitiesTls.contains(QStringLiteral("AUTH PLAIN LOGIN")));
    QStringList authLines;
    for (const TranscriptEntry& e : run.transcript) {
        QVERIFY(!e.text.contains(QString::fromLatin1(m_password)));
        if (e.dir == 'C' && e.step == StepId::Auth)
            authLines.append(e.text);
    }
    if (used == QLatin1String("PLAIN"))
        QCOMPARE(authLines, QStringList {QStringLiteral("AUTH PLAIN [redacted]")});
    else
        QCOMPARE(authLines, (QStringList {"AUTH LOGIN", "[redacted]", "[redacted]"}));
}

void TestSubmission::wrongPasswordIs535()
{
    ProbeOptions o = options();
    o.password = "wrong-" + m_password;
    const Run run = runToEnd(o);
    QCOMPARE(run.step(StepId::Auth)->status, StepStatus::Failed);
    QCOMPARE(run.step(StepId::Quit)->status, StepStatus::Ok);
    QCOMPARE(findingIds(run), ids({FindingIds::AuthFailed}));
    const Finding* f = run.finding(FindingIds::AuthFailed);
    QVERIFY2(f, qPrintable(dump(run)));
    QVERIFY2(f->detail.startsWith(QLatin1String("535 5.7.8")), qPrintable(f->detail));
    QVERIFY2(f->detail.contains(QLatin1String("password is wrong")), qPrintable(f->detail));
}

void TestSubmission::withoutTlsAuthIsAbsentAndExplained_data()
{
    QTest::addColumn<TlsPolicy>("policy");
    QTest::newRow("enforce") << TlsPolicy::Enforce;
    QTest::newRow("opportunistic") << TlsPolicy::Opportunistic;
}

void TestSubmission::withoutTlsAuthIsAbsentAndExplained()
{
    QFETCH(TlsPolicy, policy);
    ProbeOptions o = options();
    o.tls = TlsMode::None;
    o.policy = policy;
    const Run run = runToEnd(o);
    QCOMPARE(stepsOf(run),
             QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok auth=skipped quit=ok"));
    QVERIFY(run.capabilitiesPlain.contains(QStringLiteral("STARTTLS")));
    QVERIFY(std::none_of(run.capabilitiesPlain.cbegin(), run.capabilitiesPlain.cend(),
                         [](const QString& c) { return c.startsWith(QLatin1String("AUTH")); }));
    const QString summary = run.step(StepId::Auth)->summary;
    QVERIFY2(summary.contains(QLatin1String("offers no login before TLS")), qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("--tls starttls")), qPrintable(summary));
    QCOMPARE(findingIds(run), ids({}));
    for (const TranscriptEntry& e : run.transcript)
        QVERIFY(!(e.dir == 'C' && e.text.startsWith(QLatin1String("AUTH"))));
}

QTEST_GUILESS_MAIN(TestSubmission)
#include "TestSubmission.moc"
