#pragma once

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

/**
 * `mailscope-cli compare A.json B.json [--json]`: what changed from report A to report B
 * (RunComparison). Exit codes: 0 nothing changed but timings, 1 something changed, 2 the verdict
 * got worse by verdictRank() (a regression a monitoring job should raise), 3 a report could not be
 * read or bad usage.
 */
class CompareCommand final
{
public:
    static int main(QCommandLineParser& parser, const QStringList& arguments, bool helpOnly, QTextStream& out,
                    QTextStream& err);
};
