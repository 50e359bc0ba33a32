#include "ProfilesCommand.h"

#include "CheckCommand.h"
#include "demo/DemoProfiles.h"
#include "demo/DemoServer.h"
#include "ProfileOptions.h"
#include "profiles/ProfileStore.h"
#include "profiles/ProviderPresets.h"
#include "profiles/SecretStore.h"
#include "ProfilesListing.h"
#include "run/InputFile.h"
#include "run/TerminalText.h"
#include "SendCommand.h"
#include "tls/TrustAssessment.h"

#include <memory>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace {

constexpr int ExitOk = 0;
constexpr int ExitPartly = 1;
constexpr int ExitUnknown = 3;
/// The CLI waits this long for the keychain (an unlock prompt nobody answers must not hang a script).
constexpr int KeychainTimeoutMs = 10000;

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("ProfilesCommand", text, disambiguation, n);
}

QCommandLineOption opt(const QString& name, const char* description, const QString& valueName = {})
{
    return {name, QCoreApplication::translate("ProfilesCommand", description), valueName};
}

void printNotices(const ProfileStore& store, QTextStream& err)
{
    for (const StoreNotice& n : store.notices())
        err << tr("mailscope-cli profiles: %1").arg(n.message) << Qt::endl;
}

QString namesOf(const ProfileStore& store)
{
    QStringList names;
    for (const ServerProfile& p : store.profiles())
        names.append(QLatin1Char('"') + p.name + QLatin1Char('"'));
    return names.isEmpty() ? tr("none yet") : names.join(QStringLiteral(", "));
}

/// Reads an import (a regular file or "-" for standard input), bounded like the store's file.
bool readBounded(const QString& path, QByteArray* bytes, QString* error)
{
    QFile file;
    if (path == QLatin1String("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly)) {
            *error = tr("Cannot read standard input.");
            return false;
        }
    } else {
        const QFileInfo info(path);
        if (!info.isFile()) {
            *error = info.exists() ? tr("%1 is not a regular file.").arg(path)
                                   : tr("%1 does not exist.").arg(path);
            return false;
        }
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = tr("Cannot read %1: %2").arg(path, file.errorString());
            return false;
        }
    }
    *bytes = file.read(ProfileStore::MaxFileBytes + 1);
    return true;
}

