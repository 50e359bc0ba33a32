// No credential ever reaches a transcript, a report, a replay script, a log message or the CLI's
// output, unless the user asked for it with --show-secrets (and then it does: the scan is proven
// able to fail). Sessions run against scripted servers (every SASL mechanism, both outcomes, and
// plaintext under the opportunistic policy) and against the real Dovecot and Postfix submission.
//
// The scan looks for each password itself and for every base64 form in which it can appear on the
// wire: base64 of the password at each of the three byte alignments, so it is found inside any
// base64 stream (AUTH PLAIN's "\0user\0password", LOGIN's password line, an XOAUTH2 message).

#include "FakeMailServer.h"
#include "findings/FindingCatalogue.h"
#include "RealServers.h"
#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPki.h"
#include "TestPrinters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

Q_DECLARE_METATYPE(Protocol)
Q_DECLARE_METATYPE(TlsMode)
Q_DECLARE_METATYPE(TlsPolicy)

namespace {

/// Distinctive, so that a hit cannot be a coincidence.
const QByteArray CanaryPassword = "Canary-pw-7Hq2xZ9wLk4";
const QByteArray CanaryWrongPassword = "Wrong-canary-3Vt8mPq1Rz";

QStringList g_logged; ///< every log message while a session runs

void captureMessages(QtMsgType, const QMessageLogContext& context, const QString& message)
{
    g_logged.append(QString::fromLatin1(context.category ? context.category : "default") + QLatin1String(": ")
                    + message);
}

/// Every form in which `secret` could show up: itself, and base64 at each alignment (only the
/// characters that depend on the secret alone, so it matches inside a longer base64 stream).
QStringList secretForms(const QByteArray& secret)
{
    QStringList forms {QString::fromUtf8(secret)};
    for (int offset = 0; offset < 3; ++offset) {
        const QByteArray encoded =
            (QByteArray(offset, '\0') + secret).toBase64(QByteArray::OmitTrailingEquals);
        const qsizetype skip = offset == 0 ? 0 : 4;
        forms.append(QString::fromLatin1(encoded.mid(skip, encoded.size() - skip - 4)));
    }
    return forms;
}

/// The first form of any secret found in `text`, or an empty string.
QString leakIn(const QString& text, const QList<QByteArray>& secrets)
{
    for (const QByteArray& secret : secrets) {
        for (const QString& form : secretForms(secret)) {
            if (text.contains(form))
                return form;
        }
    }
    return {};
}

/// Everything a run can be turned into.
QString renderings(const Run& run)
{
    QStringList all;
    all.append(QString::fromUtf8(ReportJson::toJson(run)));
    ReportText::Options text;
    text.transcript = true;
    all.append(ReportText::render(run, text));
    for (const TranscriptEntry& e : run.transcript)
        all.append(e.text);
    all.append(FakeMailServer::scriptFromTranscript(run.transcript));
    return all.join(QLatin1Char('\n'));
}

struct FakeCase
{
    Protocol protocol;
    TlsMode tls;
    TlsPolicy policy;
    QString mechanism;
    QString script;
};

QString smtpStartTls(const QString& authPart)
{
    return QStringLiteral(
               "S: 220 submit.test ESMTP\nC: EHLO mailscope.invalid\nS: 250-submit.test\nS: 250 STARTTLS\n"
               "C: STARTTLS\nS: 220 go ahead\nT\nC: EHLO mailscope.invalid\nS: 250-submit.test\n")
           + authPart + QStringLiteral("\nC: QUIT\nS: 221 bye\n");
}

} // namespace

class TestNoSecretsLeak final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scanFindsSecretsInEveryEncoding();
    void fakeSessions_data();
    void fakeSessions();
    void realSessions_data();
    void realSessions();
    void cli_data();
    void cli();

private:
    Run runSession(const ProbeOptions& options);
    RealServers m_servers;
    QString m_user;
    QByteArray m_password;
    QTemporaryDir m_dir;
};

