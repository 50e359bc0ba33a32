#pragma once

#include "dns/UnboundResolver.h"
#include "domain/DomainCheck.h"

#include <optional>
#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

/// What `mailscope-cli domain` was asked to do.
struct DomainRequest
{
    QStringList domains; ///< given on the command line
    QString inputFile; ///< --input FILE ("-": standard input), one domain a line
    int jobs = 4; ///< domains checked at the same time
    ResolverSettings resolver;
    DomainCheckOptions check;
    bool stdoutJson = false;
    /// --demo: the demo's mail domains on the built-in demo server (no network).
    bool demo = false;
    QString outputFile;
    /// --profile NAME: the saved domain profile checked (its domain and DNS settings, the options
    /// given on the command line winning); its runs are kept in the history under the profile's id.
    QString profileName;
    QString historyKey;
};

/**
 * `mailscope-cli domain DOMAIN... | --input FILE`: checks mail domains (DomainCheck).
 * One domain: the text summary (or --json: the JSON report) on stdout. Several (--input): one
 * compact JSON report per line (JSON Lines) on stdout as each finishes, progress and a summary
 * table on stderr. The exit code is the worst verdict (run/VerdictOrder.h: CRITICAL > UNKNOWN > WARNING >
 * OK), as its monitoring-plugins number (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
 */
class DomainCommand final
{
public:
    static void addOptions(QCommandLineParser& parser);
    static std::optional<DomainRequest> parse(const QCommandLineParser& parser, QString* error);
    static int run(const DomainRequest& request, QTextStream& out, QTextStream& err);
    /// Fills `request` from the domain profile it names (--profile); false with `error` set when
    /// there is no such profile or it is a server profile.
    static bool applyProfile(DomainRequest& request, const QCommandLineParser& parser, QTextStream& err,
                             QString* error);
    /// The domains of an input file: one a line, blank lines and "#" comments skipped.
    static QStringList domainsFrom(const QByteArray& text);
};

int domainMain(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out, QTextStream& err);
