// mailscope-cli check, run as a process: every bad input ends with exit 3 (UNKNOWN, bad usage)
// and a message that names the problem, before any connection is made; --output writes a FIFO
// or a character device in place (they stay what they were), `-` is standard output, and an
// unwritable --output is refused before the run starts.

#include "FakeMailServer.h"

#include <fcntl.h>
#include <functional>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace {

constexpr int WaitMs = 30000;

struct Outcome
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// Runs mailscope-cli with `args` to its end, keeping this thread's event loop (and so any
/// FakeMailServer) running; `whileRunning` is called on every turn.
Outcome runCli(const QStringList& args, const std::function<void()>& whileRunning = {})
{
    QProcess process;
    process.start(QStringLiteral(MAILSCOPE_CLI_PATH), args);
    Outcome o;
    const bool ended = QTest::qWaitFor(
        [&] {
            if (whileRunning)
                whileRunning();
            return process.state() == QProcess::NotRunning;
        },
        WaitMs);
    if (!ended) {
        process.kill();
        process.waitForFinished();
        return o;
    }
    if (process.exitStatus() == QProcess::NormalExit)
        o.exitCode = process.exitCode();
    o.out = process.readAllStandardOutput();
    o.err = process.readAllStandardError();
    return o;
}

/// A script a check with --tls none --stop-after banner plays to its end.
const QString GreetAndQuit = QStringLiteral("S: 220 fake.test ready\nC: QUIT\nS: 221 bye\n");

QStringList checkArgs(const FakeMailServer& server)
{
    return {QStringLiteral("check"),        QStringLiteral("127.0.0.1:%1").arg(server.port()),
            QStringLiteral("--tls"),        QStringLiteral("none"),
            QStringLiteral("--stop-after"), QStringLiteral("banner")};
}

/// Drains a non-blocking read end into `into`.
void drain(int fd, QByteArray* into)
{
    char buffer[8192];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
        into->append(buffer, n);
}

} // namespace

class TestCliInputs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badInput_data();
    void badInput();
    void demoPort_data();
    void demoPort();
    void helpStaysTrue();
    void outputToFifo();
    void outputToFifoWithoutReader();
    void outputToCharacterDevice();
    void outputToStandardOutput();
    void outputReplacesRegularFile();

private:
    QTemporaryDir m_dir;
    QString m_pemFile;
    QString m_hugeFile;
    QString m_noWriterFifo;
};

