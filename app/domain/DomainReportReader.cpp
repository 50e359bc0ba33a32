#include "DomainReportReader.h"

#include "DomainReportJson.h"
#include "run/JsonWalker.h"
#include "run/ReportReader.h"

#include <QCoreApplication>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("DomainReportReader", text); }

using json::MaxExact;
using json::Walker;

/// A string member that must be one of `allowed`.
QString oneOf(Walker& w, const QJsonObject& o, const QString& path, const char* key,
              const QStringList& allowed)
{
    const QString value = w.string(o, path, key);
    if (!w.failed() && !allowed.contains(value))
        w.fail(Walker::at(path, key), tr("unknown value \"%1\"").arg(value.left(40)));
    return value;
}

DnsSecurity security(Walker& w, const QJsonObject& o, const QString& path, const char* key)
{
    const QString value = oneOf(w, o, path, key,
                                {QStringLiteral("secure"), QStringLiteral("insecure"),
                                 QStringLiteral("bogus"), QStringLiteral("indeterminate")});
    for (DnsSecurity s : {DnsSecurity::Secure, DnsSecurity::Insecure, DnsSecurity::Bogus})
        if (toKey(s) == value)
            return s;
    return DnsSecurity::Indeterminate;
}

/// An array member bounded to MaxListItems (the run reports inside have their own bounds).
QJsonArray list(Walker& w, const QJsonObject& o, const QString& path, const char* key)
{
    const QJsonArray a = w.array(o, path, key);
    if (!w.failed() && a.size() > DomainReportReader::MaxListItems)
        w.fail(Walker::at(path, key), tr("more than %1 entries").arg(DomainReportReader::MaxListItems));
    return w.failed() ? QJsonArray() : a;
}

QList<TlsaRecord> readTlsa(Walker& w, const QJsonArray& a, const QString& path)
{
    QList<TlsaRecord> records;
    for (qsizetype i = 0; i < a.size() && !w.failed(); ++i) {
        const QString p = Walker::at(path, i);
        const std::optional<QJsonObject> o = w.asObject(a.at(i), p);
        if (!o)
            break;
        TlsaRecord r;
        r.usage = quint8(w.integer(*o, p, "usage", 0, 255));
        r.selector = quint8(w.integer(*o, p, "selector", 0, 255));
        r.matchingType = quint8(w.integer(*o, p, "matching_type", 0, 255));
        const QString hex = w.string(*o, p, "data");
        const QByteArray bytes = QByteArray::fromHex(hex.toLatin1());
        // fromHex skips what is not hex: only an exact round trip is the data the report had.
        if (!w.failed() && QString::fromLatin1(bytes.toHex()) != hex.toLower())
            w.fail(Walker::at(p, "data"), tr("expected hexadecimal digits"));
        r.data = bytes;
        records.append(r);
    }
    return records;
}

QList<MxAddressRun> readRuns(Walker& w, const QJsonArray& a, const QString& path)
{
    QList<MxAddressRun> runs;
    for (qsizetype i = 0; i < a.size() && !w.failed(); ++i) {
        const QString p = Walker::at(path, i);
        const std::optional<QJsonObject> o = w.asObject(a.at(i), p);
        if (!o)
            break;
        MxAddressRun r;
        r.address = w.string(*o, p, "address");
        const QJsonValue usage = w.member(*o, p, "dane_usage");
        if (usage.isNull())
            r.daneUsage = -1;
        else if (!w.failed())
            r.daneUsage = int(w.integer(*o, p, "dane_usage", 0, 255));
        // The domain check's verdict for this address; "smtp_verdict" is the run's own and
        // follows from the run report below (a report from before it existed has none).
        r.verdict = w.enumeration(*o, p, "verdict", &verdictFromString);
        const std::optional<QJsonObject> report = w.object(*o, p, "report");
        if (!report)
            break;
        ReportReader::Result run = ReportReader::readObject(*report);
        if (!run.run) {
            w.fail(Walker::at(p, "report"), run.error);
            break;
        }
        r.run = *run.run;
        runs.append(r);
    }
    return runs;
}

