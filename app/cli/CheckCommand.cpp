#include "CheckCommand.h"

#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "session/ProbeSession.h"
#include "TerminationSignals.h"
#include "tls/TlsAudit.h"

#include <cstdio>
#include <memory>
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
    ProbeSession session(request.probe);
    // The TLS audit (--tls-versions, --ciphers, --injection-test) starts together with the check,
    // so the whole costs about the longer of the two, not their sum.
    std::unique_ptr<TlsAudit> audit;
    if (request.probe.audit.any())
        audit = std::make_unique<TlsAudit>(request.probe);
    QEventLoop loop;
    const auto quitWhenDone = [&] {
        if (session.isFinished() && (!audit || audit->isFinished()))
            loop.quit();
    };
    QObject::connect(&session, &ProbeSession::finished, &loop, quitWhenDone);
    if (audit)
        QObject::connect(audit.get(), &TlsAudit::finished, &loop, quitWhenDone);
    // Ctrl+C stops the run cleanly: the report shows what happened so far (verdict UNKNOWN
    // unless something grave was already found).
    TerminationSignals termination;
    QObject::connect(&termination, &TerminationSignals::received, &loop, [&] {
        session.cancel();
        if (audit)
            audit->cancel();
        loop.quit();
    });
    session.start();
    if (audit)
        audit->start();
    if (!session.isFinished() || (audit && !audit->isFinished()))
        loop.exec();
    Run run = session.run();
    if (audit && !run.aborted)
        audit->mergeInto(run);

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
