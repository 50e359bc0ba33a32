// mailscope-cli end to end: every `check` option at least once against the built-in demo server
// (in this process, on 127.0.0.1), every usage error with its exit code 3, the exit codes for a
// refused connection and a name that cannot be resolved, and the JSON report's fields checked
// for their values. The CLI runs as a real process; this test's event loop keeps serving the demo
// while it waits (QTRY, never a blocking waitForFinished).

#include "demo/DemoServer.h"
#include "findings/FindingCatalogue.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSslCertificate>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int CliTimeoutMs = 30000;

struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    QString text() const { return QString::fromUtf8(out + err); }
};

QStringList sortedIds(const QJsonObject& report)
{
    QStringList list;
    for (const QJsonValue& f : report.value(QLatin1String("findings")).toArray())
        list.append(f.toObject().value(QLatin1String("id")).toString());
    list.sort();
    return list;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

QJsonObject findingOf(const QJsonObject& report, const QString& id)
{
    for (const QJsonValue& f : report.value(QLatin1String("findings")).toArray()) {
        if (f.toObject().value(QLatin1String("id")).toString() == id)
            return f.toObject();
    }
    return {};
}

QString stepStatus(const QJsonObject& report, const QString& id)
{
    for (const QJsonValue& s : report.value(QLatin1String("steps")).toArray()) {
        if (s.toObject().value(QLatin1String("id")).toString() == id)
            return s.toObject().value(QLatin1String("status")).toString();
    }
    return QStringLiteral("absent");
}

QStringList strings(const QJsonValue& array)
{
    QStringList list;
    for (const QJsonValue& v : array.toArray())
        list.append(v.toString());
    return list;
}

QStringList clientLines(const QJsonObject& report)
{
    QStringList lines;
    for (const QJsonValue& e : report.value(QLatin1String("transcript")).toArray()) {
        if (e.toObject().value(QLatin1String("dir")).toString() == QLatin1String("C"))
            lines.append(e.toObject().value(QLatin1String("text")).toString());
    }
    return lines;
}

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void usageErrors_data();
    void usageErrors();
    void goodRunJsonFields();
    void insecureRecordsTheOverride();
    void expiryWarningDays();
    void opportunisticLoginWithoutTls();
    void injectionTest();
    void stopAfterAndTimeout();
    void imapAndPop3();
    void outputFormatFromFileName_data();
    void outputFormatFromFileName();
    void connectionRefusedExitCode();
    void unresolvableHostExitCode();
    void allPortsOnTheDemo();

private:
    CliResult run(const QStringList& args,
                  const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
    QString smtp(TlsMode mode = TlsMode::StartTls) const;

    DemoServer m_server;
    QTemporaryDir m_dir;
};

void TestCli::initTestCase()
{
    QVERIFY2(m_server.start(0), qPrintable(m_server.errorString()));
    QVERIFY(m_dir.isValid());
    QVERIFY(QFile::exists(m_server.caFile()));
}

CliResult TestCli::run(const QStringList& args, const QProcessEnvironment& env)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(MAILSCOPE_CLI_PATH), args);
    CliResult result;
    // The demo server answers from this event loop, so wait with QTRY (which spins it).
    [&] { QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, CliTimeoutMs); }();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    return result;
}

