#pragma once

#include "Run.h"

#include <QString>

/// Renders a Run as a human-readable report for a terminal or a text file.
class ReportText final
{
public:
    struct Options
    {
        bool color = false; ///< ANSI colours (only for a terminal)
        bool transcript = true;
        int width = 100; ///< wrap explanations at this column
        /// The command line that runs the suggested settings (the CLI knows its own arguments);
        /// empty: only the options to change are printed.
        QString rerunCommand;
    };
    static QString render(const Run& run, const Options& options);
    static QString render(const Run& run) { return render(run, Options {}); }
};
