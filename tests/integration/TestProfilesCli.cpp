// mailscope-cli profiles and check --profile (and domain --profile, compare of domain reports), end to end:
// real processes, the built-in demo server on 127.0.0.1, and a real Secret Service (gnome-keyring in a D-Bus
// session of its own: ctest runs this test through with-secret-service.sh). Also the paths without a
// keychain: none at all, and one that never answers. Nothing here connects anywhere but 127.0.0.1 (presets
// are only saved).

#include "demo/DemoServer.h"
#include "profiles/SecretStore.h"
#include "TestPrinters.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

namespace {

constexpr int WaitMs = 60000;
/// Distinctive, so that a hit cannot be a coincidence.
const QByteArray CanaryPassword = "Canary-pw-Qz81mXv4Lp2";

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
    QString both() const { return out + QLatin1Char('\n') + err; }
};

/// Every form in which `secret` could show up: itself, and base64 at each alignment (only the
/// characters that depend on the secret alone, so it matches inside a longer base64 stream).
QList<QByteArray> secretForms(const QByteArray& secret)
{
    QList<QByteArray> forms {secret};
    for (int offset = 0; offset < 3; ++offset) {
        const QByteArray encoded =
            (QByteArray(offset, '\0') + secret).toBase64(QByteArray::OmitTrailingEquals);
        const qsizetype skip = offset == 0 ? 0 : 4;
        forms.append(encoded.mid(skip, encoded.size() - skip - 4));
    }
    return forms;
}

QString runOpenssl(const QStringList& args, const QByteArray& input)
{
    QProcess p;
    p.start(QStringLiteral("openssl"), args);
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(WaitMs);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

} // namespace

class TestProfilesCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void addListShowDelete();
    void checkUsesTheProfileAndTheCommandLineWins();
    void acceptedFingerprintTrustsASelfSignedServer();
    void presetsAreTemplatesOnly();
    void exportImportRoundTrip();
    void brokenFileIsReportedAndKept();
    void parallelAddsNeverBreakTheFile();
    void secretStoreRoundTrip();
    void passwordGoesToTheSecretServiceAndIsUsed();
    void withoutAKeychainThePasswordIsNotStored();
    void anUnresponsiveKeychainTimesOut();
    void passwordNeverReachesADisk();
    void domainProfileIsCheckedKeptAndCompared();

private:
    CliResult cli(const QStringList& args, const QProcessEnvironment& extra = {});
    QString configFile() const { return m_home->filePath(QStringLiteral("config/Mailscope/profiles.json")); }
    QJsonObject showJson(const QString& name);
    QString demoTarget(Protocol protocol = Protocol::Smtp, TlsMode tls = TlsMode::StartTls) const
    {
        return QStringLiteral("127.0.0.1:%1").arg(m_demo.port(protocol, tls));
    }

    DemoServer m_demo;
    std::unique_ptr<QTemporaryDir> m_home;
};

void TestProfilesCli::initTestCase()
{
    // The wrapper's session: without it the keychain tests would test nothing.
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through tests/integration/with-secret-service.sh (ctest does)");
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
    m_demo.setScenario(QStringLiteral("good"));
}

void TestProfilesCli::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_demo.setScenario(QStringLiteral("good"));
}

CliResult TestProfilesCli::cli(const QStringList& args, const QProcessEnvironment& extra)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home->filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home->filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home->filePath(QStringLiteral("cache")));
    for (const QString& key : extra.keys())
        env.insert(key, extra.value(key));
    process.setProcessEnvironment(env);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(MAILSCOPE_CLI_PATH), args);
    // Wait with the event loop running: the demo server lives in this process.
    [&] { QVERIFY(finished.count() > 0 || finished.wait(WaitMs)); }();
    CliResult r;
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