void TestNoSecretsLeak::initTestCase()
{
    QVERIFY(TestPki::instance().isValid());
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_servers.load(&error), qPrintable(error));
    m_user = m_servers.value(QStringLiteral("TEST_USER"));
    QFile file(m_servers.value(QStringLiteral("TEST_PASSWORD_FILE")));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    m_password = file.readLine().trimmed();
    QVERIFY(m_password.size() >= 12); // distinctive enough to scan for
    // Everything the engine could log, at every level.
    QLoggingCategory::setFilterRules(QStringLiteral("mailscope.*=true"));
}

Run TestNoSecretsLeak::runSession(const ProbeOptions& o)
{
    g_logged.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureMessages);
    const Run run = runToEnd(o);
    qInstallMessageHandler(previous);
    return run;
}

void TestNoSecretsLeak::scanFindsSecretsInEveryEncoding()
{
    const QList<QByteArray> secrets {CanaryPassword};
    QVERIFY(leakIn(QStringLiteral("x Canary-pw-7Hq2xZ9wLk4 y"), secrets).size() > 0);
    // AUTH PLAIN (password at offset 2 of "\0u\0pw" for a one-letter user), LOGIN, XOAUTH2.
    for (const QByteArray& prefix : {QByteArray("\0a\0", 3), QByteArray("\0alice\0", 7), QByteArray(),
                                     QByteArray("user=alice\x01"
                                                "auth=Bearer ")}) {
        const QString line = QStringLiteral("AUTH PLAIN ")
                             + QString::fromLatin1((prefix + CanaryPassword + "\x01\x01").toBase64());
        QVERIFY2(!leakIn(line, secrets).isEmpty(), qPrintable(line));
    }
    QVERIFY(leakIn(QStringLiteral("AUTH PLAIN [redacted]"), secrets).isEmpty());
}

void TestNoSecretsLeak::fakeSessions_data()
{
    QTest::addColumn<int>("protocol");
    QTest::addColumn<int>("tls");
    QTest::addColumn<int>("policy");
    QTest::addColumn<QString>("mechanism");
    QTest::addColumn<QString>("script");
    QTest::addColumn<bool>("showSecrets");

    const auto S = int(TlsMode::StartTls);
    const auto I = int(TlsMode::Implicit);
    const auto N = int(TlsMode::None);
    const int E = int(TlsPolicy::Enforce);
    const int O = int(TlsPolicy::Opportunistic);
    const int smtp = int(Protocol::Smtp);
    const int imap = int(Protocol::Imap);
    const int pop3 = int(Protocol::Pop3);

    struct Row
    {
        const char* name;
        int protocol;
        int tls;
        int policy;
        const char* mechanism;
        QString script;
    };
    const QList<Row> rows {
        {"smtp plain ok", smtp, S, E, "auto",
         smtpStartTls(QStringLiteral("S: 250 AUTH PLAIN LOGIN\nC~ ^AUTH PLAIN \\S+$\nS: 235 2.7.0 ok"))},
        {"smtp login fails", smtp, S, E, "login",
         smtpStartTls(
             QStringLiteral("S: 250 AUTH PLAIN LOGIN\nC: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: SKIP\n"
                            "S: 334 UGFzc3dvcmQ6\nC: SKIP\nS: 535 5.7.8 Error: authentication failed"))},
        {"smtp cram-md5 fails", smtp, S, E, "auto",
         smtpStartTls(
             QStringLiteral("S: 250 AUTH PLAIN CRAM-MD5\nC: AUTH CRAM-MD5\nS: 334 PDEyMzQ1QHRlc3Q+\nC: SKIP\n"
                            "S: 535 5.7.8 nope"))},
        {"smtp xoauth2 fails", smtp, S, E, "xoauth2",
         smtpStartTls(QStringLiteral("S: 250 AUTH XOAUTH2\nC~ ^AUTH XOAUTH2 \\S+$\n"
                                     "S: 334 eyJzdGF0dXMiOiI0MDEifQ==\nC: \nS: 535 5.7.8 nope"))},
        {"smtp cancelled", smtp, S, E, "cram-md5",
         smtpStartTls(
             QStringLiteral("S: 250 AUTH CRAM-MD5\nC: AUTH CRAM-MD5\nS: 334 ###\nC: *\nS: 501 cancelled"))},
        {"imap login fails", imap, I, E, "auto",
         QStringLiteral(
             "T\nS: * OK hi\nC: A1 CAPABILITY\nS: * CAPABILITY IMAP4rev1\nS: A1 OK .\nC~ ^A2 LOGIN \n"
             "S: A2 NO [AUTHENTICATIONFAILED] Authentication failed.\nC: A3 LOGOUT\nS: A3 OK bye\n")},
        {"imap authenticate ok", imap, I, E, "plain",
         QStringLiteral(
             "T\nS: * OK hi\nC: A1 CAPABILITY\nS: * CAPABILITY IMAP4rev1 AUTH=PLAIN\nS: A1 OK .\n"
             "C: A2 AUTHENTICATE PLAIN\nS: +\nC: SKIP\nS: A2 OK Logged in\nC: A3 LOGOUT\nS: A3 OK bye\n")},
        {"pop3 user/pass fails", pop3, I, E, "auto",
         QStringLiteral("T\nS: +OK hi\nC: CAPA\nS: +OK\nS: USER\nS: .\nC~ ^USER \nS: +OK\nC~ ^PASS \n"
                        "S: -ERR [AUTH] Authentication failed.\nC: QUIT\nS: +OK bye\n")},
        {"pop3 plaintext opportunistic", pop3, N, O, "auto",
         QStringLiteral("S: +OK hi\nC: CAPA\nS: +OK\nS: SASL PLAIN\nS: .\nC~ ^AUTH PLAIN \\S+$\nS: +OK in\n"
                        "C: QUIT\nS: +OK bye\n")},
    };
    for (const Row& r : rows) {
        for (const bool show : {false, true}) {
            QTest::addRow("%s%s", r.name, show ? " (show secrets)" : "")
                << r.protocol << r.tls << r.policy << QString::fromLatin1(r.mechanism) << r.script << show;
        }
    }
}

