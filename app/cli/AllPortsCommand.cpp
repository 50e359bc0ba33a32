#include "AllPortsCommand.h"

#include "CheckCommand.h"
#include "CliOptions.h"
#include "run/OutputFile.h"
#include "run/ReportJson.h"
#include "run/TerminalText.h"
#include "TerminationSignals.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("AllPortsCommand", text); }

constexpr int ExitUnknown = 3;

QString yesNo(bool b) { return b ? tr("yes") : tr("no"); }

} // namespace

QList<QCommandLineOption> AllPortsCommand::options()
{
    return {
        QCommandLineOption(QStringLiteral("all-ports"),
                           tr("Check the host's eight mail ports at once (25, 465, 587, 2525, 143, 993, 110, "
                              "995) and print a table (with --json: an array of reports).")),
        QCommandLineOption(QStringLiteral("ports"),
                           tr("With --all-ports: probe a service on another port, e.g. 25=2500,993=10993 "
                              "(servers on test ports, the demo server)."),
                           QStringLiteral("map")),
    };
}

QString AllPortsCommand::serviceName(const MailService& service)
{
    switch (service.port) {
    case 25:
        return QStringLiteral("smtp");
    case 465:
        return QStringLiteral("submissions");
    case 587:
        return QStringLiteral("submission");
    case 2525:
        return QStringLiteral("smtp-alt");
    case 143:
        return QStringLiteral("imap");
    case 993:
        return QStringLiteral("imaps");
    case 110:
        return QStringLiteral("pop3");
    case 995:
        return QStringLiteral("pop3s");
    default:
        break;
    }
    return toKey(service.protocol);
}

std::optional<QMap<quint16, quint16>> AllPortsCommand::parsePortMap(const QString& text, QString* error)
{
    QList<quint16> known;
    const QList<MailService> services = AllPortsCheck::standardServices();
    for (const MailService& s : services)
        known.append(s.port);
    QMap<quint16, quint16> map;
    const QStringList items = text.split(QLatin1Char(','));
    for (const QString& item : items) {
        const QStringList pair = item.trimmed().split(QLatin1Char('='));
        if (pair.size() != 2) {
            *error = tr("--ports: \"%1\" is not SERVICE_PORT=PORT (e.g. 25=2500).").arg(item);
            return std::nullopt;
        }
        const auto from = CliOptions::parseWholeNumber(QStringLiteral("--ports"), pair[0], 1, 65535, error);
        if (!from)
            return std::nullopt;
        const auto to = CliOptions::parseWholeNumber(QStringLiteral("--ports"), pair[1], 1, 65535, error);
        if (!to)
            return std::nullopt;
        if (!known.contains(quint16(*from))) {
            *error = tr("--ports: %1 is not one of the mail ports 25, 465, 587, 2525, 143, 993, 110, 995.")
                         .arg(*from);
            return std::nullopt;
        }
        if (map.contains(quint16(*from))) {
            *error = tr("--ports: %1 is given twice.").arg(*from);
            return std::nullopt;
        }
        map.insert(quint16(*from), quint16(*to));
    }
    return map;
}

QString AllPortsCommand::table(const QString& host, const QList<PortRow>& rows)
{
    const QStringList header {tr("PORT"), tr("SERVICE"),     tr("REACHABLE"),       tr("SECURITY"),
                              tr("TLS"),  tr("CERTIFICATE"), tr("AUTH BEFORE TLS"), tr("VERDICT")};
    QList<QStringList> lines {header};
    for (const PortRow& r : rows) {
        const QString port = r.connectedPort == r.service.port
                                 ? QString::number(r.service.port)
                                 : QStringLiteral("%1 (%2)").arg(r.service.port).arg(r.connectedPort);
        lines.append({port, serviceName(r.service), yesNo(r.reachable), displayName(r.security),
                      r.tlsVersion.isEmpty() ? QStringLiteral("-") : TerminalText::escaped(r.tlsVersion),
                      displayName(r.certificate), r.reachable ? yesNo(r.authBeforeTls) : QStringLiteral("-"),
                      toKey(r.verdict)});
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList& l : lines) {
        for (qsizetype i = 0; i < l.size(); ++i)
            widths[i] = std::max(widths[i], l[i].size());
    }
    QString out = tr("All mail ports of %1:\n").arg(TerminalText::escaped(host));
    for (const QStringList& l : lines) {
        QString line;
        for (qsizetype i = 0; i < l.size(); ++i)
            line += i + 1 < l.size() ? l[i].leftJustified(widths[i] + 2) : l[i];
        out += line + QLatin1Char('\n');
    }
    out += tr("Overall: %1 (closed ports are not counted)\n").arg(toKey(AllPortsCheck::worstVerdict(rows)));
    return out;
}

int AllPortsCommand::run(const QCommandLineParser& parser, QTextStream& out, QTextStream& err)
{
    const auto fail = [&err](const QString& message) {
        err << tr("mailscope-cli check: %1").arg(message) << Qt::endl;
        return ExitUnknown;
    };
    if (parser.isSet(QStringLiteral("profile")))
        return fail(tr("--all-ports takes a host, not --profile."));
    for (const char* option : {"protocol", "tls", "tls-versions", "ciphers", "injection-test"}) {
        if (parser.isSet(QLatin1String(option)))
            return fail(
                tr("--all-ports chooses the protocol and TLS mode of each port itself: leave out --%1.")
                    .arg(QLatin1String(option)));
    }
    const QString hostArg = parser.positionalArguments().value(1);
    QString error;
    const auto hostPort = CliOptions::parseHostPort(hostArg, &error);
    if (hostPort && hostPort->port)
        return fail(tr("--all-ports checks every mail port: give the host without a port."));
    const auto parsed = CliOptions::parseCheck(parser);
    if (!parsed.value)
        return fail(parsed.error);
    const CheckRequest& request = *parsed.value;
    QMap<quint16, quint16> portMap;
    if (parser.isSet(QStringLiteral("ports"))) {
        const auto map = parsePortMap(parser.value(QStringLiteral("ports")), &error);
        if (!map)
            return fail(error);
        portMap = *map;
    }
    const std::unique_ptr<OutputFile> output = CheckCommand::openOutput(request, err);
    if (!request.outputFile.isEmpty() && !output)
        return ExitUnknown;

    AllPortsCheck check(request.probe, portMap, request.deadlineMs);
    QEventLoop loop;
    QObject::connect(&check, &AllPortsCheck::finished, &loop, &QEventLoop::quit);
    TerminationSignals termination;
    QObject::connect(&termination, &TerminationSignals::received, &check, &AllPortsCheck::cancel);
    check.start();
    if (!check.isFinished())
        loop.exec();

    QList<PortRow> rows;
    QJsonArray reports;
    for (int i = 0; i < check.count(); ++i) {
        rows.append(check.row(i));
        reports.append(ReportJson::toObject(check.run(i)));
    }
    const QByteArray json = QJsonDocument(reports).toJson(QJsonDocument::Indented);
    const QString text = table(request.probe.host, rows);
    const int code = CheckCommand::exitCodeFor(AllPortsCheck::worstVerdict(rows));
    if (output) {
        const bool asJson = CheckCommand::outputFormat(request) == ReportFormat::Json;
        if (!output->write(asJson ? json : text.toUtf8()) || !output->commit())
            return fail(output->errorString());
        if (output->kind() == OutputFile::Kind::StandardOutput)
            return code;
    }
    const bool stdoutJson =
        request.stdoutJson || (request.outputFile.isEmpty() && request.format == ReportFormat::Json);
    out << (stdoutJson ? QString::fromUtf8(json) : text);
    out.flush();
    return code;
}
