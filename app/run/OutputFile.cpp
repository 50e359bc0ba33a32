#include "OutputFile.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QThread>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("OutputFile", text); }

QString errnoText(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

/// Blocks SIGPIPE while it lives, so writing to a FIFO or pipe whose reader went away gives EPIPE
/// (an error we can report) instead of killing the process; a SIGPIPE raised meanwhile is consumed.
class SigPipeGuard final
{
public:
    SigPipeGuard()
    {
        sigemptyset(&m_pipe);
        sigaddset(&m_pipe, SIGPIPE);
        sigpending(&m_pending);
        m_wasPending = sigismember(&m_pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &m_pipe, &m_old);
    }
    ~SigPipeGuard()
    {
        if (!m_wasPending) {
            sigset_t pending;
            sigpending(&pending);
            if (sigismember(&pending, SIGPIPE) == 1) {
                const timespec zero {0, 0};
                sigtimedwait(&m_pipe, nullptr, &zero);
            }
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }
    Q_DISABLE_COPY_MOVE(SigPipeGuard)

private:
    sigset_t m_pipe {};
    sigset_t m_pending {};
    sigset_t m_old {};
    bool m_wasPending = false;
};

} // namespace

OutputFile::OutputFile(QString path)
    : m_path(std::move(path))
{
}

OutputFile::~OutputFile()
{
    if (m_saveFile && m_saveFile->isOpen())
        m_saveFile->cancelWriting();
    if (m_fd >= 0 && m_kind == Kind::Direct)
        ::close(m_fd);
}

bool OutputFile::fail(const QString& reason)
{
    m_error = tr("Cannot write %1: %2").arg(m_path, reason);
    return false;
}

bool OutputFile::open(int fifoReaderWaitMs)
{
    if (m_path.isEmpty())
        return fail(tr("no file name"));
    if (m_path == QLatin1String("-")) {
        m_kind = Kind::StandardOutput;
        m_fd = STDOUT_FILENO;
        m_open = true;
        return true;
    }
    const QByteArray native = QFile::encodeName(m_path);
    struct stat st
    {
    };
    if (::stat(native.constData(), &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return fail(tr("it is a directory"));
        if (!S_ISREG(st.st_mode)) {
            // A FIFO, device or socket is written in place; renaming over it would replace it.
            m_kind = Kind::Direct;
            return openDirect(fifoReaderWaitMs, S_ISFIFO(st.st_mode));
        }
    } else if (errno != ENOENT && errno != ENOTDIR) {
        return fail(errnoText(errno));
    } else {
        const QFileInfo dir(QFileInfo(m_path).absolutePath());
        if (!dir.exists())
            return fail(tr("the directory %1 does not exist").arg(dir.filePath()));
        if (!dir.isDir())
            return fail(tr("%1 is not a directory").arg(dir.filePath()));
    }
    m_kind = Kind::Replaced;
    m_saveFile = std::make_unique<QSaveFile>(m_path);
    if (!m_saveFile->open(QIODevice::WriteOnly))
        return fail(m_saveFile->errorString());
    m_open = true;
    return true;
}

bool OutputFile::openDirect(int fifoReaderWaitMs, bool fifo)
{
    const QByteArray native = QFile::encodeName(m_path);
    // O_NONBLOCK: opening a FIFO for writing blocks until a reader comes, possibly forever. Without
    // the flag, open fails with ENXIO while there is no reader; wait a bounded time for one.
    const QDeadlineTimer deadline(fifoReaderWaitMs, Qt::PreciseTimer);
    for (;;) {
        m_fd = ::open(native.constData(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (m_fd >= 0)
            break;
        const int error = errno;
        if (error == EINTR)
            continue;
        if (error == ENXIO && fifo) {
            if (deadline.hasExpired())
                return fail(tr("no program reads the FIFO (waited %1 s for a reader)")
                                .arg(double(fifoReaderWaitMs) / 1000.0));
            QThread::msleep(20);
            continue;
        }
        return fail(errnoText(error));
    }
    // The writes themselves may block (a full pipe waits for its reader, like any program would).
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(m_fd, F_SETFL, flags & ~O_NONBLOCK);
    m_open = true;
    return true;
}

bool OutputFile::write(const QByteArray& bytes)
{
    if (!m_open)
        return fail(tr("not open"));
    if (m_kind == Kind::Replaced) {
        if (m_saveFile->write(bytes) != bytes.size())
            return fail(m_saveFile->errorString());
        return true;
    }
    return writeDirect(bytes);
}

bool OutputFile::writeDirect(const QByteArray& bytes)
{
    const SigPipeGuard guard;
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(m_fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EPIPE)
                return fail(tr("the reader went away"));
            return fail(errnoText(errno));
        }
        done += n;
    }
    return true;
}

bool OutputFile::commit()
{
    if (!m_open)
        return fail(tr("not open"));
    m_open = false;
    switch (m_kind) {
    case Kind::Replaced:
        if (!m_saveFile->commit())
            return fail(m_saveFile->errorString());
        return true;
    case Kind::Direct: {
        const int fd = std::exchange(m_fd, -1);
        if (::close(fd) != 0 && errno != EINTR)
            return fail(errnoText(errno));
        return true;
    }
    case Kind::StandardOutput:
        return true;
    }
    return true;
}

bool OutputFile::writeAll(const QString& path, const QByteArray& bytes, QString* error)
{
    OutputFile file(path);
    if (file.open() && file.write(bytes) && file.commit())
        return true;
    *error = file.errorString();
    return false;
}