/// Writes an export: atomically to a regular file, directly to "-" (stdout) or a device/FIFO
/// (QSaveFile would replace a device node with a regular file).
bool writeExport(const QString& path, const QByteArray& bytes, QString* error)
{
    if (path == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly) || out.write(bytes) != bytes.size()) {
            *error = tr("Cannot write to standard output.");
            return false;
        }
        return true;
    }
    const QFileInfo info(path);
    if (info.exists() && !info.isFile()) {
        QFile device(path);
        if (!device.open(QIODevice::WriteOnly) || device.write(bytes) != bytes.size()) {
            *error = tr("Cannot write %1: %2").arg(path, device.errorString());
            return false;
        }
        return true;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

/// `profiles add NAME --domain DOMAIN [--dns-server ADDR[@PORT]] [--trust-anchor FILE] [--demo]`.
int addDomain(ProfileStore& store, const QCommandLineParser& parser, const QStringList& args,
              QTextStream& out, QTextStream& err)
{
    if (args.size() != 1) {
        err << tr(
            "mailscope-cli profiles add NAME --domain DOMAIN [--dns-server ADDR[@PORT]] [--trust-anchor "
            "FILE] [--demo]  (no HOST: the domain's MX hosts are the servers)")
            << Qt::endl;
        return ExitUnknown;
    }
    // A server's settings would be saved nowhere: say so rather than drop them.
    const QStringList serverOptions = ProfileOptions::checkOptionsSet(parser);
    for (const QString& option : serverOptions) {
        if (option != QLatin1String("json")) {
            err << tr("mailscope-cli profiles add: --%1 is a server setting; a domain profile keeps the "
                      "domain "
                      "and its DNS settings only.")
                       .arg(option)
                << Qt::endl;
            return ExitUnknown;
        }
    }
    for (const char* serverOnly : {"preset", "accept-cert", "from", "to"}) {
        if (parser.isSet(QLatin1String(serverOnly))) {
            err << tr("mailscope-cli profiles add: --%1 belongs to a server profile, not a domain profile.")
                       .arg(QLatin1String(serverOnly))
                << Qt::endl;
            return ExitUnknown;
        }
    }
    ServerProfile profile;
    profile.kind = ProfileKind::Domain;
    profile.name = args.first();
    profile.domain = parser.value(QStringLiteral("domain")).trimmed();
    profile.dnsServer = parser.value(QStringLiteral("dns-server")).trimmed();
    profile.demoDomain = parser.isSet(QStringLiteral("demo"));
    profile.notes = parser.value(QStringLiteral("notes"));
    if (parser.isSet(QStringLiteral("trust-anchor"))) {
        const QString path = parser.value(QStringLiteral("trust-anchor"));
        const InputFile::Result ta = InputFile::read(path, InputFile::Limits {});
        if (!ta.ok()) {
            err << tr("mailscope-cli profiles add: --trust-anchor: %1").arg(ta.error) << Qt::endl;
            return ExitUnknown;
        }
        profile.trustAnchorFile = QFileInfo(path).absoluteFilePath();
    }
    const QString error = store.add(profile);
    if (!error.isEmpty()) {
        err << tr("mailscope-cli profiles add: %1").arg(error) << Qt::endl;
        return ExitUnknown;
    }
    out << tr("Saved domain profile \"%1\" (%2) in %3")
               .arg(profile.name, ProfilesListing::describeTarget(profile), store.path())
        << '\n';
    return ExitOk;
}

int add(ProfileStore& store, const QCommandLineParser& parser, const QStringList& args, QTextStream& out,
        QTextStream& err)
{
    if (args.isEmpty() || args.size() > 2) {
        err << tr("mailscope-cli profiles add NAME [HOST[:PORT]] [--preset ID[:SERVICE]] [check options]")
            << Qt::endl;
        return ExitUnknown;
    }
    const QString name = args.at(0);
    const QString host = args.value(1);
    if (parser.isSet(QStringLiteral("domain")))
        return addDomain(store, parser, args, out, err);
    for (const char* domainOnly : {"dns-server", "trust-anchor", "demo"}) {
        if (parser.isSet(QLatin1String(domainOnly))) {
            err << tr("mailscope-cli profiles add: --%1 belongs to a domain profile (--domain DOMAIN).")
                       .arg(QLatin1String(domainOnly))
                << Qt::endl;
            return ExitUnknown;
        }
    }
    const bool userOnly = parser.isSet(QStringLiteral("user"))
                          && !parser.isSet(QStringLiteral("password-env"))
                          && !parser.isSet(QStringLiteral("password-file"));

    Parsed<CheckRequest> parsed;
    ServerProfile profile;
    if (parser.isSet(QStringLiteral("preset"))) {
        QString error;
        const auto preset = ProviderPresets::profileFor(parser.value(QStringLiteral("preset")), name, &error);
        if (!preset) {
            err << tr("mailscope-cli profiles add: %1").arg(error) << Qt::endl;
            return ExitUnknown;
        }
        parsed = ProfileOptions::overlay(*preset, parser, host);
        profile.notes = preset->notes;
    } else {
        if (host.isEmpty()) {
            err << tr("mailscope-cli profiles add: give the server (NAME HOST[:PORT]) or a preset (--preset "
                      "gmail).")
                << Qt::endl;
            return ExitUnknown;
        }
        parsed = ProfileOptions::parseAsCheck(
            parser, host, userOnly ? QStringList {QStringLiteral("user")} : QStringList {});
        if (parsed.value && userOnly)
            parsed.value->probe.user = parser.value(QStringLiteral("user"));
    }
    if (!parsed.value) {
        err << tr("mailscope-cli profiles add: %1").arg(parsed.error) << Qt::endl;
        return ExitUnknown;
    }
    QStringList caFiles;
    for (const QString& f : parser.values(QStringLiteral("ca-file")))
        caFiles.append(QFileInfo(f).absoluteFilePath());
    const QString notes = profile.notes;
    profile = ServerProfile::fromProbeOptions(name, parsed.value->probe, caFiles);
    profile.notes = parser.isSet(QStringLiteral("notes")) ? parser.value(QStringLiteral("notes")) : notes;
    for (const QString& f : parser.values(QStringLiteral("accept-cert"))) {
        const QString sha = TrustAssessment::normalizedFingerprint(f);
        if (sha.isEmpty()) {
            err << tr("mailscope-cli profiles add: --accept-cert needs a SHA-256 fingerprint (64 hex digits, "
                      "colons allowed), not \"%1\".")
                       .arg(f)
                << Qt::endl;
            return ExitUnknown;
        }
        profile.acceptedCertificates.append({sha, {}, QDateTime::currentDateTimeUtc()});
    }
    profile.mailFrom = parser.value(QStringLiteral("from"));
    profile.rcptTo = parser.values(QStringLiteral("to"));

    QString error = store.add(profile);
    if (!error.isEmpty()) {
        err << tr("mailscope-cli profiles add: %1").arg(error) << Qt::endl;
        return ExitUnknown;
    }
    out << tr("Saved profile \"%1\" (%2) in %3")
               .arg(profile.name, ProfilesListing::describeTarget(profile), store.path())
        << '\n';
    const QByteArray& password = parsed.value->probe.password;
    if (password.isEmpty())
        return ExitOk;
    SecretStore secrets;
    secrets.setTimeoutMs(KeychainTimeoutMs);
    const SecretResult stored = secrets.writeAndWait(profile.secretKey(), password);
    if (!stored.ok()) {
        err << tr("The password was NOT stored: %1 Give it with --password-env or --password-file when you "
                  "check this profile.")
                   .arg(stored.message)
            << Qt::endl;
        return ExitPartly;
    }
    profile.passwordStored = true;
    error = store.update(profile);
    if (!error.isEmpty()) {
        secrets.removeAndWait(profile.secretKey());
        err << tr("The password was NOT stored: %1").arg(error) << Qt::endl;
        return ExitPartly;
    }
    out << tr("The password is in the keychain (service \"%1\"), not in the profile file.")
               .arg(SecretStore::serviceName())
        << '\n';
    return ExitOk;
}

int remove(ProfileStore& store, const QString& name, QTextStream& out, QTextStream& err)
{
    const auto profile = store.byName(name);
    if (!profile) {
        err << tr("mailscope-cli profiles delete: no profile named \"%1\" (profiles: %2).")
                   .arg(name, namesOf(store))
            << Qt::endl;
        return ExitUnknown;
    }
    const QString error = store.remove(profile->id);
    if (!error.isEmpty()) {
        err << tr("mailscope-cli profiles delete: %1").arg(error) << Qt::endl;
        return ExitUnknown;
    }
    out << tr("Deleted profile \"%1\".").arg(name) << '\n';
    if (!profile->passwordStored)
        return ExitOk;
    SecretStore secrets;
    secrets.setTimeoutMs(KeychainTimeoutMs);
    const SecretResult removed = secrets.removeAndWait(profile->secretKey());
    if (!removed.ok() && removed.status != SecretResult::Status::NotFound) {
        err << tr("Its password could not be removed from the keychain: %1").arg(removed.message) << Qt::endl;
        return ExitPartly;
    }
    return ExitOk;
}

int exportProfiles(const ProfileStore& store, const QStringList& args, QTextStream& out, QTextStream& err)
{
    if (args.isEmpty()) {
        err << tr("mailscope-cli profiles export FILE [NAME...]  (FILE - is standard output)") << Qt::endl;
        return ExitUnknown;
    }
    QList<ServerProfile> chosen;
    for (const QString& name : args.mid(1)) {
        const auto p = store.byName(name);
        if (!p) {
            err << tr("mailscope-cli profiles export: no profile named \"%1\" (profiles: %2).")
                       .arg(name, namesOf(store))
                << Qt::endl;
            return ExitUnknown;
        }
        chosen.append(*p);
    }
    if (args.size() == 1)
        chosen = store.profiles();
    QString error;
    if (!writeExport(args.first(), ProfileStore::exportJson(chosen), &error)) {
        err << tr("mailscope-cli profiles export: %1").arg(error) << Qt::endl;
        return ExitUnknown;
    }
    if (args.first() != QLatin1String("-"))
        out << tr("Exported %n profile(s) to %1 (no passwords).", nullptr, int(chosen.size()))
                   .arg(args.first())
            << '\n';
    return ExitOk;
}

int importProfiles(ProfileStore& store, const QStringList& args, QTextStream& out, QTextStream& err)
{
    if (args.size() != 1) {
        err << tr("mailscope-cli profiles import FILE  (FILE - is standard input)") << Qt::endl;
        return ExitUnknown;
    }
    QByteArray bytes;
    QString error;
    if (!readBounded(args.first(), &bytes, &error)) {
        err << tr("mailscope-cli profiles import: %1").arg(error) << Qt::endl;
        return ExitUnknown;
    }
    const ProfileStore::Document doc = ProfileStore::parse(bytes);
    if (!doc.fatal.isEmpty()) {
        err << tr("mailscope-cli profiles import: %1 cannot be imported: %2.").arg(args.first(), doc.fatal)
            << Qt::endl;
        return ExitUnknown;
    }
    if (doc.schemaVersion > ProfileStore::SchemaVersion) {
        err << tr("mailscope-cli profiles import: %1 is from a newer Mailscope (schema version %2); update "
                  "Mailscope "
                  "to import it.")
                   .arg(args.first())
                   .arg(doc.schemaVersion)
            << Qt::endl;
        return ExitUnknown;
    }
    for (const QString& problem : doc.problems)
        err << tr("mailscope-cli profiles import: left out %1").arg(problem) << Qt::endl;
    QList<ServerProfile> profiles = doc.profiles;
    QStringList renamed;
    error = store.addAll(profiles, &renamed);
    if (!error.isEmpty()) {
        err << tr("mailscope-cli profiles import: %1").arg(error) << Qt::endl;
        return ExitUnknown;
    }
    for (const QString& r : std::as_const(renamed))
        out << TerminalText::escaped(r) << '\n';
    out << tr("Imported %n profile(s).", nullptr, int(profiles.size())) << '\n';
    return doc.problems.isEmpty() ? ExitOk : ExitPartly;
}

} // namespace

