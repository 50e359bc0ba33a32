#include "DemoCommand.h"

#include "CliOptions.h"
#include "demo/DemoServer.h"
#include "TerminationSignals.h"

#include <cstdio>
#include <QCoreApplication>

namespace {

constexpr int ExitUnknown = 3;

QString tr(const char* text) { return QCoreApplication::translate("mailscope-cli", text); }

void printScenarios(QTextStream& stream)
{
    const QList<DemoServer::Scenario> scenarios = DemoServer::scenarios();
    qsizetype width = 0;
    for (const DemoServer::Scenario& s : scenarios)
        width = std::max(width, s.name.size());
    for (const DemoServer::Scenario& s : scenarios)
        stream << "  " << s.name.leftJustified(width + 2) << s.description << '\n';
    stream.flush();
}

} // namespace

int DemoCommand::run(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out,
                     QTextStream& err)
{
    parser.setApplicationDescription(
        tr("Run the built-in demo mail server on 127.0.0.1, to try Mailscope without a mail server."));
    parser.addPositionalArgument(QStringLiteral("demo"), tr("The command."));
    const QCommandLineOption portOption(
        QStringLiteral("port"),
        tr("Port for SMTP with STARTTLS; SMTPS, IMAP, IMAPS, POP3 and POP3S use the next five "
           "(default: 0, free ports)."),
        QStringLiteral("port"), QStringLiteral("0"));
    const QCommandLineOption scenarioOption(QStringLiteral("scenario"),
                                            tr("The scenario to play (default: good)."),
                                            QStringLiteral("name"), QStringLiteral("good"));
    const QCommandLineOption listOption(QStringLiteral("list-scenarios"), tr("List the scenarios and exit."));
    parser.addOptions({portOption, scenarioOption, listOption});

    if (!parser.parse(arguments)) {
        err << tr("mailscope-cli demo: %1").arg(parser.errorText()) << Qt::endl
            << tr("Try: mailscope-cli help demo") << Qt::endl;
        return ExitUnknown;
    }
    // `mailscope-cli help demo` reaches here as `mailscope-cli demo`: look at what was typed.
    const bool helpFor = QCoreApplication::arguments().value(1) == QLatin1String("help");
    if (helpFor || parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    if (parser.positionalArguments().size() > 1) {
        err << tr("mailscope-cli demo: unexpected argument \"%1\".").arg(parser.positionalArguments().at(1))
            << Qt::endl;
        return ExitUnknown;
    }
    if (parser.isSet(listOption)) {
        if (parser.isSet(scenarioOption)) {
            err << tr("mailscope-cli demo: --scenario and --list-scenarios exclude each other.") << Qt::endl;
            return ExitUnknown;
        }
        printScenarios(out);
        return 0;
    }

    const QString scenario = parser.value(scenarioOption);
    if (!DemoServer::hasScenario(scenario)) {
        err << tr("mailscope-cli demo: unknown scenario \"%1\". The scenarios are:").arg(scenario)
            << Qt::endl;
        printScenarios(err);
        return ExitUnknown;
    }
    QString portError;
    const auto port = CliOptions::parseWholeNumber(QStringLiteral("--port"), parser.value(portOption), 0,
                                                   65535, &portError);
    if (!port) {
        err << tr("mailscope-cli demo: %1").arg(portError) << Qt::endl;
        return ExitUnknown;
    }

    // Ctrl+C and SIGTERM end the event loop normally, so the server closes its sockets (and removes
    // its temporary directory when the demo certificates could not be kept in the data folder).
    TerminationSignals termination;
    if (!termination.isOk()) {
        err << tr("mailscope-cli demo: cannot install the signal handlers.") << Qt::endl;
        return ExitUnknown;
    }
    QObject::connect(&termination, &TerminationSignals::received, QCoreApplication::instance(),
                     &QCoreApplication::quit);

    DemoServer server;
    server.setScenario(scenario);
    if (!server.start(quint16(*port))) {
        err << tr("mailscope-cli demo: the demo server could not start: %1").arg(server.errorString())
            << Qt::endl;
        return ExitUnknown;
    }
    const QString host = DemoServer::hostName();
    const QString caFile = server.caFile();
    const quint16 smtp = server.port(Protocol::Smtp, TlsMode::StartTls);
    const quint16 smtps = server.port(Protocol::Smtp, TlsMode::Implicit);
    const quint16 imap = server.port(Protocol::Imap, TlsMode::StartTls);
    const quint16 imaps = server.port(Protocol::Imap, TlsMode::Implicit);
    const quint16 pop3 = server.port(Protocol::Pop3, TlsMode::StartTls);
    const quint16 pop3s = server.port(Protocol::Pop3, TlsMode::Implicit);
    out << tr("Mailscope demo server (scenario: %1) \u2014 for trying Mailscope, not a real mail server")
               .arg(scenario)
        << '\n'
        << QStringLiteral("  SMTP  (STARTTLS)     127.0.0.1:%1").arg(smtp) << '\n'
        << QStringLiteral("  SMTPS (implicit TLS) 127.0.0.1:%1").arg(smtps) << '\n'
        << QStringLiteral("  IMAP  (STARTTLS)     127.0.0.1:%1").arg(imap) << '\n'
        << QStringLiteral("  IMAPS (implicit TLS) 127.0.0.1:%1").arg(imaps) << '\n'
        << QStringLiteral("  POP3  (STLS)         127.0.0.1:%1").arg(pop3) << '\n'
        << QStringLiteral("  POP3S (implicit TLS) 127.0.0.1:%1").arg(pop3s) << '\n'
        << tr("  Demo CA: %1").arg(caFile) << '\n'
        << tr("Try: mailscope-cli check %1:%2 --ca-file %3").arg(host).arg(smtp).arg(caFile) << '\n'
        << tr("     mailscope-cli check %1:%2 --tls implicit --ca-file %3").arg(host).arg(smtps).arg(caFile)
        << '\n'
        << tr("     mailscope-cli check %1:%2 --protocol imap --ca-file %3").arg(host).arg(imap).arg(caFile)
        << '\n'
        << tr("     mailscope-cli check %1:%2 --protocol pop3 --tls implicit --ca-file %3")
               .arg(host)
               .arg(pop3s)
               .arg(caFile)
        << '\n'
        << tr("     mailscope-cli check %1 --all-ports --ports %2 --ca-file %3")
               .arg(host, server.allPortsOption(), caFile)
        << '\n'
        << tr("Press Ctrl+C to stop.") << Qt::endl;
    out.flush();
    std::fflush(stdout);

    QCoreApplication::exec();

    server.stop();
    out << tr("Demo server stopped.") << Qt::endl;
    return 0;
}

int demoMain(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    return DemoCommand::run(parser, arguments, out, err);
}
