#pragma once

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

/**
 * `mailscope-cli demo [--port N] [--scenario NAME | --list-scenarios]`: runs the built-in demo
 * server in the foreground until SIGINT or SIGTERM, after printing its six listeners (SMTP, SMTPS,
 * IMAP, IMAPS, POP3, POP3S) and the demo CA.
 */
class DemoCommand final
{
public:
    /// Parses `arguments` (["mailscope-cli", "demo", ...]) and runs; returns the exit code
    /// (0 after a clean stop, 3 for bad usage or when the server cannot start).
    static int run(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out,
                   QTextStream& err);
};

/// The entry point app/cli/main.cpp declares and calls for `demo`.
int demoMain(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out, QTextStream& err);