void TestNoSecretsLeak::fakeSessions()
{
    QFETCH(int, protocol);
    QFETCH(int, tls);
    QFETCH(int, policy);
    QFETCH(QString, mechanism);
    QFETCH(QString, script);
    QFETCH(bool, showSecrets);

    FakeMailServer server;
    const TestPki::Identity id = TestPki::instance().identity(TestPki::Kind::Good);
    server.setLocalCertificateChain(id.chain);
    server.setPrivateKey(id.key);
    QVERIFY2(server.loadScript(script) && server.listen(), qPrintable(server.errorSummary()));

    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = server.port();
    o.protocol = Protocol(protocol);
    o.tls = TlsMode(tls);
    o.policy = TlsPolicy(policy);
    o.extraCaCertificates = TestPki::instance().caCertificates();
    o.user = QStringLiteral("alice");
    // Failing rows get the wrong canary, the others the right one: both must stay hidden.
    o.password = script.contains(QLatin1String(" NO ")) || script.contains(QLatin1String("535"))
                         || script.contains(QLatin1String("-ERR"))
                     ? CanaryWrongPassword
                     : CanaryPassword;
    o.authMechanism = mechanism;
    o.showSecrets = showSecrets;
    const Run run = runSession(o);
    QTRY_VERIFY(server.isFinished());
    QVERIFY2(server.errors().isEmpty(), qPrintable(server.errorSummary()));
    QVERIFY(run.step(StepId::Auth));
    QVERIFY(run.step(StepId::Auth)->status != StepStatus::Skipped);
    QCOMPARE(run.secretsShown, showSecrets);

    const QList<QByteArray> secrets {CanaryPassword, CanaryWrongPassword};
    const QString everything = renderings(run) + QLatin1Char('\n') + g_logged.join(QLatin1Char('\n'));
    const QString leak = leakIn(everything, secrets);
    if (!showSecrets) {
        QVERIFY2(leak.isEmpty(), qPrintable(QStringLiteral("found %1 in:\n%2").arg(leak, everything)));
        if (!script.contains(QLatin1String("C: *"))) // a cancelled exchange sent no credential at all
            QVERIFY(everything.contains(QLatin1String("[redacted]")));
        return;
    }
    // CRAM-MD5 never sends the password, not even with --show-secrets; the others do.
    if (mechanism != QLatin1String("cram-md5") && !script.contains(QLatin1String("AUTH CRAM-MD5")))
        QVERIFY2(!leak.isEmpty(), "--show-secrets must show the credentials, or the scan proves nothing");
    QVERIFY(QString::fromUtf8(ReportJson::toJson(run)).contains(QLatin1String("\"secrets_shown\": true")));
    QVERIFY(ReportText::render(run).contains(QLatin1String("SECRETS SHOWN")));
}