QString TestCli::smtp(TlsMode mode) const
{
    return QStringLiteral("localhost:%1").arg(m_server.port(Protocol::Smtp, mode));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    const auto row = [](const char* name, QStringList args, const char* mentions) {
        QTest::newRow(name) << (QStringList {QStringLiteral("check")} + args) << QString::fromUtf8(mentions);
    };
    row("no host", {}, "needs a server");
    row("two hosts", {"a.test", "b.test"}, "one server");
    row("bad port", {"a.test:seventy"}, "port");
    row("bad protocol", {"a.test", "--protocol", "gopher"}, "--protocol");
    row("bad tls", {"a.test", "--tls", "ssl"}, "--tls");
    row("bad policy", {"a.test", "--policy", "x"}, "--policy");
    row("bad timeout", {"a.test", "--timeout", "-1"}, "--timeout");
    row("bad step", {"a.test", "--stop-after", "x"}, "not a step");
    row("bad expiry days", {"a.test", "--expiry-warning-days", "soon"}, "--expiry-warning-days");
    row("missing ca file", {"a.test", "--ca-file", "/nonexistent/ca.pem"}, "--ca-file");
    row("bad helo", {"a.test", "--helo", "a b"}, "--helo");
    row("bad format", {"a.test", "--format", "xml"}, "--format");
    row("password on the command line", {"a.test", "--user", "u", "--password", "hunter2"},
        "--password is refused");
    row("user without password", {"a.test", "--user", "u"}, "needs a password");
    row("unset variable", {"a.test", "--user", "u", "--password-env", "MAILSCOPE_SURELY_UNSET"},
        "is not set");
    row("password without user", {"a.test", "--password-env", "HOME"}, "needs a user");
    row("both password sources",
        {"a.test", "--user", "u", "--password-env", "HOME", "--password-file", "/etc/hostname"}, "not both");
    row("bad mechanism", {"a.test", "--auth", "ntlm"}, "--auth");
    row("unknown option", {"a.test", "--bogus"}, "bogus");
    row("unknown command", {}, "");
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    if (QLatin1String(QTest::currentDataTag()) == QLatin1String("unknown command"))
        args = {QStringLiteral("frobnicate")};
    const CliResult r = run(args);
    QVERIFY2(r.exitCode == 3, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.text())));
    QVERIFY2(r.err.contains(mentions.toUtf8()), r.err.constData());
    // A usage error connects to nothing and prints no report.
    QVERIFY2(r.out.isEmpty(), r.out.constData());
}

