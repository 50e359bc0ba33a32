#include "SendCommand.h"

#include "CheckCommand.h"
#include "CliOptions.h"
#include "ProfilesCommand.h"
#include "run/InputFile.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QMimeDatabase>

namespace {
constexpr int ExitUnknown = 3;

QString tr(const char* text) { return QCoreApplication::translate("SendCommand", text); }

QCommandLineOption opt(const QString& name, const char* description, const QString& valueName = {})
{
    return valueName.isEmpty() ? QCommandLineOption(name, tr(description))
                               : QCommandLineOption(name, tr(description), valueName);
}

std::optional<QByteArray> readFile(const QString& path, QString* error)
{
    InputFile::Limits limits;
    limits.maxBytes = SendCommand::MaxFileBytes;
    InputFile::Result result = InputFile::read(path, limits);
    if (!result.ok()) {
        *error = result.error;
        return std::nullopt;
    }
    return std::move(result.data);
}
} // namespace

void SendCommand::addOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        opt(QStringLiteral("from"), "The sender (MAIL FROM and From:), e.g. \"Ann <ann@example.org>\".",
            QStringLiteral("address")),
        opt(QStringLiteral("to"), "A recipient (To:); repeat for more.", QStringLiteral("address")),
        opt(QStringLiteral("cc"), "A copy recipient (Cc:); repeat for more.", QStringLiteral("address")),
        opt(QStringLiteral("subject"), "The subject (default: a Mailscope test subject).",
            QStringLiteral("text")),
        opt(QStringLiteral("body"), "The body text (default: how the message travelled).",
            QStringLiteral("text")),
        opt(QStringLiteral("body-file"), "Read the body text (UTF-8) from this file.",
            QStringLiteral("file")),
        opt(QStringLiteral("attach"), "Attach this file; repeat for more.", QStringLiteral("file")),
        opt(QStringLiteral("header"), "Add the header \"Name: value\"; repeat for more.",
            QStringLiteral("header")),
        opt(QStringLiteral("pipelining"),
            "auto (default: send the envelope in one write when the server offers PIPELINING) or off.",
            QStringLiteral("mode")),
        opt(QStringLiteral("bdat"), "Send the message with BDAT (CHUNKING, RFC 3030) when offered."),
        opt(QStringLiteral("dsn"),
            "Ask for delivery status notifications (RFC 3461) when offered: NEVER or a list of "
            "SUCCESS, FAILURE, DELAY.",
            QStringLiteral("notify")),
        opt(QStringLiteral("requiretls"),
            "Ask that the message travel only over verified TLS (RFC 8689); not sent when not offered."),
    });
}

