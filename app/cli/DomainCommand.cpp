#include "DomainCommand.h"

#include "CheckCommand.h"
#include "CliOptions.h"
#include "demo/DemoDomain.h"
#include "demo/DemoServer.h"
#include "dns/StaticResolver.h"
#include "domain/DomainHistory.h"
#include "domain/DomainReportJson.h"
#include "profiles/ProfileStore.h"
#include "run/InputFile.h"
#include "run/OutputFile.h"
#include "run/VerdictOrder.h"

#include <cstdio>
#include <deque>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QMap>
#include <QTimer>

namespace {

constexpr int ExitUnknown = 3;
constexpr int MaxJobs = 500;
constexpr qsizetype MaxInputBytes = 64 * 1024 * 1024;

QString tr(const char* text) { return QCoreApplication::translate("mailscope-cli", text); }

} // namespace

void DomainCommand::addOptions(QCommandLineParser& parser)
{
    const auto opt = [&parser](const QString& name, const char* help, const QString& value = {}) {
        QCommandLineOption o(name, tr(help), value);
        parser.addOption(o);
    };
    opt(QStringLiteral("input"), "Check the domains in FILE (one a line; - for standard input).",
        QStringLiteral("FILE"));
    opt(QStringLiteral("jobs"), "Check N domains at the same time (default 4).", QStringLiteral("N"));
    opt(QStringLiteral("dns-server"),
        "Ask this resolver or authoritative server (ADDR[@PORT]) instead of the system's.",
        QStringLiteral("ADDR[@PORT]"));
    opt(QStringLiteral("trust-anchor"),
        "DNSSEC trust anchor (DS or DNSKEY records, zone-file format) instead of the root's.",
        QStringLiteral("FILE"));
    opt(QStringLiteral("ca-file"),
        "Trust the CA certificates in this PEM file as well (MX and MTA-STS hosts).", QStringLiteral("PEM"));
    opt(QStringLiteral("timeout"), "Per-step timeout of each SMTP conversation, in seconds (default 15).",
        QStringLiteral("SECONDS"));
    opt(QStringLiteral("json"), "Print the JSON report instead of text (always with --input: JSON Lines).");
    opt(QStringLiteral("output"), "Also write the JSON report (JSON Lines with --input) to FILE.",
        QStringLiteral("FILE"));
    opt(QStringLiteral("helo"), "The name announced in EHLO.", QStringLiteral("NAME"));
    opt(QStringLiteral("profile"),
        "Check a saved domain profile (mailscope-cli profiles add NAME --domain DOMAIN); options given here "
        "override its DNS settings. The run is kept in the history.",
        QStringLiteral("NAME"));
    opt(QStringLiteral("demo"),
        "Check the demo's mail domains (demo.test, tlsa-mismatch.demo.test, unsigned.demo.test, "
        "bogus.demo.test, "
        "nullmx.demo.test, cname.demo.test) on the built-in demo server; no network.");
    // Test-only: a private Postfix or HTTPS server on loopback listens on a high port.
    QCommandLineOption smtpPort(QStringLiteral("smtp-port"), tr("Port of the MX hosts (tests)."),
                                QStringLiteral("PORT"));
    smtpPort.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(smtpPort);
    QCommandLineOption httpsPort(QStringLiteral("https-port"), tr("Port of the MTA-STS policy host (tests)."),
                                 QStringLiteral("PORT"));
    httpsPort.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(httpsPort);
}

