#pragma once

#include <memory>
#include <QByteArray>
#include <QSaveFile>
#include <QString>

/**
 * The one way Mailscope writes a file the user named: reports (mailscope-cli --output, the GUI's
 * Save report), transcripts and PEM exports.
 *
 * - A regular file, or a path that does not exist yet, is replaced atomically (QSaveFile): a
 *   reader never sees half a report, and a failed write leaves the old file as it was.
 * - Anything else that is not a directory (a FIFO, a character device such as /dev/null or a
 *   terminal) is opened and written directly. QSaveFile would rename its temporary file over the
 *   path and so *replace* the device or FIFO with a regular file (as root, that breaks /dev/null
 *   for the whole machine).
 * - `-` is standard output.
 *
 * open() does all the checking and keeps the target open, so a front end can call it before a
 * long run and learn at once that the path cannot be written, instead of after a login.
 */
class OutputFile final
{
public:
    enum class Kind
    {
        Replaced, ///< regular file or new path: written through QSaveFile
        Direct, ///< FIFO, character device, ...: written in place, never replaced
        StandardOutput, ///< "-"
    };

    /// How long open() waits for a reader to open a FIFO before giving up.
    static constexpr int DefaultFifoReaderWaitMs = 5000;

    explicit OutputFile(QString path);
    ~OutputFile(); ///< an uncommitted replacement is discarded; the old file stays
    Q_DISABLE_COPY_MOVE(OutputFile)

    /// Checks the target and opens it for writing. False (see errorString()) when it cannot be
    /// written: a directory, a missing or read-only directory, a FIFO nobody reads, ...
    bool open(int fifoReaderWaitMs = DefaultFifoReaderWaitMs);
    bool write(const QByteArray& bytes);
    /// Finishes the write: renames a replacement into place, closes a device or FIFO.
    bool commit();

    Kind kind() const { return m_kind; }
    QString path() const { return m_path; }
    QString errorString() const { return m_error; }

    /// open(), write() and commit() in one; on failure `error` holds a sentence naming the path.
    static bool writeAll(const QString& path, const QByteArray& bytes, QString* error);

private:
    bool openDirect(int fifoReaderWaitMs, bool fifo);
    bool writeDirect(const QByteArray& bytes);
    bool fail(const QString& reason);

    QString m_path;
    Kind m_kind = Kind::Replaced;
    std::unique_ptr<QSaveFile> m_saveFile;
    int m_fd = -1;
    bool m_open = false;
    QString m_error;
};