MxResult readMx(Walker& w, const QJsonObject& o, const QString& p)
{
    MxResult mx;
    mx.preference = quint16(w.integer(o, p, "preference", 0, 65535));
    mx.host = w.string(o, p, "host");
    mx.cnameTarget = w.string(o, p, "cname");
    mx.addressLiteral = w.boolean(o, p, "address_literal");
    mx.addresses = w.stringList(list(w, o, p, "addresses"), Walker::at(p, "addresses"));
    mx.addressSecurity = security(w, o, p, "dnssec");
    if (const std::optional<QJsonObject> tlsa = w.object(o, p, "tlsa")) {
        const QString t = Walker::at(p, "tlsa");
        mx.tlsaName = w.string(*tlsa, t, "name");
        mx.tlsaSecurity = security(w, *tlsa, t, "dnssec");
        mx.tlsa = readTlsa(w, list(w, *tlsa, t, "records"), Walker::at(t, "records"));
        mx.dane = oneOf(w, *tlsa, t, "dane",
                        {QStringLiteral("none"), QStringLiteral("valid"), QStringLiteral("invalid"),
                         QStringLiteral("unusable"), QStringLiteral("ignored"), QStringLiteral("bogus"),
                         QStringLiteral("no-tls")});
        mx.daneDetail = w.string(*tlsa, t, "detail");
    }
    mx.stsMatch =
        oneOf(w, o, p, "mta_sts_match", {QString(), QStringLiteral("match"), QStringLiteral("no-match")});
    mx.runs = readRuns(w, list(w, o, p, "runs"), Walker::at(p, "runs"));
    mx.findings = json::readFindings(w, w.array(o, p, "findings"), Walker::at(p, "findings"),
                                     json::FindingStep::Ignore);
    w.enumeration(o, p, "verdict", &verdictFromString);
    return mx;
}

void readMtaSts(Walker& w, const QJsonObject& o, MtaStsInfo& sts)
{
    const QString p = QStringLiteral("mta_sts");
    sts.txt = w.stringList(list(w, o, p, "txt"), Walker::at(p, "txt"));
    sts.txtSecurity = security(w, o, p, "dnssec");
    const QString id = w.string(o, p, "id");
    if (!id.isEmpty())
        sts.record = MtaStsRecord {id};
    sts.recordError = w.string(o, p, "record_error");
    sts.fetch = w.string(o, p, "fetch");
    sts.fetchDetail = w.string(o, p, "fetch_detail");
    sts.policyText = w.string(o, p, "policy_text");
    if (const std::optional<QJsonObject> policy = w.object(o, p, "policy", true, true)) {
        const QString pp = Walker::at(p, "policy");
        MtaStsPolicy pol;
        const QString mode =
            oneOf(w, *policy, pp, "mode",
                  {QStringLiteral("enforce"), QStringLiteral("testing"), QStringLiteral("none")});
        for (auto m : {MtaStsPolicy::Mode::Enforce, MtaStsPolicy::Mode::Testing, MtaStsPolicy::Mode::None})
            if (MtaStsPolicy::toKey(m) == mode)
                pol.mode = m;
        pol.mx = w.stringList(list(w, *policy, pp, "mx"), Walker::at(pp, "mx"));
        pol.maxAge = w.integer(*policy, pp, "max_age", 0, MaxExact);
        sts.policy = pol;
    }
    sts.policyError = w.string(o, p, "policy_error");
}

void readTlsRpt(Walker& w, const QJsonObject& o, TlsRptInfo& rpt)
{
    const QString p = QStringLiteral("tls_rpt");
    rpt.txt = w.stringList(list(w, o, p, "txt"), Walker::at(p, "txt"));
    rpt.txtSecurity = security(w, o, p, "dnssec");
    const QStringList rua = w.stringList(list(w, o, p, "rua"), Walker::at(p, "rua"));
    rpt.error = w.string(o, p, "error");
    // The report keeps a record's addresses; a record that parsed has no error.
    if (rpt.error.isEmpty() && !rpt.txt.isEmpty())
        rpt.record = TlsRptRecord {rua};
}

} // namespace

