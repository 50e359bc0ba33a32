#pragma once

#include "CliOptions.h"
#include "profiles/ServerProfile.h"

#include <QCommandLineParser>

/**
 * The bridge between `check`'s options and saved profiles: `profiles add NAME HOST [options]` saves
 * what `check HOST [options]` would use, and `check --profile NAME [options]` runs the profile with
 * the options typed on the command line taking precedence. Both go through CliOptions::parseCheck,
 * so an option means and validates the same everywhere.
 */
class ProfileOptions final
{
public:
    /// The check options as typed in `parser`, re-parsed as `check HOST_PORT ...` would parse them.
    /// Options named in `skip` are left out (e.g. --user without a password for `profiles add`);
    /// `extra` is appended (already in command-line form).
    static Parsed<CheckRequest> parseAsCheck(const QCommandLineParser& parser, const QString& hostPort,
                                             const QStringList& skip = {}, const QStringList& extra = {});

    /// `profile`'s settings, with every check option set in `parser` on top. `host` is the positional
    /// HOST[:PORT] or empty. The password stays empty unless --password-env/--password-file gave one.
    static Parsed<CheckRequest> overlay(const ServerProfile& profile, const QCommandLineParser& parser,
                                        const QString& host);

    /// The check options given on the command line, by name (e.g. "timeout"), profile options aside.
    static QStringList checkOptionsSet(const QCommandLineParser& parser);
};