QJsonObject TestProfilesCli::showJson(const QString& name)
{
    const CliResult r =
        cli({QStringLiteral("profiles"), QStringLiteral("show"), name, QStringLiteral("--json")});
    [&] { QVERIFY2(r.exitCode == 0, qPrintable(r.both())); }();
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

void TestProfilesCli::addListShowDelete()
{
    const QString name = QStringLiteral("Büro ✉ Köln");
    CliResult r =
        cli({QStringLiteral("profiles"), QStringLiteral("add"), name, demoTarget(),
             QStringLiteral("--ca-file"), m_demo.caFile(), QStringLiteral("--helo"),
             QStringLiteral("probe.example"), QStringLiteral("--timeout"), QStringLiteral("5"),
             QStringLiteral("--stop-after"), QStringLiteral("greeting-tls"), QStringLiteral("--tls-versions"),
             QStringLiteral("--notes"), QStringLiteral("Zweigstelle — 東京"), QStringLiteral("--from"),
             QStringLiteral("a@example.org"), QStringLiteral("--to"), QStringLiteral("b@example.org")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    QVERIFY2(r.out.contains(configFile()), qPrintable(r.out));

    const QJsonObject p = showJson(name);
    QCOMPARE(p.value(QStringLiteral("name")).toString(), name);
    QCOMPARE(p.value(QStringLiteral("host")).toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(p.value(QStringLiteral("port")).toInt(), int(m_demo.port(Protocol::Smtp, TlsMode::StartTls)));
    QCOMPARE(p.value(QStringLiteral("protocol")).toString(), QStringLiteral("smtp"));
    QCOMPARE(p.value(QStringLiteral("tls")).toString(), QStringLiteral("starttls"));
    QCOMPARE(p.value(QStringLiteral("helo")).toString(), QStringLiteral("probe.example"));
    QCOMPARE(p.value(QStringLiteral("timeout_ms")).toInt(), 5000);
    QCOMPARE(p.value(QStringLiteral("stop_after")).toString(), QStringLiteral("greeting-tls"));
    QCOMPARE(p.value(QStringLiteral("audit")).toObject().value(QStringLiteral("tls_versions")),
             QJsonValue(true));
    QCOMPARE(p.value(QStringLiteral("notes")).toString(), QStringLiteral("Zweigstelle — 東京"));
    QCOMPARE(p.value(QStringLiteral("trust")).toObject().value(QStringLiteral("ca_files")).toArray(),
             QJsonArray {QFileInfo(m_demo.caFile()).absoluteFilePath()});
    QCOMPARE(p.value(QStringLiteral("test_message")).toObject().value(QStringLiteral("to")).toArray(),
             QJsonArray {QStringLiteral("b@example.org")});

    r = cli({QStringLiteral("profiles"), QStringLiteral("list")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith(name), qPrintable(r.out));
    r = cli({QStringLiteral("profiles"), QStringLiteral("show"), name});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("Zweigstelle — 東京")), qPrintable(r.out));

    // A profile from an imported file cannot act on the terminal: an escape sequence in its notes
    // is shown as text.
    const QString hostile = m_home->filePath(QStringLiteral("hostile.json"));
    QFile h(hostile);
    QVERIFY(h.open(QIODevice::WriteOnly));
    h.write("{\"schema_version\": 1, \"profiles\": [{\"name\": \"hostile\", \"host\": \"mx.example.org\", "
            "\"notes\": \"\\u001b]0;pwned\\u0007\\u001b[2J\"}]}");
    h.close();
    QCOMPARE(cli({QStringLiteral("profiles"), QStringLiteral("import"), hostile}).exitCode, 0);
    r = cli({QStringLiteral("profiles"), QStringLiteral("show"), QStringLiteral("hostile")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(!r.out.contains(QChar(0x1b)) && r.out.contains(QLatin1String("\\x1b]0;pwned")),
             qPrintable(r.out));
    QCOMPARE(cli({QStringLiteral("profiles"), QStringLiteral("delete"), QStringLiteral("hostile")}).exitCode,
             0);

    // The same name again is refused; so are unknown names and misplaced options.
    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), name, demoTarget()});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("exists already")), qPrintable(r.err));
    r = cli({QStringLiteral("profiles"), QStringLiteral("show"), QStringLiteral("nope")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("no profile named \"nope\"")), qPrintable(r.err));
    r = cli({QStringLiteral("profiles"), QStringLiteral("list"), QStringLiteral("--timeout"),
             QStringLiteral("3")});
    QCOMPARE(r.exitCode, 3);
    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("x"), demoTarget(),
             QStringLiteral("--accept-cert"), QStringLiteral("12:34")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("SHA-256")), qPrintable(r.err));

    r = cli({QStringLiteral("profiles"), QStringLiteral("delete"), name});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    r = cli({QStringLiteral("profiles"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array(), QJsonArray());
}

void TestProfilesCli::checkUsesTheProfileAndTheCommandLineWins()
{
    CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("demo"),
                       demoTarget(), QStringLiteral("--ca-file"), m_demo.caFile(), QStringLiteral("--helo"),
                       QStringLiteral("from-profile.example"), QStringLiteral("--stop-after"),
                       QStringLiteral("greeting")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));

    const auto run = [this](const QStringList& extra) {
        const CliResult c = cli(QStringList {QStringLiteral("check"), QStringLiteral("--profile"),
                                             QStringLiteral("demo"), QStringLiteral("--json")}
                                + extra);
        return std::make_pair(c, QJsonDocument::fromJson(c.out.toUtf8()).object());
    };
    const auto stepIds = [](const QJsonObject& report) {
        QStringList ids;
        for (const QJsonValue& s : report.value(QStringLiteral("steps")).toArray()) {
            if (s.toObject().value(QStringLiteral("status")).toString() != QLatin1String("skipped"))
                ids.append(s.toObject().value(QStringLiteral("id")).toString());
        }
        return ids;
    };
    const auto clientLines = [](const QJsonObject& report) {
        QStringList lines;
        for (const QJsonValue& t : report.value(QStringLiteral("transcript")).toArray()) {
            if (t.toObject().value(QStringLiteral("dir")).toString() == QLatin1String("C"))
                lines.append(t.toObject().value(QStringLiteral("text")).toString());
        }
        return lines;
    };

    // The profile's settings: its EHLO name, and it stops after the greeting.
    auto [plain, report] = run({});
    QVERIFY2(plain.exitCode == 0 || plain.exitCode == 1, qPrintable(plain.both()));
    QCOMPARE(report.value(QStringLiteral("target")).toObject().value(QStringLiteral("port")).toInt(),
             int(m_demo.port(Protocol::Smtp, TlsMode::StartTls)));
    QCOMPARE(stepIds(report),
             (QStringList {QStringLiteral("resolve"), QStringLiteral("connect"), QStringLiteral("banner"),
                           QStringLiteral("greeting"), QStringLiteral("quit")}));
    QCOMPARE(clientLines(report),
             (QStringList {QStringLiteral("EHLO from-profile.example"), QStringLiteral("QUIT")}));

    // What the command line says wins: another EHLO name, and on to the TLS greeting.
    auto [overridden, report2] = run({QStringLiteral("--helo"), QStringLiteral("from-cli.example"),
                                      QStringLiteral("--stop-after"), QStringLiteral("greeting-tls")});
    QVERIFY2(overridden.exitCode == 0, qPrintable(overridden.both()));
    QCOMPARE(clientLines(report2),
             (QStringList {QStringLiteral("EHLO from-cli.example"), QStringLiteral("STARTTLS"),
                           QStringLiteral("EHLO from-cli.example"), QStringLiteral("QUIT")}));
    QCOMPARE(report2.value(QStringLiteral("tls")).toObject().value(QStringLiteral("verified")),
             QJsonValue(true));

    // HOST[:PORT] replaces the server: the implicit-TLS port with --tls implicit.
    auto [other, report3] = run(
        {demoTarget(Protocol::Smtp, TlsMode::Implicit), QStringLiteral("--tls"), QStringLiteral("implicit")});
    QVERIFY2(other.exitCode == 0 || other.exitCode == 1, qPrintable(other.both()));
    QCOMPARE(report3.value(QStringLiteral("target")).toObject().value(QStringLiteral("port")).toInt(),
             int(m_demo.port(Protocol::Smtp, TlsMode::Implicit)));
    QCOMPARE(report3.value(QStringLiteral("target")).toObject().value(QStringLiteral("tls")).toString(),
             QStringLiteral("implicit"));

    // A profile that does not exist is a usage error that lists what exists.
    const CliResult missing =
        cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("nope")});
    QCOMPARE(missing.exitCode, 3);
    QVERIFY2(missing.err.contains(QLatin1String("profiles: \"demo\"")), qPrintable(missing.err));
}