void TestCliInputs::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCOMPARE(::geteuid(), uid_t(0)); // mknod needs root; the test environment is root
    // A sparse 2 GB file: no disk used, but stat() says 2 GB and reading it gives zeros.
    m_hugeFile = m_dir.filePath(QStringLiteral("huge.bin"));
    QFile huge(m_hugeFile);
    QVERIFY(huge.open(QIODevice::WriteOnly));
    QVERIFY(huge.resize(qint64(2) * 1024 * 1024 * 1024));
    huge.close();
    m_noWriterFifo = m_dir.filePath(QStringLiteral("no-writer.fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(m_noWriterFifo).constData(), 0600), 0);
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("a-directory")));
    QFile file(m_dir.filePath(QStringLiteral("plain-file")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a directory\n");
}

void TestCliInputs::badInput_data()
{
    QTest::addColumn<QStringList>("args"); // after "check 127.0.0.1:PORT"
    QTest::addColumn<QString>("message");
    const QString dir = m_dir.filePath(QStringLiteral("a-directory"));
    const QString file = m_dir.filePath(QStringLiteral("plain-file"));
    const auto row = [](const char* name, const QStringList& args, const QString& message) {
        QTest::newRow(name) << args << message;
    };
    const QString timeoutRange = QStringLiteral("--timeout takes a number of seconds from 0.001 to 3600");
    for (const char* bad : {"nan", "NaN", "inf", "-inf", "-1", "0", "0.0", "1e3", "3601", "abc", "", " 5"})
        row(qPrintable(QStringLiteral("--timeout \"%1\"").arg(QLatin1String(bad))),
            {QStringLiteral("--timeout"), QLatin1String(bad)}, timeoutRange);
    row("--timeout 0.0001", {QStringLiteral("--timeout"), QStringLiteral("0.0001")},
        QStringLiteral("\"0.0001\" is finer than a millisecond"));
    row("--timeout 0.0004", {QStringLiteral("--timeout"), QStringLiteral("0.0004")},
        QStringLiteral("\"0.0004\" is finer than a millisecond"));
    row("--timeout 99999999999", {QStringLiteral("--timeout"), QStringLiteral("99999999999")}, timeoutRange);
    const QString days = QStringLiteral("--expiry-warning-days takes a whole number from 0 to 3650");
    for (const char* bad : {"-1", "3651", "1.5", "ten", "99999999999", ""})
        row(qPrintable(QStringLiteral("--expiry-warning-days \"%1\"").arg(QLatin1String(bad))),
            {QStringLiteral("--expiry-warning-days"), QLatin1String(bad)}, days);

    row("--ca-file /dev/zero", {QStringLiteral("--ca-file"), QStringLiteral("/dev/zero")},
        QStringLiteral("--ca-file: cannot read /dev/zero: it is larger than 4.00 MiB"));
    row("--ca-file 2 GB", {QStringLiteral("--ca-file"), m_hugeFile},
        QStringLiteral("--ca-file: cannot read %1: it is larger than 4.00 MiB").arg(m_hugeFile));
    row("--ca-file directory", {QStringLiteral("--ca-file"), dir},
        QStringLiteral("--ca-file: cannot read %1: it is a directory").arg(dir));
    row("--ca-file FIFO without writer", {QStringLiteral("--ca-file"), m_noWriterFifo},
        QStringLiteral("--ca-file: %1 holds no PEM certificate.").arg(m_noWriterFifo));
    row("--ca-file missing", {QStringLiteral("--ca-file"), QStringLiteral("/nonexistent/ca.pem")},
        QStringLiteral("--ca-file: cannot read /nonexistent/ca.pem: No such file or directory"));
    const QStringList user {QStringLiteral("--user"), QStringLiteral("alice"),
                            QStringLiteral("--password-file")};
    row("--password-file /dev/zero", user + QStringList {QStringLiteral("/dev/zero")},
        QStringLiteral("--password-file: cannot read /dev/zero: its first line is longer than 64.00 KiB"));
    row("--password-file 2 GB", user + QStringList {m_hugeFile},
        QStringLiteral("--password-file: cannot read %1: its first line is longer than 64.00 KiB")
            .arg(m_hugeFile));
    row("--password-file directory", user + QStringList {dir},
        QStringLiteral("--password-file: cannot read %1: it is a directory").arg(dir));
    row("--password-file FIFO without writer", user + QStringList {m_noWriterFifo},
        QStringLiteral("The password is empty."));
    row("--user with CRLF",
        {QStringLiteral("--user"), QStringLiteral("alice\r\nA2 DELETE INBOX"),
         QStringLiteral("--password-env"), QStringLiteral("HOME")},
        QStringLiteral("--user must not contain control characters"));

    row("--output in a missing directory",
        {QStringLiteral("--output"), QStringLiteral("/nonexistent/r.json")},
        QStringLiteral("Cannot write /nonexistent/r.json: the directory /nonexistent does not exist"));
    row("--output a directory", {QStringLiteral("--output"), dir},
        QStringLiteral("Cannot write %1: it is a directory").arg(dir));
    const QString under = file + QStringLiteral("/r.json");
    row("--output under a file", {QStringLiteral("--output"), under},
        QStringLiteral("Cannot write %1: %2 is not a directory").arg(under, file));
}

void TestCliInputs::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    // A listener the check would reach if it got that far: it must see no connection.
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost));
    const Outcome o = runCli(
        QStringList {QStringLiteral("check"), QStringLiteral("127.0.0.1:%1").arg(listener.serverPort())}
        + args);
    QCOMPARE(o.exitCode, 3);
    QVERIFY2(QString::fromUtf8(o.err).contains(message), o.err.constData());
    QVERIFY2(o.err.startsWith("mailscope-cli check: "), o.err.constData());
    QCOMPARE(o.out, QByteArray());
    // The child has exited: a connection it had made would be complete in the backlog by now.
    QVERIFY(!listener.waitForNewConnection(0));
}

void TestCliInputs::demoPort_data()
{
    QTest::addColumn<QString>("port");
    for (const char* bad : {"70000", "65536", "-1", "seventy", "1e3", "", "+25"})
        QTest::newRow(bad) << QString::fromLatin1(bad);
}

void TestCliInputs::demoPort()
{
    QFETCH(QString, port);
    const Outcome o = runCli({QStringLiteral("demo"), QStringLiteral("--port"), port});
    QCOMPARE(o.exitCode, 3);
    QVERIFY2(QString::fromUtf8(o.err).contains(
                 QStringLiteral("--port takes a whole number from 0 to 65535, not \"%1\"").arg(port)),
             o.err.constData());
}

void TestCliInputs::helpStaysTrue()
{
    const Outcome o = runCli({QStringLiteral("help"), QStringLiteral("check")});
    QCOMPARE(o.exitCode, 0);
    const QString help = QString::fromUtf8(o.out).simplified();
    for (const char* text :
         {"Timeout per step in seconds, 0.001 to 3600 (default: 15).",
          "Warn when the certificate expires within this many days, 0 to 3650 (default: 21).",
          "A FIFO or device is written in place, never replaced; - writes it to standard "
          "output instead of the terminal report."})
        QVERIFY2(help.contains(QLatin1String(text)), text);
}

