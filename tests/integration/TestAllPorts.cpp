// The all-ports view's engine (AllPortsCheck), `mailscope-cli check --all-ports`, `compare` and the
// run history of `check --profile`, against the real Postfix and Dovecot of the real-servers
// fixture. The eight well-known ports are mapped onto the fixture's listeners:
//   25 -> SMTP_PORT (STARTTLS "may"), 465 -> SMTPS_PORT (wrapper mode), 587 -> SUBMISSION_PORT
//   (STARTTLS required, AUTH only under TLS), 2525 -> SMTP_TLS12_PORT (STARTTLS, TLS 1.2 only),
//   143/993/110/995 -> Dovecot's IMAP, IMAPS, POP3, POP3S.
// The expected rows follow from that configuration (tests/integration/servers/start-postfix.sh,
// start-dovecot.sh) and from QT-NOTES: Dovecot treats 127.0.0.1 as secure and offers a plaintext
// login before STARTTLS there.

#include "check/AllPortsCheck.h"
#include "findings/FindingCatalogue.h"
#include "profiles/RunHistory.h"
#include "RealServers.h"
#include "run/ReportJson.h"
#include "run/ReportReader.h"
#include "run/RunComparison.h"
#include "RunHelpers.h"
#include "TestPrinters.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int CliTimeoutMs = 120000;

struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString text() const { return QString::fromUtf8(out + err); }
};

/// A row as the test writes it: port, security, TLS version, certificate, AUTH before TLS, verdict.
QString rowText(const PortRow& r)
{
    return QStringLiteral("%1 reachable=%2 %3 %4 cert=%5 auth-before-tls=%6 %7")
        .arg(r.service.port)
        .arg(r.reachable ? QStringLiteral("yes") : QStringLiteral("no"))
        .arg(toKey(r.security), r.tlsVersion.isEmpty() ? QStringLiteral("-") : r.tlsVersion,
             toKey(r.certificate), r.authBeforeTls ? QStringLiteral("yes") : QStringLiteral("no"),
             toKey(r.verdict));
}

} // namespace

class TestAllPorts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void allPortsAgainstPostfixAndDovecot();
    void closedPortsAreLeftOutOfTheVerdict();
    void cliAllPortsTableAndJson();
    void cliAllPortsUsageErrors_data();
    void cliAllPortsUsageErrors();
    void compareTwoRealRuns();
    void cliCompare();
    void profileRunsGoToTheHistoryWithoutSecrets();

private:
    QMap<quint16, quint16> portMap() const;
    QString portsOption() const;
    ProbeOptions base() const;
    CliResult cli(const QStringList& args,
                  const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
    Run runOnce(quint16 port);

    RealServers m_servers;
    QTemporaryDir m_dir;
};

void TestAllPorts::initTestCase()
{
    QString error;
    QVERIFY2(m_servers.load(&error), qPrintable(error));
    for (const char* key : {"SMTP_PORT", "SMTPS_PORT", "SUBMISSION_PORT", "SMTP_TLS12_PORT",
                            "SMTP_TLS13_PORT", "IMAP_PORT", "IMAPS_PORT", "POP3_PORT", "POP3S_PORT"})
        QVERIFY2(m_servers.port(QString::fromLatin1(key)) > 0, key);
    QVERIFY(m_dir.isValid());
}

QMap<quint16, quint16> TestAllPorts::portMap() const
{
    return {{25, m_servers.port(QStringLiteral("SMTP_PORT"))},
            {465, m_servers.port(QStringLiteral("SMTPS_PORT"))},
            {587, m_servers.port(QStringLiteral("SUBMISSION_PORT"))},
            {2525, m_servers.port(QStringLiteral("SMTP_TLS12_PORT"))},
            {143, m_servers.port(QStringLiteral("IMAP_PORT"))},
            {993, m_servers.port(QStringLiteral("IMAPS_PORT"))},
            {110, m_servers.port(QStringLiteral("POP3_PORT"))},
            {995, m_servers.port(QStringLiteral("POP3S_PORT"))}};
}

