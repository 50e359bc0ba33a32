// Option parsing of mailscope-cli check: host/port forms, defaults from the port, clear errors.

#include "cli/CheckCommand.h"
#include "cli/CliOptions.h"
#include "TestPrinters.h"

#include <QTemporaryFile>
#include <QTest>

class TestCliOptions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hostPort_data();
    void hostPort();
    void defaultsFromPort_data();
    void defaultsFromPort();
    void usageErrors_data();
    void usageErrors();
    void exitCodes();
    void credentialsFromEnvironmentAndFile();

private:
    static Parsed<CheckRequest> parse(const QStringList& args);
};

Parsed<CheckRequest> TestCliOptions::parse(const QStringList& args)
{
    QCommandLineParser parser;
    CliOptions::addCheckOptions(parser);
    if (!parser.parse(QStringList {QStringLiteral("mailscope-cli"), QStringLiteral("check")} + args)) {
        Parsed<CheckRequest> failed;
        failed.error = parser.errorText();
        return failed;
    }
    return CliOptions::parseCheck(parser);
}

void TestCliOptions::hostPort_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port"); // -1: none, -2: error
    QTest::newRow("name") << "mx.example.org"
                          << "mx.example.org" << -1;
    QTest::newRow("name:port") << "mx.example.org:587"
                               << "mx.example.org" << 587;
    QTest::newRow("v4:port") << "127.0.0.1:25"
                             << "127.0.0.1" << 25;
    QTest::newRow("bare v6") << "::1"
                             << "::1" << -1;
    QTest::newRow("[v6]:port") << "[::1]:465"
                               << "::1" << 465;
    QTest::newRow("[v6]") << "[::1]"
                          << "::1" << -1;
    QTest::newRow("port 0") << "host:0"
                            << "" << -2;
    QTest::newRow("port too big") << "host:70000"
                                  << "" << -2;
    QTest::newRow("port text") << "host:smtp"
                               << "" << -2;
    QTest::newRow("no host") << ":25"
                             << "" << -2;
    QTest::newRow("unclosed bracket") << "[::1:25"
                                      << "" << -2;
}

void TestCliOptions::hostPort()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QString error;
    const auto hp = CliOptions::parseHostPort(text, &error);
    if (port == -2) {
        QVERIFY(!hp);
        QVERIFY(!error.isEmpty());
        return;
    }
    QVERIFY(hp);
    QCOMPARE(hp->host, host);
    QCOMPARE(hp->port.has_value(), port >= 0);
    if (port >= 0)
        QCOMPARE(int(*hp->port), port);
}

void TestCliOptions::defaultsFromPort_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<TlsMode>("tls");
    QTest::addColumn<int>("port");
    QTest::newRow("25") << QStringList {QStringLiteral("h:25")} << Protocol::Smtp << TlsMode::StartTls << 25;
    QTest::newRow("465") << QStringList {QStringLiteral("h:465")} << Protocol::Smtp << TlsMode::Implicit
                         << 465;
    QTest::newRow("587") << QStringList {QStringLiteral("h:587")} << Protocol::Smtp << TlsMode::StartTls
                         << 587;
    QTest::newRow("993") << QStringList {QStringLiteral("h:993")} << Protocol::Imap << TlsMode::Implicit
                         << 993;
    QTest::newRow("110") << QStringList {QStringLiteral("h:110")} << Protocol::Pop3 << TlsMode::StartTls
                         << 110;
    QTest::newRow("no port") << QStringList {QStringLiteral("h")} << Protocol::Smtp << TlsMode::StartTls
                             << 25;
    QTest::newRow("no port, implicit")
        << QStringList {QStringLiteral("h"), QStringLiteral("--tls"), QStringLiteral("implicit")}
        << Protocol::Smtp << TlsMode::Implicit << 465;
    QTest::newRow("override") << QStringList {QStringLiteral("h:2525"), QStringLiteral("--tls"),
                                              QStringLiteral("none")}
                              << Protocol::Smtp << TlsMode::None << 2525;
}

void TestCliOptions::defaultsFromPort()
{
    QFETCH(QStringList, args);
    QFETCH(Protocol, protocol);
    QFETCH(TlsMode, tls);
    QFETCH(int, port);
    const auto parsed = parse(args);
    QVERIFY2(parsed.value, qPrintable(parsed.error));
    QCOMPARE(parsed.value->probe.protocol, protocol);
    QCOMPARE(parsed.value->probe.tls, tls);
    QCOMPARE(int(parsed.value->probe.port), port);
    QCOMPARE(parsed.value->probe.policy, TlsPolicy::Enforce);
    QVERIFY(!parsed.value->probe.insecure);
}

