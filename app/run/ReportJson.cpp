#include "ReportJson.h"

#include "RunLimits.h"
#include "tls/SuiteRating.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace {

QString isoUtc(const QDateTime& t) { return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString(); }

QJsonArray strings(const QStringList& list) { return QJsonArray::fromStringList(list); }

QJsonObject target(const RunTarget& t)
{
    return {
        {QStringLiteral("host"), t.host},
        {QStringLiteral("port"), t.port},
        {QStringLiteral("protocol"), toKey(t.protocol)},
        {QStringLiteral("tls"), toKey(t.tls)},
        {QStringLiteral("policy"), toKey(t.policy)},
        {QStringLiteral("addresses"), strings(t.addresses)},
    };
}

QJsonArray steps(const QList<StepRecord>& list)
{
    QJsonArray out;
    for (const StepRecord& s : list) {
        out.append(QJsonObject {
            {QStringLiteral("id"), toKey(s.id)},
            {QStringLiteral("status"), toKey(s.status)},
            {QStringLiteral("started_ms"), s.startedMs},
            {QStringLiteral("duration_ms"), s.durationMs},
            {QStringLiteral("summary"), s.summary},
        });
    }
    return out;
}

QJsonArray transcript(const QList<TranscriptEntry>& list)
{
    QJsonArray out;
    for (const TranscriptEntry& e : list) {
        QJsonObject o {
            {QStringLiteral("t_ms"), e.tMs},  {QStringLiteral("dir"), QString(QLatin1Char(e.dir))},
            {QStringLiteral("tls"), e.tls},   {QStringLiteral("step"), toKey(e.step)},
            {QStringLiteral("text"), e.text},
        };
        // Optional extension of schema 1: present only on lines received but never processed.
        if (e.discarded)
            o.insert(QStringLiteral("discarded"), true);
        // Optional extensions of schema 1 (RunLimits): the text is only a prefix; the entry stands
        // for this many received bytes and lines.
        if (e.truncated)
            o.insert(QStringLiteral("truncated"), true);
        if (e.bytes > 0 || e.lines > 0) {
            o.insert(QStringLiteral("bytes"), e.bytes);
            o.insert(QStringLiteral("lines"), e.lines);
        }
        out.append(o);
    }
    return out;
}

QJsonValue tls(const std::optional<TlsFacts>& facts)
{
    if (!facts)
        return QJsonValue::Null;
    return QJsonObject {
        {QStringLiteral("protocol"), facts->protocol},
        {QStringLiteral("cipher"), facts->cipher},
        {QStringLiteral("key_exchange"), facts->keyExchange},
        {QStringLiteral("ephemeral_key"), facts->ephemeralKey},
        {QStringLiteral("verified"), facts->verified},
        {QStringLiteral("verification_overridden"), facts->verificationOverridden},
        {QStringLiteral("trusted_by_profile"), facts->trustedByProfile},
        {QStringLiteral("errors"), strings(facts->errors)},
        {QStringLiteral("ocsp_stapled"),
         facts->ocspStapled ? QJsonValue(*facts->ocspStapled) : QJsonValue::Null},
    };
}

QJsonArray certificates(const QList<CertificateInfo>& chain)
{
    QJsonArray out;
    for (const CertificateInfo& c : chain) {
        out.append(QJsonObject {
            {QStringLiteral("subject"), c.subject},
            {QStringLiteral("issuer"), c.issuer},
            {QStringLiteral("san_dns"), strings(c.sanDns)},
            {QStringLiteral("san_ip"), strings(c.sanIp)},
            {QStringLiteral("matched_name"), c.matchedName},
            {QStringLiteral("not_before"), isoUtc(c.notBefore)},
            {QStringLiteral("not_after"), isoUtc(c.notAfter)},
            {QStringLiteral("days_left"), c.daysLeft},
            {QStringLiteral("serial"), c.serial},
            {QStringLiteral("sha256"), c.sha256},
            {QStringLiteral("sha1"), c.sha1},
            {QStringLiteral("key_algorithm"), c.keyAlgorithm},
            {QStringLiteral("key_bits"), c.keyBits},
            {QStringLiteral("signature_algorithm"), c.signatureAlgorithm},
            {QStringLiteral("errors"), strings(c.errors)},
            {QStringLiteral("pem"), c.pem},
        });
    }
    return out;
}