void TestNoSecretsLeak::realSessions_data()
{
    QTest::addColumn<QString>("portKey");
    QTest::addColumn<int>("protocol");
    QTest::addColumn<int>("tls");
    QTest::addColumn<QString>("mechanism");
    QTest::addColumn<bool>("wrong");

    struct Row
    {
        const char* key;
        Protocol protocol;
        TlsMode tls;
        const char* mechanism;
    };
    const QList<Row> rows {{"IMAP_PORT", Protocol::Imap, TlsMode::StartTls, "auto"},
                           {"IMAPS_PORT", Protocol::Imap, TlsMode::Implicit, "login"},
                           {"POP3_PORT", Protocol::Pop3, TlsMode::StartTls, "login"},
                           {"POP3S_PORT", Protocol::Pop3, TlsMode::Implicit, "auto"},
                           {"SUBMISSION_PORT", Protocol::Smtp, TlsMode::StartTls, "auto"},
                           {"SUBMISSION_PORT", Protocol::Smtp, TlsMode::StartTls, "login"}};
    for (const Row& r : rows) {
        for (const bool wrong : {false, true}) {
            QTest::addRow("%s %s%s", r.key, r.mechanism, wrong ? " wrong password" : "")
                << QString::fromLatin1(r.key) << int(r.protocol) << int(r.tls)
                << QString::fromLatin1(r.mechanism) << wrong;
        }
    }
}

void TestNoSecretsLeak::realSessions()
{
    QFETCH(QString, portKey);
    QFETCH(int, protocol);
    QFETCH(int, tls);
    QFETCH(QString, mechanism);
    QFETCH(bool, wrong);

    ProbeOptions o;
    o.host = QStringLiteral("localhost");
    o.port = m_servers.port(portKey);
    QVERIFY(o.port > 0);
    o.protocol = Protocol(protocol);
    o.tls = TlsMode(tls);
    o.extraCaCertificates = m_servers.certificates(QStringLiteral("CA_FILE"));
    o.user = m_user;
    o.password = wrong ? CanaryWrongPassword : m_password;
    o.authMechanism = mechanism;
    const Run run = runSession(o);
    QCOMPARE(run.step(StepId::Auth)->status, wrong ? StepStatus::Failed : StepStatus::Ok);
    QStringList expected;
    if (wrong)
        expected.append(FindingIds::AuthFailed);
    // Dovecot offers plaintext logins before STARTTLS to 127.0.0.1 (its loopback rule).
    if (o.protocol != Protocol::Smtp && o.tls == TlsMode::StartTls)
        expected.append(FindingIds::PlaintextAuthOffered);
    QCOMPARE(findingIds(run), ids(expected));
    const QString everything = renderings(run) + QLatin1Char('\n') + g_logged.join(QLatin1Char('\n'));
    const QString leak = leakIn(everything, {m_password, CanaryWrongPassword});
    QVERIFY2(leak.isEmpty(), qPrintable(QStringLiteral("found %1 in:\n%2").arg(leak, everything)));
}