std::optional<DomainRequest> DomainCommand::parse(const QCommandLineParser& parser, QString* error)
{
    DomainRequest r;
    r.domains = parser.positionalArguments().mid(1);
    if (parser.isSet(QStringLiteral("input")))
        r.inputFile = parser.value(QStringLiteral("input"));
    if (parser.isSet(QStringLiteral("profile"))) {
        // The profile names the domain: a second one would be checked under its history.
        if (!r.domains.isEmpty() || !r.inputFile.isEmpty()) {
            *error = tr("--profile names the domain; give no domain or --input with it");
            return std::nullopt;
        }
        r.profileName = parser.value(QStringLiteral("profile"));
        r.domains = {QStringLiteral("profile")}; // replaced by applyProfile()
    }
    if (r.domains.isEmpty() == r.inputFile.isEmpty() && !(r.domains.isEmpty() && r.inputFile.isEmpty())) {
        *error = tr("give domains or --input FILE, not both");
        return std::nullopt;
    }
    r.demo = parser.isSet(QStringLiteral("demo"));
    if (r.demo && r.domains.isEmpty() && r.inputFile.isEmpty())
        r.domains = {DemoDomain::domains().first()};
    if (r.domains.isEmpty() && r.inputFile.isEmpty()) {
        *error = tr("domain needs a domain name or --input FILE: mailscope-cli domain example.org");
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("jobs"))) {
        const auto jobs = CliOptions::parseWholeNumber(
            QStringLiteral("--jobs"), parser.value(QStringLiteral("jobs")), 1, MaxJobs, error);
        if (!jobs)
            return std::nullopt;
        r.jobs = *jobs;
    }
    r.resolver.server = parser.value(QStringLiteral("dns-server"));
    if (!r.resolver.server.isEmpty() && !UnboundResolver::isValidServer(r.resolver.server, error))
        return std::nullopt;
    r.resolver.trustAnchorFile = parser.value(QStringLiteral("trust-anchor"));
    if (parser.isSet(QStringLiteral("trust-anchor"))) {
        const InputFile::Result ta = InputFile::read(r.resolver.trustAnchorFile, InputFile::Limits {});
        if (!ta.ok()) {
            *error = tr("--trust-anchor: %1").arg(ta.error);
            return std::nullopt;
        }
    }
    if (parser.isSet(QStringLiteral("ca-file"))) {
        const QString path = parser.value(QStringLiteral("ca-file"));
        const InputFile::Result pem = InputFile::read(path, InputFile::Limits {});
        if (!pem.ok()) {
            *error = tr("--ca-file: %1").arg(pem.error);
            return std::nullopt;
        }
        r.check.extraCaCertificates = QSslCertificate::fromData(pem.data, QSsl::Pem);
        if (r.check.extraCaCertificates.isEmpty()) {
            *error = tr("--ca-file: %1 holds no PEM certificate.").arg(path);
            return std::nullopt;
        }
    }
    if (parser.isSet(QStringLiteral("timeout"))) {
        const auto ms = CliOptions::parseSeconds(QStringLiteral("--timeout"),
                                                 parser.value(QStringLiteral("timeout")), 100, 600000, error);
        if (!ms)
            return std::nullopt;
        r.check.stepTimeoutMs = *ms;
        r.check.policyTimeoutMs = *ms;
        r.resolver.timeoutMs = *ms;
    }
    for (const char* name : {"smtp-port", "https-port"}) {
        const QString key = QLatin1String(name);
        if (!parser.isSet(key))
            continue;
        const auto port =
            CliOptions::parseWholeNumber(QStringLiteral("--") + key, parser.value(key), 1, 65535, error);
        if (!port)
            return std::nullopt;
        (key == QLatin1String("smtp-port") ? r.check.smtpPort : r.check.httpsPort) = quint16(*port);
    }
    if (parser.isSet(QStringLiteral("helo")))
        r.check.heloName = parser.value(QStringLiteral("helo"));
    r.stdoutJson = parser.isSet(QStringLiteral("json"));
    r.outputFile = parser.value(QStringLiteral("output"));
    return r;
}

QStringList DomainCommand::domainsFrom(const QByteArray& text)
{
    QStringList out;
    for (const QByteArray& raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        out.append(line);
    }
    return out;
}

