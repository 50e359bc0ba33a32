#include "CheckCommand.h"

#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "session/ProbeSession.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QSaveFile>

#include <cstdio>
#include <unistd.h>

namespace {
QString tr(const char* text) { return QCoreApplication::translate("CheckCommand", text); }

bool useColor()
{
    return isatty(fileno(stdout)) && qEnvironmentVariableIsEmpty("NO_COLOR");
}
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
    ProbeSession session(request.probe);
    QEventLoop loop;
    QObject::connect(&session, &ProbeSession::finished, &loop, &QEventLoop::quit);
    session.start();
    if (!session.isFinished())
        loop.exec();
    const Run& run = session.run();

    if (!request.outputFile.isEmpty()) {
        const ReportFormat format =
            request.format.value_or(request.outputFile.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)
                                        ? ReportFormat::Json
                                        : ReportFormat::Text);
        QString error;
        if (!writeReport(run, format, request.outputFile, &error)) {
            err << error << Qt::endl;
            return 3;
        }
    }
    const bool json = request.stdoutJson || (request.outputFile.isEmpty() && request.format == ReportFormat::Json);
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