QCommandLineOption ProfilesCommand::profileOption()
{
    return opt(
        QStringLiteral("profile"),
        "Check a saved profile (mailscope-cli profiles list); options given here override its settings, "
        "HOST[:PORT] replaces its server.",
        QStringLiteral("name"));
}

int ProfilesCommand::run(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out,
                         QTextStream& err)
{
    parser.setApplicationDescription(
        tr("Saved server profiles: list, show, add, delete, export, import, presets."));
    parser.addPositionalArgument(QStringLiteral("profiles"), tr("The command."));
    parser.addPositionalArgument(
        QStringLiteral("action"),
        tr("list | show NAME | add NAME [HOST[:PORT]] | add NAME --domain DOMAIN | delete NAME | export FILE "
           "[NAME...] | import FILE | presets"));
    CliOptions::addCheckOptions(parser);
    parser.addOptions({
        opt(QStringLiteral("preset"), "add: start from a provider's template (see: profiles presets).",
            QStringLiteral("id[:service]")),
        opt(QStringLiteral("accept-cert"),
            "add: trust the server certificate with this SHA-256 fingerprint even though no CA vouches for "
            "it "
            "(repeatable; shown as a finding in every run).",
            QStringLiteral("sha256")),
        opt(QStringLiteral("notes"), "add: a note for yourself.", QStringLiteral("text")),
        opt(QStringLiteral("from"), "add: default sender of the test message.", QStringLiteral("address")),
        opt(QStringLiteral("to"), "add: default recipient of the test message (repeatable).",
            QStringLiteral("address")),
        opt(QStringLiteral("domain"),
            "add: save a mail domain instead of a server (checked with: mailscope-cli domain --profile "
            "NAME).",
            QStringLiteral("domain")),
        opt(QStringLiteral("dns-server"), "add --domain: ask this resolver or authoritative server.",
            QStringLiteral("ADDR[@PORT]")),
        opt(QStringLiteral("trust-anchor"), "add --domain: DNSSEC trust anchor file (DS or DNSKEY records).",
            QStringLiteral("FILE")),
        opt(QStringLiteral("demo"),
            "add --domain: one of the demo's mail domains (demo.test, ...); no network."),
    });
    if (!parser.parse(arguments)) {
        err << tr("mailscope-cli profiles: %1").arg(parser.errorText()) << Qt::endl
            << tr("Try: mailscope-cli help profiles") << Qt::endl;
        return ExitUnknown;
    }
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(1);
    const QStringList rest = positional.mid(2);
    if (action.isEmpty() || parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return ExitOk;
    }
    // Every option but --json belongs to add.
    if (action != QLatin1String("add")) {
        for (const QString& name : parser.optionNames()) {
            if (name != QLatin1String("json")) {
                err << tr("mailscope-cli profiles %1: --%2 belongs to profiles add.").arg(action, name)
                    << Qt::endl;
                return ExitUnknown;
            }
        }
    }
    if (action == QLatin1String("presets")) {
        ProfilesListing::printPresets(out);
        return ExitOk;
    }

    ProfileStore store;
    store.load();
    printNotices(store, err);
    const bool json = parser.isSet(QStringLiteral("json"));
    if (action == QLatin1String("list") && rest.isEmpty()) {
        ProfilesListing::printList(store, json, out);
        return ExitOk;
    }
    if (action == QLatin1String("show") && rest.size() == 1) {
        const auto p = store.byName(rest.first());
        if (!p) {
            err << tr("mailscope-cli profiles show: no profile named \"%1\" (profiles: %2).")
                       .arg(rest.first(), namesOf(store))
                << Qt::endl;
            return ExitUnknown;
        }
        if (json)
            out << QString::fromUtf8(QJsonDocument(p->toJson()).toJson(QJsonDocument::Indented));
        else
            ProfilesListing::printProfile(*p, out);
        return ExitOk;
    }
    if (action == QLatin1String("add"))
        return add(store, parser, rest, out, err);
    if (action == QLatin1String("delete") && rest.size() == 1)
        return remove(store, rest.first(), out, err);
    if (action == QLatin1String("export"))
        return exportProfiles(store, rest, out, err);
    if (action == QLatin1String("import"))
        return importProfiles(store, rest, out, err);
    err << tr("mailscope-cli profiles: expected list | show NAME | add NAME [HOST[:PORT]] | delete NAME | "
              "export FILE [NAME...] | import FILE | presets")
        << Qt::endl;
    return ExitUnknown;
}