QString TestAllPorts::portsOption() const
{
    QStringList items;
    const QMap<quint16, quint16> map = portMap();
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        items.append(QStringLiteral("%1=%2").arg(it.key()).arg(it.value()));
    return items.join(QLatin1Char(','));
}

ProbeOptions TestAllPorts::base() const
{
    ProbeOptions o;
    o.host = QStringLiteral("localhost"); // the leaf certificate names localhost
    o.extraCaCertificates = m_servers.certificates(QStringLiteral("CA_FILE"));
    return o;
}

CliResult TestAllPorts::cli(const QStringList& args, const QProcessEnvironment& env)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(MAILSCOPE_CLI_PATH), args);
    CliResult result;
    if (!process.waitForFinished(CliTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    return result;
}

void TestAllPorts::allPortsAgainstPostfixAndDovecot()
{
    AllPortsCheck check(base(), portMap());
    QSignalSpy rows(&check, &AllPortsCheck::rowFinished);
    QSignalSpy done(&check, &AllPortsCheck::finished);
    // Concurrency, shown by its cause rather than a clock: when the first port is done, every
    // other port has already connected (all were started together, none waits for another).
    int connectedWhenFirstDone = -1;
    connect(&check, &AllPortsCheck::rowFinished, this, [&] {
        if (connectedWhenFirstDone >= 0)
            return;
        connectedWhenFirstDone = 0;
        for (int i = 0; i < check.count(); ++i)
            connectedWhenFirstDone += check.run(i).step(StepId::Connect) ? 1 : 0;
    });
    check.start();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
    QCOMPARE(rows.size(), 8);
    QCOMPARE(connectedWhenFirstDone, 8);

    QStringList actual;
    for (int i = 0; i < check.count(); ++i)
        actual.append(rowText(check.row(i)));
    const QStringList expected {
        // Postfix: STARTTLS offered, no SASL on port 25 (smtpd_sasl_auth_enable = no).
        QStringLiteral("25 reachable=yes starttls TLSv1.3 cert=trusted auth-before-tls=no ok"),
        QStringLiteral("465 reachable=yes implicit-tls TLSv1.3 cert=trusted auth-before-tls=no ok"),
        // Submission: smtpd_tls_auth_only = yes, so AUTH is only announced after STARTTLS.
        QStringLiteral("587 reachable=yes starttls TLSv1.3 cert=trusted auth-before-tls=no ok"),
        // The TLS-1.2-only listener.
        QStringLiteral("2525 reachable=yes starttls TLSv1.2 cert=trusted auth-before-tls=no ok"),
        // Dovecot offers a plaintext login to 127.0.0.1 before STARTTLS (QT-NOTES): a warning.
        QStringLiteral("143 reachable=yes starttls TLSv1.3 cert=trusted auth-before-tls=yes warning"),
        QStringLiteral("993 reachable=yes implicit-tls TLSv1.3 cert=trusted auth-before-tls=no ok"),
        QStringLiteral("110 reachable=yes starttls TLSv1.3 cert=trusted auth-before-tls=yes warning"),
        QStringLiteral("995 reachable=yes implicit-tls TLSv1.3 cert=trusted auth-before-tls=no ok"),
    };
    QCOMPARE(actual, expected);
    QCOMPARE(findingIds(check.run(4)), ids({FindingIds::PlaintextAuthOffered}));
    QCOMPARE(findingIds(check.run(6)), ids({FindingIds::PlaintextAuthOffered}));
    QCOMPARE(findingIds(check.run(0)), ids({}));
    QCOMPARE(check.run(3).target.port, m_servers.port(QStringLiteral("SMTP_TLS12_PORT")));
    QCOMPARE(check.worstVerdict(), Verdict::Warning);
}

void TestAllPorts::closedPortsAreLeftOutOfTheVerdict()
{
    // A port that was just free: nothing listens there (connection refused).
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 closed = probe.serverPort();
    probe.close();

    QMap<quint16, quint16> map;
    const QList<MailService> services = AllPortsCheck::standardServices();
    for (const MailService& s : services)
        map.insert(s.port, closed);
    map.insert(465, m_servers.port(QStringLiteral("SMTPS_PORT")));
    AllPortsCheck check(base(), map);
    QSignalSpy done(&check, &AllPortsCheck::finished);
    check.start();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
    QCOMPARE(rowText(check.row(0)),
             QStringLiteral("25 reachable=no unreachable - cert=none auth-before-tls=no critical"));
    QCOMPARE(findingIds(check.run(0)), ids({FindingIds::ConnectionRefused}));
    QCOMPARE(rowText(check.row(1)),
             QStringLiteral("465 reachable=yes implicit-tls TLSv1.3 cert=trusted auth-before-tls=no ok"));
    // Seven closed ports and one good one: the host is OK.
    QCOMPARE(check.worstVerdict(), Verdict::Ok);

    // Nothing reachable at all: no mail service answers, which is critical.
    QList<PortRow> none;
    for (int i = 0; i < check.count(); ++i) {
        if (i != 1)
            none.append(check.row(i));
    }
    QCOMPARE(AllPortsCheck::worstVerdict(none), Verdict::Critical);
}

void TestAllPorts::cliAllPortsTableAndJson()
{
    const QStringList args {QStringLiteral("check"),
                            QStringLiteral("localhost"),
                            QStringLiteral("--all-ports"),
                            QStringLiteral("--ports"),
                            portsOption(),
                            QStringLiteral("--ca-file"),
                            m_servers.value(QStringLiteral("CA_FILE"))};
    CliResult r = cli(args);
    QVERIFY2(r.exitCode == 1, qPrintable(r.text())); // the worst verdict: WARNING (Dovecot's plaintext login)
    QCOMPARE(r.err, QByteArray());
    const QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 11);
    QCOMPARE(lines[0], QStringLiteral("All mail ports of localhost:"));
    QCOMPARE(lines[1].simplified(),
             QStringLiteral("PORT SERVICE REACHABLE SECURITY TLS CERTIFICATE AUTH BEFORE TLS VERDICT"));
    const auto port = [this](const char* key) {
        return QString::number(m_servers.port(QString::fromLatin1(key)));
    };
    const QStringList expected {
        QStringLiteral("25 (%1) smtp yes STARTTLS TLSv1.3 trusted no ok").arg(port("SMTP_PORT")),
        QStringLiteral("465 (%1) submissions yes implicit TLS TLSv1.3 trusted no ok").arg(port("SMTPS_PORT")),
        QStringLiteral("587 (%1) submission yes STARTTLS TLSv1.3 trusted no ok").arg(port("SUBMISSION_PORT")),
        QStringLiteral("2525 (%1) smtp-alt yes STARTTLS TLSv1.2 trusted no ok").arg(port("SMTP_TLS12_PORT")),
        QStringLiteral("143 (%1) imap yes STARTTLS TLSv1.3 trusted yes warning").arg(port("IMAP_PORT")),
        QStringLiteral("993 (%1) imaps yes implicit TLS TLSv1.3 trusted no ok").arg(port("IMAPS_PORT")),
        QStringLiteral("110 (%1) pop3 yes STARTTLS TLSv1.3 trusted yes warning").arg(port("POP3_PORT")),
        QStringLiteral("995 (%1) pop3s yes implicit TLS TLSv1.3 trusted no ok").arg(port("POP3S_PORT")),
    };
    for (int i = 0; i < 8; ++i)
        QCOMPARE(lines[2 + i].simplified(), expected[i]);
    QCOMPARE(lines[10], QStringLiteral("Overall: warning (closed ports are not counted)"));

    r = cli(args + QStringList {QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 1);
    const QJsonArray reports = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(reports.size(), 8);
    QStringList targets;
    for (const QJsonValue& v : reports) {
        const QJsonObject target = v.toObject().value(QStringLiteral("target")).toObject();
        targets.append(QStringLiteral("%1/%2/%3")
                           .arg(target.value(QStringLiteral("port")).toInt())
                           .arg(target.value(QStringLiteral("protocol")).toString(),
                                target.value(QStringLiteral("tls")).toString()));
    }
    QCOMPARE(targets, (QStringList {
                          QStringLiteral("%1/smtp/starttls").arg(port("SMTP_PORT")),
                          QStringLiteral("%1/smtp/implicit").arg(port("SMTPS_PORT")),
                          QStringLiteral("%1/smtp/starttls").arg(port("SUBMISSION_PORT")),
                          QStringLiteral("%1/smtp/starttls").arg(port("SMTP_TLS12_PORT")),
                          QStringLiteral("%1/imap/starttls").arg(port("IMAP_PORT")),
                          QStringLiteral("%1/imap/implicit").arg(port("IMAPS_PORT")),
                          QStringLiteral("%1/pop3/starttls").arg(port("POP3_PORT")),
                          QStringLiteral("%1/pop3/implicit").arg(port("POP3S_PORT")),
                      }));
    // Each element is a full report that reads back.
    const ReportReader::Result one = ReportReader::read(QJsonDocument(reports[4].toObject()).toJson());
    QVERIFY2(one.run, qPrintable(one.error));
    QCOMPARE(findingIds(*one.run), ids({FindingIds::PlaintextAuthOffered}));
}

void TestAllPorts::cliAllPortsUsageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("port given") << QStringList {QStringLiteral("localhost:25")}
                                << QStringLiteral(
                                       "--all-ports checks every mail port: give the host without a port.");
    QTest::newRow("protocol") << QStringList {QStringLiteral("localhost"), QStringLiteral("--protocol"),
                                              QStringLiteral("imap")}
                              << QStringLiteral("leave out --protocol");
    QTest::newRow("bad map") << QStringList {QStringLiteral("localhost"), QStringLiteral("--ports"),
                                             QStringLiteral("25:2500")}
                             << QStringLiteral("--ports: \"25:2500\" is not SERVICE_PORT=PORT");
    QTest::newRow("unknown service") << QStringList {QStringLiteral("localhost"), QStringLiteral("--ports"),
                                                     QStringLiteral("26=2500")}
                                     << QStringLiteral("--ports: 26 is not one of the mail ports");
    QTest::newRow("twice") << QStringList {QStringLiteral("localhost"), QStringLiteral("--ports"),
                                           QStringLiteral("25=1,25=2")}
                           << QStringLiteral("--ports: 25 is given twice.");
    QTest::newRow("port zero") << QStringList {QStringLiteral("localhost"), QStringLiteral("--ports"),
                                               QStringLiteral("25=0")}
                               << QStringLiteral("--ports");
}

