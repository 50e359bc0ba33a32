#include "DomainReportJson.h"

#include "run/ReportJson.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("DomainReport", text); }

QJsonArray findingsJson(const QList<Finding>& findings)
{
    QJsonArray out;
    for (const Finding& f : findings) {
        out.append(QJsonObject {
            {QStringLiteral("id"), f.id},
            {QStringLiteral("severity"), toKey(f.severity)},
            {QStringLiteral("title"), f.title},
            {QStringLiteral("explanation"), f.explanation},
            {QStringLiteral("reference"), f.reference},
            {QStringLiteral("detail"), f.detail},
        });
    }
    return out;
}

QJsonObject mxJson(const MxResult& mx)
{
    QJsonArray tlsa;
    for (const TlsaRecord& r : mx.tlsa) {
        tlsa.append(QJsonObject {{QStringLiteral("usage"), r.usage},
                                 {QStringLiteral("selector"), r.selector},
                                 {QStringLiteral("matching_type"), r.matchingType},
                                 {QStringLiteral("data"), QString::fromLatin1(r.data.toHex())}});
    }
    QJsonArray runs;
    for (const MxAddressRun& r : mx.runs) {
        runs.append(QJsonObject {
            {QStringLiteral("address"), r.address},
            {QStringLiteral("tls_version"), r.run.tls ? r.run.tls->protocol : QString()},
            {QStringLiteral("certificate"), r.certificateKey()},
            {QStringLiteral("dane_usage"), r.daneUsage >= 0 ? QJsonValue(r.daneUsage) : QJsonValue()},
            {QStringLiteral("verdict"), toKey(r.verdict)},
            {QStringLiteral("smtp_verdict"), toKey(r.run.verdict())},
            {QStringLiteral("report"), ReportJson::toObject(r.run)}});
    }
    return {
        {QStringLiteral("preference"), mx.preference},
        {QStringLiteral("host"), mx.host},
        {QStringLiteral("cname"), mx.cnameTarget},
        {QStringLiteral("address_literal"), mx.addressLiteral},
        {QStringLiteral("addresses"), QJsonArray::fromStringList(mx.addresses)},
        {QStringLiteral("dnssec"), toKey(mx.addressSecurity)},
        {QStringLiteral("tlsa"), QJsonObject {{QStringLiteral("name"), mx.tlsaName},
                                              {QStringLiteral("dnssec"), toKey(mx.tlsaSecurity)},
                                              {QStringLiteral("records"), tlsa},
                                              {QStringLiteral("dane"), mx.dane},
                                              {QStringLiteral("detail"), mx.daneDetail}}},
        {QStringLiteral("mta_sts_match"), mx.stsMatch},
        {QStringLiteral("runs"), runs},
        {QStringLiteral("findings"), findingsJson(mx.findings)},
        {QStringLiteral("verdict"), toKey(mx.verdict())},
    };
}

} // namespace