DomainReportReader::Result DomainReportReader::readObject(const QJsonObject& document)
{
    const QJsonValue kind = document.value(QLatin1String("kind"));
    if (kind.isUndefined())
        return {std::nullopt, tr("This is a run report of one server, not a domain report.")};
    if (kind != QJsonValue(QStringLiteral("domain")))
        return {std::nullopt, tr("Not a domain report: its \"kind\" is not \"domain\".")};
    const QJsonValue version = document.value(QLatin1String("schema_version"));
    if (!version.isDouble() || version.toDouble() != DomainReportJson::SchemaVersion)
        return {std::nullopt, tr("The domain report has no schema_version %1, the one this Mailscope reads.")
                                  .arg(DomainReportJson::SchemaVersion)};
    Walker w;
    DomainReport r;
    r.domain = w.string(document, QString(), "domain");
    r.startedAt = w.time(document, QString(), "started_at");
    r.durationMs = w.integer(document, QString(), "duration_ms", 0, MaxExact);
    r.mxMode = oneOf(w, document, QString(), "mx_mode",
                     {QStringLiteral("mx"), QStringLiteral("null-mx"), QStringLiteral("implicit"),
                      QStringLiteral("none")});
    r.mxSecurity = security(w, document, QString(), "mx_dnssec");
    r.mxWhyBogus = w.string(document, QString(), "mx_why_bogus");
    const QJsonArray mx = list(w, document, QString(), "mx");
    for (qsizetype i = 0; i < mx.size() && !w.failed(); ++i) {
        const QString p = Walker::at(QStringLiteral("mx"), i);
        if (const std::optional<QJsonObject> o = w.asObject(mx.at(i), p))
            r.mx.append(readMx(w, *o, p));
    }
    if (const std::optional<QJsonObject> sts = w.object(document, QString(), "mta_sts"))
        readMtaSts(w, *sts, r.mtaSts);
    if (const std::optional<QJsonObject> rpt = w.object(document, QString(), "tls_rpt"))
        readTlsRpt(w, *rpt, r.tlsRpt);
    r.findings = json::readFindings(w, w.array(document, QString(), "findings"), QStringLiteral("findings"),
                                    json::FindingStep::Ignore);
    // The verdict follows from the findings, except for a check that was stopped early.
    r.aborted = w.enumeration(document, QString(), "verdict", &verdictFromString) == Verdict::Unknown;
    if (w.failed())
        return {std::nullopt, tr("Not a valid domain report: %1").arg(w.error())};
    return {std::move(r), QString()};
}

namespace {

std::optional<QJsonObject> parseBounded(const QByteArray& json, QString* error)
{
    return json::parseBounded(json, DomainReportReader::MaxFileBytes, DomainReportReader::MaxDepth, error);
}

} // namespace

DomainReportReader::Result DomainReportReader::read(const QByteArray& json)
{
    QString error;
    const std::optional<QJsonObject> document = parseBounded(json, &error);
    if (!document)
        return {std::nullopt, error};
    return readObject(*document);
}

DomainReportReader::Result DomainReportReader::readFile(const QString& path)
{
    QString error;
    const std::optional<QByteArray> bytes = json::readBounded(path, MaxFileBytes, &error);
    if (!bytes)
        return {std::nullopt, error};
    Result result = read(*bytes);
    if (!result.report)
        result.error = tr("%1: %2").arg(path, result.error);
    return result;
}

QString ReportFile::describe() const
{
    if (domain)
        return tr("the domain report of %1").arg(domain->domain);
    if (run)
        return tr("the run report of %1:%2").arg(run->target.host).arg(run->target.port);
    return tr("an unreadable report");
}

ReportFile ReportFile::read(const QByteArray& json)
{
    ReportFile f;
    const std::optional<QJsonObject> document = parseBounded(json, &f.error);
    if (!document)
        return f;
    if (document->contains(QLatin1String("kind"))) {
        f.kind = Kind::Domain;
        DomainReportReader::Result r = DomainReportReader::readObject(*document);
        f.domain = std::move(r.report);
        f.error = r.error;
        return f;
    }
    if (json.size() > ReportReader::MaxFileBytes) {
        f.error = tr("The report is larger than %1 MB.").arg(ReportReader::MaxFileBytes / (1024 * 1024));
        return f;
    }
    ReportReader::Result r = ReportReader::readObject(*document);
    f.run = std::move(r.run);
    f.error = r.error;
    return f;
}

ReportFile ReportFile::readFile(const QString& path)
{
    ReportFile f;
    const std::optional<QByteArray> bytes =
        json::readBounded(path, DomainReportReader::MaxFileBytes, &f.error);
    if (!bytes)
        return f;
    f = read(*bytes);
    if (!f.ok())
        f.error = tr("%1: %2").arg(path, f.error);
    return f;
}