QJsonArray findings(const QList<Finding>& list)
{
    QJsonArray out;
    for (const Finding& f : list) {
        QJsonObject o {
            {QStringLiteral("id"), f.id},
            {QStringLiteral("severity"), toKey(f.severity)},
            {QStringLiteral("title"), f.title},
            {QStringLiteral("explanation"), f.explanation},
            {QStringLiteral("reference"), f.reference},
            {QStringLiteral("detail"), f.detail},
        };
        if (f.step)
            o.insert(QStringLiteral("step"), toKey(*f.step));
        out.append(o);
    }
    return out;
}

/// One accepted suite: the raw probe's facts (code, DH size, group) and what the registry and the
/// rating say about it. ReportReader reads back the first three and derives the rest again.
QJsonObject suite(const AcceptedSuite& s, const QString& version)
{
    const RatedSuite r = SuiteRating::rate(s, version);
    const CipherSuiteInfo* i = r.info;
    const auto text = [i](const char* CipherSuiteInfo::*field) {
        return i ? QJsonValue(QLatin1String(i->*field)) : QJsonValue(QJsonValue::Null);
    };
    return {
        {QStringLiteral("code"), r.code},
        {QStringLiteral("name"), r.name},
        {QStringLiteral("iana_name"), text(&CipherSuiteInfo::ianaName)},
        {QStringLiteral("key_exchange"), text(&CipherSuiteInfo::keyExchange)},
        {QStringLiteral("authentication"), text(&CipherSuiteInfo::authentication)},
        {QStringLiteral("encryption"), text(&CipherSuiteInfo::encryption)},
        {QStringLiteral("bits"), i ? QJsonValue(i->bits) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("mac"), text(&CipherSuiteInfo::mac)},
        {QStringLiteral("rating"),
         r.rating ? CipherSuiteTable::className(*r.rating) : QStringLiteral("unknown")},
        {QStringLiteral("reasons"), strings(r.reasons)},
        {QStringLiteral("dh_bits"), s.dhBits},
        {QStringLiteral("group"), s.group},
    };
}

/// Optional extension of schema 1: how the TLS probes came to their results; null when none ran.
QJsonValue tlsAudit(const Run& run)
{
    if (!run.tlsAudit)
        return QJsonValue::Null;
    const TlsAuditInfo& a = *run.tlsAudit;
    QJsonObject details;
    for (auto it = a.versionDetails.cbegin(); it != a.versionDetails.cend(); ++it)
        details.insert(it.key(), it.value());
    QJsonObject statuses;
    for (auto it = run.tlsVersions.cbegin(); it != run.tlsVersions.cend(); ++it)
        statuses.insert(it.key(), it.value());
    QJsonObject order;
    for (auto it = a.cipherOrder.cbegin(); it != a.cipherOrder.cend(); ++it)
        order.insert(it.key(), it.value());
    QJsonObject weak;
    for (auto it = a.weakCiphers.cbegin(); it != a.weakCiphers.cend(); ++it)
        weak.insert(it.key(), strings(it.value()));
    QJsonObject suites;
    for (auto it = a.suites.cbegin(); it != a.suites.cend(); ++it) {
        QJsonArray list;
        for (const AcceptedSuite& s : it.value())
            list.append(suite(s, it.key()));
        suites.insert(it.key(), list);
    }
    QJsonObject groups;
    for (auto it = a.groups.cbegin(); it != a.groups.cend(); ++it)
        groups.insert(it.key(), strings(it.value()));
    return QJsonObject {
        {QStringLiteral("version_status"), statuses},
        {QStringLiteral("version_details"), details},
        {QStringLiteral("cipher_order"), order},
        {QStringLiteral("weak_ciphers"), weak},
        {QStringLiteral("command_injection"), a.commandInjection},
        {QStringLiteral("command_injection_detail"), a.commandInjectionDetail},
        {QStringLiteral("ocsp"), a.ocsp},
        {QStringLiteral("probes"), a.probeCount},
        {QStringLiteral("duration_ms"), a.durationMs},
        // Parts cut off by the run deadline; empty when the audit was complete.
        {QStringLiteral("unfinished"), strings(a.unfinished)},
        // What could not be tested (no TLS answer after retries): the lists above are incomplete.
        {QStringLiteral("untested"), strings(a.untested)},
        {QStringLiteral("retries"), a.retries},
        // Added with issue 11: every accepted suite per version (also SSLv2, SSLv3) with its
        // rating and why, and the key-exchange groups the server accepts.
        {QStringLiteral("suites"), suites},
        {QStringLiteral("groups"), groups},
    };
}

} // namespace

