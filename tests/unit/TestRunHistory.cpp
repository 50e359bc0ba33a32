// RunHistory: the last 50 runs per key, newest first; secrets redacted before anything is written;
// a corrupt or foreign entry is skipped with a message naming it, never a crash.

#include "profiles/RunHistory.h"
#include "run/ReportJson.h"
#include "run/ReportReader.h"
#include "TestPrinters.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString Canary = QStringLiteral("Canary-pw-Hist-5Tq9");

Run runAt(int minute, const QString& tlsProtocol = QStringLiteral("TLSv1.3"))
{
    Run run;
    run.target.host = QStringLiteral("mail.example.test");
    run.target.port = 587;
    run.startedAt = QDateTime(QDate(2026, 12, 1), QTime(0, 0), Qt::UTC).addSecs(60LL * minute);
    run.steps = {{StepId::Resolve, StepStatus::Ok, 0, 1, {}}, {StepId::Connect, StepStatus::Ok, 1, 1, {}}};
    TlsFacts tls;
    tls.protocol = tlsProtocol;
    run.tls = tls;
    return run;
}

/// Every byte of every file under `dir`.
QByteArray allBytesUnder(const QString& dir)
{
    QByteArray all;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

} // namespace

class TestRunHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsTheLastFifty();
    void keysAreSeparateAndSafe();
    void secretsAreRedacted();
    void corruptEntriesAreSkipped();
    void unwritableDirectory();
    void defaultDirectoryIsShared();
};

void TestRunHistory::keepsTheLastFifty()
{
    QTemporaryDir dir;
    RunHistory history(dir.path());
    QString error;
    for (int i = 0; i < 53; ++i)
        QVERIFY2(!history.record(QStringLiteral("p1"), runAt(i), &error).isEmpty(), qPrintable(error));
    QStringList problems;
    const QList<HistoryEntry> entries = history.entries(QStringLiteral("p1"), &problems);
    QCOMPARE(problems, QStringList());
    QCOMPARE(entries.size(), 50);
    // Newest first; runs 0, 1 and 2 were dropped.
    QCOMPARE(entries.first().startedAt, runAt(52).startedAt);
    QCOMPARE(entries.last().startedAt, runAt(3).startedAt);
    QCOMPARE(QDir(history.folderOf(QStringLiteral("p1"))).entryList(QDir::Files).size(), 50);
    QCOMPARE(entries.first().tlsProtocol, QStringLiteral("TLSv1.3"));
    QCOMPARE(entries.first().verdict, Verdict::Ok);
    QCOMPARE(entries.first().port, quint16(587));
    // The file is the report: it reads back as the run.
    const ReportReader::Result read = ReportReader::readFile(entries.first().path);
    QVERIFY2(read.run, qPrintable(read.error));
    QCOMPARE(read.run->target.host, QStringLiteral("mail.example.test"));
}

void TestRunHistory::keysAreSeparateAndSafe()
{
    QTemporaryDir dir;
    RunHistory history(dir.path());
    QString error;
    QVERIFY(!history.record(QStringLiteral("a"), runAt(1), &error).isEmpty());
    QVERIFY(!history.record(QStringLiteral("../../escape"), runAt(2), &error).isEmpty());
    QCOMPARE(history.entries(QStringLiteral("a")).size(), 1);
    QCOMPARE(history.entries(QStringLiteral("../../escape")).size(), 1);
    QCOMPARE(history.entries(QStringLiteral("b")).size(), 0);
    // A key that could climb out of the history is hashed into a folder inside it.
    QVERIFY(QFileInfo(history.folderOf(QStringLiteral("../../escape"))).absolutePath()
            == QDir(dir.path()).absolutePath());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 2);
    QCOMPARE(RunHistory::quickConnectKey(QStringLiteral("Mail.Example"), 25),
             RunHistory::quickConnectKey(QStringLiteral("mail.example"), 25));
    QVERIFY(RunHistory::quickConnectKey(QStringLiteral("mail.example"), 25)
            != RunHistory::quickConnectKey(QStringLiteral("mail.example"), 587));
}