bool SendCommand::apply(const QCommandLineParser& parser, ProbeOptions& options, QString* error,
                        const QString& defaultFrom, const QStringList& defaultTo)
{
    if (options.protocol != Protocol::Smtp) {
        *error = tr("send speaks SMTP only (--protocol smtp)");
        return false;
    }
    SendOptions send;
    TestMessage& m = send.message;
    m.from = parser.isSet(QStringLiteral("from")) ? parser.value(QStringLiteral("from")) : defaultFrom;
    m.to = parser.isSet(QStringLiteral("to")) ? parser.values(QStringLiteral("to")) : defaultTo;
    m.cc = parser.values(QStringLiteral("cc"));
    if (m.from.trimmed().isEmpty()) {
        *error = tr("--from is required (the sender's address)");
        return false;
    }
    if (m.to.isEmpty()) {
        *error = tr("--to is required (at least one recipient)");
        return false;
    }
    m.subject = parser.isSet(QStringLiteral("subject")) ? parser.value(QStringLiteral("subject"))
                                                        : tr("Mailscope test message");
    if (parser.isSet(QStringLiteral("body")) && parser.isSet(QStringLiteral("body-file"))) {
        *error = tr("give --body or --body-file, not both");
        return false;
    }
    if (parser.isSet(QStringLiteral("body-file"))) {
        const auto bytes = readFile(parser.value(QStringLiteral("body-file")), error);
        if (!bytes)
            return false;
        m.body = QString::fromUtf8(*bytes);
    } else {
        m.body = parser.value(QStringLiteral("body"));
    }
    const QMimeDatabase mimeTypes;
    for (const QString& path : parser.values(QStringLiteral("attach"))) {
        const auto bytes = readFile(path, error);
        if (!bytes)
            return false;
        const QString type = mimeTypes.mimeTypeForFileNameAndData(path, *bytes).name();
        m.attachments.append({QFileInfo(path).fileName(), *bytes, type.toLatin1()});
    }
    for (const QString& header : parser.values(QStringLiteral("header"))) {
        const qsizetype colon = header.indexOf(QLatin1Char(':'));
        const QByteArray name = colon > 0 ? header.left(colon).trimmed().toUtf8() : QByteArray();
        const QString value = colon > 0 ? header.mid(colon + 1).trimmed() : QString();
        const QString problem = colon > 0 ? TestMessage::headerProblem(name, value) : tr("no colon");
        if (!problem.isEmpty()) {
            *error = tr("--header \"%1\": %2").arg(header, problem);
            return false;
        }
        m.extraHeaders.append({name, value});
    }
    const QString pipelining = parser.value(QStringLiteral("pipelining")).toLower();
    if (!pipelining.isEmpty() && pipelining != QLatin1String("auto") && pipelining != QLatin1String("off")) {
        *error = tr("--pipelining must be auto or off, not \"%1\"").arg(pipelining);
        return false;
    }
    send.pipelining = pipelining != QLatin1String("off");
    send.bdat = parser.isSet(QStringLiteral("bdat"));
    send.requireTls = parser.isSet(QStringLiteral("requiretls"));
    if (parser.isSet(QStringLiteral("dsn"))) {
        const QStringList words = parser.value(QStringLiteral("dsn")).toUpper().split(QLatin1Char(','));
        const QStringList allowed {QStringLiteral("SUCCESS"), QStringLiteral("FAILURE"),
                                   QStringLiteral("DELAY")};
        // RFC 3461 s.4.1: NEVER alone, or any of SUCCESS, FAILURE, DELAY.
        const bool never = words == QStringList {QStringLiteral("NEVER")};
        for (const QString& w : words) {
            if (!never && !allowed.contains(w)) {
                *error = tr("--dsn takes NEVER or a list of SUCCESS, FAILURE, DELAY, not \"%1\"")
                             .arg(parser.value(QStringLiteral("dsn")));
                return false;
            }
        }
        send.dsnNotify = words.join(QLatin1Char(',')).toLatin1();
    }
    // Checked now, so bad input is a usage error (exit 3) rather than a failed run.
    const BuiltMessage built = m.build();
    if (!built.ok()) {
        *error = built.error;
        return false;
    }
    options.send = std::move(send);
    return true;
}

int sendMain(QCommandLineParser& parser, const QStringList& arguments, bool helpFor, QTextStream& out,
             QTextStream& err)
{
    parser.setApplicationDescription(tr("Send a test message and show how the server handled it."));
    parser.addPositionalArgument(QStringLiteral("send"), tr("The command."));
    parser.addPositionalArgument(QStringLiteral("HOST[:PORT]"), tr("The server, e.g. mail.example.org:587."));
    CliOptions::addCheckOptions(parser);
    SendCommand::addOptions(parser);
    parser.addOption(ProfilesCommand::profileOption());
    if (!parser.parse(arguments)) {
        err << tr("mailscope-cli send: %1").arg(parser.errorText()) << Qt::endl
            << tr("Try: mailscope-cli help send") << Qt::endl;
        return ExitUnknown;
    }
    if (helpFor || parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    if (parser.isSet(QStringLiteral("profile")))
        return ProfilesCommand::check(parser, out, err, QStringLiteral("send"));
    const auto parsed = CliOptions::parseCheck(parser);
    if (!parsed.value) {
        err << tr("mailscope-cli send: %1").arg(parsed.error) << Qt::endl;
        return ExitUnknown;
    }
    CheckRequest request = *parsed.value;
    QString error;
    if (!SendCommand::apply(parser, request.probe, &error)) {
        err << tr("mailscope-cli send: %1").arg(error) << Qt::endl;
        return ExitUnknown;
    }
    request.arguments = arguments;
    return CheckCommand::run(request, out, err);
}
