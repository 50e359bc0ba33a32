#pragma once

#include "CliOptions.h"
#include "run/Run.h"

#include <memory>
#include <QTextStream>

class OutputFile;

/// Runs `mailscope-cli check` and turns the verdict into a monitoring-plugin exit code.
class CheckCommand final
{
public:
    /// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (monitoring-plugins convention).
    static int exitCodeFor(Verdict verdict);
    /// Runs the check to completion on a local event loop; returns the exit code.
    static int run(const CheckRequest& request, QTextStream& out, QTextStream& err);
    /// The --output file's format: --format, else from the name (.json), else text.
    static ReportFormat outputFormat(const CheckRequest& request);
    /// Opens --output before the run (nullptr without --output, or after printing why it cannot
    /// be written).
    static std::unique_ptr<OutputFile> openOutput(const CheckRequest& request, QTextStream& err);
    /// Writes --output (if any) and the terminal report; returns the exit code.
    static int finishReports(const CheckRequest& request, const Run& run, OutputFile* output,
                             QTextStream& out, QTextStream& err);
    /// Writes `run` as `format` to the opened `output`; false (with a message) on failure.
    static bool writeReport(const Run& run, ReportFormat format, OutputFile& output, QString* error);
};
