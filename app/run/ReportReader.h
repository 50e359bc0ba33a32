#pragma once

#include "Run.h"

#include <optional>
#include <QByteArray>
#include <QJsonObject>
#include <QString>

/**
 * Reads a JSON report (schema_version 1, as ReportJson writes it) back into a Run, for run
 * history and `compare`. The file is untrusted input: its size, its nesting depth and the length
 * of every array and object are bounded before anything is built, and every problem comes back as
 * a message naming the place in the document ("steps[2].status: ..."), never as an exception.
 *
 * Keys this reader does not know are ignored (schema 1 grows by optional keys); a missing
 * required key, a value of the wrong type or an unknown enum value is an error. A report of
 * another schema_version is refused with a message saying which versions are read.
 *
 * What the report does not carry is rebuilt where it can be: each transcript line's step index
 * (from its step id and the order of the steps), and a certificate's common name and
 * self-signedness (from its PEM). A report whose verdict is "unknown" was an aborted run.
 */
class ReportReader final
{
public:
    /// Largest report read (bytes); bounded reports stay far below it.
    static constexpr qint64 MaxFileBytes = 32LL * 1024 * 1024;
    /// Deepest nesting of arrays and objects accepted; schema 1 needs 4.
    static constexpr int MaxDepth = 16;
    /// Most entries in any one array or object (the transcript is the longest).
    static constexpr qsizetype MaxItems = 100000;

    /// A run, or why there is none.
    struct Result
    {
        std::optional<Run> run;
        QString error; ///< translated, one line; empty when run is set
    };

    /// Parses a report held in memory.
    static Result read(const QByteArray& json);
    /// Reads an already parsed report (one embedded in a domain report); the caller has bounded the
    /// document's size and nesting.
    static Result readObject(const QJsonObject& report);
    /// Reads a report file (a regular file only: a FIFO or a device is refused, not read).
    static Result readFile(const QString& path);
};
