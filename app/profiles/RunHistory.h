#pragma once

#include "run/Run.h"

#include <functional>
#include <optional>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

/// One run kept in the history, as listed (the report itself is read only when opened).
struct HistoryEntry
{
    QString path; ///< the JSON report
    QDateTime startedAt;
    Verdict verdict = Verdict::Unknown;
    QString tlsProtocol; ///< "TLSv1.3"; empty when the run did not get to TLS
    QString host;
    quint16 port = 0;
    /// A domain check's report (DomainReportJson) rather than one server's run.
    bool isDomain = false;
    QString domain; ///< the mail domain checked (isDomain)
    int mxCount = 0; ///< MX hosts found (isDomain)
};

/**
 * The last runs of each profile, kept as JSON reports (schema 1, the same as --output writes) so
 * that any of them can be reopened, exported or compared (RunComparison).
 *
 * - One directory per key (a profile's id; a stable name for the demo or a quick-connect server)
 *   under GenericDataLocation/Mailscope/history: the GUI (`mailscope`) and the CLI
 *   (`mailscope-cli`) have different application names, and both must see the same history
 *   (ProfileStore uses GenericConfigLocation/Mailscope for the same reason).
 * - Each report is written through QSaveFile: a reader never sees half a report.
 * - At most MaxRunsPerKey per key: recording a run removes the oldest beyond it.
 * - Secrets never reach the disk: a run recorded with --show-secrets has its AUTH lines replaced
 *   by "[redacted]" first (redacted()).
 * - Entries are untrusted input on reading (another program, a crash, a full disk): each is read
 *   through ReportReader (bounded); one that cannot be read is skipped with a message naming it.
 */
class RunHistory final
{
public:
    static constexpr int MaxRunsPerKey = 50;

    /// `directory` holds one folder per key; defaultDirectory() when empty.
    explicit RunHistory(QString directory = {});

    static QString defaultDirectory();
    /// The key of the built-in demo server's runs.
    static QString demoKey() { return QStringLiteral("demo"); }
    /// The key of quick-connect runs of one server (a hash: host names are not file names).
    static QString quickConnectKey(const QString& host, quint16 port);

    QString directory() const { return m_directory; }
    /// The folder of `key`'s runs (not created).
    QString folderOf(const QString& key) const;

    /// Keeps `run` (redacted) as the newest entry of `key` and drops entries past MaxRunsPerKey.
    /// Returns the report's path, or an empty string with `error` set.
    QString record(const QString& key, const Run& run, QString* error);

    /// Keeps a report already rendered as JSON (a domain check's: DomainHistory) as the newest entry
    /// of `key`, named by `startedAt`; the report must hold no secret.
    QString recordJson(const QString& key, const QByteArray& json, const QDateTime& startedAt,
                       QString* error);

    /// Reads one entry for the list; empty (and `error` set) when it cannot be read.
    using EntryReader = std::function<std::optional<HistoryEntry>(const QString& path, QString* error)>;

    /// `key`'s runs, newest first. Entries that cannot be read are left out, each with a
    /// translated message in `problems`. `read` reads each file (default: a run report through
    /// ReportReader; DomainHistory::entries passes one that reads domain reports too).
    QList<HistoryEntry> entries(const QString& key, QStringList* problems = nullptr,
                                const EntryReader& read = {}) const;
    /// The entry of a run report (ReportReader).
    static std::optional<HistoryEntry> readRunEntry(const QString& path, QString* error);

    /// `run` with every client line of the auth step replaced by "[redacted]" when the run was made
    /// with secrets shown; otherwise `run` as it is (the engine already redacted them).
    static Run redacted(const Run& run);

private:
    void prune(const QString& folder) const;

    QString m_directory;
};
