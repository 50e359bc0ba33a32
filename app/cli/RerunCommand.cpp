#include "RerunCommand.h"

#include <QRegularExpression>

namespace RerunCommand {

QString shellQuoted(const QString& argument)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    if (safe.match(argument).hasMatch())
        return argument;
    QString quoted = argument;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString build(const QStringList& arguments, const RunSuggestion& suggestion, Protocol usedProtocol,
              TlsMode usedTls)
{
    const QString protocol = toKey(suggestion.protocol);
    const QString tls = toKey(suggestion.tls);
    bool protocolGiven = false;
    bool tlsGiven = false;
    QStringList out;
    // QCommandLineParser takes "-name" like "--name" (ParseAsLongOptions), and "--name=value".
    static const QRegularExpression option(QStringLiteral("^--?(protocol|tls)(=.*)?$"));
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QRegularExpressionMatch m = option.match(arguments.at(i));
        if (!m.hasMatch() || i == 0) {
            out.append(arguments.at(i));
            continue;
        }
        const bool isProtocol = m.captured(1) == QLatin1String("protocol");
        (isProtocol ? protocolGiven : tlsGiven) = true;
        out.append(QStringLiteral("--%1").arg(m.captured(1)));
        out.append(isProtocol ? protocol : tls);
        if (m.captured(2).isEmpty())
            ++i; // the value was the next argument
    }
    if (!protocolGiven && suggestion.protocol != usedProtocol)
        out << QStringLiteral("--protocol") << protocol;
    if (!tlsGiven && suggestion.tls != usedTls)
        out << QStringLiteral("--tls") << tls;
    QStringList quoted;
    for (const QString& a : std::as_const(out))
        quoted.append(shellQuoted(a));
    return quoted.join(QLatin1Char(' '));
}

} // namespace RerunCommand
