#include "CheckCommand.h"

#include "check/CheckRunner.h"
#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "TerminationSignals.h"

#include <cstdio>
#include <QCoreApplication>
#include <QEventLoop>
#include <QSaveFile>
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

bool CheckCommand::writeReport(const Run& run, ReportFormat format, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(format == ReportFormat::Json ? ReportJson::toJson(run) : ReportText::render(run).toUtf8());
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

int CheckCommand::run(const CheckRequest& request, QTextStream& out, QTextStream& err)
{
    // The TLS audit (--tls-versions, --ciphers, --injection-test) starts together with the check,
    // so the whole costs about the longer of the two, not their sum.
    CheckRunner runner(CheckOptions {request.probe});
    QEventLoop loop;
    QObject::connect(&runner, &CheckRunner::finished, &loop, &QEventLoop::quit);
    // Ctrl+C stops the run cleanly: the report shows what happened so far (verdict UNKNOWN
    // unless something grave was already found).
    TerminationSignals termination;
    QObject::connect(&termination, &TerminationSignals::received, &runner, &CheckRunner::cancel);
    runner.start();
    if (!runner.isFinished())
        loop.exec();
    const Run& run = runner.run();

    if (!request.outputFile.isEmpty()) {
        const ReportFormat format = request.format.value_or(
            request.outputFile.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) ? ReportFormat::Json
                                                                                     : ReportFormat::Text);
        QString error;
        if (!writeReport(run, format, request.outputFile, &error)) {
            err << error << Qt::endl;
            return 3;
        }
    }
    const bool json =
        request.stdoutJson || (request.outputFile.isEmpty() && request.format == ReportFormat::Json);
    if (json) {
        out << QString::fromUtf8(ReportJson::toJson(run));
    } else {
        ReportText::Options options;
        options.color = useColor();
        out << ReportText::render(run, options);
    }
    out.flush();
    return exitCodeFor(run.verdict());
}
