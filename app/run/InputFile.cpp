#include "InputFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QLocale>
#include <sys/stat.h>
#include <unistd.h>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("InputFile", text); }

QString errnoText(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

/// Closes the descriptor on every way out.
class FdCloser final
{
public:
    explicit FdCloser(int fd)
        : m_fd(fd)
    {
    }
    ~FdCloser()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Q_DISABLE_COPY_MOVE(FdCloser)

private:
    int m_fd;
};

} // namespace

InputFile::Result InputFile::read(const QString& path, const Limits& limits)
{
    Result result;
    const auto fail = [&](const QString& reason) {
        result.data.clear();
        result.error = tr("cannot read %1: %2").arg(path, reason);
        return result;
    };
    if (path.isEmpty())
        return fail(tr("no file name"));
    const QByteArray native = QFile::encodeName(path);
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, maybe forever.
    const int fd = ::open(native.constData(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return fail(errnoText(errno));
    const FdCloser closer(fd);
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0)
        return fail(errnoText(errno));
    if (S_ISDIR(st.st_mode))
        return fail(tr("it is a directory"));
    if (S_ISSOCK(st.st_mode))
        return fail(tr("it is a socket"));
    const QString limitText = QLocale::system().formattedDataSize(limits.maxBytes);
    if (S_ISREG(st.st_mode) && !limits.firstLineOnly && st.st_size > limits.maxBytes)
        return fail(tr("it is larger than %1").arg(limitText));

    // The first line's bound is on its content: its CR/LF ending may come on top.
    const qsizetype readLimit = limits.maxBytes + (limits.firstLineOnly ? 2 : 0);
    const auto tooLong = [&] {
        return fail(limits.firstLineOnly ? tr("its first line is longer than %1").arg(limitText)
                                         : tr("it is larger than %1").arg(limitText));
    };
    const QDeadlineTimer deadline(limits.timeoutMs, Qt::PreciseTimer);
    char chunk[16384];
    for (;;) {
        if (limits.firstLineOnly) {
            const qsizetype eol = result.data.indexOf('\n');
            if (eol >= 0) {
                result.data.truncate(eol);
                break;
            }
        }
        if (result.data.size() > readLimit)
            return tooLong();
        const qsizetype room = readLimit + 1 - result.data.size();
        const ssize_t n = ::read(fd, chunk, size_t(std::min<qsizetype>(room, qsizetype(sizeof chunk))));
        if (n > 0) {
            result.data.append(chunk, n);
            continue;
        }
        if (n == 0)
            break; // end of file (or a FIFO without a writer)
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return fail(errnoText(errno));
        // A FIFO, pipe or device with nothing to read yet: wait, but not forever.
        pollfd p {fd, POLLIN, 0};
        const qint64 left = deadline.remainingTime();
        if (left <= 0 || ::poll(&p, 1, int(left)) == 0)
            return fail(tr("nothing more arrived within %1 s").arg(double(limits.timeoutMs) / 1000.0));
    }
    if (limits.firstLineOnly && result.data.endsWith('\r'))
        result.data.chop(1);
    if (result.data.size() > limits.maxBytes)
        return tooLong();
    return result;
}