void TestCliOptions::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no host") << QStringList {} << "needs a server";
    QTest::newRow("two hosts") << QStringList {QStringLiteral("a"), QStringLiteral("b")} << "one server";
    QTest::newRow("bad tls") << QStringList {QStringLiteral("h"), QStringLiteral("--tls"),
                                             QStringLiteral("ssl")}
                             << "--tls";
    QTest::newRow("bad policy") << QStringList {QStringLiteral("h"), QStringLiteral("--policy"),
                                                QStringLiteral("x")}
                                << "--policy";
    QTest::newRow("bad timeout") << QStringList {QStringLiteral("h"), QStringLiteral("--timeout"),
                                                 QStringLiteral("-1")}
                                 << "--timeout";
    QTest::newRow("bad step") << QStringList {QStringLiteral("h"), QStringLiteral("--stop-after"),
                                              QStringLiteral("x")}
                              << "not a step";
    QTest::newRow("missing ca file") << QStringList {QStringLiteral("h"), QStringLiteral("--ca-file"),
                                                     QStringLiteral("/nonexistent/ca.pem")}
                                     << "--ca-file";
    QTest::newRow("bad helo") << QStringList {QStringLiteral("h"), QStringLiteral("--helo"),
                                              QStringLiteral("a b")}
                              << "--helo";
    QTest::newRow("bad format") << QStringList {QStringLiteral("h"), QStringLiteral("--format"),
                                                QStringLiteral("xml")}
                                << "--format";
    QTest::newRow("password on the command line")
        << QStringList {QStringLiteral("h"), QStringLiteral("--user"), QStringLiteral("u"),
                        QStringLiteral("--password"), QStringLiteral("hunter2")}
        << "--password is refused";
    QTest::newRow("user without password")
        << QStringList {QStringLiteral("h"), QStringLiteral("--user"), QStringLiteral("u")}
        << "needs a password";
    QTest::newRow("unset variable") << QStringList {QStringLiteral("h"), QStringLiteral("--user"),
                                                    QStringLiteral("u"), QStringLiteral("--password-env"),
                                                    QStringLiteral("MAILSCOPE_SURELY_UNSET")}
                                    << "is not set";
    QTest::newRow("password without user")
        << QStringList {QStringLiteral("h"), QStringLiteral("--password-env"), QStringLiteral("HOME")}
        << "needs a user";
    QTest::newRow("bad mechanism") << QStringList {QStringLiteral("h"), QStringLiteral("--auth"),
                                                   QStringLiteral("ntlm")}
                                   << "--auth";
}

void TestCliOptions::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const auto parsed = parse(args);
    QVERIFY(!parsed.value);
    QVERIFY2(parsed.error.contains(mentions), qPrintable(parsed.error));
}

void TestCliOptions::exitCodes()
{
    QCOMPARE(CheckCommand::exitCodeFor(Verdict::Ok), 0);
    QCOMPARE(CheckCommand::exitCodeFor(Verdict::Warning), 1);
    QCOMPARE(CheckCommand::exitCodeFor(Verdict::Critical), 2);
    QCOMPARE(CheckCommand::exitCodeFor(Verdict::Unknown), 3);
}

void TestCliOptions::credentialsFromEnvironmentAndFile()
{
    qputenv("MAILSCOPE_TEST_SECRET", "s3cret from env");
    auto parsed = parse({QStringLiteral("h"), QStringLiteral("--user"), QStringLiteral("alice"),
                         QStringLiteral("--password-env"), QStringLiteral("MAILSCOPE_TEST_SECRET")});
    QVERIFY2(parsed.value, qPrintable(parsed.error));
    QCOMPARE(parsed.value->probe.user, QStringLiteral("alice"));
    QCOMPARE(parsed.value->probe.password, QByteArray("s3cret from env"));
    QCOMPARE(parsed.value->probe.authMechanism, QStringLiteral("auto"));
    QVERIFY(!parsed.value->probe.showSecrets);

    QTemporaryFile file;
    QVERIFY(file.open());
    file.write("file secret\r\nsecond line ignored\n");
    file.flush();
    parsed =
        parse({QStringLiteral("h"), QStringLiteral("--user"), QStringLiteral("bob"),
               QStringLiteral("--password-file"), file.fileName(), QStringLiteral("--auth"),
               QStringLiteral("LOGIN"), QStringLiteral("--show-secrets"), QStringLiteral("--tls-versions")});
    QVERIFY2(parsed.value, qPrintable(parsed.error));
    QCOMPARE(parsed.value->probe.password, QByteArray("file secret"));
    QCOMPARE(parsed.value->probe.authMechanism, QStringLiteral("login"));
    QVERIFY(parsed.value->probe.showSecrets);
    QVERIFY(parsed.value->probe.audit.versions);
    QVERIFY(!parsed.value->probe.audit.ciphers);
}

QTEST_GUILESS_MAIN(TestCliOptions)
#include "TestCliOptions.moc"