QJsonObject DomainReportJson::toObject(const DomainReport& report)
{
    QJsonArray mx;
    for (const MxResult& m : report.mx)
        mx.append(mxJson(m));
    const MtaStsInfo& sts = report.mtaSts;
    QJsonValue policy = QJsonValue::Null;
    if (sts.policy) {
        policy = QJsonObject {{QStringLiteral("mode"), MtaStsPolicy::toKey(sts.policy->mode)},
                              {QStringLiteral("mx"), QJsonArray::fromStringList(sts.policy->mx)},
                              {QStringLiteral("max_age"), sts.policy->maxAge}};
    }
    const TlsRptInfo& rpt = report.tlsRpt;
    return {
        {QStringLiteral("schema_version"), SchemaVersion},
        {QStringLiteral("kind"), QStringLiteral("domain")},
        {QStringLiteral("tool"),
         QJsonObject {{QStringLiteral("name"), QStringLiteral("mailscope")},
                      {QStringLiteral("version"), QStringLiteral(MAILSCOPE_VERSION)}}},
        {QStringLiteral("domain"), report.domain},
        {QStringLiteral("started_at"),
         report.startedAt.isValid() ? report.startedAt.toUTC().toString(Qt::ISODateWithMs) : QString()},
        {QStringLiteral("duration_ms"), report.durationMs},
        {QStringLiteral("mx_mode"), report.mxMode},
        {QStringLiteral("mx_dnssec"), toKey(report.mxSecurity)},
        {QStringLiteral("mx_why_bogus"), report.mxWhyBogus},
        {QStringLiteral("mx"), mx},
        {QStringLiteral("mta_sts"),
         QJsonObject {{QStringLiteral("txt"), QJsonArray::fromStringList(sts.txt)},
                      {QStringLiteral("dnssec"), toKey(sts.txtSecurity)},
                      {QStringLiteral("id"), sts.record ? sts.record->id : QString()},
                      {QStringLiteral("record_error"), sts.recordError},
                      {QStringLiteral("fetch"), sts.fetch},
                      {QStringLiteral("fetch_detail"), sts.fetchDetail},
                      {QStringLiteral("policy_text"), sts.policyText},
                      {QStringLiteral("policy"), policy},
                      {QStringLiteral("policy_error"), sts.policyError}}},
        {QStringLiteral("tls_rpt"),
         QJsonObject {{QStringLiteral("txt"), QJsonArray::fromStringList(rpt.txt)},
                      {QStringLiteral("dnssec"), toKey(rpt.txtSecurity)},
                      {QStringLiteral("rua"),
                       QJsonArray::fromStringList(rpt.record ? rpt.record->rua : QStringList())},
                      {QStringLiteral("error"), rpt.error}}},
        {QStringLiteral("findings"), findingsJson(report.findings)},
        {QStringLiteral("finding_ids"), QJsonArray::fromStringList(report.findingIds())},
        {QStringLiteral("verdict"), toKey(report.verdict())},
    };
}

QByteArray DomainReportJson::toJson(const DomainReport& report, bool compact)
{
    return QJsonDocument(toObject(report)).toJson(compact ? QJsonDocument::Compact : QJsonDocument::Indented);
}

QString DomainReportJson::toText(const DomainReport& report)
{
    QString out;
    out += tr("Mail domain %1: %2\n").arg(report.domain, toKey(report.verdict()).toUpper());
    out += tr("MX records (%1, DNSSEC %2)\n").arg(report.mxMode, toKey(report.mxSecurity));
    for (const MxResult& mx : report.mx) {
        QStringList tls;
        for (const MxAddressRun& r : mx.runs)
            tls.append(r.run.tls ? r.run.tls->protocol : tr("no TLS"));
        out += QStringLiteral("  %1 %2  [%3]  DNSSEC %4  DANE %5  MTA-STS %6  TLS %7  %8\n")
                   .arg(mx.preference)
                   .arg(mx.host, mx.addresses.join(QStringLiteral(", ")), toKey(mx.addressSecurity), mx.dane,
                        mx.stsMatch.isEmpty() ? QStringLiteral("-") : mx.stsMatch,
                        tls.isEmpty() ? QStringLiteral("-") : tls.join(QLatin1Char('/')),
                        toKey(mx.verdict()).toUpper());
        for (const MxAddressRun& r : mx.runs)
            out += tr("    %1: certificate %2, %3\n")
                       .arg(r.address, r.certificateText(), toKey(r.verdict).toUpper());
    }
    const MtaStsInfo& sts = report.mtaSts;
    out += tr("MTA-STS: %1\n")
               .arg(sts.policy ? tr("mode %1, mx %2, max_age %3")
                                     .arg(MtaStsPolicy::toKey(sts.policy->mode),
                                          sts.policy->mx.join(QStringLiteral(", ")))
                                     .arg(sts.policy->maxAge)
                    : sts.txt.isEmpty()
                        ? tr("no record")
                        : tr("not usable (%1)").arg(sts.fetch.isEmpty() ? sts.recordError : sts.fetch));
    out += tr("TLS-RPT: %1\n")
               .arg(report.tlsRpt.record ? report.tlsRpt.record->rua.join(QStringLiteral(", ")) : tr("none"));
    QList<Finding> all = report.findings;
    for (const MxResult& mx : report.mx)
        all += mx.findings;
    for (const Finding& f : std::as_const(all)) {
        out += QStringLiteral("  [%1] %2: %3%4\n")
                   .arg(toKey(f.severity), f.id, f.title,
                        f.detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(f.detail));
    }
    return out;
}
