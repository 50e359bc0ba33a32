// OutputFile (reports, transcripts, PEM exports) and InputFile (CA and password files): regular
// files are replaced atomically, FIFOs and devices are written in place and stay what they were,
// and reading is bounded in size and time. Everything happens in a QTemporaryDir (device nodes
// are made there with mknod, as root), never under /dev.

#include "run/InputFile.h"
#include "run/OutputFile.h"

#include <fcntl.h>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace {

QByteArray native(const QString& path) { return QFile::encodeName(path); }

QByteArray contents(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

mode_t typeOf(const QString& path)
{
    struct stat st
    {
    };
    return ::stat(native(path).constData(), &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

} // namespace

class TestUserFiles final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void newRegularFile();
    void replacesRegularFileAtomically();
    void refusesDirectoryAndMissingDirectory();
    void fifoWithReaderStaysFifo();
    void fifoWithoutReaderIsRefusedInBoundedTime();
    void readerGoneIsAnErrorNotASignal();
    void characterDeviceStaysDevice();
    void readsWithinBounds();
    void firstLineOnly_data();
    void firstLineOnly();
    void fifoWriterThatNeverWritesTimesOut();

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

void TestUserFiles::initTestCase() { QVERIFY(m_dir.isValid()); }

void TestUserFiles::newRegularFile()
{
    QString error;
    QVERIFY2(OutputFile::writeAll(path(QStringLiteral("new.txt")), "report\n", &error), qPrintable(error));
    QCOMPARE(contents(path(QStringLiteral("new.txt"))), QByteArray("report\n"));
    QCOMPARE(typeOf(path(QStringLiteral("new.txt"))), mode_t(S_IFREG));
}

void TestUserFiles::replacesRegularFileAtomically()
{
    const QString p = path(QStringLiteral("old.txt"));
    writeFile(p, "old contents");
    {
        // Opened, written, never committed (a run that crashed): the old file is untouched.
        OutputFile file(p);
        QVERIFY(file.open());
        QCOMPARE(file.kind(), OutputFile::Kind::Replaced);
        QVERIFY(file.write("half a rep"));
        QCOMPARE(contents(p), QByteArray("old contents"));
    }
    QCOMPARE(contents(p), QByteArray("old contents"));
    OutputFile file(p);
    QVERIFY(file.open());
    QVERIFY(file.write("new"));
    QVERIFY(file.commit());
    QCOMPARE(contents(p), QByteArray("new"));
    QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("old.txt*")}, QDir::Files | QDir::Hidden),
             QStringList {QStringLiteral("old.txt")}); // no temporary file left behind
}

void TestUserFiles::refusesDirectoryAndMissingDirectory()
{
    OutputFile dir(m_dir.path());
    QVERIFY(!dir.open());
    QCOMPARE(dir.errorString(), QStringLiteral("Cannot write %1: it is a directory").arg(m_dir.path()));
    const QString missing = path(QStringLiteral("missing/report.json"));
    OutputFile inMissing(missing);
    QVERIFY(!inMissing.open());
    QCOMPARE(inMissing.errorString(), QStringLiteral("Cannot write %1: the directory %2 does not exist")
                                          .arg(missing, path(QStringLiteral("missing"))));
    OutputFile empty(QString {});
    QVERIFY(!empty.open());
}

void TestUserFiles::fifoWithReaderStaysFifo()
{
    const QString fifo = path(QStringLiteral("out.fifo"));
    QCOMPARE(::mkfifo(native(fifo).constData(), 0600), 0);
    const int reader = ::open(native(fifo).constData(), O_RDONLY | O_NONBLOCK);
    QVERIFY(reader >= 0);
    QString error;
    QVERIFY2(OutputFile::writeAll(fifo, "through the pipe\n", &error), qPrintable(error));
    char buffer[64] = {};
    QCOMPARE(::read(reader, buffer, sizeof buffer), ssize_t(17));
    QCOMPARE(QByteArray(buffer), QByteArray("through the pipe\n"));
    QCOMPARE(::read(reader, buffer, sizeof buffer), ssize_t(0)); // the writer closed: end of file
    ::close(reader);
    QCOMPARE(typeOf(fifo), mode_t(S_IFIFO));
}

void TestUserFiles::fifoWithoutReaderIsRefusedInBoundedTime()
{
    const QString fifo = path(QStringLiteral("unread.fifo"));
    QCOMPARE(::mkfifo(native(fifo).constData(), 0600), 0);
    OutputFile file(fifo);
    QVERIFY(!file.open(100));
    QCOMPARE(
        file.errorString(),
        QStringLiteral("Cannot write %1: no program reads the FIFO (waited 0.1 s for a reader)").arg(fifo));
    QCOMPARE(typeOf(fifo), mode_t(S_IFIFO));
}

