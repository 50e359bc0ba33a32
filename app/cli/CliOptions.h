#pragma once

#include "check/CheckRunner.h"
#include "net/HostSyntax.h"
#include "session/ProbeOptions.h"

#include <optional>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

/// Report formats the CLI writes.
enum class ReportFormat
{
    Text,
    Json
};

/// What `mailscope-cli check` was asked to do, parsed and validated.
struct CheckRequest
{
    ProbeOptions probe;
    /// --deadline: the whole run (conversation and audit) ends after this many ms.
    int deadlineMs = CheckOptions::DefaultDeadlineMs;
    bool stdoutJson = false;
    std::optional<ReportFormat> format;
    QString outputFile;
    /// Set for a run of a saved profile (--profile): the run is kept in its history (RunHistory).
    QString historyKey;
    /// The command line as given (program name first), to print a corrected one.
    QStringList arguments;
};

/// A parse outcome: either a request or a message for the user (exit code 3).
template<typename T> struct Parsed
{
    std::optional<T> value;
    QString error;
};

/// Command-line option handling for the subcommands, kept apart from running them.
class CliOptions final
{
public:
    static std::optional<HostPort> parseHostPort(const QString& text, QString* error);
    /// A duration given in seconds ("5", "0.25"), as whole milliseconds within [minMs, maxMs].
    /// Refuses nan, inf, signs, exponents and anything finer than a millisecond, with a message
    /// naming `option`.
    static std::optional<int> parseSeconds(const QString& option, const QString& text, int minMs, int maxMs,
                                           QString* error);
    /// A whole number within [min, max] written in decimal digits only.
    static std::optional<int> parseWholeNumber(const QString& option, const QString& text, int min, int max,
                                               QString* error);
    /// Adds the options of `check` (and of `send`, which shares them) to `parser`.
    static void addCheckOptions(QCommandLineParser& parser);
    static Parsed<CheckRequest> parseCheck(const QCommandLineParser& parser);
    /// --user, --password-env/--password-file (never --password), --auth, --show-secrets.
    static bool parseCredentials(const QCommandLineParser& parser, ProbeOptions& options, QString* error);
};