void TestCliInputs::outputToFifo()
{
    const QString fifo = m_dir.filePath(QStringLiteral("report.fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    // The reader: this test, on a non-blocking read end opened before the check starts.
    const int reader = ::open(QFile::encodeName(fifo).constData(), O_RDONLY | O_NONBLOCK);
    QVERIFY(reader >= 0);
    FakeMailServer server;
    QVERIFY(server.loadScript(GreetAndQuit) && server.listen());
    QByteArray report;
    const Outcome o = runCli(checkArgs(server)
                                 + QStringList {QStringLiteral("--output"), fifo, QStringLiteral("--format"),
                                                QStringLiteral("json")},
                             [&] { drain(reader, &report); });
    drain(reader, &report);
    ::close(reader);
    QCOMPARE(o.exitCode, 0);
    QVERIFY2(o.err.isEmpty(), o.err.constData());
    QVERIFY(o.out.contains("Verdict: OK")); // the terminal report as usual
    QJsonParseError error;
    const QJsonObject json = QJsonDocument::fromJson(report, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, report.left(200).constData());
    QCOMPARE(json.value(QLatin1String("verdict")).toString(), QStringLiteral("ok"));
    QCOMPARE(json.value(QLatin1String("target")).toObject().value(QLatin1String("port")).toInt(),
             int(server.port()));
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(fifo).constData(), &st), 0);
    QVERIFY(S_ISFIFO(st.st_mode)); // still a FIFO, not replaced by a regular file
}

void TestCliInputs::outputToFifoWithoutReader()
{
    // Nobody reads: the check waits a bounded time for a reader, then refuses before connecting.
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost));
    const Outcome o =
        runCli({QStringLiteral("check"), QStringLiteral("127.0.0.1:%1").arg(listener.serverPort()),
                QStringLiteral("--output"), m_noWriterFifo});
    QCOMPARE(o.exitCode, 3);
    QVERIFY2(o.err.contains("no program reads the FIFO"), o.err.constData());
    QVERIFY(!listener.waitForNewConnection(0));
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(m_noWriterFifo).constData(), &st), 0);
    QVERIFY(S_ISFIFO(st.st_mode));
}

void TestCliInputs::outputToCharacterDevice()
{
    // A private copy of /dev/null's node (major 1, minor 3), never /dev itself.
    const QString node = m_dir.filePath(QStringLiteral("null"));
    QCOMPARE(::mknod(QFile::encodeName(node).constData(), S_IFCHR | 0666, makedev(1, 3)), 0);
    FakeMailServer server;
    QVERIFY(server.loadScript(GreetAndQuit) && server.listen());
    const Outcome o = runCli(checkArgs(server) + QStringList {QStringLiteral("--output"), node});
    QCOMPARE(o.exitCode, 0);
    QVERIFY2(o.err.isEmpty(), o.err.constData());
    QVERIFY(o.out.contains("Verdict: OK"));
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(node).constData(), &st), 0);
    QVERIFY(S_ISCHR(st.st_mode));
    QCOMPARE(st.st_rdev, makedev(1, 3));
    QCOMPARE(QDir(m_dir.path())
                 .entryList(QDir::Files | QDir::System | QDir::Hidden)
                 .filter(QStringLiteral("null")),
             QStringList {QStringLiteral("null")}); // no temporary file left beside it
}

void TestCliInputs::outputToStandardOutput()
{
    FakeMailServer server;
    QVERIFY(server.loadScript(GreetAndQuit) && server.listen());
    const Outcome json = runCli(checkArgs(server)
                                + QStringList {QStringLiteral("--output"), QStringLiteral("-"),
                                               QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(json.exitCode, 0);
    QJsonParseError error;
    // Standard output is the JSON report and nothing else: the terminal report is replaced.
    const QJsonObject report = QJsonDocument::fromJson(json.out, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, json.out.left(200).constData());
    QCOMPARE(report.value(QLatin1String("verdict")).toString(), QStringLiteral("ok"));
    QVERIFY(!QFile::exists(QStringLiteral("-")));

    QVERIFY(server.loadScript(GreetAndQuit));
    const Outcome text =
        runCli(checkArgs(server) + QStringList {QStringLiteral("--output"), QStringLiteral("-")});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(text.out.count("Verdict: OK"), 1); // the text report once, not twice
}

void TestCliInputs::outputReplacesRegularFile()
{
    const QString path = m_dir.filePath(QStringLiteral("report.json"));
    QFile old(path);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("old report that is longer than nothing");
    old.close();
    FakeMailServer server;
    QVERIFY(server.loadScript(GreetAndQuit) && server.listen());
    const Outcome o = runCli(checkArgs(server) + QStringList {QStringLiteral("--output"), path});
    QCOMPARE(o.exitCode, 0);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(report.value(QLatin1String("verdict")).toString(), QStringLiteral("ok"));
}

QTEST_GUILESS_MAIN(TestCliInputs)
#include "TestCliInputs.moc"
