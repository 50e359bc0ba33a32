#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

/**
 * `mailscope-cli profiles list | show NAME | add NAME [HOST[:PORT]] [options] | delete NAME |
 * export FILE [NAME...] | import FILE | presets`, and `check --profile NAME`.
 *
 * Exit codes: 0 done; 1 done, but a password could not go to (or leave) the keychain; 3 bad usage
 * or the store refused (the message says why). `check --profile` exits as `check` does.
 */
class ProfilesCommand final
{
public:
    static int run(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out,
                   QTextStream& err);
    /// The --profile option `check` gets.
    static QCommandLineOption profileOption();
    /// `check --profile NAME [HOST[:PORT]] [options]`, with `parser` already parsed.
    /// `send --profile NAME` too (`command` "send"): the profile's message defaults fill in a
    /// missing --from or --to.
    static int check(const QCommandLineParser& parser, QTextStream& out, QTextStream& err,
                     const QString& command = QStringLiteral("check"));
};

/// The entry point app/cli/main.cpp declares and calls for `profiles`.
int profilesMain(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out,
                 QTextStream& err);
