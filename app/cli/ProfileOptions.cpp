#include "ProfileOptions.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace {

/// Options of `check` that are not settings of a server (they are never saved in a profile).
const QStringList& checkOptionNames()
{
    static const QStringList names {
        QStringLiteral("protocol"),     QStringLiteral("tls"),          QStringLiteral("policy"),
        QStringLiteral("ca-file"),      QStringLiteral("insecure"),     QStringLiteral("helo"),
        QStringLiteral("timeout"),      QStringLiteral("stop-after"),   QStringLiteral("expiry-warning-days"),
        QStringLiteral("tls-versions"), QStringLiteral("ciphers"),      QStringLiteral("injection-test"),
        QStringLiteral("user"),         QStringLiteral("password-env"), QStringLiteral("password-file"),
        QStringLiteral("auth"),         QStringLiteral("show-secrets"), QStringLiteral("password"),
        QStringLiteral("json"),         QStringLiteral("output"),       QStringLiteral("format"),
    };
    return names;
}

QString hostPortText(const QString& host, quint16 port)
{
    return host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]:%2").arg(host).arg(port)
                                           : QStringLiteral("%1:%2").arg(host).arg(port);
}

} // namespace

QStringList ProfileOptions::checkOptionsSet(const QCommandLineParser& parser)
{
    QStringList set;
    for (const QString& name : parser.optionNames()) {
        if (checkOptionNames().contains(name) && !set.contains(name))
            set.append(name);
    }
    return set;
}

Parsed<CheckRequest> ProfileOptions::parseAsCheck(const QCommandLineParser& parser, const QString& hostPort,
                                                  const QStringList& skip, const QStringList& extra)
{
    QStringList args {QStringLiteral("mailscope-cli"), QStringLiteral("check"), hostPort};
    for (const QString& name : checkOptionsSet(parser)) {
        if (skip.contains(name))
            continue;
        const QStringList values = parser.values(name);
        if (values.isEmpty())
            args.append(QStringLiteral("--") + name);
        for (const QString& v : values)
            args << QStringLiteral("--") + name << v;
    }
    args += extra;
    QCommandLineParser check;
    CliOptions::addCheckOptions(check);
    if (!check.parse(args)) {
        Parsed<CheckRequest> failed;
        failed.error = check.errorText();
        return failed;
    }
    return CliOptions::parseCheck(check);
}

Parsed<CheckRequest> ProfileOptions::overlay(const ServerProfile& profile, const QCommandLineParser& parser,
                                             const QString& host)
{
    Parsed<CheckRequest> result;
    QString error;
    auto base = profile.toProbeOptions(&error);
    if (!base) {
        result.error = error;
        return result;
    }
    // HOST[:PORT] typed after the profile replaces its host, and its port when one is given.
    QString hostPort = hostPortText(profile.host, profile.port);
    if (!host.isEmpty()) {
        const auto hp = CliOptions::parseHostPort(host, &error);
        if (!hp) {
            result.error = error;
            return result;
        }
        base->host = hp->host;
        base->port = hp->port.value_or(profile.port);
        hostPort = hostPortText(base->host, base->port);
    }
    const QStringList set = checkOptionsSet(parser);
    // --password-env alone logs in as the profile's user.
    QStringList extra;
    if (!set.contains(QStringLiteral("user")) && !profile.user.isEmpty()
        && (set.contains(QStringLiteral("password-env")) || set.contains(QStringLiteral("password-file"))))
        extra << QStringLiteral("--user") << profile.user;
    // --user alone (the password from the keychain or asked for later) is not a complete check
    // option; it is applied below.
    const bool userOnly = set.contains(QStringLiteral("user"))
                          && !set.contains(QStringLiteral("password-env"))
                          && !set.contains(QStringLiteral("password-file"));
    Parsed<CheckRequest> cli = parseAsCheck(
        parser, hostPort, userOnly ? QStringList {QStringLiteral("user")} : QStringList {}, extra);
    if (!cli.value) {
        result.error = cli.error;
        return result;
    }
    const ProbeOptions& c = cli.value->probe;
    ProbeOptions p = *base;
    const auto has = [&set](const char* name) { return set.contains(QLatin1String(name)); };
    if (has("protocol"))
        p.protocol = c.protocol;
    if (has("tls"))
        p.tls = c.tls;
    if (has("policy"))
        p.policy = c.policy;
    if (has("ca-file"))
        p.extraCaCertificates = c.extraCaCertificates;
    p.insecure = p.insecure || c.insecure;
    if (has("helo"))
        p.heloName = c.heloName;
    if (has("timeout"))
        p.stepTimeoutMs = c.stepTimeoutMs;
    if (has("stop-after"))
        p.stopAfter = c.stopAfter;
    if (has("expiry-warning-days"))
        p.expiryWarningDays = c.expiryWarningDays;
    p.audit.versions = p.audit.versions || c.audit.versions;
    p.audit.ciphers = p.audit.ciphers || c.audit.ciphers;
    p.audit.commandInjection = p.audit.commandInjection || c.audit.commandInjection;
    if (has("auth"))
        p.authMechanism = c.authMechanism;
    if (userOnly)
        p.user = parser.value(QStringLiteral("user"));
    else if (!c.user.isEmpty())
        p.user = c.user;
    p.password = c.password;
    p.showSecrets = c.showSecrets;

    CheckRequest request = *cli.value;
    request.probe = p;
    result.value = request;
    return result;
}
