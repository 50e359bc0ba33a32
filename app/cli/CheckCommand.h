#pragma once

#include "CliOptions.h"
#include "run/Run.h"

#include <QTextStream>

/// Runs `mailscope-cli check` and turns the verdict into a monitoring-plugin exit code.
class CheckCommand final
{
public:
    /// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (monitoring-plugins convention).
    static int exitCodeFor(Verdict verdict);
    /// Runs the check to completion on a local event loop; returns the exit code.
    static int run(const CheckRequest& request, QTextStream& out, QTextStream& err);
    /// Writes `run` as `format` to `path` atomically; false (with a message) on failure.
    static bool writeReport(const Run& run, ReportFormat format, const QString& path, QString* error);
};