int ProfilesCommand::check(const QCommandLineParser& parser, QTextStream& out, QTextStream& err,
                           const QString& command)
{
    const QString name = parser.value(QStringLiteral("profile"));
    const QStringList hosts = parser.positionalArguments().mid(1);
    if (hosts.size() > 1) {
        err << tr("mailscope-cli check: one server at most after --profile, but got: %1")
                   .arg(hosts.join(QLatin1Char(' ')))
            << Qt::endl;
        return ExitUnknown;
    }
    ProfileStore store;
    store.load();
    printNotices(store, err);
    const auto profile = store.byName(name);
    if (!profile) {
        err << tr("mailscope-cli check: no profile named \"%1\" (profiles: %2).").arg(name, namesOf(store))
            << Qt::endl;
        return ExitUnknown;
    }
    if (profile->isDomain()) {
        err << tr("mailscope-cli %1: \"%2\" is a mail domain profile (%3); check it with: mailscope-cli "
                  "domain "
                  "--profile \"%2\"")
                   .arg(command, name, profile->domain)
            << Qt::endl;
        return ExitUnknown;
    }
    // A profile on the built-in demo server (the app's demo sample) runs against a demo started
    // here, on free ports, with the profile's own trust; a server typed after it wins.
    ServerProfile target = *profile;
    std::unique_ptr<DemoServer> demo;
    if (DemoProfiles::isDemo(target) && hosts.isEmpty()) {
        demo = std::make_unique<DemoServer>();
        if (!demo->start()) {
            err << tr("mailscope-cli %1: the demo server could not start: %2")
                       .arg(command, demo->errorString())
                << Qt::endl;
            return ExitUnknown;
        }
        target.caFiles = DemoProfiles::caFilesFor(target, demo->caFile());
    }
    const Parsed<CheckRequest> parsed = ProfileOptions::overlay(target, parser, hosts.value(0));
    if (!parsed.value) {
        err << tr("mailscope-cli check: %1").arg(parsed.error) << Qt::endl;
        return ExitUnknown;
    }
    CheckRequest request = *parsed.value;
    ProbeOptions& p = request.probe;
    if (demo) {
        p.host = DemoServer::hostName();
        p.port = demo->port(p.protocol, p.tls);
    }
    QString sendError;
    if (command == QLatin1String("send")
        && !SendCommand::apply(parser, p, &sendError, profile->mailFrom, profile->rcptTo)) {
        err << tr("mailscope-cli send: %1").arg(sendError) << Qt::endl;
        return ExitUnknown;
    }
    if (!p.user.isEmpty() && p.password.isEmpty()) {
        if (!profile->passwordStored || p.user != profile->user) {
            err << tr("mailscope-cli check: profile \"%1\" logs in as %2, but no password is stored for it. "
                      "Give it "
                      "with --password-env VAR or --password-file F.")
                       .arg(name, p.user)
                << Qt::endl;
            return ExitUnknown;
        }
        SecretStore secrets;
        secrets.setTimeoutMs(KeychainTimeoutMs);
        const SecretResult read = secrets.readAndWait(profile->secretKey());
        if (!read.ok()) {
            err << tr("mailscope-cli check: the password of profile \"%1\" is in the keychain, but could not "
                      "be read: "
                      "%2 Give it with --password-env VAR or --password-file F.")
                       .arg(name, read.message)
                << Qt::endl;
            return ExitUnknown;
        }
        p.password = read.secret;
    }
    request.historyKey = profile->id;
    return CheckCommand::run(request, out, err);
}

int profilesMain(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    return ProfilesCommand::run(parser, arguments, out, err);
}
