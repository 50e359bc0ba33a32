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
    void seconds_data();
    void seconds();
    void credentialsFromEnvironmentAndFile();
    void deadline_data();
    void deadline();

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
    // Hardening (issue 8): an empty port is not "the default port", and a host must be a name
    // (RFC 1123 s.2.1, IDN through its ACE form) or an address.
    const auto bad = [](const char* name, const char* text) { QTest::newRow(name) << text << "" << -2; };
    bad("empty port", "host:");
    bad("empty port after [v6]", "[::1]:");
    bad("port 65536", "host:65536");
    bad("port with sign", "host:+25");
    bad("port with space", "host: 25");
    bad("space in name", "exa mple.org");
    bad("tab in name", "exa\tmple.org");
    bad("underscore", "a_b.example");
    bad("leading hyphen", "-mx.example.org");
    bad("trailing hyphen", "mx-.example.org");
    bad("empty label", "mx..example.org");
    bad("label of 64", qPrintable(QString(64, QLatin1Char('a')) + QStringLiteral(".example")));
    bad("name of 254",
        qPrintable((QString(62, QLatin1Char('a')) + QLatin1Char('.')).repeated(4) + QStringLiteral("ab")));
    bad("IPv4 out of range", "999.1.1.1");
    bad("IPv4 short form", "1.2.3");
    bad("bare number", "123");
    bad("name in brackets", "[mx.example.org]:25");
    bad("bad IPv6", "1:2:3:4:5:6:7:8:9");
    bad("slash", "mx.example.org/25");
    QTest::newRow("trailing dot") << "mx.example.org.:587"
                                  << "mx.example.org." << 587;
    QTest::newRow("IDN") << "b\u00fccher.example"
                         << "b\u00fccher.example" << -1;
    QTest::newRow("label of 63") << qPrintable(QString(63, QLatin1Char('a')) + QStringLiteral(".example:25"))
                                 << QString(63, QLatin1Char('a')) + QStringLiteral(".example") << 25;
    QTest::newRow("single label") << "localhost:2525"
                                  << "localhost" << 2525;
    QTest::newRow("digits and letters") << "123mail.example"
                                        << "123mail.example" << -1;
    QTest::newRow("port 65535") << "[::1]:65535"
                                << "::1" << 65535;
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

void TestCliOptions::seconds_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("ms"); // -1: refused
    QTest::newRow("whole") << "5" << 5000;
    QTest::newRow("fraction") << "0.25" << 250;
    QTest::newRow("leading dot") << ".5" << 500;
    QTest::newRow("trailing zeros") << "1.5000" << 1500;
    QTest::newRow("minimum") << "0.001" << 1;
    QTest::newRow("maximum") << "3600" << 3600000;
    QTest::newRow("one past the maximum") << "3600.001" << -1;
    QTest::newRow("below the minimum") << "0.0009" << -1;
    QTest::newRow("sub-millisecond") << "1.0001" << -1;
    QTest::newRow("zero") << "0" << -1;
    QTest::newRow("nan") << "nan" << -1;
    QTest::newRow("inf") << "inf" << -1;
    QTest::newRow("negative") << "-1" << -1;
    QTest::newRow("exponent") << "1e2" << -1;
    QTest::newRow("lone dot") << "." << -1;
    QTest::newRow("empty") << "" << -1;
}

void TestCliOptions::seconds()
{
    QFETCH(QString, text);
    QFETCH(int, ms);
    QString error;
    const auto parsed = CliOptions::parseSeconds(QStringLiteral("--timeout"), text, 1, 3600 * 1000, &error);
    if (ms < 0) {
        QVERIFY(!parsed);
        QVERIFY2(error.startsWith(QLatin1String("--timeout takes a number of seconds from 0.001 to 3600")),
                 qPrintable(error));
        return;
    }
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(*parsed, ms);
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

void TestCliOptions::deadline_data()
{
    QTest::addColumn<QString>("text"); // empty: option not given
    QTest::addColumn<int>("ms"); // -1: refused
    QTest::newRow("default") << "" << 120000;
    QTest::newRow("whole") << "30" << 30000;
    QTest::newRow("fraction") << "2.5" << 2500;
    QTest::newRow("one ms") << "0.001" << 1;
    QTest::newRow("a day") << "86400" << 86400000;
    // Each of these would otherwise mean "no limit" or "0 ms".
    QTest::newRow("nan") << "nan" << -1;
    QTest::newRow("inf") << "inf" << -1;
    QTest::newRow("negative") << "-5" << -1;
    QTest::newRow("zero") << "0" << -1;
    QTest::newRow("rounds to 0 ms") << "0.0001" << -1;
    QTest::newRow("more than a day") << "86401" << -1;
    QTest::newRow("text") << "soon" << -1;
}

void TestCliOptions::deadline()
{
    QFETCH(QString, text);
    QFETCH(int, ms);
    QStringList args {QStringLiteral("h")};
    if (!text.isEmpty())
        args << QStringLiteral("--deadline") << text;
    const auto parsed = parse(args);
    if (ms < 0) {
        QVERIFY(!parsed.value);
        QVERIFY2(parsed.error.contains(QLatin1String("--deadline")), qPrintable(parsed.error));
        QVERIFY2(parsed.error.contains(text), qPrintable(parsed.error));
        return;
    }
    QVERIFY2(parsed.value, qPrintable(parsed.error));
    QCOMPARE(parsed.value->deadlineMs, ms);
}

QTEST_GUILESS_MAIN(TestCliOptions)
#include "TestCliOptions.moc"
