// A profile saved against the built-in demo server still works after the demo restarts: the demo
// CA file it names is still there and still the demo's CA, and a certificate trusted by its
// fingerprint is still the one the demo presents. Each test is a fresh "home" (QStandardPaths test
// mode under a temporary HOME); a stored set that cannot be used is replaced, with a warning, and
// the demo still starts. The last test does the same with two launches of `mailscope-cli demo`.

#include "demo/DemoCertificateStore.h"
#include "demo/DemoServer.h"
#include "findings/FindingCatalogue.h"
#include "profiles/ServerProfile.h"
#include "RunHelpers.h"
#include "tls/CertificateFactory.h"

#include <memory>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int WaitMs = 20000;

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

/// The stored form of a set, written here from the documented layout (not by the store's own code).
QByteArray storedForm(const DemoCertificates& set, int schemaVersion = 1)
{
    const auto entry = [](const IssuedCertificate& c) {
        return QJsonObject {{QStringLiteral("certificate"), QString::fromLatin1(c.certificate.toPem())},
                            {QStringLiteral("key"), QString::fromLatin1(c.keyPem)}};
    };
    return QJsonDocument(QJsonObject {{QStringLiteral("schema_version"), schemaVersion},
                                      {QStringLiteral("certificates"),
                                       QJsonObject {{QStringLiteral("root"), entry(set.root)},
                                                    {QStringLiteral("intermediate"), entry(set.intermediate)},
                                                    {QStringLiteral("good"), entry(set.good)},
                                                    {QStringLiteral("expired"), entry(set.expired)},
                                                    {QStringLiteral("wrong_host"), entry(set.wrongHost)},
                                                    {QStringLiteral("self_signed"), entry(set.selfSigned)}}}})
        .toJson();
}

/// SMTP with STARTTLS on `server`, with a saved profile's trust: its CA files and fingerprints.
ServerProfile demoProfile(const DemoServer& server)
{
    ServerProfile p;
    p.name = QStringLiteral("saved against the demo");
    p.host = DemoServer::hostName();
    p.port = server.port(Protocol::Smtp, TlsMode::StartTls);
    p.protocol = Protocol::Smtp;
    p.tls = TlsMode::StartTls;
    p.stepTimeoutMs = 10000;
    return p;
}

/// The findings of a run of `profile` (whose CA files must be readable).
QString runProfile(const ServerProfile& profile)
{
    QString error;
    const std::optional<ProbeOptions> options = profile.toProbeOptions(&error);
    if (!options)
        return QStringLiteral("not started: ") + error;
    return findingIds(runToEnd(*options));
}

} // namespace

