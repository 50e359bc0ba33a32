#include "CliOptions.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("CliOptions", text); }

QCommandLineOption opt(const QString& name, const char* description, const QString& valueName = {})
{
    return {name, QCoreApplication::translate("CliOptions", description), valueName};
}

} // namespace

std::optional<HostPort> CliOptions::parseHostPort(const QString& text, QString* error)
{
    HostPort hp;
    QString portText;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0) {
            *error = tr("\"%1\": missing ']' after the IPv6 address.").arg(text);
            return std::nullopt;
        }
        hp.host = text.mid(1, close - 1);
        const QString rest = text.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(QLatin1Char(':'))) {
                *error = tr("\"%1\": expected ':PORT' after ']'.").arg(text);
                return std::nullopt;
            }
            portText = rest.mid(1);
        }
    } else if (text.count(QLatin1Char(':')) > 1) {
        hp.host = text; // a bare IPv6 address; a port needs the [addr]:port form
    } else {
        hp.host = text.section(QLatin1Char(':'), 0, 0);
        if (text.contains(QLatin1Char(':')))
            portText = text.section(QLatin1Char(':'), 1);
    }
    if (hp.host.isEmpty()) {
        *error = tr("\"%1\": no host name.").arg(text);
        return std::nullopt;
    }
    if (!portText.isNull()) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port == 0 || port > 65535) {
            *error = tr("\"%1\": the port must be a number from 1 to 65535.").arg(portText);
            return std::nullopt;
        }
        hp.port = quint16(port);
    }
    return hp;
}

void CliOptions::addCheckOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        opt(QStringLiteral("protocol"), "smtp, imap or pop3 (default: from the port, else smtp).",
            QStringLiteral("protocol")),
        opt(QStringLiteral("tls"),
            "starttls, implicit or none (default: implicit on 465/993/995, else starttls).",
            QStringLiteral("mode")),
        opt(QStringLiteral("policy"),
            "enforce (default: stop before anything sensitive without TLS) or "
            "opportunistic (continue in plaintext, with a warning).",
            QStringLiteral("policy")),
        opt(QStringLiteral("ca-file"), "Trust the CA certificates in this PEM file as well.",
            QStringLiteral("pem")),
        opt(QStringLiteral("insecure"), "Continue past certificate errors (they stay findings)."),
        opt(QStringLiteral("helo"), "Name to announce in EHLO/HELO (default: mailscope.invalid).",
            QStringLiteral("name")),
        opt(QStringLiteral("timeout"), "Timeout per step in seconds (default: 15).",
            QStringLiteral("seconds")),
        opt(QStringLiteral("stop-after"),
            "End the run cleanly after this step (e.g. greeting, tls-handshake).", QStringLiteral("step")),
        opt(QStringLiteral("expiry-warning-days"),
            "Warn when the certificate expires within this many days "
            "(default: 21).",
            QStringLiteral("days")),
        opt(QStringLiteral("tls-versions"), "Probe which TLS versions (1.0 to 1.3) the server accepts."),
        opt(QStringLiteral("ciphers"), "Enumerate the cipher suites the server accepts."),
        opt(QStringLiteral("injection-test"),
            "Probe for STARTTLS command injection (CVE-2011-0411); harmless."),
        opt(QStringLiteral("user"), "Log in as this user (the auth step).", QStringLiteral("user")),
        opt(QStringLiteral("password-env"),
            "Read the password (or XOAUTH2 token) from this environment variable.", QStringLiteral("var")),
        opt(QStringLiteral("password-file"),
            "Read the password (or XOAUTH2 token) from the first line of this file.", QStringLiteral("file")),
        opt(QStringLiteral("auth"),
            "auto, plain, login, cram-md5 or xoauth2 (default: auto, the strongest "
            "offered).",
            QStringLiteral("mechanism")),
        opt(QStringLiteral("show-secrets"), "Show AUTH payloads in the transcript instead of [redacted]."),
        opt(QStringLiteral("password"),
            "Refused: a password on the command line is visible to every user of "
            "this machine. Use --password-env or --password-file.",
            QStringLiteral("password")),
        opt(QStringLiteral("json"), "Print the JSON report on standard output."),
        opt(QStringLiteral("output"), "Also write the report to this file.", QStringLiteral("file")),
        opt(QStringLiteral("format"),
            "Report format: text or json (default: text; for --output, from the "
            "file name).",
            QStringLiteral("format")),
    });
}