void TestNoSecretsLeak::cli_data()
{
    QTest::addColumn<QStringList>("target"); // host:port and protocol options
    QTest::addColumn<bool>("wrong");
    QTest::addColumn<bool>("showSecrets");
    QTest::addColumn<int>("exitCode");

    const auto port = [this](const char* key) {
        return QStringLiteral("localhost:%1").arg(m_servers.port(QString::fromLatin1(key)));
    };
    const QStringList imaps {port("IMAPS_PORT"), QStringLiteral("--protocol"), QStringLiteral("imap"),
                             QStringLiteral("--tls"), QStringLiteral("implicit")};
    const QStringList pop3 {port("POP3_PORT"), QStringLiteral("--protocol"), QStringLiteral("pop3")};
    const QStringList submission {port("SUBMISSION_PORT")};
    QTest::newRow("imaps ok") << imaps << false << false << 0;
    QTest::newRow("imaps wrong") << imaps << true << false << 2;
    QTest::newRow("imaps ok, show secrets") << imaps << false << true << 0;
    QTest::newRow("pop3 stls ok") << pop3 << false << false
                                  << 1; // plaintext-auth-offered (Dovecot loopback rule)
    QTest::newRow("pop3 stls ok, show secrets") << pop3 << false << true << 1;
    QTest::newRow("submission ok") << submission << false << false << 0;
    QTest::newRow("submission wrong") << submission << true << false << 2;
    QTest::newRow("submission ok, show secrets") << submission << false << true << 0;
}

void TestNoSecretsLeak::cli()
{
    QFETCH(QStringList, target);
    QFETCH(bool, wrong);
    QFETCH(bool, showSecrets);
    QFETCH(int, exitCode);

    const QByteArray password = wrong ? CanaryWrongPassword : m_password;
    const QString passwordFile = m_dir.filePath(QStringLiteral("password"));
    {
        QFile f(passwordFile);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(password + '\n');
    }
    const QString reportFile = m_dir.filePath(QStringLiteral("report.json"));
    const QString textFile = m_dir.filePath(QStringLiteral("report.txt"));
    QString all;
    for (const QStringList& output :
         {QStringList {QStringLiteral("--json"), QStringLiteral("--output"), reportFile},
          QStringList {QStringLiteral("--output"), textFile, QStringLiteral("--format"),
                       QStringLiteral("text")}}) {
        QStringList args {QStringLiteral("check")};
        args << target << QStringLiteral("--ca-file") << m_servers.value(QStringLiteral("CA_FILE"))
             << QStringLiteral("--user") << m_user << QStringLiteral("--password-file") << passwordFile
             << output;
        if (showSecrets)
            args << QStringLiteral("--show-secrets");
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("*.debug=true"));
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(MAILSCOPE_CLI_PATH), args);
        QVERIFY(cli.waitForFinished(60000));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(cli.exitCode() == exitCode,
                 qPrintable(QStringLiteral("exit %1\n%2\n%3").arg(cli.exitCode()).arg(out, err)));
        all += out + err;
    }
    for (const QString& path : {reportFile, textFile}) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        all += QString::fromUtf8(f.readAll());
    }
    // The scan proves something only if a credential was really sent: the auth step ran and the
    // server answered it (ok, or failed for the wrong password).
    {
        QFile f(reportFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(f.readAll()).object();
        QString authStatus;
        for (const QJsonValue& step : report.value(QStringLiteral("steps")).toArray()) {
            if (step.toObject().value(QStringLiteral("id")).toString() == QLatin1String("auth"))
                authStatus = step.toObject().value(QStringLiteral("status")).toString();
        }
        QCOMPARE(authStatus, wrong ? QStringLiteral("failed") : QStringLiteral("ok"));
        QCOMPARE(report.value(QStringLiteral("secrets_shown")).toBool(), showSecrets);
    }
    const QString leak = leakIn(all, {password});
    if (showSecrets) {
        QVERIFY2(!leak.isEmpty(), "--show-secrets must show the credentials, or the scan proves nothing");
        QVERIFY(all.contains(QLatin1String("\"secrets_shown\": true")));
    } else {
        QVERIFY2(leak.isEmpty(), qPrintable(QStringLiteral("found %1 in:\n%2").arg(leak, all)));
        QVERIFY(all.contains(QLatin1String("[redacted]")));
    }
}

QTEST_GUILESS_MAIN(TestNoSecretsLeak)
#include "TestNoSecretsLeak.moc"