void TestProfilesCli::acceptedFingerprintTrustsASelfSignedServer()
{
    m_demo.setScenario(QStringLiteral("self-signed"));
    CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("self"),
                       demoTarget(), QStringLiteral("--stop-after"), QStringLiteral("greeting-tls")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    // Strict by default: the untrusted certificate ends the run.
    r = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("self"),
             QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 2);
    QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
    const QString pem = report.value(QStringLiteral("certificates"))
                            .toArray()
                            .first()
                            .toObject()
                            .value(QStringLiteral("pem"))
                            .toString();
    QVERIFY(!pem.isEmpty());
    // The fingerprint as openssl computes it (outside the code under test): "sha256 Fingerprint=AB:CD:..".
    const QString fingerprint = runOpenssl({QStringLiteral("x509"), QStringLiteral("-noout"),
                                            QStringLiteral("-fingerprint"), QStringLiteral("-sha256")},
                                           pem.toUtf8())
                                    .section(QLatin1Char('='), 1);
    QCOMPARE(fingerprint.size(), 95);

    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("self-accepted"), demoTarget(),
             QStringLiteral("--stop-after"), QStringLiteral("greeting-tls"), QStringLiteral("--accept-cert"),
             fingerprint});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    r = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("self-accepted"),
             QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    report = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QStringList ids;
    for (const QJsonValue& f : report.value(QStringLiteral("findings")).toArray())
        ids.append(f.toObject().value(QStringLiteral("id")).toString());
    ids.sort();
    QCOMPARE(ids, QStringList {QStringLiteral("cert-trusted-by-profile")});
    QCOMPARE(report.value(QStringLiteral("tls")).toObject().value(QStringLiteral("trusted_by_profile")),
             QJsonValue(true));
    QCOMPARE(report.value(QStringLiteral("verdict")).toString(), QStringLiteral("ok"));

    // The same acceptance does not cover a different certificate (the demo's wrong-host one).
    m_demo.setScenario(QStringLiteral("wrong-host"));
    r = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("self-accepted"),
             QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())
                 .object()
                 .value(QStringLiteral("tls"))
                 .toObject()
                 .value(QStringLiteral("trusted_by_profile")),
             QJsonValue(false));
}

