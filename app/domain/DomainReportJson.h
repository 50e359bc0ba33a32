#pragma once

#include "DomainReport.h"

#include <QByteArray>
#include <QJsonObject>

/**
 * Renders a DomainReport as JSON (`"kind": "domain"`, schema_version 1; README "Domain report"):
 * the MX walk with DNSSEC status, TLSA and DANE outcome, MTA-STS and TLS-RPT records, findings
 * per MX and for the domain, the verdict, and each MX address's full SMTP run as the ordinary
 * run report (ReportJson).
 */
class DomainReportJson final
{
public:
    static constexpr int SchemaVersion = 1;
    static QJsonObject toObject(const DomainReport& report);
    /// Compact (one line: a JSON Lines record) or indented.
    static QByteArray toJson(const DomainReport& report, bool compact = false);
    /// A few lines for a terminal: the MX table, the records, the findings, the verdict.
    static QString toText(const DomainReport& report);
};
