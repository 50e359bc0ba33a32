#pragma once

#include "session/ProbeOptions.h"

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <QTextStream>

/**
 * `mailscope-cli send HOST[:PORT] --from A --to B ...`: a check that ends with a test message
 * (the steps mail-from, rcpt-to, data). It takes every option of `check` (TLS, policy, CA, auth,
 * --profile, report formats) and exits as `check` does.
 */
class SendCommand final
{
public:
    /// Largest --body-file and --attach file read (each); the server's SIZE decides the rest.
    static constexpr qsizetype MaxFileBytes = 50 * 1024 * 1024;

    /// --from, --to, --cc, --subject, --body, --body-file, --attach, --header, --pipelining,
    /// --bdat, --dsn, --requiretls.
    static void addOptions(QCommandLineParser& parser);
    /// Fills `options.send` from the parsed options; a profile's message defaults stand in for a
    /// missing --from or --to. False (with `error`) on bad input.
    static bool apply(const QCommandLineParser& parser, ProbeOptions& options, QString* error,
                      const QString& defaultFrom = {}, const QStringList& defaultTo = {});
};

/// The `send` subcommand as main() dispatches it.
int sendMain(QCommandLineParser& parser, const QStringList& arguments, bool helpFor, QTextStream& out,
             QTextStream& err);