void TestProfilesCli::presetsAreTemplatesOnly()
{
    CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("presets")});
    QCOMPARE(r.exitCode, 0);
    for (const char* id : {"gmail", "microsoft365", "icloud", "yahoo", "fastmail", "protonbridge", "sendgrid",
                           "mailgun", "ses", "postmark"})
        QVERIFY2(r.out.contains(QLatin1String(id)), id);

    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("g"),
             QStringLiteral("--preset"), QStringLiteral("gmail:imaps"), QStringLiteral("--user"),
             QStringLiteral("someone@gmail.com")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    QJsonObject p = showJson(QStringLiteral("g"));
    QCOMPARE(p.value(QStringLiteral("host")).toString(), QStringLiteral("imap.gmail.com"));
    QCOMPARE(p.value(QStringLiteral("port")).toInt(), 993);
    QCOMPARE(p.value(QStringLiteral("protocol")).toString(), QStringLiteral("imap"));
    QCOMPARE(p.value(QStringLiteral("tls")).toString(), QStringLiteral("implicit"));
    QCOMPARE(p.value(QStringLiteral("auth")).toObject().value(QStringLiteral("user")).toString(),
             QStringLiteral("someone@gmail.com"));
    QCOMPARE(p.value(QStringLiteral("auth")).toObject().value(QStringLiteral("password_stored")),
             QJsonValue(false));

    // The default service is submission; a preset's fixed user name comes along; options still win.
    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("sg"),
             QStringLiteral("--preset"), QStringLiteral("sendgrid"), QStringLiteral("--timeout"),
             QStringLiteral("7")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    p = showJson(QStringLiteral("sg"));
    QCOMPARE(p.value(QStringLiteral("host")).toString(), QStringLiteral("smtp.sendgrid.net"));
    QCOMPARE(p.value(QStringLiteral("port")).toInt(), 587);
    QCOMPARE(p.value(QStringLiteral("tls")).toString(), QStringLiteral("starttls"));
    QCOMPARE(p.value(QStringLiteral("auth")).toObject().value(QStringLiteral("user")).toString(),
             QStringLiteral("apikey"));
    QCOMPARE(p.value(QStringLiteral("timeout_ms")).toInt(), 7000);

    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("x"),
             QStringLiteral("--preset"), QStringLiteral("nosuch")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("gmail")), qPrintable(r.err));
    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("x"),
             QStringLiteral("--preset"), QStringLiteral("icloud:pop3s")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("smtp, imaps")), qPrintable(r.err));
}

void TestProfilesCli::exportImportRoundTrip()
{
    const QStringList names {QStringLiteral("Ärger"), QStringLiteral("郵便"), QStringLiteral("plain")};
    for (const QString& n : names) {
        const CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("add"), n, demoTarget()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    }
    const QString file = m_home->filePath(QStringLiteral("export.json"));
    CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("export"), file});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    const QString one = m_home->filePath(QStringLiteral("one.json"));
    r = cli({QStringLiteral("profiles"), QStringLiteral("export"), one, QStringLiteral("郵便")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    QFile f(one);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("profiles")).toArray().size(),
             1);

    for (const QString& n : names)
        QCOMPARE(cli({QStringLiteral("profiles"), QStringLiteral("delete"), n}).exitCode, 0);
    r = cli({QStringLiteral("profiles"), QStringLiteral("import"), file});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    r = cli({QStringLiteral("profiles"), QStringLiteral("list"), QStringLiteral("--json")});
    QStringList listed;
    for (const QJsonValue& v : QJsonDocument::fromJson(r.out.toUtf8()).array())
        listed.append(v.toObject().value(QStringLiteral("name")).toString());
    QCOMPARE(listed, names);
    // Importing again keeps both, under new names.
    r = cli({QStringLiteral("profiles"), QStringLiteral("import"), one});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    QVERIFY2(r.out.contains(QStringLiteral("\"郵便\" was saved as \"郵便 (2)\"")), qPrintable(r.out));

    // A broken import is refused with the reason, and changes nothing.
    const QString broken = m_home->filePath(QStringLiteral("broken.json"));
    QFile b(broken);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write("{\"schema_version\": 1, \"profiles\": [");
    b.close();
    r = cli({QStringLiteral("profiles"), QStringLiteral("import"), broken});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("not valid JSON")), qPrintable(r.err));
}