void TestUserFiles::readerGoneIsAnErrorNotASignal()
{
    const QString fifo = path(QStringLiteral("gone.fifo"));
    QCOMPARE(::mkfifo(native(fifo).constData(), 0600), 0);
    const int reader = ::open(native(fifo).constData(), O_RDONLY | O_NONBLOCK);
    QVERIFY(reader >= 0);
    OutputFile file(fifo);
    QVERIFY(file.open());
    QCOMPARE(file.kind(), OutputFile::Kind::Direct);
    ::close(reader); // the reader goes away: the write gets EPIPE (SIGPIPE would kill this test)
    QVERIFY(!file.write("nobody listens"));
    QCOMPARE(file.errorString(), QStringLiteral("Cannot write %1: the reader went away").arg(fifo));
}

void TestUserFiles::characterDeviceStaysDevice()
{
    QCOMPARE(::geteuid(), uid_t(0)); // mknod needs root; the test environment is root
    const QString node = path(QStringLiteral("null"));
    QCOMPARE(::mknod(native(node).constData(), S_IFCHR | 0666, makedev(1, 3)), 0);
    OutputFile file(node);
    QVERIFY(file.open());
    QCOMPARE(file.kind(), OutputFile::Kind::Direct);
    QVERIFY(file.write("into the void"));
    QVERIFY(file.commit());
    struct stat st
    {
    };
    QCOMPARE(::stat(native(node).constData(), &st), 0);
    QVERIFY(S_ISCHR(st.st_mode));
    QCOMPARE(st.st_rdev, makedev(1, 3));
}

void TestUserFiles::readsWithinBounds()
{
    InputFile::Limits limits;
    limits.maxBytes = 100;
    const QString atBound = path(QStringLiteral("100.pem"));
    writeFile(atBound, QByteArray(100, 'a'));
    InputFile::Result r = InputFile::read(atBound, limits);
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.data, QByteArray(100, 'a'));

    const QString onePast = path(QStringLiteral("101.pem"));
    writeFile(onePast, QByteArray(101, 'a'));
    r = InputFile::read(onePast, limits);
    QCOMPARE(r.error, QStringLiteral("cannot read %1: it is larger than 100 bytes").arg(onePast));
    QVERIFY(r.data.isEmpty());

    // A character device that never ends (a private node of /dev/zero's numbers, 1:5).
    const QString zero = path(QStringLiteral("zero"));
    QCOMPARE(::mknod(native(zero).constData(), S_IFCHR | 0666, makedev(1, 5)), 0);
    r = InputFile::read(zero, limits);
    QCOMPARE(r.error, QStringLiteral("cannot read %1: it is larger than 100 bytes").arg(zero));

    r = InputFile::read(m_dir.path(), limits);
    QCOMPARE(r.error, QStringLiteral("cannot read %1: it is a directory").arg(m_dir.path()));
}

void TestUserFiles::firstLineOnly_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("line"); // "<error>" when refused
    QTest::newRow("CRLF") << QByteArray("s3cret\r\nsecond line\n") << QByteArray("s3cret");
    QTest::newRow("LF") << QByteArray("s3cret\n") << QByteArray("s3cret");
    QTest::newRow("no ending") << QByteArray("s3cret") << QByteArray("s3cret");
    QTest::newRow("lone CR at the end") << QByteArray("s3cret\r") << QByteArray("s3cret");
    QTest::newRow("spaces kept") << QByteArray(" pass word \n") << QByteArray(" pass word ");
    QTest::newRow("line at the bound") << QByteArray(64, 'p') + "\r\nrest" << QByteArray(64, 'p');
    QTest::newRow("line one past the bound") << QByteArray(65, 'p') + "\n" << QByteArray("<error>");
    QTest::newRow("long second line is fine")
        << QByteArray("pw\n") + QByteArray(1000, 'x') << QByteArray("pw");
}

void TestUserFiles::firstLineOnly()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, line);
    const QString p = path(QStringLiteral("password"));
    writeFile(p, bytes);
    InputFile::Limits limits;
    limits.maxBytes = 64;
    limits.firstLineOnly = true;
    const InputFile::Result r = InputFile::read(p, limits);
    if (line == "<error>") {
        QCOMPARE(r.error, QStringLiteral("cannot read %1: its first line is longer than 64 bytes").arg(p));
        return;
    }
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.data, line);
}

void TestUserFiles::fifoWriterThatNeverWritesTimesOut()
{
    const QString fifo = path(QStringLiteral("silent.fifo"));
    QCOMPARE(::mkfifo(native(fifo).constData(), 0600), 0);
    // Hold a write end open (O_RDWR never blocks on Linux) without writing a byte.
    const int writer = ::open(native(fifo).constData(), O_RDWR | O_NONBLOCK);
    QVERIFY(writer >= 0);
    InputFile::Limits limits;
    limits.timeoutMs = 200;
    limits.firstLineOnly = true;
    const InputFile::Result r = InputFile::read(fifo, limits);
    ::close(writer);
    QCOMPARE(r.error, QStringLiteral("cannot read %1: nothing more arrived within 0.2 s").arg(fifo));
}

QTEST_GUILESS_MAIN(TestUserFiles)
#include "TestUserFiles.moc"