void TestAllPorts::cliAllPortsUsageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CliResult r = cli(QStringList {QStringLiteral("check"), QStringLiteral("--all-ports")} + args);
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.out, QByteArray());
    QVERIFY2(r.text().startsWith(QStringLiteral("mailscope-cli check: ")), qPrintable(r.text()));
    QVERIFY2(r.text().contains(message), qPrintable(r.text()));
}

Run TestAllPorts::runOnce(quint16 port)
{
    ProbeOptions o = base();
    o.port = port;
    return runToEnd(o);
}

void TestAllPorts::compareTwoRealRuns()
{
    // The same Postfix on its TLS-1.2-only and its TLS-1.3-only listener: the comparison must
    // name the version and the cipher, and nothing about the certificate or the key exchange (the
    // same ECDHE group on both; the engine reads the negotiated group from OpenSSL).
    const Run a = runOnce(m_servers.port(QStringLiteral("SMTP_TLS12_PORT")));
    const Run b = runOnce(m_servers.port(QStringLiteral("SMTP_TLS13_PORT")));
    QCOMPARE(a.tls->protocol, QStringLiteral("TLSv1.2"));
    const RunComparison c = RunComparison::compare(a, b);
    QStringList fields;
    for (const FieldChange& f : c.changes)
        fields.append(f.field);
    QCOMPARE(fields, (QStringList {QStringLiteral("target"), QStringLiteral("tls.protocol"),
                                   QStringLiteral("tls.cipher")}));
    QCOMPARE(c.change(QStringLiteral("tls.protocol"))->after, QStringLiteral("TLSv1.3"));
    QVERIFY(!RunComparison::fieldValue(b, QStringLiteral("tls.key_exchange")).isEmpty());
    QVERIFY2(c.change(QStringLiteral("tls.cipher"))->after.startsWith(QStringLiteral("TLS_")),
             qPrintable(c.change(QStringLiteral("tls.cipher"))->after));
    QVERIFY(c.capabilitiesPlain.isEmpty());
    QVERIFY(c.capabilitiesTls.isEmpty());
    QVERIFY(c.findings.isEmpty());
    QCOMPARE(c.steps.size(), a.steps.size());
    QVERIFY(std::none_of(c.steps.cbegin(), c.steps.cend(),
                         [](const StepComparison& s) { return s.statusChanged(); }));

    // The same server twice: nothing but timings.
    const Run again = runOnce(m_servers.port(QStringLiteral("SMTP_TLS12_PORT")));
    QVERIFY(RunComparison::compare(a, again).isUnchanged());
}

