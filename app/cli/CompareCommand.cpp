#include "CompareCommand.h"

#include "run/ReportReader.h"
#include "run/RunComparison.h"

#include <QCoreApplication>
#include <QJsonDocument>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("CompareCommand", text); }

constexpr int ExitUnknown = 3;

/// Verdicts from better to worse, in the monitoring plugins' max_state_alt order.
int rank(Verdict v)
{
    switch (v) {
    case Verdict::Ok:
        return 0;
    case Verdict::Unknown:
        return 1;
    case Verdict::Warning:
        return 2;
    case Verdict::Critical:
        return 3;
    }
    return 1;
}

} // namespace

int CompareCommand::main(QCommandLineParser& parser, const QStringList& arguments, bool helpOnly,
                         QTextStream& out, QTextStream& err)
{
    parser.setApplicationDescription(tr("Show what changed between two JSON reports (e.g. two runs from the "
                                        "history, or two --output files)."));
    parser.addPositionalArgument(QStringLiteral("compare"), tr("The command."));
    parser.addPositionalArgument(QStringLiteral("A.json"), tr("The earlier report."));
    parser.addPositionalArgument(QStringLiteral("B.json"), tr("The later report."));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print the comparison as JSON."));
    parser.addOption(json);
    if (!parser.parse(arguments)) {
        err << tr("mailscope-cli compare: %1").arg(parser.errorText()) << Qt::endl;
        return ExitUnknown;
    }
    if (helpOnly || parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    const QStringList files = parser.positionalArguments().mid(1);
    if (files.size() != 2) {
        err << tr("mailscope-cli compare: give two reports: mailscope-cli compare A.json B.json") << Qt::endl;
        return ExitUnknown;
    }
    ReportReader::Result runs[2];
    for (int i = 0; i < 2; ++i) {
        runs[i] = ReportReader::readFile(files[i]);
        if (!runs[i].run) {
            err << tr("mailscope-cli compare: %1").arg(runs[i].error) << Qt::endl;
            return ExitUnknown;
        }
    }
    const Run& before = *runs[0].run;
    const Run& after = *runs[1].run;
    const RunComparison comparison = RunComparison::compare(before, after);
    if (parser.isSet(json))
        out << QString::fromUtf8(
            QJsonDocument(comparison.toJson(before, after)).toJson(QJsonDocument::Indented));
    else
        out << comparison.toText(before, after);
    out.flush();
    if (rank(after.verdict()) > rank(before.verdict()))
        return 2;
    return comparison.isUnchanged() ? 0 : 1;
}
