#pragma once

#include "check/AllPortsCheck.h"

#include <optional>
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
#include <QMap>
#include <QTextStream>

/**
 * `mailscope-cli check HOST --all-ports [--ports 25=N,...] [check options]`: the eight mail
 * services of a host at once (AllPortsCheck), printed as a table (with --json: an array of the
 * eight reports). The exit code is the worst verdict of the reachable ports (AllPortsCheck).
 */
class AllPortsCommand final
{
public:
    static QList<QCommandLineOption> options();
    /// Runs it; `parser` has parsed `check`'s options with --all-ports set.
    static int run(const QCommandLineParser& parser, QTextStream& out, QTextStream& err);
    /// --ports "25=2525,465=10465": well-known port to probed port. Empty optional and `error`
    /// for anything else (an unknown service port, a bad number, a repeated port).
    static std::optional<QMap<quint16, quint16>> parsePortMap(const QString& text, QString* error);
    /// The table for a terminal (server-controlled text escaped).
    static QString table(const QString& host, const QList<PortRow>& rows);
    /// The service's short name ("submission").
    static QString serviceName(const MailService& service);
};