void TestAllPorts::cliCompare()
{
    const QString a = m_dir.filePath(QStringLiteral("a.json"));
    const QString b = m_dir.filePath(QStringLiteral("b.json"));
    const QString c = m_dir.filePath(QStringLiteral("c.json"));
    const auto check = [this](const QString& portKey, const QString& out, const QString& caKey) {
        return cli({QStringLiteral("check"), QStringLiteral("localhost:%1").arg(m_servers.port(portKey)),
                    QStringLiteral("--ca-file"), m_servers.value(caKey), QStringLiteral("--output"), out});
    };
    QCOMPARE(check(QStringLiteral("SMTP_PORT"), a, QStringLiteral("CA_FILE")).exitCode, 0);
    QCOMPARE(check(QStringLiteral("SMTP_PORT"), b, QStringLiteral("CA_FILE")).exitCode, 0);
    // The wrong CA: the certificate is no longer verified, the run fails (CRITICAL).
    QCOMPARE(check(QStringLiteral("SMTP_PORT"), c, QStringLiteral("WRONG_CA_FILE")).exitCode, 2);

    CliResult r = cli({QStringLiteral("compare"), a, b});
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    QVERIFY2(r.out.contains("Nothing changed but the timings.\n"), qPrintable(r.text()));

    r = cli({QStringLiteral("compare"), a, c});
    QVERIFY2(r.exitCode == 2, qPrintable(r.text())); // the verdict got worse
    QVERIFY2(r.out.contains("Verdict: ok -> critical\n"), qPrintable(r.text()));
    QVERIFY2(r.out.contains("Certificate verified: yes -> no\n"), qPrintable(r.text()));
    QVERIFY2(r.out.contains("Findings: + cert-untrusted-chain\n"), qPrintable(r.text()));

    r = cli({QStringLiteral("compare"), c, a, QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 1, qPrintable(r.text())); // changed, and better
    const QJsonObject json = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(json.value(QStringLiteral("unchanged")).toBool(true), false);
    QCOMPARE(json[QStringLiteral("findings")][QStringLiteral("removed")].toArray(),
             QJsonArray {QStringLiteral("cert-untrusted-chain")});
    QCOMPARE(
        json[QStringLiteral("changes")].toArray()[0].toObject().value(QStringLiteral("field")).toString(),
        QStringLiteral("verdict"));

    // Unreadable input: exit 3 and a message that names the file and the cause.
    const QString broken = m_dir.filePath(QStringLiteral("broken.json"));
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"schema_version\": 1, \"target\": ");
    f.close();
    r = cli({QStringLiteral("compare"), a, broken});
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.out, QByteArray());
    QVERIFY2(r.err.startsWith("mailscope-cli compare: " + broken.toUtf8() + ": Not valid JSON"),
             qPrintable(r.text()));
    r = cli({QStringLiteral("compare"), a, m_dir.filePath(QStringLiteral("missing.json"))});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("no such file"), qPrintable(r.text()));
    r = cli({QStringLiteral("compare"), a});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("give two reports"), qPrintable(r.text()));
}

