#include "DomainHistory.h"

#include "DomainReportJson.h"
#include "DomainReportReader.h"

#include <algorithm>
#include <QCryptographicHash>

QString DomainHistory::domainKey(const QString& domain)
{
    // A trailing dot or capitals name the same domain.
    QString name = domain.trimmed().toLower();
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    return QStringLiteral("domain-")
           + QString::fromLatin1(
               QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex().left(32));
}

QString DomainHistory::record(const RunHistory& history, const QString& key, const DomainReport& report,
                              QString* error)
{
    // A domain check's SMTP runs never log in, but a report kept on disk is redacted either way.
    DomainReport kept = report;
    for (MxResult& mx : kept.mx) {
        for (MxAddressRun& r : mx.runs)
            r.run = RunHistory::redacted(r.run);
    }
    RunHistory writer = history;
    return writer.recordJson(key, DomainReportJson::toJson(kept), report.startedAt, error);
}

std::optional<HistoryEntry> DomainHistory::readEntry(const QString& path, QString* error)
{
    const ReportFile file = ReportFile::readFile(path);
    if (!file.ok()) {
        *error = file.error;
        return std::nullopt;
    }
    HistoryEntry e;
    e.path = path;
    if (file.run) {
        e.startedAt = file.run->startedAt;
        e.verdict = file.run->verdict();
        e.tlsProtocol = file.run->tls ? file.run->tls->protocol : QString();
        e.host = file.run->target.host;
        e.port = file.run->target.port;
        return e;
    }
    const DomainReport& d = *file.domain;
    e.isDomain = true;
    e.domain = d.domain;
    e.startedAt = d.startedAt;
    e.verdict = d.verdict();
    e.mxCount = int(d.mx.size());
    // The TLS column: the versions the MX hosts spoke, the best-known first.
    QStringList versions;
    for (const MxResult& mx : d.mx) {
        for (const MxAddressRun& r : mx.runs) {
            if (r.run.tls && !versions.contains(r.run.tls->protocol))
                versions.append(r.run.tls->protocol);
        }
    }
    versions.sort();
    std::reverse(versions.begin(), versions.end());
    e.tlsProtocol = versions.join(QLatin1Char('/'));
    return e;
}

QList<HistoryEntry> DomainHistory::entries(const RunHistory& history, const QString& key,
                                           QStringList* problems)
{
    return history.entries(key, problems, &DomainHistory::readEntry);
}
