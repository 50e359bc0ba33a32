#include "CompareCommand.h"

#include "domain/DomainComparison.h"
#include "domain/DomainReportReader.h"
#include "run/RunComparison.h"
#include "run/VerdictOrder.h"

#include <QCoreApplication>
#include <QJsonDocument>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("CompareCommand", text); }

constexpr int ExitUnknown = 3;

} // namespace

int CompareCommand::main(QCommandLineParser& parser, const QStringList& arguments, bool helpOnly,
                         QTextStream& out, QTextStream& err)
{
    parser.setApplicationDescription(
        tr("Show what changed between two JSON reports (e.g. two runs from the "
           "history, or two --output files): two run reports of a server, or two "
           "domain reports (mailscope-cli domain --json). Exit 0 unchanged, 1 "
           "changed, 2 the verdict got worse, 3 unreadable or of different kinds."));
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
    ReportFile reports[2];
    for (int i = 0; i < 2; ++i) {
        reports[i] = ReportFile::readFile(files[i]);
        if (!reports[i].ok()) {
            err << tr("mailscope-cli compare: %1").arg(reports[i].error) << Qt::endl;
            return ExitUnknown;
        }
    }
    if (reports[0].kind != reports[1].kind) {
        // A domain's MX walk and one server's conversation have no field in common to compare.
        err << tr("mailscope-cli compare: %1 is %2 and %3 is %4; compare two domain reports or two run "
                  "reports.")
                   .arg(files[0], reports[0].describe(), files[1], reports[1].describe())
            << Qt::endl;
        return ExitUnknown;
    }
    Verdict verdictBefore;
    Verdict verdictAfter;
    bool unchanged;
    if (reports[0].domain) {
        const DomainReport& before = *reports[0].domain;
        const DomainReport& after = *reports[1].domain;
        const DomainComparison comparison = DomainComparison::compare(before, after);
        if (parser.isSet(json))
            out << QString::fromUtf8(
                QJsonDocument(comparison.toJson(before, after)).toJson(QJsonDocument::Indented));
        else
            out << comparison.toText(before, after);
        verdictBefore = before.verdict();
        verdictAfter = after.verdict();
        unchanged = comparison.isUnchanged();
    } else {
        const Run& before = *reports[0].run;
        const Run& after = *reports[1].run;
        const RunComparison comparison = RunComparison::compare(before, after);
        if (parser.isSet(json))
            out << QString::fromUtf8(
                QJsonDocument(comparison.toJson(before, after)).toJson(QJsonDocument::Indented));
        else
            out << comparison.toText(before, after);
        verdictBefore = before.verdict();
        verdictAfter = after.verdict();
        unchanged = comparison.isUnchanged();
    }
    out.flush();
    if (verdictRank(verdictAfter) > verdictRank(verdictBefore))
        return 2;
    return unchanged ? 0 : 1;
}