void TestProfilesCli::brokenFileIsReportedAndKept()
{
    QVERIFY(QDir().mkpath(QFileInfo(configFile()).absolutePath()));
    const QByteArray garbage = "{\"schema_version\": 1, \"profiles\": [{\"name\": \"half";
    QFile f(configFile());
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(garbage);
    f.close();
    const CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("list")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QLatin1String("could not be used")) && r.err.contains(QLatin1String(".broken-")),
             qPrintable(r.err));
    const QStringList moved = QDir(QFileInfo(configFile()).absolutePath())
                                  .entryList({QStringLiteral("profiles.json.broken-*")}, QDir::Files);
    QCOMPARE(moved.size(), 1);
    QVERIFY2(r.err.contains(moved.first()), qPrintable(r.err));
    QFile kept(QFileInfo(configFile()).absolutePath() + QLatin1Char('/') + moved.first());
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), garbage);
}

void TestProfilesCli::parallelAddsNeverBreakTheFile()
{
    constexpr int Rounds = 3;
    constexpr int PerRound = 6;
    QStringList expected;
    for (int round = 0; round < Rounds; ++round) {
        std::vector<std::unique_ptr<QProcess>> processes;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home->filePath(QStringLiteral("config")));
        for (int i = 0; i < PerRound; ++i) {
            const QString name = QStringLiteral("p%1-%2").arg(round).arg(i);
            expected.append(name);
            auto p = std::make_unique<QProcess>();
            p->setProcessEnvironment(env);
            p->start(QStringLiteral(MAILSCOPE_CLI_PATH),
                     {QStringLiteral("profiles"), QStringLiteral("add"), name,
                      QStringLiteral("mx%1.example.org:25").arg(i)});
            processes.push_back(std::move(p));
        }
        for (auto& p : processes) {
            QVERIFY(p->waitForFinished(WaitMs));
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
        }
    }
    const CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.err, QString()); // nothing was moved aside or recovered: the file was never broken
    QStringList listed;
    for (const QJsonValue& v : QJsonDocument::fromJson(r.out.toUtf8()).array())
        listed.append(v.toObject().value(QStringLiteral("name")).toString());
    listed.sort();
    expected.sort();
    QCOMPARE(listed, expected);
}

void TestProfilesCli::secretStoreRoundTrip()
{
    SecretStore secrets;
    const QString key = QStringLiteral("test/") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    QCOMPARE(secrets.readAndWait(key).status, SecretResult::Status::NotFound);
    // Text and bytes that are not UTF-8 both come back exactly.
    for (const QByteArray& secret : {QByteArray("pässwörd ✓"), QByteArray("\xff\x00\xfe binary", 10)}) {
        const SecretResult written = secrets.writeAndWait(key, secret);
        QVERIFY2(written.ok(), qPrintable(written.message));
        const SecretResult read = secrets.readAndWait(key);
        QVERIFY2(read.ok(), qPrintable(read.message));
        QCOMPARE(read.secret, secret);
    }
    QVERIFY(secrets.removeAndWait(key).ok());
    QCOMPARE(secrets.readAndWait(key).status, SecretResult::Status::NotFound);
}