int DomainCommand::run(const DomainRequest& request, QTextStream& out, QTextStream& err)
{
    QStringList domains = request.domains;
    const bool batch = !request.inputFile.isEmpty() || domains.size() > 1;
    if (!request.inputFile.isEmpty()) {
        QByteArray text;
        if (request.inputFile == QLatin1String("-")) {
            QFile in;
            if (!in.open(stdin, QIODevice::ReadOnly)) {
                err << tr("mailscope-cli domain: cannot read standard input") << Qt::endl;
                return ExitUnknown;
            }
            text = in.read(MaxInputBytes + 1);
        } else {
            InputFile::Limits limits;
            limits.maxBytes = MaxInputBytes;
            const InputFile::Result file = InputFile::read(request.inputFile, limits);
            if (!file.ok()) {
                err << tr("mailscope-cli domain: --input: %1").arg(file.error) << Qt::endl;
                return ExitUnknown;
            }
            text = file.data;
        }
        if (text.size() > MaxInputBytes) {
            err << tr("mailscope-cli domain: the input is larger than %1 MiB")
                       .arg(MaxInputBytes / 1024 / 1024)
                << Qt::endl;
            return ExitUnknown;
        }
        domains = domainsFrom(text);
        if (domains.isEmpty()) {
            err << tr("mailscope-cli domain: the input names no domain") << Qt::endl;
            return ExitUnknown;
        }
    }

    std::unique_ptr<OutputFile> output;
    if (!request.outputFile.isEmpty()) {
        output = std::make_unique<OutputFile>(request.outputFile);
        if (!output->open()) {
            err << tr("mailscope-cli domain: %1").arg(output->errorString()) << Qt::endl;
            return ExitUnknown;
        }
    }
    // --demo: the demo's mail domains, answered in-process, every MX the built-in demo server.
    DomainCheckOptions checkOptions = request.check;
    std::unique_ptr<DemoServer> demo;
    std::unique_ptr<Resolver> resolverHolder;
    if (request.demo) {
        demo = std::make_unique<DemoServer>();
        if (!demo->start()) {
            err << tr("mailscope-cli domain: the demo server could not start: %1").arg(demo->errorString())
                << Qt::endl;
            return ExitUnknown;
        }
        auto table = std::make_unique<StaticResolver>();
        DemoDomain::populate(*table, demo->goodCertificate());
        resolverHolder = std::move(table);
        checkOptions.smtpPort = demo->port(Protocol::Smtp, TlsMode::StartTls);
        checkOptions.extraCaCertificates += demo->caCertificates();
    } else {
        resolverHolder = std::make_unique<UnboundResolver>(request.resolver);
    }
    Resolver& resolver = *resolverHolder;
    if (!resolver.setupError().isEmpty()) {
        err << tr("mailscope-cli domain: %1").arg(resolver.setupError()) << Qt::endl;
        return ExitUnknown;
    }

    QEventLoop loop;
    std::deque<QString> queue(domains.cbegin(), domains.cend());
    QList<DomainReport> reports;
    int running = 0;
    const int total = int(domains.size());
    Verdict worst = Verdict::Ok;
    bool outputFailed = false;
    std::function<void()> startMore = [&] {
        while (running < request.jobs && !queue.empty()) {
            const QString domain = queue.front();
            queue.pop_front();
            auto* check = new DomainCheck(domain, &resolver, checkOptions);
            ++running;
            QObject::connect(check, &DomainCheck::finished, &loop, [&, check] {
                const DomainReport& report = check->report();
                reports.append(report);
                if (!request.historyKey.isEmpty()) {
                    // A history that cannot be written costs the comparison later, not this report.
                    QString error;
                    if (DomainHistory::record(RunHistory(), request.historyKey, report, &error).isEmpty())
                        err << tr("mailscope-cli domain: the check was not kept in the history: %1")
                                   .arg(error)
                            << Qt::endl;
                }
                worst = worseVerdict(worst, report.verdict());
                if (batch) {
                    out << QString::fromUtf8(DomainReportJson::toJson(report, true)) << QLatin1Char('\n');
                    out.flush();
                    err << tr("[%1/%2] %3: %4")
                               .arg(reports.size())
                               .arg(total)
                               .arg(report.domain, toKey(report.verdict()))
                        << Qt::endl;
                }
                if (output
                    && !output->write(batch ? DomainReportJson::toJson(report, true) + '\n'
                                            : DomainReportJson::toJson(report)))
                    outputFailed = true;
                check->deleteLater();
                --running;
                startMore();
                if (running == 0 && queue.empty())
                    loop.quit();
            });
            check->start();
        }
    };
    QTimer::singleShot(0, &loop, startMore);
    loop.exec();

    if (!batch) {
        const DomainReport& report = reports.first();
        if (request.stdoutJson)
            out << DomainReportJson::toJson(report);
        else
            out << DomainReportJson::toText(report);
        out.flush();
    } else {
        // The summary table goes to stderr: stdout holds only JSON Lines for the next program.
        QMap<Verdict, int> counts;
        for (const DomainReport& r : std::as_const(reports))
            ++counts[r.verdict()];
        err << tr("%1 domains: %2 ok, %3 warning, %4 critical, %5 unknown")
                   .arg(total)
                   .arg(counts.value(Verdict::Ok))
                   .arg(counts.value(Verdict::Warning))
                   .arg(counts.value(Verdict::Critical))
                   .arg(counts.value(Verdict::Unknown))
            << Qt::endl;
        std::sort(reports.begin(), reports.end(),
                  [](const DomainReport& a, const DomainReport& b) { return a.domain < b.domain; });
        for (const DomainReport& r : std::as_const(reports)) {
            err << QStringLiteral("  %1  %2  %3  %4")
                       .arg(toKey(r.verdict()).toUpper(), -8)
                       .arg(r.domain, -40)
                       .arg(r.mx.size())
                       .arg(r.findingIds().join(QLatin1Char(',')))
                << Qt::endl;
        }
    }
    if (output && (outputFailed || !output->commit())) {
        err << tr("mailscope-cli domain: %1").arg(output->errorString()) << Qt::endl;
        return ExitUnknown;
    }
    return CheckCommand::exitCodeFor(worst);
}