void TestAllPorts::profileRunsGoToTheHistoryWithoutSecrets()
{
    // A throwaway HOME: the profile file and the history land under these two directories.
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    QFile passwordFile(m_servers.value(QStringLiteral("TEST_PASSWORD_FILE")));
    QVERIFY(passwordFile.open(QIODevice::ReadOnly));
    const QByteArray password = passwordFile.readLine().trimmed();
    QVERIFY(password.size() >= 8);
    env.insert(QStringLiteral("MS_TEST_PW"), QString::fromUtf8(password));

    CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("sub"),
                       QStringLiteral("localhost:%1").arg(m_servers.port(QStringLiteral("SUBMISSION_PORT"))),
                       QStringLiteral("--ca-file"), m_servers.value(QStringLiteral("CA_FILE"))},
                      env);
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    // Three runs: two logging in with the secret shown on the terminal (the user asked), one plain.
    const QStringList login {QStringLiteral("check"),
                             QStringLiteral("--profile"),
                             QStringLiteral("sub"),
                             QStringLiteral("--user"),
                             m_servers.value(QStringLiteral("TEST_USER")),
                             QStringLiteral("--password-env"),
                             QStringLiteral("MS_TEST_PW"),
                             QStringLiteral("--show-secrets"),
                             QStringLiteral("--json")};
    for (int i = 0; i < 2; ++i) {
        r = cli(login, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    }
    // The scan below can fail: the report on stdout does carry the secret (base64 in AUTH PLAIN).
    QVERIFY(r.out.contains(plainResponse(m_servers.value(QStringLiteral("TEST_USER")).toUtf8(), password)));
    r = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("sub")}, env);
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));

    RunHistory history(home.filePath(QStringLiteral("data/Mailscope/history")));
    // The profile's id is its history key: read it from the profile file.
    QFile profiles(home.filePath(QStringLiteral("config/Mailscope/profiles.json")));
    QVERIFY(profiles.open(QIODevice::ReadOnly));
    const QString id = QJsonDocument::fromJson(profiles.readAll())
                           .object()[QStringLiteral("profiles")]
                           .toArray()[0]
                           .toObject()[QStringLiteral("id")]
                           .toString();
    QVERIFY(!id.isEmpty());
    QStringList problems;
    const QList<HistoryEntry> entries = history.entries(id, &problems);
    QCOMPARE(problems, QStringList());
    QCOMPARE(entries.size(), 3);
    for (const HistoryEntry& e : entries) {
        QCOMPARE(e.verdict, Verdict::Ok);
        QCOMPARE(e.tlsProtocol, QStringLiteral("TLSv1.3"));
    }
    // The newest has no auth step, the older two logged in.
    const ReportReader::Result newest = ReportReader::readFile(entries[0].path);
    QVERIFY2(newest.run, qPrintable(newest.error));
    QCOMPARE(newest.run->step(StepId::Auth), nullptr);
    const ReportReader::Result older = ReportReader::readFile(entries[1].path);
    QVERIFY2(older.run, qPrintable(older.error));
    QCOMPARE(older.run->step(StepId::Auth)->status, StepStatus::Ok);

    // No form of the password in any file under the config or data directories.
    const QByteArray plain = plainResponse(m_servers.value(QStringLiteral("TEST_USER")).toUtf8(), password);
    int files = 0;
    QDirIterator it(home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        ++files;
        QVERIFY2(!bytes.contains(password), qPrintable(f.fileName()));
        QVERIFY2(!bytes.contains(plain), qPrintable(f.fileName()));
        QVERIFY2(!bytes.contains(password.toBase64()), qPrintable(f.fileName()));
    }
    QCOMPARE(files, 4); // profiles.json and three history entries
}

QTEST_GUILESS_MAIN(TestAllPorts)
#include "TestAllPorts.moc"