void TestProfilesCli::passwordGoesToTheSecretServiceAndIsUsed()
{
    QProcessEnvironment pw;
    pw.insert(QStringLiteral("MS_TEST_PW"), QStringLiteral("demo"));
    CliResult r =
        cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("login"), demoTarget(),
             QStringLiteral("--ca-file"), m_demo.caFile(), QStringLiteral("--user"), QStringLiteral("demo"),
             QStringLiteral("--password-env"), QStringLiteral("MS_TEST_PW")},
            pw);
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    const QJsonObject p = showJson(QStringLiteral("login"));
    QCOMPARE(p.value(QStringLiteral("auth")).toObject().value(QStringLiteral("password_stored")),
             QJsonValue(true));

    // The secret service itself (seen with secret-tool, not through Mailscope) holds it.
    QProcess lookup;
    lookup.start(QStringLiteral("secret-tool"),
                 {QStringLiteral("lookup"), QStringLiteral("server"), QStringLiteral("Mailscope"),
                  QStringLiteral("user"),
                  QStringLiteral("profile/") + p.value(QStringLiteral("id")).toString()});
    QVERIFY(lookup.waitForFinished(WaitMs));
    // QtKeychain files bytes base64-encoded.
    QCOMPARE(QByteArray::fromBase64(lookup.readAllStandardOutput()), QByteArray("demo"));

    // check --profile logs in with it: the demo accepts demo/demo only.
    const auto authStatus = [](const CliResult& c) {
        for (const QJsonValue& s :
             QJsonDocument::fromJson(c.out.toUtf8()).object().value(QStringLiteral("steps")).toArray()) {
            if (s.toObject().value(QStringLiteral("id")).toString() == QLatin1String("auth"))
                return s.toObject().value(QStringLiteral("status")).toString();
        }
        return QString();
    };
    r = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("login"),
             QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    QCOMPARE(authStatus(r), QStringLiteral("ok"));

    // --password-env on the command line still wins (a wrong one fails the login).
    QProcessEnvironment wrong;
    wrong.insert(QStringLiteral("MS_WRONG"), QStringLiteral("not-the-password"));
    r = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("login"),
             QStringLiteral("--password-env"), QStringLiteral("MS_WRONG"), QStringLiteral("--json")},
            wrong);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(authStatus(r), QStringLiteral("failed"));

    // Deleting the profile deletes the secret.
    r = cli({QStringLiteral("profiles"), QStringLiteral("delete"), QStringLiteral("login")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    QProcess gone;
    gone.start(QStringLiteral("secret-tool"),
               {QStringLiteral("lookup"), QStringLiteral("server"), QStringLiteral("Mailscope"),
                QStringLiteral("user"),
                QStringLiteral("profile/") + p.value(QStringLiteral("id")).toString()});
    QVERIFY(gone.waitForFinished(WaitMs));
    QCOMPARE(gone.readAllStandardOutput(), QByteArray());
}

void TestProfilesCli::withoutAKeychainThePasswordIsNotStored()
{
    QProcessEnvironment none;
    none.insert(QStringLiteral("MS_TEST_PW"), QStringLiteral("demo"));
    // No session bus at all: no secret service can be reached.
    none.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                QStringLiteral("unix:path=") + m_home->filePath(QStringLiteral("no-such-bus")));
    CliResult r =
        cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("nokeychain"), demoTarget(),
             QStringLiteral("--ca-file"), m_demo.caFile(), QStringLiteral("--user"), QStringLiteral("demo"),
             QStringLiteral("--password-env"), QStringLiteral("MS_TEST_PW")},
            none);
    QVERIFY2(r.exitCode == 1, qPrintable(r.both()));
    QVERIFY2(r.err.contains(QLatin1String("The password was NOT stored")), qPrintable(r.err));
    QJsonObject p = showJson(QStringLiteral("nokeychain"));
    QCOMPARE(p.value(QStringLiteral("auth")).toObject().value(QStringLiteral("password_stored")),
             QJsonValue(false));
    QCOMPARE(p.value(QStringLiteral("auth")).toObject().value(QStringLiteral("user")).toString(),
             QStringLiteral("demo"));

    // The check asks for the password instead of guessing or hanging ...
    r = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("nokeychain")}, none);
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("no password is stored"))
                 && r.err.contains(QLatin1String("--password-env")),
             qPrintable(r.err));
    // ... and works with it.
    r = cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("nokeychain"),
             QStringLiteral("--password-env"), QStringLiteral("MS_TEST_PW")},
            none);
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
}

void TestProfilesCli::anUnresponsiveKeychainTimesOut()
{
    // A "session bus" that accepts the connection and never says a word.
    QLocalServer silent;
    const QString socket = m_home->filePath(QStringLiteral("silent-bus"));
    QVERIFY(silent.listen(socket));
    QList<QLocalSocket*> held;
    connect(&silent, &QLocalServer::newConnection, this, [&] {
        while (QLocalSocket* s = silent.nextPendingConnection())
            held.append(s);
    });
    QProcessEnvironment mute;
    mute.insert(QStringLiteral("MS_TEST_PW"), QStringLiteral("demo"));
    mute.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=") + socket);
    const CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("mute"),
                             demoTarget(), QStringLiteral("--user"), QStringLiteral("demo"),
                             QStringLiteral("--password-env"), QStringLiteral("MS_TEST_PW")},
                            mute);
    QVERIFY2(r.exitCode == 1, qPrintable(r.both()));
    QVERIFY2(r.err.contains(QLatin1String("did not answer within 10 s")), qPrintable(r.err));
    QVERIFY(!held.isEmpty()); // it really tried that bus
    QCOMPARE(showJson(QStringLiteral("mute"))
                 .value(QStringLiteral("auth"))
                 .toObject()
                 .value(QStringLiteral("password_stored")),
             QJsonValue(false));
}