bool CliOptions::parseCredentials(const QCommandLineParser& parser, ProbeOptions& p, QString* error)
{
    if (parser.isSet(QStringLiteral("password"))) {
        *error = tr(
            "--password is refused: a password on the command line can be read by every user of this "
            "machine (ps, /proc) and lands in shell history. Use --password-env VAR or --password-file F.");
        return false;
    }
    const bool fromEnv = parser.isSet(QStringLiteral("password-env"));
    const bool fromFile = parser.isSet(QStringLiteral("password-file"));
    p.user = parser.value(QStringLiteral("user"));
    p.showSecrets = parser.isSet(QStringLiteral("show-secrets"));
    if (parser.isSet(QStringLiteral("auth"))) {
        const QString mechanism = parser.value(QStringLiteral("auth")).toLower();
        static const QStringList known {QStringLiteral("auto"), QStringLiteral("plain"),
                                        QStringLiteral("login"), QStringLiteral("cram-md5"),
                                        QStringLiteral("xoauth2")};
        if (!known.contains(mechanism)) {
            *error =
                tr("--auth must be one of %1, not \"%2\".").arg(known.join(QStringLiteral(", ")), mechanism);
            return false;
        }
        p.authMechanism = mechanism;
    }
    if (fromEnv && fromFile) {
        *error = tr("Give the password either with --password-env or with --password-file, not both.");
        return false;
    }
    if ((fromEnv || fromFile) && p.user.isEmpty()) {
        *error = tr("A password needs a user: add --user.");
        return false;
    }
    if (!p.user.isEmpty() && !fromEnv && !fromFile) {
        *error = tr("--user needs a password: --password-env VAR or --password-file F.");
        return false;
    }
    if (fromEnv) {
        const QString var = parser.value(QStringLiteral("password-env"));
        if (!qEnvironmentVariableIsSet(var.toLocal8Bit().constData())) {
            *error = tr("--password-env: the environment variable %1 is not set.").arg(var);
            return false;
        }
        p.password = qgetenv(var.toLocal8Bit().constData());
    } else if (fromFile) {
        const QString path = parser.value(QStringLiteral("password-file"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = tr("--password-file: cannot read %1: %2").arg(path, file.errorString());
            return false;
        }
        p.password = file.readLine();
        while (p.password.endsWith('\n') || p.password.endsWith('\r'))
            p.password.chop(1);
    }
    if (fromEnv || fromFile) {
        if (p.password.isEmpty()) {
            *error = tr("The password is empty.");
            return false;
        }
    }
    return true;
}

Parsed<CheckRequest> CliOptions::parseCheck(const QCommandLineParser& parser)
{
    Parsed<CheckRequest> result;
    const QStringList args = parser.positionalArguments().mid(1);
    if (args.isEmpty()) {
        result.error = tr("check needs a server: mailscope-cli check HOST[:PORT]");
        return result;
    }
    if (args.size() > 1) {
        result.error = tr("check takes one server, but got: %1").arg(args.join(QLatin1Char(' ')));
        return result;
    }
    QString error;
    const auto hostPort = parseHostPort(args.first(), &error);
    if (!hostPort) {
        result.error = error;
        return result;
    }

    CheckRequest request;
    ProbeOptions& p = request.probe;
    p.host = hostPort->host;

    std::optional<Protocol> protocol;
    if (parser.isSet(QStringLiteral("protocol"))) {
        protocol = protocolFromString(parser.value(QStringLiteral("protocol")));
        if (!protocol) {
            result.error = tr("--protocol must be smtp, imap or pop3, not \"%1\".")
                               .arg(parser.value(QStringLiteral("protocol")));
            return result;
        }
    }
    std::optional<TlsMode> tls;
    if (parser.isSet(QStringLiteral("tls"))) {
        tls = tlsModeFromString(parser.value(QStringLiteral("tls")));
        if (!tls) {
            result.error = tr("--tls must be starttls, implicit or none, not \"%1\".")
                               .arg(parser.value(QStringLiteral("tls")));
            return result;
        }
    }
    if (hostPort->port) {
        p.port = *hostPort->port;
        p.protocol = protocol.value_or(defaultProtocolForPort(p.port));
        p.tls = tls.value_or(defaultTlsModeForPort(p.port));
    } else {
        p.protocol = protocol.value_or(Protocol::Smtp);
        p.tls = tls.value_or(TlsMode::StartTls);
        p.port = defaultPort(p.protocol, p.tls);
    }

    if (parser.isSet(QStringLiteral("policy"))) {
        const auto policy = policyFromString(parser.value(QStringLiteral("policy")));
        if (!policy) {
            result.error = tr("--policy must be enforce or opportunistic, not \"%1\".")
                               .arg(parser.value(QStringLiteral("policy")));
            return result;
        }
        p.policy = *policy;
    }

    if (parser.isSet(QStringLiteral("ca-file"))) {
        const QString path = parser.value(QStringLiteral("ca-file"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            result.error = tr("--ca-file: cannot read %1: %2").arg(path, file.errorString());
            return result;
        }
        p.extraCaCertificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        if (p.extraCaCertificates.isEmpty()) {
            result.error = tr("--ca-file: %1 holds no PEM certificate.").arg(path);
            return result;
        }
    }
    p.insecure = parser.isSet(QStringLiteral("insecure"));
    if (parser.isSet(QStringLiteral("helo"))) {
        p.heloName = parser.value(QStringLiteral("helo"));
        if (p.heloName.isEmpty() || p.heloName.contains(QLatin1Char(' '))
            || p.heloName.contains(QLatin1Char('\r')) || p.heloName.contains(QLatin1Char('\n'))) {
            result.error = tr("--helo must be a single host name without spaces.");
            return result;
        }
    }
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        const double seconds = parser.value(QStringLiteral("timeout")).toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 3600) {
            result.error = tr("--timeout must be a number of seconds between 0 and 3600, not \"%1\".")
                               .arg(parser.value(QStringLiteral("timeout")));
            return result;
        }
        p.stepTimeoutMs = int(seconds * 1000);
    }
    if (parser.isSet(QStringLiteral("stop-after"))) {
        const auto step = stepIdFromString(parser.value(QStringLiteral("stop-after")));
        if (!step) {
            result.error =
                tr("--stop-after: \"%1\" is not a step. Steps: resolve, connect, banner, greeting, "
                   "starttls, tls-handshake, greeting-tls, auth, quit.")
                    .arg(parser.value(QStringLiteral("stop-after")));
            return result;
        }
        p.stopAfter = step;
    }
    if (parser.isSet(QStringLiteral("expiry-warning-days"))) {
        bool ok = false;
        const int days = parser.value(QStringLiteral("expiry-warning-days")).toInt(&ok);
        if (!ok || days < 0) {
            result.error = tr("--expiry-warning-days must be a whole number of days.");
            return result;
        }
        p.expiryWarningDays = days;
    }

    p.audit.versions = parser.isSet(QStringLiteral("tls-versions"));
    p.audit.ciphers = parser.isSet(QStringLiteral("ciphers"));
    p.audit.commandInjection = parser.isSet(QStringLiteral("injection-test"));
    if (!parseCredentials(parser, p, &result.error))
        return result;

    request.stdoutJson = parser.isSet(QStringLiteral("json"));
    if (parser.isSet(QStringLiteral("format"))) {
        const QString f = parser.value(QStringLiteral("format")).toLower();
        if (f == QLatin1String("text"))
            request.format = ReportFormat::Text;
        else if (f == QLatin1String("json"))
            request.format = ReportFormat::Json;
        else {
            result.error = tr("--format must be text or json, not \"%1\".").arg(f);
            return result;
        }
    }
    request.outputFile = parser.value(QStringLiteral("output"));
    result.value = request;
    return result;
}