bool DomainCommand::applyProfile(DomainRequest& request, const QCommandLineParser& parser, QTextStream& err,
                                 QString* error)
{
    ProfileStore store;
    store.load();
    for (const StoreNotice& n : store.notices())
        err << tr("mailscope-cli domain: %1").arg(n.message) << Qt::endl;
    const std::optional<ServerProfile> profile = store.byName(request.profileName);
    if (!profile) {
        QStringList names;
        for (const ServerProfile& p : store.profiles()) {
            if (p.isDomain())
                names.append(QLatin1Char('"') + p.name + QLatin1Char('"'));
        }
        *error = tr("no profile named \"%1\" (domain profiles: %2)")
                     .arg(request.profileName,
                          names.isEmpty() ? tr("none yet") : names.join(QStringLiteral(", ")));
        return false;
    }
    if (!profile->isDomain()) {
        *error = tr("\"%1\" is a server profile (%2:%3); check it with: mailscope-cli check --profile \"%1\"")
                     .arg(profile->name, profile->host)
                     .arg(profile->port);
        return false;
    }
    request.domains = {profile->domain};
    request.demo = request.demo || profile->demoDomain;
    // What was typed wins over what was saved, as with check --profile.
    if (!parser.isSet(QStringLiteral("dns-server")))
        request.resolver.server = profile->dnsServer;
    if (!parser.isSet(QStringLiteral("trust-anchor")))
        request.resolver.trustAnchorFile = profile->trustAnchorFile;
    request.historyKey = profile->id;
    return true;
}

int domainMain(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    parser.setApplicationDescription(
        tr("Check a mail domain: MX walk, DNSSEC, DANE, MTA-STS, TLS-RPT and STARTTLS on every MX address."));
    parser.addPositionalArgument(QStringLiteral("domain"), tr("The command."));
    parser.addPositionalArgument(QStringLiteral("DOMAIN"), tr("The mail domain, e.g. example.org."));
    DomainCommand::addOptions(parser);
    const bool helpFor = QCoreApplication::arguments().value(1) == QLatin1String("help");
    if (!parser.parse(arguments)) {
        err << tr("mailscope-cli domain: %1").arg(parser.errorText()) << Qt::endl
            << tr("Try: mailscope-cli help domain") << Qt::endl;
        return ExitUnknown;
    }
    if (helpFor || parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    QString error;
    auto request = DomainCommand::parse(parser, &error);
    if (!request
        || (!request->profileName.isEmpty() && !DomainCommand::applyProfile(*request, parser, err, &error))) {
        err << tr("mailscope-cli domain: %1").arg(error) << Qt::endl;
        return ExitUnknown;
    }
    return DomainCommand::run(*request, out, err);
}
