#include "CheckCommand.h"

#include "check/CheckRunner.h"
#include "profiles/RunHistory.h"
#include "ProgressLine.h"
#include "RerunCommand.h"
#include "run/OutputFile.h"
#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "TerminationSignals.h"

#include <cstdio>
#include <memory>
#include <QCoreApplication>
#include <QEventLoop>
#include <unistd.h>

namespace {
QString tr(const char* text) { return QCoreApplication::translate("CheckCommand", text); }

bool useColor() { return isatty(fileno(stdout)) && qEnvironmentVariableIsEmpty("NO_COLOR"); }
} // namespace

int CheckCommand::exitCodeFor(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Ok:
        return 0;
    case Verdict::Warning:
        return 1;
    case Verdict::Critical:
        return 2;
    case Verdict::Unknown:
        break;
    }
    return 3;
}

ReportFormat CheckCommand::outputFormat(const CheckRequest& request)
{
    if (request.format)
        return *request.format;
    if (request.outputFile == QLatin1String("-"))
        return request.stdoutJson ? ReportFormat::Json : ReportFormat::Text;
    return request.outputFile.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) ? ReportFormat::Json
                                                                                    : ReportFormat::Text;
}

std::unique_ptr<OutputFile> CheckCommand::openOutput(const CheckRequest& request, QTextStream& err)
{
    if (request.outputFile.isEmpty())
        return nullptr;
    auto output = std::make_unique<OutputFile>(request.outputFile);
    if (!output->open()) {
        err << tr("mailscope-cli check: %1").arg(output->errorString()) << Qt::endl;
        return nullptr;
    }
    return output;
}

bool CheckCommand::writeReport(const Run& run, ReportFormat format, OutputFile& output, QString* error)
{
    const QByteArray bytes =
        format == ReportFormat::Json ? ReportJson::toJson(run) : ReportText::render(run).toUtf8();
    if (output.write(bytes) && output.commit())
        return true;
    *error = output.errorString();
    return false;
}

int CheckCommand::run(const CheckRequest& request, QTextStream& out, QTextStream& err)
{
    // The report file is opened before anything is sent: an unwritable --output ends here, not
    // after a login whose report would then be lost.
    const std::unique_ptr<OutputFile> output = openOutput(request, err);
    if (!request.outputFile.isEmpty() && !output)
        return 3;
    // The TLS audit (--tls-versions, --ciphers, --injection-test) starts together with the check,
    // so the whole costs about the longer of the two, not their sum.
    CheckOptions options;
    options.probe = request.probe;
    options.deadlineMs = request.deadlineMs;
    CheckRunner runner(options);
    // Progress on a terminal only: a script reading stderr gets nothing but real errors.
    std::unique_ptr<ProgressLine> progress;
    if (ProgressLine::wanted())
        progress = std::make_unique<ProgressLine>(&runner, err);
    QEventLoop loop;
    QObject::connect(&runner, &CheckRunner::finished, &loop, &QEventLoop::quit);
    // Ctrl+C stops the run cleanly: the report shows what happened so far (verdict UNKNOWN
    // unless something grave was already found).
    TerminationSignals termination;
    QObject::connect(&termination, &TerminationSignals::received, &runner, &CheckRunner::cancel);
    runner.start();
    if (!runner.isFinished())
        loop.exec();
    progress.reset(); // erases the line before the report
    const Run& run = runner.run();
    if (!request.historyKey.isEmpty()) {
        // A history that cannot be written costs the user the comparison later, not this report.
        QString error;
        if (RunHistory().record(request.historyKey, run, &error).isEmpty())
            err << tr("mailscope-cli check: the run was not kept in the history: %1").arg(error) << Qt::endl;
    }

    return finishReports(request, run, output.get(), out, err);
}

int CheckCommand::finishReports(const CheckRequest& request, const Run& run, OutputFile* output,
                                QTextStream& out, QTextStream& err)
{
    if (output) {
        QString error;
        if (!writeReport(run, outputFormat(request), *output, &error)) {
            err << tr("mailscope-cli check: %1").arg(error) << Qt::endl;
            return 3;
        }
        // With --output -, the report file is standard output and replaces the terminal report.
        if (output->kind() == OutputFile::Kind::StandardOutput)
            return exitCodeFor(run.verdict());
    }
    const bool json =
        request.stdoutJson || (request.outputFile.isEmpty() && request.format == ReportFormat::Json);
    if (json) {
        out << QString::fromUtf8(ReportJson::toJson(run));
    } else {
        ReportText::Options options;
        options.color = useColor();
        if (run.suggestion && !request.arguments.isEmpty())
            options.rerunCommand = RerunCommand::build(request.arguments, *run.suggestion,
                                                       request.probe.protocol, request.probe.tls);
        out << ReportText::render(run, options);
    }
    out.flush();
    return exitCodeFor(run.verdict());
}
