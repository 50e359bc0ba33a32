#pragma once

#include "DomainReport.h"
#include "profiles/RunHistory.h"

#include <optional>
#include <QList>
#include <QString>

/**
 * Domain checks in the run history (RunHistory): each check is kept as its domain report
 * (DomainReportJson) next to the server runs, under the domain profile's id or, for a check
 * without a profile, under domainKey(). Listing reads either kind (ReportFile), so a history
 * folder may hold both.
 */
class DomainHistory final
{
public:
    /// The key of the checks of a domain that has no profile (a hash: domains are not file names).
    static QString domainKey(const QString& domain);
    /// Keeps `report` as the newest entry of `key`; its path, or empty with `error` set.
    static QString record(const RunHistory& history, const QString& key, const DomainReport& report,
                          QString* error);
    /// `key`'s entries of either kind, newest first; unreadable ones in `problems`.
    static QList<HistoryEntry> entries(const RunHistory& history, const QString& key,
                                       QStringList* problems = nullptr);
    /// One entry of either kind (RunHistory::EntryReader).
    static std::optional<HistoryEntry> readEntry(const QString& path, QString* error);
};