void TestRunHistory::secretsAreRedacted()
{
    QTemporaryDir dir;
    RunHistory history(dir.path());
    // A run made with --show-secrets: the AUTH lines carry the password and its base64 form.
    Run run = runAt(1);
    run.secretsShown = true;
    const QString b64 = QString::fromLatin1(("\0user\0" + Canary.toUtf8()).toBase64());
    run.transcript = {{5, 'C', true, StepId::GreetingTls, 1, QStringLiteral("EHLO x"), false},
                      {6, 'C', true, StepId::Auth, 1, QStringLiteral("AUTH PLAIN ") + b64, false},
                      {7, 'C', true, StepId::Auth, 1, Canary, false},
                      {8, 'S', true, StepId::Auth, 1, QStringLiteral("235 ok"), false}};
    QString error;
    const QString path = history.record(QStringLiteral("p"), run, &error);
    QVERIFY2(!path.isEmpty(), qPrintable(error));
    const QByteArray bytes = allBytesUnder(dir.path());
    QVERIFY(!bytes.isEmpty());
    QVERIFY(!bytes.contains(Canary.toUtf8()));
    QVERIFY(!bytes.contains(b64.toLatin1()));
    const ReportReader::Result read = ReportReader::readFile(path);
    QVERIFY2(read.run, qPrintable(read.error));
    QCOMPARE(read.run->transcript.size(), 4);
    QCOMPARE(read.run->transcript[0].text, QStringLiteral("EHLO x"));
    QCOMPARE(read.run->transcript[1].text, QStringLiteral("[redacted]"));
    QCOMPARE(read.run->transcript[2].text, QStringLiteral("[redacted]"));
    QCOMPARE(read.run->transcript[3].text, QStringLiteral("235 ok"));
    QCOMPARE(read.run->secretsShown, false);
    // The scan can fail: the same run as a plain report does carry the secret.
    QVERIFY(ReportJson::toJson(run).contains(Canary.toUtf8()));
}

void TestRunHistory::corruptEntriesAreSkipped()
{
    QTemporaryDir dir;
    RunHistory history(dir.path());
    QString error;
    QVERIFY(!history.record(QStringLiteral("p"), runAt(1), &error).isEmpty());
    const QString good = history.record(QStringLiteral("p"), runAt(2), &error);
    const QString folder = history.folderOf(QStringLiteral("p"));
    // Truncated (a crash mid-write by another program), not JSON at all, deeply nested, another
    // schema, and a directory that looks like an entry.
    QFile good2(good);
    QVERIFY(good2.open(QIODevice::ReadOnly));
    const QByteArray full = good2.readAll();
    const QList<QPair<QString, QByteArray>> bad {
        {QStringLiteral("20261201T000003.000Z-truncated.json"), full.left(full.size() / 2)},
        {QStringLiteral("20261201T000004.000Z-garbage.json"), QByteArray("\x00\xff not json", 11)},
        {QStringLiteral("20261201T000005.000Z-nested.json"), QByteArray(100000, '[')},
        {QStringLiteral("20261201T000006.000Z-future.json"), QByteArray("{\"schema_version\": 99}")},
    };
    for (const auto& [name, bytes] : bad) {
        QFile f(folder + QLatin1Char('/') + name);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }
    QVERIFY(QDir(folder).mkdir(QStringLiteral("20261201T000007.000Z-dir.json")));
    QStringList problems;
    const QList<HistoryEntry> entries = history.entries(QStringLiteral("p"), &problems);
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries[0].path, good);
    QCOMPARE(problems.size(), 4);
    for (const QString& p : std::as_const(problems))
        QVERIFY2(p.startsWith(QStringLiteral("Skipped the history entry ") + folder), qPrintable(p));
    QVERIFY2(problems[0].contains(QStringLiteral("future.json"))
                 && problems[0].contains(QStringLiteral("schema_version 99")),
             qPrintable(problems[0]));
    QVERIFY2(problems[1].contains(QStringLiteral("nested.json"))
                 && problems[1].contains(QStringLiteral("nests deeper")),
             qPrintable(problems[1]));
    // The bad files are left as they are (the user may want them), and recording still works.
    QVERIFY(!history.record(QStringLiteral("p"), runAt(8), &error).isEmpty());
    QCOMPARE(history.entries(QStringLiteral("p")).size(), 3);
}

void TestRunHistory::unwritableDirectory()
{
    QTemporaryDir dir;
    // A file where the history folder should be.
    QFile blocker(dir.filePath(QStringLiteral("history")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    RunHistory history(dir.filePath(QStringLiteral("history")));
    QString error;
    QCOMPARE(history.record(QStringLiteral("p"), runAt(1), &error), QString());
    QVERIFY2(error.startsWith(QStringLiteral("Cannot create the history folder ")), qPrintable(error));
    QCOMPARE(history.entries(QStringLiteral("p")).size(), 0);
}

void TestRunHistory::defaultDirectoryIsShared()
{
    // The GUI and the CLI have different application names; the history must not depend on them.
    QCoreApplication::setApplicationName(QStringLiteral("mailscope"));
    const QString gui = RunHistory::defaultDirectory();
    QCoreApplication::setApplicationName(QStringLiteral("mailscope-cli"));
    QCOMPARE(RunHistory::defaultDirectory(), gui);
    QVERIFY2(gui.endsWith(QStringLiteral("/Mailscope/history")), qPrintable(gui));
}

QTEST_GUILESS_MAIN(TestRunHistory)
#include "TestRunHistory.moc"
