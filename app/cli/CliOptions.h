#pragma once

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
    bool stdoutJson = false;
    std::optional<ReportFormat> format;
    QString outputFile;
};

/// A parse outcome: either a request or a message for the user (exit code 3).
template<typename T> struct Parsed
{
    std::optional<T> value;
    QString error;
};

/// Host and port from "host", "host:port", "[v6]:port" or a bare IPv6 address.
struct HostPort
{
    QString host;
    std::optional<quint16> port;
};

/// Command-line option handling for the subcommands, kept apart from running them.
class CliOptions final
{
public:
    static std::optional<HostPort> parseHostPort(const QString& text, QString* error);
    /// Adds the options of `check` (and of `send`, which shares them) to `parser`.
    static void addCheckOptions(QCommandLineParser& parser);
    static Parsed<CheckRequest> parseCheck(const QCommandLineParser& parser);
    /// --user, --password-env/--password-file (never --password), --auth, --show-secrets.
    static bool parseCredentials(const QCommandLineParser& parser, ProbeOptions& options, QString* error);
};
