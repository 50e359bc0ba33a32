#pragma once

#include "DomainReport.h"

#include <optional>
#include <QByteArray>
#include <QJsonObject>
#include <QString>

/**
 * Reads a domain report (DomainReportJson, `"kind": "domain"`, schema_version 1) back into a
 * DomainReport, for run history and `compare`. The file is untrusted input, read as ReportReader
 * reads a run report: its size and nesting depth are bounded before it is parsed (JsonNesting),
 * every array and object is bounded, and the first problem comes back as one line naming its place
 * ("mx[1].tlsa.records[0].usage: ..."), never as an exception. Each MX address's embedded run
 * report is read by ReportReader. Keys it does not know are ignored; a missing key, a value of the
 * wrong type or an unknown status ("dane": "maybe") is an error.
 */
class DomainReportReader final
{
public:
    /// Largest domain report read: each MX address's run is embedded in full.
    static constexpr qint64 MaxFileBytes = 64LL * 1024 * 1024;
    /// Deepest nesting accepted; a domain report needs 9 (a run's 4 inside mx[].runs[].report).
    static constexpr int MaxDepth = 16;
    /// Most MX hosts, addresses per host and TLSA records read (far beyond any real domain).
    static constexpr qsizetype MaxListItems = 1000;

    struct Result
    {
        std::optional<DomainReport> report;
        QString error; ///< translated, one line; empty when report is set
    };

    /// Parses a domain report held in memory; a run report is refused as not a domain report.
    static Result read(const QByteArray& json);
    static Result readFile(const QString& path);
    /// Reads an already parsed document (bounded by the caller).
    static Result readObject(const QJsonObject& document);
};

/**
 * A report file of either kind, told apart by its "kind" (absent: a run report, "domain": a domain
 * report): what `compare` and the history read when they do not know beforehand which it is.
 */
struct ReportFile
{
    enum class Kind
    {
        Run,
        Domain,
    };
    Kind kind = Kind::Run;
    std::optional<Run> run;
    std::optional<DomainReport> domain;
    QString error; ///< why neither could be read (translated, one line)

    bool ok() const { return run.has_value() || domain.has_value(); }
    /// "the domain report of demo.test" / "the run report of mx.example.org:25", for messages.
    QString describe() const;

    static ReportFile read(const QByteArray& json);
    /// A regular file only; `path` is named in the error.
    static ReportFile readFile(const QString& path);
};