class TestDemoRestart final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
        qputenv("HOME", m_home->path().toUtf8());
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(DemoCertificateStore::defaultDirectory().startsWith(m_home->path() + QLatin1Char('/')));
    }

    void cleanup() { QStandardPaths::setTestModeEnabled(false); }

    void trustSurvivesARestart()
    {
        ServerProfile byCa;
        ServerProfile byFingerprint;
        {
            DemoServer first;
            QVERIFY2(first.start(), qPrintable(first.errorString()));
            byCa = demoProfile(first);
            byCa.caFiles = {first.caFile()};
            byFingerprint = demoProfile(first);
            byFingerprint.acceptedCertificates.append(
                {QString::fromLatin1(
                     first.goodCertificate().digest(QCryptographicHash::Sha256).toHex(':').toUpper()),
                 {},
                 {}});
            QCOMPARE(runProfile(byCa), ids({}));
            QCOMPARE(runProfile(byFingerprint), ids({FindingIds::CertTrustedByProfile}));
        }
        // The app restarts: a new demo server, other ports, the profiles as they were saved.
        DemoServer second;
        QVERIFY2(second.start(), qPrintable(second.errorString()));
        byCa.port = byFingerprint.port = second.port(Protocol::Smtp, TlsMode::StartTls);
        QCOMPARE(runProfile(byCa), ids({}));
        QCOMPARE(runProfile(byFingerprint), ids({FindingIds::CertTrustedByProfile}));
    }

    void storedOnceInTheDataFolder()
    {
        QString caFile;
        QByteArray storeBytes;
        const QString store =
            QDir(DemoCertificateStore::defaultDirectory()).filePath("demo-certificates.json");
        {
            DemoServer first;
            QVERIFY2(first.start(), qPrintable(first.errorString()));
            caFile = first.caFile();
            QCOMPARE(QFileInfo(caFile).absolutePath(), DemoCertificateStore::defaultDirectory());
            QCOMPARE(readAll(caFile), first.caCertificates().value(0).toPem());
            // The keys stay with the user: the stored set is not for anyone else to read.
            QCOMPARE((QFile::permissions(store) & (QFile::ReadGroup | QFile::ReadOther)).toInt(), 0);
            storeBytes = readAll(store);
            QVERIFY(storeBytes.contains("BEGIN PRIVATE KEY"));
        }
        DemoServer second;
        QVERIFY2(second.start(), qPrintable(second.errorString()));
        QCOMPARE(second.caFile(), caFile);
        // Read, not issued again.
        QCOMPARE(readAll(store), storeBytes);
    }

    void unusableStoreIsReplaced_data()
    {
        QTest::addColumn<QByteArray>("stored");
        QTest::addColumn<QString>("why");

        const DemoCertificates set = DemoCertificates::generate();
        QVERIFY(!set.isNull());
        QTest::newRow("not JSON") << QByteArray("\x00\xff garbage", 10) << QStringLiteral("not JSON");
        QTest::newRow("truncated") << storedForm(set).left(700) << QStringLiteral("not JSON");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("not JSON");
        QTest::newRow("a list") << QByteArray("[1, 2]") << QStringLiteral("not a JSON object");
        QTest::newRow("newer schema") << storedForm(set, 2) << QStringLiteral("schema_version is not 1");
        QTest::newRow("larger than 1 MiB") << QByteArray(DemoCertificateStore::MaxStoreBytes + 1, ' ')
                                           << QStringLiteral("larger than 1048576 bytes");

        DemoCertificates swapped = set;
        std::swap(swapped.good.keyPem, swapped.expired.keyPem);
        QTest::newRow("key of another certificate")
            << storedForm(swapped) << QStringLiteral("the good key does not belong to its certificate");

        DemoCertificates noKey = set;
        noKey.root.keyPem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        QTest::newRow("unreadable key")
            << storedForm(noKey)
            << QStringLiteral("the root certificate or its key is missing or unreadable");

        // A good certificate that ends in 10 days: renewed before a run would warn about it.
        DemoCertificates ending = set;
        CertificateRequest soon;
        soon.commonName = DemoServer::hostName();
        soon.dnsNames = {DemoServer::hostName()};
        soon.notAfter = QDateTime::currentDateTimeUtc().addDays(10);
        ending.good = CertificateFactory::issue(soon, set.intermediate);
        QVERIFY(!ending.good.isNull());
        QTest::newRow("good certificate about to expire")
            << storedForm(ending) << QStringLiteral("the good certificate expires on");

        // A leaf signed by a CA that is not the stored one.
        DemoCertificates foreign = set;
        foreign.good = DemoCertificates::generate().good;
        QTest::newRow("leaf of another CA")
            << storedForm(foreign) << QStringLiteral("a server certificate is not signed by the demo CA");
    }

    void unusableStoreIsReplaced()
    {
        QFETCH(QByteArray, stored);
        QFETCH(QString, why);
        const QDir dir(DemoCertificateStore::defaultDirectory());
        QVERIFY(QDir().mkpath(dir.path()));
        QVERIFY(writeFile(dir.filePath("demo-certificates.json"), stored));
        const QByteArray oldCa = "-----BEGIN CERTIFICATE-----\nnot the demo CA\n-----END CERTIFICATE-----\n";
        QVERIFY(writeFile(dir.filePath("demo-ca.pem"), oldCa));

        QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(QStringLiteral("^The stored demo certificates in .* cannot be used \\(")
                               + QRegularExpression::escape(why) + QStringLiteral(".*issuing new ones")));
        DemoServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        QCOMPARE(server.caFile(), dir.filePath("demo-ca.pem"));
        QCOMPARE(readAll(server.caFile()), server.caCertificates().value(0).toPem());
        QVERIFY(readAll(dir.filePath("demo-certificates.json")) != stored);
        ServerProfile p = demoProfile(server);
        p.caFiles = {server.caFile()};
        QCOMPARE(runProfile(p), ids({}));

        // Replaced once: the next launch uses the new set without a word.
        DemoServer next;
        QVERIFY2(next.start(), qPrintable(next.errorString()));
        QCOMPARE(next.goodCertificate(), server.goodCertificate());
    }

    void alteredCaFileIsRewritten()
    {
        QString caFile;
        QByteArray pem;
        {
            DemoServer first;
            QVERIFY2(first.start(), qPrintable(first.errorString()));
            caFile = first.caFile();
            pem = first.caCertificates().value(0).toPem();
        }
        QVERIFY(writeFile(caFile, "edited by hand\n"));
        DemoServer second;
        QVERIFY2(second.start(), qPrintable(second.errorString()));
        QCOMPARE(second.caFile(), caFile);
        QCOMPARE(readAll(caFile), pem);
    }

    void storeInTheWayFallsBackToThisLaunch()
    {
        // A folder where the stored set should be: it is neither read nor replaced, and the demo
        // runs with certificates of its own for this launch.
        const QDir dir(DemoCertificateStore::defaultDirectory());
        QVERIFY(QDir().mkpath(dir.filePath("demo-certificates.json")));
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("cannot be used \\(not a regular file\\)")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(
                                               "^The demo certificates cannot be kept \\(.*is not a "
                                               "regular file; it is not replaced\\); using new ones "
                                               "for this launch only")));
        DemoServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        QVERIFY(QFileInfo(dir.filePath("demo-certificates.json")).isDir());
        QVERIFY(!server.caFile().startsWith(dir.path()));
        ServerProfile p = demoProfile(server);
        p.caFiles = {server.caFile()};
        QCOMPARE(runProfile(p), ids({}));
    }

    void unwritableDataFolderFallsBackToThisLaunch()
    {
        // A file where the Mailscope data folder should be: nothing can be kept.
        const QString mailscope = QFileInfo(DemoCertificateStore::defaultDirectory()).absolutePath();
        QVERIFY(QDir().mkpath(QFileInfo(mailscope).absolutePath()));
        QVERIFY(writeFile(mailscope, "not a folder"));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(
                                               "^The demo certificates cannot be kept \\(cannot create "
                                               "the folder .*\\); using new ones for this launch only")));
        DemoServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        QVERIFY(QFile::exists(server.caFile()));
        ServerProfile p = demoProfile(server);
        p.caFiles = {server.caFile()};
        QCOMPARE(runProfile(p), ids({}));
        QCOMPARE(readAll(mailscope), QByteArray("not a folder"));
    }

    void twoLaunchesOfTheCliDemo()
    {
        // `mailscope-cli demo`, a profile saved against it with the CA file it printed, the demo
        // stopped and started again (other ports), and the profile checked against the new one.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home->path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home->filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home->filePath(QStringLiteral("data")));
        const auto launchDemo = [&env](QProcess& demo, quint16* port, QString* caFile) {
            demo.setProcessEnvironment(env);
            demo.start(QStringLiteral(MAILSCOPE_CLI_PATH), {QStringLiteral("demo")});
            QByteArray output;
            QTRY_VERIFY_WITH_TIMEOUT((output += demo.readAllStandardOutput()).contains("Press Ctrl+C"),
                                     WaitMs);
            const QString text = QString::fromUtf8(output);
            const QRegularExpressionMatch smtp =
                QRegularExpression(QStringLiteral("SMTP  \\(STARTTLS\\)\\s+127\\.0\\.0\\.1:(\\d+)"))
                    .match(text);
            const QRegularExpressionMatch ca =
                QRegularExpression(QStringLiteral("Demo CA: (\\S+)")).match(text);
            QVERIFY2(smtp.hasMatch() && ca.hasMatch(), output.constData());
            *port = quint16(smtp.captured(1).toUInt());
            *caFile = ca.captured(1);
        };
        const auto cli = [&env](const QStringList& arguments, QByteArray* output) {
            QProcess process;
            process.setProcessEnvironment(env);
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(QStringLiteral(MAILSCOPE_CLI_PATH), arguments);
            if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, 3 * WaitMs))
                return -1;
            *output = process.readAll();
            return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        };
        const auto stop = [](QProcess& demo) {
            demo.terminate();
            QTRY_COMPARE_WITH_TIMEOUT(demo.state(), QProcess::NotRunning, WaitMs);
            QCOMPARE(demo.exitCode(), 0);
        };

        QByteArray output;
        quint16 firstPort = 0;
        QString firstCa;
        {
            QProcess demo;
            launchDemo(demo, &firstPort, &firstCa);
            QVERIFY(!QTest::currentTestFailed());
            QCOMPARE(
                cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("demo-saved"),
                     QStringLiteral("localhost:%1").arg(firstPort), QStringLiteral("--ca-file"), firstCa},
                    &output),
                0);
            QCOMPARE(cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("demo-saved")},
                         &output),
                     0);
            stop(demo);
            QVERIFY(!QTest::currentTestFailed());
        }
        QProcess demo;
        quint16 secondPort = 0;
        QString secondCa;
        launchDemo(demo, &secondPort, &secondCa);
        QVERIFY(!QTest::currentTestFailed());
        // The saved CA file, at the port of this launch.
        const int code =
            cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("demo-saved"),
                 QStringLiteral("localhost:%1").arg(secondPort), QStringLiteral("--json")},
                &output);
        QVERIFY2(code == 0, output.constData());
        const QJsonObject report = QJsonDocument::fromJson(output).object();
        QCOMPARE(report.value(QLatin1String("findings")).toArray(), QJsonArray());
        QCOMPARE(report.value(QLatin1String("verdict")).toString(), QStringLiteral("ok"));
        // The same file, with the same CA, as the first launch printed.
        QCOMPARE(secondCa, firstCa);
        stop(demo);
    }

    void cliChecksTheAppsDemoProfile()
    {
        // The app's demo sample names the demo symbolically (no port, no launch); the CLI shares
        // the profiles and runs it against a demo of its own, with the profile's own trust.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home->path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home->filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home->filePath(QStringLiteral("data")));
        const auto cli = [&env](const QStringList& arguments, QByteArray* output) {
            QProcess process;
            process.setProcessEnvironment(env);
            process.start(QStringLiteral(MAILSCOPE_CLI_PATH), arguments);
            if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, 3 * WaitMs))
                return -1;
            *output = process.readAllStandardOutput();
            if (!process.readAllStandardError().isEmpty() && output->isEmpty())
                *output = "(only standard error)";
            return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        };
        const auto findingsOf = [](const QByteArray& json) {
            QStringList found;
            const QJsonArray findings =
                QJsonDocument::fromJson(json).object().value(QLatin1String("findings")).toArray();
            for (const QJsonValue& f : findings)
                found.append(f.toObject().value(QLatin1String("id")).toString());
            return found.join(QLatin1Char(' '));
        };
        QByteArray output;
        QCOMPARE(cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("sample"),
                      QStringLiteral("demo.mailscope.invalid:587")},
                     &output),
                 0);
        // Not trusted yet: the demo CA is nobody's CA.
        QCOMPARE(cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("sample"),
                      QStringLiteral("--json")},
                     &output),
                 2);
        QCOMPARE(findingsOf(output), QString(FindingIds::CertUntrustedChain));
        const QString caFile = m_home->filePath(QStringLiteral("data/Mailscope/demo/demo-ca.pem"));
        QVERIFY(QFile::exists(caFile));
        QCOMPARE(cli({QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("trusted"),
                      QStringLiteral("demo.mailscope.invalid:587"), QStringLiteral("--ca-file"), caFile},
                     &output),
                 0);
        QCOMPARE(cli({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("trusted"),
                      QStringLiteral("--json")},
                     &output),
                 0);
        QCOMPARE(findingsOf(output), QString());
        QCOMPARE(QJsonDocument::fromJson(output)
                     .object()
                     .value(QLatin1String("target"))
                     .toObject()
                     .value(QLatin1String("host")),
                 QJsonValue(QStringLiteral("localhost")));
    }

private:
    std::unique_ptr<QTemporaryDir> m_home;
};

QTEST_GUILESS_MAIN(TestDemoRestart)
#include "TestDemoRestart.moc"