void TestCli::goodRunJsonFields()
{
    m_server.setScenario(QStringLiteral("good"));
    const CliResult r = run({QStringLiteral("check"), smtp(), QStringLiteral("--ca-file"), m_server.caFile(),
                             QStringLiteral("--helo"), QStringLiteral("probe.mailscope.test"),
                             QStringLiteral("--format"), QStringLiteral("json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    const QJsonObject report = r.json();
    QCOMPARE(report.value(QLatin1String("verdict")).toString(), QStringLiteral("ok"));
    QCOMPARE(sortedIds(report), QStringList {});
    QCOMPARE(report.value(QLatin1String("secrets_shown")).toBool(true), false);
    QVERIFY(report.value(QLatin1String("secrets_shown")).isBool());
    QCOMPARE(clientLines(report),
             (QStringList {QStringLiteral("EHLO probe.mailscope.test"), QStringLiteral("STARTTLS"),
                           QStringLiteral("EHLO probe.mailscope.test"), QStringLiteral("QUIT")}));
    const QJsonObject tls = report.value(QLatin1String("tls")).toObject();
    QCOMPARE(tls.value(QLatin1String("verified")).toBool(), true);
    QCOMPARE(tls.value(QLatin1String("verification_overridden")).toBool(true), false);
    const QJsonArray certificates = report.value(QLatin1String("certificates")).toArray();
    QCOMPARE(certificates.size(), 2);
    // The name the user typed, found in the leaf's SAN.
    QCOMPARE(certificates.at(0).toObject().value(QLatin1String("matched_name")).toString(),
             QStringLiteral("localhost"));
    // What the demo says in its EHLO replies (DemoSmtpConnection), before and after STARTTLS.
    const QJsonObject caps = report.value(QLatin1String("capabilities")).toObject();
    QCOMPARE(strings(caps.value(QLatin1String("plaintext"))),
             (QStringList {QStringLiteral("PIPELINING"), QStringLiteral("SIZE 10240000"),
                           QStringLiteral("8BITMIME"), QStringLiteral("ENHANCEDSTATUSCODES"),
                           QStringLiteral("STARTTLS")}));
    QCOMPARE(strings(caps.value(QLatin1String("tls"))),
             (QStringList {QStringLiteral("PIPELINING"), QStringLiteral("SIZE 10240000"),
                           QStringLiteral("8BITMIME"), QStringLiteral("ENHANCEDSTATUSCODES"),
                           QStringLiteral("AUTH PLAIN LOGIN")}));
}

void TestCli::insecureRecordsTheOverride()
{
    m_server.setScenario(QStringLiteral("good"));
    // No --ca-file: the demo CA is unknown. --insecure goes on and says so.
    const CliResult r =
        run({QStringLiteral("check"), smtp(), QStringLiteral("--insecure"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 2, qPrintable(r.text()));
    const QJsonObject report = r.json();
    QCOMPARE(sortedIds(report),
             sorted({FindingIds::CertUntrustedChain, FindingIds::CertVerificationOverridden}));
    QCOMPARE(report.value(QLatin1String("tls"))
                 .toObject()
                 .value(QLatin1String("verification_overridden"))
                 .toBool(),
             true);
    QCOMPARE(findingOf(report, FindingIds::CertUntrustedChain).value(QLatin1String("detail")).toString(),
             QStringLiteral("The issuer certificate of a locally looked up certificate could not be found "
                            "(Mailscope Demo Intermediate CA \u2014 never trust)"));
    QCOMPARE(stepStatus(report, QStringLiteral("greeting-tls")), QStringLiteral("ok"));
}

void TestCli::expiryWarningDays()
{
    m_server.setScenario(QStringLiteral("good"));
    const CliResult r =
        run({QStringLiteral("check"), smtp(), QStringLiteral("--ca-file"), m_server.caFile(),
             QStringLiteral("--expiry-warning-days"), QStringLiteral("3650"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 1, qPrintable(r.text()));
    const QJsonObject report = r.json();
    QCOMPARE(sortedIds(report), QStringList {FindingIds::CertExpiresSoon});
    // The detail, from the certificate's own end date (not from the engine's arithmetic).
    const QJsonObject leaf = report.value(QLatin1String("certificates")).toArray().at(0).toObject();
    const QDateTime notAfter =
        QDateTime::fromString(leaf.value(QLatin1String("not_after")).toString(), Qt::ISODate);
    QVERIFY(notAfter.isValid());
    const qint64 days = QDateTime::currentDateTimeUtc().secsTo(notAfter) / 86400;
    QCOMPARE(
        findingOf(report, FindingIds::CertExpiresSoon).value(QLatin1String("detail")).toString(),
        QStringLiteral("%1 days left (expires %2)").arg(days).arg(notAfter.toUTC().toString(Qt::ISODate)));
    QCOMPARE(findingOf(report, FindingIds::CertExpiresSoon).value(QLatin1String("severity")).toString(),
             QStringLiteral("warning"));
}

void TestCli::opportunisticLoginWithoutTls()
{
    // --tls none --policy opportunistic: the login goes out in plaintext, and the report says so.
    m_server.setScenario(QStringLiteral("no-starttls"));
    const QString passwordFile = m_dir.filePath(QStringLiteral("password"));
    {
        QFile f(passwordFile);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("demo\n");
    }
    const CliResult r =
        run({QStringLiteral("check"), smtp(), QStringLiteral("--tls"), QStringLiteral("none"),
             QStringLiteral("--policy"), QStringLiteral("opportunistic"), QStringLiteral("--user"),
             QStringLiteral("demo"), QStringLiteral("--password-file"), passwordFile,
             QStringLiteral("--auth"), QStringLiteral("login"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 2, qPrintable(r.text()));
    const QJsonObject report = r.json();
    QCOMPARE(sortedIds(report),
             sorted({FindingIds::CredentialsSentInPlaintext, FindingIds::PlaintextAuthOffered}));
    QCOMPARE(
        findingOf(report, FindingIds::CredentialsSentInPlaintext).value(QLatin1String("detail")).toString(),
        QStringLiteral("LOGIN as demo without TLS (policy: opportunistic)"));
    QCOMPARE(stepStatus(report, QStringLiteral("auth")), QStringLiteral("warning"));
    QCOMPARE(report.value(QLatin1String("secrets_shown")).toBool(true), false);
    QCOMPARE(clientLines(report), (QStringList {QStringLiteral("EHLO mailscope.invalid"),
                                                QStringLiteral("AUTH LOGIN"), QStringLiteral("[redacted]"),
                                                QStringLiteral("[redacted]"), QStringLiteral("QUIT")}));

    // The same through --password-env, with the secrets shown on purpose.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MAILSCOPE_TEST_PW"), QStringLiteral("demo"));
    const CliResult shown =
        run({QStringLiteral("check"), smtp(), QStringLiteral("--tls"), QStringLiteral("none"),
             QStringLiteral("--policy"), QStringLiteral("opportunistic"), QStringLiteral("--user"),
             QStringLiteral("demo"), QStringLiteral("--password-env"), QStringLiteral("MAILSCOPE_TEST_PW"),
             QStringLiteral("--auth"), QStringLiteral("login"), QStringLiteral("--show-secrets"),
             QStringLiteral("--json")},
            env);
    QVERIFY2(shown.exitCode == 2, qPrintable(shown.text()));
    QCOMPARE(shown.json().value(QLatin1String("secrets_shown")).toBool(), true);
    QCOMPARE(
        clientLines(shown.json()).mid(1, 3),
        (QStringList {QStringLiteral("AUTH LOGIN"), QStringLiteral("ZGVtbw=="), QStringLiteral("ZGVtbw==")}));
}

void TestCli::injectionTest()
{
    m_server.setScenario(QStringLiteral("command-injection"));
    const CliResult r = run({QStringLiteral("check"), smtp(), QStringLiteral("--ca-file"), m_server.caFile(),
                             QStringLiteral("--injection-test"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 2, qPrintable(r.text()));
    const QJsonObject report = r.json();
    QCOMPARE(sortedIds(report), QStringList {FindingIds::StartTlsCommandInjection});
    QCOMPARE(report.value(QLatin1String("tls_audit"))
                 .toObject()
                 .value(QLatin1String("command_injection"))
                 .toString(),
             QStringLiteral("vulnerable"));
}

void TestCli::stopAfterAndTimeout()
{
    m_server.setScenario(QStringLiteral("good"));
    CliResult r = run({QStringLiteral("check"), smtp(), QStringLiteral("--stop-after"),
                       QStringLiteral("greeting"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    QCOMPARE(stepStatus(r.json(), QStringLiteral("starttls")), QStringLiteral("skipped"));
    QCOMPARE(stepStatus(r.json(), QStringLiteral("quit")), QStringLiteral("ok"));
    QCOMPARE(clientLines(r.json()),
             (QStringList {QStringLiteral("EHLO mailscope.invalid"), QStringLiteral("QUIT")}));

    // slow-banner: the banner comes after the 1 s step timeout.
    m_server.setScenario(QStringLiteral("slow-banner"));
    r = run({QStringLiteral("check"), smtp(), QStringLiteral("--timeout"), QStringLiteral("1"),
             QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 2, qPrintable(r.text()));
    QCOMPARE(sortedIds(r.json()), QStringList {FindingIds::ServerTimeout});
    QCOMPARE(findingOf(r.json(), FindingIds::ServerTimeout).value(QLatin1String("detail")).toString(),
             QStringLiteral("No complete reply within 1 s in step banner. The port did not answer a TLS "
                            "ClientHello within 1 s either."));
}

void TestCli::imapAndPop3()
{
    m_server.setScenario(QStringLiteral("good"));
    CliResult r = run({QStringLiteral("check"),
                       QStringLiteral("localhost:%1").arg(m_server.port(Protocol::Imap, TlsMode::StartTls)),
                       QStringLiteral("--protocol"), QStringLiteral("imap"), QStringLiteral("--ca-file"),
                       m_server.caFile(), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    QCOMPARE(r.json().value(QLatin1String("target")).toObject().value(QLatin1String("protocol")).toString(),
             QStringLiteral("imap"));
    QCOMPARE(sortedIds(r.json()), QStringList {});

    r = run({QStringLiteral("check"),
             QStringLiteral("localhost:%1").arg(m_server.port(Protocol::Pop3, TlsMode::Implicit)),
             QStringLiteral("--protocol"), QStringLiteral("pop3"), QStringLiteral("--tls"),
             QStringLiteral("implicit"), QStringLiteral("--ca-file"), m_server.caFile(),
             QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    QCOMPARE(r.json().value(QLatin1String("target")).toObject().value(QLatin1String("tls")).toString(),
             QStringLiteral("implicit"));
    QCOMPARE(sortedIds(r.json()), QStringList {});
}

void TestCli::outputFormatFromFileName_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("json");
    QTest::newRow("report.json") << "report.json" << true;
    QTest::newRow("report.txt") << "report.txt" << false;
    QTest::newRow("REPORT.JSON") << "REPORT.JSON" << true;
}

void TestCli::outputFormatFromFileName()
{
    QFETCH(QString, file);
    QFETCH(bool, json);
    m_server.setScenario(QStringLiteral("good"));
    const QString path = m_dir.filePath(file);
    QFile::remove(path);
    const CliResult r = run({QStringLiteral("check"), smtp(), QStringLiteral("--ca-file"), m_server.caFile(),
                             QStringLiteral("--output"), path});
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    // Standard output keeps the text report; the file's format comes from its name.
    QVERIFY2(r.out.contains("Verdict: OK"), r.out.constData());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray written = f.readAll();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(written, &error);
    QCOMPARE(error.error == QJsonParseError::NoError, json);
    if (json)
        QCOMPARE(doc.object().value(QLatin1String("verdict")).toString(), QStringLiteral("ok"));
    else
        QVERIFY2(written.contains("Verdict: OK"), written.constData());
}

void TestCli::connectionRefusedExitCode()
{
    // A port on 127.0.0.1 that was just listening and is closed now: the connection is refused.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    const CliResult r =
        run({QStringLiteral("check"), QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 2, qPrintable(r.text()));
    QCOMPARE(sortedIds(r.json()), QStringList {FindingIds::ConnectionRefused});
    QCOMPARE(stepStatus(r.json(), QStringLiteral("connect")), QStringLiteral("failed"));
}

void TestCli::unresolvableHostExitCode()
{
    // A name that cannot exist (an empty label) is refused before any lookup: a usage error.
    // (A well-formed name that does not resolve needs a name server; the engine's host-not-found
    // paths are tested without one.)
    const CliResult r =
        run({QStringLiteral("check"), QStringLiteral("bad..name.invalid:25"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 3, qPrintable(r.text()));
    QVERIFY2(r.err.contains("is not a valid host name"), r.err.constData());
    QVERIFY(r.out.isEmpty());
}

void TestCli::allPortsOnTheDemo()
{
    // The demo plays the all-ports view: its six listeners stand in for the eight mail ports.
    const CliResult r = run({QStringLiteral("check"), DemoServer::hostName(), QStringLiteral("--all-ports"),
                             QStringLiteral("--ports"), m_server.allPortsOption(),
                             QStringLiteral("--ca-file"), m_server.caFile(), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    const QJsonArray reports = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(reports.size(), 8);
    QStringList summary;
    for (const QJsonValue& v : reports) {
        const QJsonObject report = v.toObject();
        const QJsonObject target = report.value(QStringLiteral("target")).toObject();
        summary.append(QStringLiteral("%1/%2 %3 %4")
                           .arg(target.value(QStringLiteral("protocol")).toString(),
                                target.value(QStringLiteral("tls")).toString(),
                                report.value(QStringLiteral("tls"))
                                    .toObject()
                                    .value(QStringLiteral("protocol"))
                                    .toString(),
                                report.value(QStringLiteral("verdict")).toString()));
    }
    QCOMPARE(summary,
             (QStringList {
                 QStringLiteral("smtp/starttls TLSv1.3 ok"), QStringLiteral("smtp/implicit TLSv1.3 ok"),
                 QStringLiteral("smtp/starttls TLSv1.3 ok"), QStringLiteral("smtp/starttls TLSv1.3 ok"),
                 QStringLiteral("imap/starttls TLSv1.3 ok"), QStringLiteral("imap/implicit TLSv1.3 ok"),
                 QStringLiteral("pop3/starttls TLSv1.3 ok"), QStringLiteral("pop3/implicit TLSv1.3 ok")}));
}

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