void TestProfilesCli::passwordNeverReachesADisk()
{
    QProcessEnvironment canary;
    canary.insert(QStringLiteral("MS_CANARY"), QString::fromLatin1(CanaryPassword));
    QStringList outputs;
    const auto record = [&outputs](const CliResult& r) {
        outputs << r.out << r.err;
        return r;
    };
    QVERIFY(QDir().mkpath(m_home->filePath(QStringLiteral("data"))));
    CliResult r =
        record(cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("canary"), demoTarget(),
                    QStringLiteral("--ca-file"), m_demo.caFile(), QStringLiteral("--user"),
                    QStringLiteral("demo"), QStringLiteral("--password-env"), QStringLiteral("MS_CANARY")},
                   canary));
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    r = record(cli({QStringLiteral("profiles"), QStringLiteral("export"),
                    m_home->filePath(QStringLiteral("data/export.json"))}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    // The check sends the canary (the demo refuses it: auth fails), and writes a report to disk.
    r = record(cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("canary"),
                    QStringLiteral("--output"), m_home->filePath(QStringLiteral("data/report.json"))}));
    QVERIFY2(r.exitCode == 2, qPrintable(r.both()));
    QVERIFY2(r.out.contains(QLatin1String("auth")), qPrintable(r.out));
    r = record(cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("canary"),
                    QStringLiteral("--json")}));
    QCOMPARE(r.exitCode, 2);

    // The scan can fail: the canary in a file is found.
    const QList<QByteArray> forms = secretForms(CanaryPassword);
    const auto leakIn = [&forms](const QByteArray& bytes) {
        for (const QByteArray& form : forms) {
            if (bytes.contains(form))
                return form;
        }
        return QByteArray();
    };
    QVERIFY(!leakIn("AUTH PLAIN "
                    + (QByteArray(1, '\0') + "demo" + QByteArray(1, '\0') + CanaryPassword).toBase64())
                 .isEmpty());

    int scanned = 0;
    for (const QString& root : {m_home->path(), QString::fromLocal8Bit(qgetenv("HOME"))}) {
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            QFile f(file);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(file));
            const QByteArray leak = leakIn(f.readAll());
            QVERIFY2(leak.isEmpty(),
                     qPrintable(QStringLiteral("%1 holds %2").arg(file, QString::fromLatin1(leak))));
            ++scanned;
        }
    }
    QVERIFY(scanned >= 3); // the profile file, the export, the report (and the keyring's own files)
    for (const QString& o : std::as_const(outputs))
        QVERIFY2(leakIn(o.toUtf8()).isEmpty(), qPrintable(o));
}

