#pragma once

#include <QByteArray>
#include <QString>

/**
 * Reads a small file the user named (a CA bundle, a password file) with bounds on size and
 * time, so that /dev/zero, a 2 GB file, a FIFO nobody writes to or a directory gives a clear
 * error instead of an allocation failure or a hang. Regular files, FIFOs, pipes (`<(...)`) and
 * character devices are read; directories and sockets are refused.
 */
class InputFile final
{
public:
    struct Limits
    {
        qsizetype maxBytes = 1024 * 1024;
        /// Waiting for more bytes (a FIFO or pipe) ends after this long.
        int timeoutMs = 10000;
        /// Stop at the first LF: only the first line is wanted (and must fit in maxBytes).
        bool firstLineOnly = false;
    };

    struct Result
    {
        QByteArray data; ///< with firstLineOnly: the first line without its CR/LF ending
        QString error; ///< empty on success; a sentence naming the file otherwise
        bool ok() const { return error.isEmpty(); }
    };

    static Result read(const QString& path, const Limits& limits);
};