namespace {

/// Optional extension of schema 1, present only when something was cut: what, and the limits.
QJsonObject truncation(const RunTruncation& t)
{
    return {
        {QStringLiteral("transcript_lines_omitted"), t.transcriptLinesOmitted},
        {QStringLiteral("transcript_bytes_omitted"), t.transcriptBytesOmitted},
        {QStringLiteral("texts_clipped"), t.textsClipped},
        {QStringLiteral("capabilities_omitted"), t.capabilitiesOmitted},
        {QStringLiteral("certificate_names_omitted"), t.certificateNamesOmitted},
        {QStringLiteral("alerts_omitted"), t.alertsOmitted},
        {QStringLiteral("limits"),
         QJsonObject {
             {QStringLiteral("transcript_text_chars"), RunLimits::TranscriptTextChars},
             {QStringLiteral("transcript_lines_per_reply"), RunLimits::TranscriptLinesPerReply},
             {QStringLiteral("transcript_entries"), RunLimits::TranscriptEntries},
             {QStringLiteral("transcript_chars"), RunLimits::TranscriptChars},
             {QStringLiteral("summary_chars"), RunLimits::SummaryChars},
             {QStringLiteral("detail_chars"), RunLimits::DetailChars},
             {QStringLiteral("capabilities"), RunLimits::Capabilities},
             {QStringLiteral("capability_chars"), RunLimits::CapabilityChars},
             {QStringLiteral("certificate_field_chars"), RunLimits::CertificateFieldChars},
             {QStringLiteral("certificate_names"), RunLimits::CertificateNames},
             {QStringLiteral("alerts"), RunLimits::Alerts},
         }},
    };
}

} // namespace

QJsonObject ReportJson::toObject(const Run& run)
{
    // Schema 1 allows accepted | rejected | unavailable-locally. A probe that could not reach the
    // server says nothing about the version: it is left out here and explained in tls_audit.
    static const QStringList contractValues {QStringLiteral("accepted"), QStringLiteral("rejected"),
                                             QStringLiteral("unavailable-locally")};
    QJsonObject versions;
    for (auto it = run.tlsVersions.cbegin(); it != run.tlsVersions.cend(); ++it) {
        if (contractValues.contains(it.value()))
            versions.insert(it.key(), it.value());
    }
    QJsonObject ciphers;
    for (auto it = run.ciphers.cbegin(); it != run.ciphers.cend(); ++it)
        ciphers.insert(it.key(), strings(it.value()));

    QJsonObject report {
        {QStringLiteral("schema_version"), SchemaVersion},
        {QStringLiteral("tool"),
         QJsonObject {{QStringLiteral("name"), QStringLiteral("mailscope")},
                      {QStringLiteral("version"), QStringLiteral(MAILSCOPE_VERSION)}}},
        {QStringLiteral("target"), target(run.target)},
        {QStringLiteral("started_at"), isoUtc(run.startedAt)},
        {QStringLiteral("duration_ms"), run.durationMs},
        {QStringLiteral("steps"), steps(run.steps)},
        {QStringLiteral("transcript"), transcript(run.transcript)},
        {QStringLiteral("capabilities"),
         QJsonObject {{QStringLiteral("plaintext"), strings(run.capabilitiesPlain)},
                      {QStringLiteral("tls"), strings(run.capabilitiesTls)}}},
        {QStringLiteral("tls"), tls(run.tls)},
        {QStringLiteral("certificates"), certificates(run.certificates)},
        {QStringLiteral("tls_versions"), versions},
        {QStringLiteral("ciphers"), ciphers},
        {QStringLiteral("findings"), findings(run.findings)},
        {QStringLiteral("message"),
         run.message ? QJsonValue(QJsonObject {{QStringLiteral("message_id"), run.message->messageId},
                                               {QStringLiteral("queue_reply"), run.message->queueReply}})
                     : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("tls_audit"), tlsAudit(run)},
        {QStringLiteral("secrets_shown"), run.secretsShown},
        {QStringLiteral("verdict"), toKey(run.verdict())},
    };
    if (run.truncation.any())
        report.insert(QStringLiteral("truncated"), truncation(run.truncation));
    // Additive to schema 1: present only when the run learned settings that would work better.
    if (run.suggestion) {
        report.insert(QStringLiteral("suggestion"),
                      QJsonObject {{QStringLiteral("protocol"), toKey(run.suggestion->protocol)},
                                   {QStringLiteral("tls"), toKey(run.suggestion->tls)},
                                   {QStringLiteral("reason"), run.suggestion->reason}});
    }
    return report;
}

QByteArray ReportJson::toJson(const Run& run)
{
    return QJsonDocument(toObject(run)).toJson(QJsonDocument::Indented);
}