void TestProfilesCli::domainProfileIsCheckedKeptAndCompared()
{
    const QString name = QStringLiteral("Demo-Domain ✉");
    CliResult r = cli({QStringLiteral("profiles"), QStringLiteral("add"), name, QStringLiteral("--domain"),
                       QStringLiteral("demo.test"), QStringLiteral("--demo"), QStringLiteral("--notes"),
                       QStringLiteral("the demo's mail domain")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    QVERIFY2(r.out.startsWith(QStringLiteral("Saved domain profile \"%1\" (demo.test (demo))").arg(name)),
             qPrintable(r.out));
    // A server's settings have no place in it, and a domain's none in a server profile.
    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("x"),
             QStringLiteral("--domain"), QStringLiteral("demo.test"), QStringLiteral("--tls"),
             QStringLiteral("implicit")});
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.err.trimmed(),
             QStringLiteral("mailscope-cli profiles add: --tls is a server setting; a domain "
                            "profile keeps the domain and its DNS settings only."));
    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("x"), demoTarget(),
             QStringLiteral("--dns-server"), QStringLiteral("127.0.0.1")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("--dns-server belongs to a domain profile")), qPrintable(r.err));
    r = cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("x"),
             QStringLiteral("--domain"), QStringLiteral("mx.example.org:25")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("is not a domain name")), qPrintable(r.err));
    QCOMPARE(cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("server"), demoTarget(),
                  QStringLiteral("--ca-file"), m_demo.caFile()})
                 .exitCode,
             0);

    // Listing shows the kind of each.
    r = cli({QStringLiteral("profiles"), QStringLiteral("list")});
    QCOMPARE(r.exitCode, 0);
    const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0].simplified(), QStringLiteral("%1 domain demo.test (demo)").arg(name));
    QCOMPARE(lines[1].simplified(), QStringLiteral("server server smtp starttls %1").arg(demoTarget()));
    const QJsonObject shown = showJson(name);
    QCOMPARE(shown.value(QStringLiteral("kind")).toString(), QStringLiteral("domain"));
    QCOMPARE(shown.value(QStringLiteral("dns")).toObject().value(QStringLiteral("demo")), QJsonValue(true));
    r = cli({QStringLiteral("profiles"), QStringLiteral("show"), name});
    QVERIFY2(r.out.contains(QStringLiteral("Check it: mailscope-cli domain --profile \"%1\"").arg(name)),
             qPrintable(r.out));
    QVERIFY(QFile(configFile()).open(QIODevice::ReadOnly));

    // Each kind is checked by its own command, and says so when given to the other.
    r = cli({QStringLiteral("check"), QStringLiteral("--profile"), name});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(
        r.err.contains(QStringLiteral("is a mail domain profile (demo.test); check it with: mailscope-cli "
                                      "domain --profile \"%1\"")
                           .arg(name)),
        qPrintable(r.err));
    r = cli({QStringLiteral("domain"), QStringLiteral("--profile"), QStringLiteral("server")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("\"server\" is a server profile")), qPrintable(r.err));
    r = cli({QStringLiteral("domain"), QStringLiteral("--profile"), name, QStringLiteral("demo.test")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("--profile names the domain")), qPrintable(r.err));

    // domain --profile: the demo domain on the built-in demo server, kept in the history twice.
    for (int i = 0; i < 2; ++i) {
        r = cli({QStringLiteral("domain"), QStringLiteral("--profile"), name});
        QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
        QVERIFY2(r.out.startsWith(QLatin1String("Mail domain demo.test: OK\n")), qPrintable(r.out));
    }
    const QString folder = m_home->filePath(QStringLiteral("data/Mailscope/history/")
                                            + shown.value(QStringLiteral("id")).toString());
    QStringList kept = QDir(folder).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QCOMPARE(kept.size(), 2);
    const QString first = QDir(folder).filePath(kept[0]);
    const QString second = QDir(folder).filePath(kept[1]);

    // compare: two checks of the same domain, nothing changed; exit 0.
    r = cli({QStringLiteral("compare"), first, second});
    QVERIFY2(r.exitCode == 0, qPrintable(r.both()));
    QVERIFY2(r.out.contains(QLatin1String("Nothing changed but the timings.")), qPrintable(r.out));

    // Against a domain whose TLSA does not match: what changed, exit 2 (worse).
    const QString mismatch = m_home->filePath(QStringLiteral("mismatch.json"));
    r = cli({QStringLiteral("domain"), QStringLiteral("tlsa-mismatch.demo.test"), QStringLiteral("--demo"),
             QStringLiteral("--output"), mismatch});
    QCOMPARE(r.exitCode, 2);
    r = cli({QStringLiteral("compare"), second, mismatch});
    QVERIFY2(r.exitCode == 2, qPrintable(r.both()));
    for (const char* line :
         {"Domain: demo.test -> tlsa-mismatch.demo.test\n", "Verdict: ok -> critical\n",
          "MX hosts: + 10 mx-old.demo.test\n", "MX hosts: - 10 mx.demo.test\n",
          "Findings: + mail-unprotected\n", "Findings: + tlsa-invalid (mx-old.demo.test)\n"})
        QVERIFY2(r.out.contains(QLatin1String(line)), qPrintable(line + (QStringLiteral("\n") + r.out)));
    r = cli({QStringLiteral("compare"), second, mismatch, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 2);
    const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("domain"));
    QCOMPARE(json.value(QStringLiteral("mx_hosts")).toObject().value(QStringLiteral("added")).toArray(),
             QJsonArray {QStringLiteral("10 mx-old.demo.test")});
    // Backwards it is better: changed, exit 1.
    QCOMPARE(cli({QStringLiteral("compare"), mismatch, second}).exitCode, 1);

    // A domain report and one server's run report cannot be compared: said, exit 3.
    const QString run = m_home->filePath(QStringLiteral("run.json"));
    r = cli({QStringLiteral("check"), demoTarget(), QStringLiteral("--ca-file"), m_demo.caFile(),
             QStringLiteral("--output"), run});
    QCOMPARE(r.exitCode, 0);
    r = cli({QStringLiteral("compare"), second, run});
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.err.trimmed(),
             QStringLiteral("mailscope-cli compare: %1 is the domain report of demo.test and %2 is "
                            "the run report of 127.0.0.1:%3; compare two domain reports or two "
                            "run reports.")
                 .arg(second, run)
                 .arg(m_demo.port(Protocol::Smtp, TlsMode::StartTls)));
    QCOMPARE(r.out, QString());
}

QTEST_GUILESS_MAIN(TestProfilesCli)
#include "TestProfilesCli.moc"
