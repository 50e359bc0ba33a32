#pragma once

#include "DomainReport.h"
#include "run/RunComparison.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

/// One MX host present in both checks: its values that changed.
struct MxComparison
{
    QString host;
    QList<FieldChange> changes; ///< keys of DomainComparison::mxFieldOrder()
};

/**
 * What changed between two checks of (usually) the same mail domain: the domain-level values
 * (verdict, MX mode and DNSSEC, MTA-STS record id, mode and MX patterns, TLS-RPT record), the MX
 * set (hosts added and removed, "10 mx.example.org"), each MX host in both checks (addresses,
 * DNSSEC, TLSA DNSSEC, DANE, MTA-STS match, TLS versions, verdict) and the findings added and
 * removed, an MX host's written "id (host)". A pure function of two DomainReports, rendered by
 * `mailscope-cli compare` and the GUI's compare dialog. Durations never count as a change.
 */
struct DomainComparison
{
    QList<FieldChange> changes; ///< domain-level, in fieldOrder()
    SetChange mxSet;
    QList<MxComparison> mx; ///< hosts in both checks whose values changed, in the later check's order
    SetChange findings;

    bool isUnchanged() const;
    const FieldChange* change(const QString& field) const;

    static DomainComparison compare(const DomainReport& before, const DomainReport& after);

    static QStringList fieldOrder();
    static QString fieldLabel(const QString& field);
    static QString fieldValue(const DomainReport& report, const QString& field);
    static QStringList mxFieldOrder();
    static QString mxFieldLabel(const QString& field);
    static QString mxFieldValue(const MxResult& mx, const QString& field);
    /// "10 mx.example.org" for each MX host, as mxSet lists them.
    static QStringList mxEntries(const DomainReport& report);
    /// The MX host `host` of `report` (case-insensitive), or nullptr.
    static const MxResult* findMx(const DomainReport& report, const QString& host);
    /// Finding keys: "id" for the domain's, "id (host)" for an MX host's.
    static QStringList findingKeys(const DomainReport& report);

    QJsonObject toJson(const DomainReport& before, const DomainReport& after) const;
    /// For a terminal; text from DNS and servers is escaped (TerminalText).
    QString toText(const DomainReport& before, const DomainReport& after) const;
};
