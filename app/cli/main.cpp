// mailscope-cli: the headless front end. Same engine as the GUI; prints reports, exits with
// monitoring-plugin codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).

#include "cli/AllPortsCommand.h"
#include "cli/CheckCommand.h"
#include "cli/CliOptions.h"
#include "cli/CompareCommand.h"
#include "cli/DomainCommand.h"
#include "cli/ProfilesCommand.h"
#include "cli/SendCommand.h"
#include "i18n/Translations.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace {

constexpr int ExitUnknown = 3;

QString tr(const char* text) { return QCoreApplication::translate("mailscope-cli", text); }

QString usage()
{
    return tr(
        "Usage:\n"
        "  mailscope-cli check HOST[:PORT] [options]   diagnose one server\n"
        "  mailscope-cli check --profile NAME [options] check a saved profile\n"
        "  mailscope-cli check HOST --all-ports [options] all eight mail ports at once\n"
        "  mailscope-cli compare A.json B.json [--json]  what changed between two runs or domain checks\n"
        "  mailscope-cli send HOST[:PORT] --from A --to B [options]\n"
        "                                               send a test message\n"
        "  mailscope-cli profiles list | show NAME | add NAME [HOST[:PORT]] [options] | delete NAME\n"
        "                         | add NAME --domain DOMAIN [--dns-server A] [--trust-anchor F] [--demo]\n"
        "                         | export FILE [NAME...] | import FILE | presets\n"
        "                                               saved server and mail domain profiles\n"
        "  mailscope-cli demo [--port N] [--scenario NAME | --list-scenarios]\n"
        "                                               run the built-in demo server\n"
        "  mailscope-cli domain DOMAIN | --input FILE [--jobs N] [--dns-server ADDR[@PORT]]\n"
        "  mailscope-cli domain --profile NAME          check a saved mail domain profile\n"
        "                                               check a mail domain: MX, DANE, MTA-STS\n"
        "  mailscope-cli help COMMAND                   options of a command\n"
        "\n"
        "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage).\n");
}

} // namespace

int demoMain(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out, QTextStream& err);

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mailscope-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Mailscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MAILSCOPE_VERSION));
    Translations::install(app);

    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList arguments = QCoreApplication::arguments();
    const QString command = arguments.value(1);

    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h")) {
        (command.isEmpty() ? err : out) << usage();
        return command.isEmpty() ? ExitUnknown : 0;
    }
    if (command == QLatin1String("--version")) {
        out << "mailscope-cli " << MAILSCOPE_VERSION << Qt::endl;
        return 0;
    }
    bool helpFor = false;
    if (command == QLatin1String("help")) {
        if (arguments.size() < 3) {
            out << usage();
            return 0;
        }
        arguments.removeAt(1);
        helpFor = true;
    }

    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QString name = arguments.value(1);

    if (name == QLatin1String("check")) {
        parser.setApplicationDescription(tr("Diagnose how a mail server handles transport security."));
        parser.addPositionalArgument(QStringLiteral("check"), tr("The command."));
        parser.addPositionalArgument(QStringLiteral("HOST[:PORT]"),
                                     tr("The server, e.g. mail.example.org:587."));
        CliOptions::addCheckOptions(parser);
        parser.addOption(ProfilesCommand::profileOption());
        parser.addOptions(AllPortsCommand::options());
        if (!parser.parse(arguments)) {
            err << tr("mailscope-cli check: %1").arg(parser.errorText()) << Qt::endl
                << tr("Try: mailscope-cli help check") << Qt::endl;
            return ExitUnknown;
        }
        if (helpFor || parser.isSet(helpOption)) {
            out << parser.helpText();
            return 0;
        }
        if (parser.isSet(QStringLiteral("all-ports")))
            return AllPortsCommand::run(parser, out, err);
        if (parser.isSet(QStringLiteral("profile")))
            return ProfilesCommand::check(parser, out, err);
        const auto parsed = CliOptions::parseCheck(parser);
        if (!parsed.value) {
            err << tr("mailscope-cli check: %1").arg(parsed.error) << Qt::endl;
            return ExitUnknown;
        }
        CheckRequest request = *parsed.value;
        request.arguments = arguments;
        return CheckCommand::run(request, out, err);
    }
    if (name == QLatin1String("send"))
        return sendMain(parser, arguments, helpFor, out, err);
    if (name == QLatin1String("demo"))
        return demoMain(parser, arguments, out, err);
    if (name == QLatin1String("compare"))
        return CompareCommand::main(parser, arguments, helpFor, out, err);
    if (name == QLatin1String("domain"))
        return domainMain(parser, arguments, out, err);
    if (name == QLatin1String("profiles"))
        return profilesMain(parser, arguments, out, err);

    err << tr("mailscope-cli: unknown command \"%1\".").arg(name) << Qt::endl << usage();
    return ExitUnknown;
}

// demoMain is defined with the demo command, in cli/DemoCommand.cpp.
