#include "CliOptions.h"

#include "run/InputFile.h"

#include <algorithm>
#include <QCoreApplication>
#include <QHostAddress>
#include <QRegularExpression>

namespace {

// Bounds of the numeric options and of the files read at start-up.
constexpr int MinTimeoutMs = 1; // the timer's resolution; below it a timeout would be 0 ms
constexpr int MaxTimeoutMs = 3600 * 1000;
constexpr int MaxDeadlineMs = 86400 * 1000; // a day: beyond any run, far below the timer's limit
constexpr int MaxExpiryWarningDays = 3650;
constexpr qsizetype MaxCaFileBytes = 4 * 1024 * 1024; // the Debian bundle of all roots is ~200 KB
constexpr qsizetype MaxPasswordBytes = 64 * 1024; // an XOAUTH2 token is a few KB

QString tr(const char* text) { return QCoreApplication::translate("CliOptions", text); }

QCommandLineOption opt(const QString& name, const char* description, const QString& valueName = {})
{
    return {name, QCoreApplication::translate("CliOptions", description), valueName};
}

} // namespace

std::optional<HostPort> CliOptions::parseHostPort(const QString& text, QString* error)
{
    return HostSyntax::parse(text, error);
}

std::optional<int> CliOptions::parseSeconds(const QString& option, const QString& text, int minMs, int maxMs,
                                            QString* error)
{
    const QString range = tr("%1 takes a number of seconds from %2 to %3, like 5 or 0.5")
                              .arg(option, QString::number(minMs / 1000.0), QString::number(maxMs / 1000.0));
    // Parsed by hand, digit by digit: toDouble() accepts "nan" and "inf", and a float would turn
    // 0.0001 into 0 ms without a word.
    static const QRegularExpression decimal(QStringLiteral("^([0-9]{1,9})?(?:\\.([0-9]*))?$"));
    const QRegularExpressionMatch m = decimal.match(text);
    if (text.isEmpty() || text == QLatin1String(".") || !m.hasMatch()) {
        *error = tr("%1, not \"%2\".").arg(range, text);
        return std::nullopt;
    }
    QString fraction = m.captured(2);
    while (fraction.endsWith(QLatin1Char('0')))
        fraction.chop(1);
    if (fraction.size() > 3) {
        *error = tr("%1: \"%2\" is finer than a millisecond.").arg(range, text);
        return std::nullopt;
    }
    const qint64 ms = m.captured(1).toLongLong() * 1000 + fraction.leftJustified(3, QLatin1Char('0')).toInt();
    if (ms < minMs || ms > maxMs) {
        *error = tr("%1, not \"%2\".").arg(range, text);
        return std::nullopt;
    }
    return int(ms);
}

std::optional<int> CliOptions::parseWholeNumber(const QString& option, const QString& text, int min, int max,
                                                QString* error)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,9}$"));
    const int value = digits.match(text).hasMatch() ? text.toInt() : -1;
    if (value < min || value > max) {
        *error = tr("%1 takes a whole number from %2 to %3, not \"%4\".")
                     .arg(option, QString::number(min), QString::number(max), text);
        return std::nullopt;
    }
    return value;
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
        opt(QStringLiteral("timeout"), "Timeout per step in seconds, 0.001 to 3600 (default: 15).",
            QStringLiteral("seconds")),
        opt(QStringLiteral("deadline"),
            "Time limit for the whole run, TLS audit included, in seconds (default: 120; a full "
            "audit of a normal server takes seconds, a few dozen on a slow network, while a server "
            "that waits seconds before every reply would take minutes). When it is reached the "
            "run stops with a partial report: exit code 3 (UNKNOWN), or 2 if something critical "
            "was found already.",
            QStringLiteral("seconds")),
        opt(QStringLiteral("stop-after"),
            "End the run cleanly after this step (e.g. greeting, tls-handshake).", QStringLiteral("step")),
        opt(QStringLiteral("expiry-warning-days"),
            "Warn when the certificate expires within this many days, 0 to 3650 "
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
        opt(QStringLiteral("output"),
            "Also write the report to this file, checked before the run starts. A FIFO or device is "
            "written in place, never replaced; - writes it to standard output instead of the "
            "terminal report.",
            QStringLiteral("file")),
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
    // A CR or LF in a user name would end the command it is sent in and start another one.
    if (std::any_of(p.user.begin(), p.user.end(),
                    [](QChar c) { return c.category() == QChar::Other_Control; })) {
        *error = tr("--user must not contain control characters such as CR or LF.");
        return false;
    }
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
        InputFile::Limits limits;
        limits.maxBytes = MaxPasswordBytes;
        limits.firstLineOnly = true;
        const InputFile::Result line = InputFile::read(path, limits);
        if (!line.ok()) {
            *error = tr("--password-file: %1").arg(line.error);
            return false;
        }
        p.password = line.data;
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
        InputFile::Limits limits;
        limits.maxBytes = MaxCaFileBytes;
        const InputFile::Result pem = InputFile::read(path, limits);
        if (!pem.ok()) {
            result.error = tr("--ca-file: %1").arg(pem.error);
            return result;
        }
        p.extraCaCertificates = QSslCertificate::fromData(pem.data, QSsl::Pem);
        if (p.extraCaCertificates.isEmpty()) {
            result.error = tr("--ca-file: %1 holds no PEM certificate.").arg(path);
            return result;
        }
    }
    p.insecure = parser.isSet(QStringLiteral("insecure"));
    if (parser.isSet(QStringLiteral("helo"))) {
        p.heloName = parser.value(QStringLiteral("helo"));
        if (p.heloName.isEmpty() || p.heloName.contains(QLatin1Char(' '))
            || std::any_of(p.heloName.begin(), p.heloName.end(),
                           [](QChar c) { return c.category() == QChar::Other_Control; })) {
            result.error = tr("--helo must be a single host name without spaces.");
            return result;
        }
    }
    if (parser.isSet(QStringLiteral("timeout"))) {
        const auto ms = parseSeconds(QStringLiteral("--timeout"), parser.value(QStringLiteral("timeout")),
                                     MinTimeoutMs, MaxTimeoutMs, &result.error);
        if (!ms)
            return result;
        p.stepTimeoutMs = *ms;
    }
    if (parser.isSet(QStringLiteral("deadline"))) {
        // Like --timeout: nan, inf, 0 or 0.0001 would otherwise mean "no limit" or "0 ms".
        const auto ms = parseSeconds(QStringLiteral("--deadline"), parser.value(QStringLiteral("deadline")),
                                     MinTimeoutMs, MaxDeadlineMs, &result.error);
        if (!ms)
            return result;
        request.deadlineMs = *ms;
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
        const auto days = parseWholeNumber(QStringLiteral("--expiry-warning-days"),
                                           parser.value(QStringLiteral("expiry-warning-days")), 0,
                                           MaxExpiryWarningDays, &result.error);
        if (!days)
            return result;
        p.expiryWarningDays = *days;
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
