#include "ReportReader.h"

#include "JsonWalker.h"
#include "ReportJson.h"
#include "tls/SuiteRating.h"

#include <cmath>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QSslCertificate>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ReportReader", text); }

using json::MaxExact;
using json::Walker;

RunTarget readTarget(Walker& w, const QJsonObject& o, const QString& path)
{
    RunTarget t;
    t.host = w.string(o, path, "host");
    t.port = quint16(w.integer(o, path, "port", 0, 65535));
    t.protocol = w.enumeration(o, path, "protocol", &protocolFromString);
    t.tls = w.enumeration(o, path, "tls", &tlsModeFromString);
    t.policy = w.enumeration(o, path, "policy", &policyFromString);
    t.addresses = w.strings(o, path, "addresses");
    return t;
}

QList<StepRecord> readSteps(Walker& w, const QJsonArray& a, const QString& path)
{
    QList<StepRecord> steps;
    for (qsizetype i = 0; i < a.size() && !w.failed(); ++i) {
        const QString p = Walker::at(path, i);
        const std::optional<QJsonObject> o = w.asObject(a.at(i), p);
        if (!o)
            break;
        StepRecord s;
        s.id = w.enumeration(*o, p, "id", &stepIdFromString);
        s.status = w.enumeration(*o, p, "status", &stepStatusFromString);
        s.startedMs = w.integer(*o, p, "started_ms", 0, MaxExact);
        s.durationMs = w.integer(*o, p, "duration_ms", 0, MaxExact);
        s.summary = w.string(*o, p, "summary");
        steps.append(s);
    }
    return steps;
}

/// The index of the step that produced a line with step id `id`: steps and lines are both in
/// order, so it is the first step with that id from the previous line's step on (else the last
/// one with that id before it; -1 when no step has that id).
int stepIndexFor(const QList<StepRecord>& steps, StepId id, int from)
{
    for (int i = std::max(from, 0); i < steps.size(); ++i) {
        if (steps.at(i).id == id)
            return i;
    }
    for (int i = std::min(from, int(steps.size()) - 1); i >= 0; --i) {
        if (steps.at(i).id == id)
            return i;
    }
    return -1;
}

QList<TranscriptEntry> readTranscript(Walker& w, const QJsonArray& a, const QString& path,
                                      const QList<StepRecord>& steps)
{
    QList<TranscriptEntry> lines;
    int cursor = 0;
    for (qsizetype i = 0; i < a.size() && !w.failed(); ++i) {
        const QString p = Walker::at(path, i);
        const std::optional<QJsonObject> o = w.asObject(a.at(i), p);
        if (!o)
            break;
        TranscriptEntry e;
        e.tMs = w.integer(*o, p, "t_ms", 0, MaxExact);
        const QString dir = w.string(*o, p, "dir");
        if (!w.failed() && dir != QLatin1String("C") && dir != QLatin1String("S")
            && dir != QLatin1String("I"))
            w.fail(Walker::at(p, "dir"), tr("expected \"C\", \"S\" or \"I\""));
        e.dir = dir.isEmpty() ? 'I' : char(dir.at(0).toLatin1());
        e.tls = w.boolean(*o, p, "tls");
        e.step = w.enumeration(*o, p, "step", &stepIdFromString);
        e.text = w.string(*o, p, "text");
        e.discarded = w.boolean(*o, p, "discarded", false);
        e.stepIndex = stepIndexFor(steps, e.step, cursor);
        if (e.stepIndex >= 0)
            cursor = e.stepIndex;
        lines.append(e);
    }
    return lines;
}

std::optional<TlsFacts> readTls(Walker& w, const QJsonObject& report)
{
    const std::optional<QJsonObject> o = w.object(report, QString(), "tls", true, true);
    if (!o)
        return std::nullopt;
    const QString p = QStringLiteral("tls");
    TlsFacts f;
    f.protocol = w.string(*o, p, "protocol");
    f.cipher = w.string(*o, p, "cipher");
    f.keyExchange = w.string(*o, p, "key_exchange");
    f.ephemeralKey = w.string(*o, p, "ephemeral_key");
    f.verified = w.boolean(*o, p, "verified");
    f.verificationOverridden = w.boolean(*o, p, "verification_overridden", false);
    f.trustedByProfile = w.boolean(*o, p, "trusted_by_profile", false);
    f.errors = w.strings(*o, p, "errors");
    const QJsonValue stapled = w.member(*o, p, "ocsp_stapled");
    if (stapled.isBool())
        f.ocspStapled = stapled.toBool();
    else if (!stapled.isNull() && !stapled.isUndefined())
        w.fail(Walker::at(p, "ocsp_stapled"), tr("expected true, false or null"));
    return f;
}

QList<CertificateInfo> readCertificates(Walker& w, const QJsonArray& a, const QString& path)
{
    QList<CertificateInfo> chain;
    for (qsizetype i = 0; i < a.size() && !w.failed(); ++i) {
        const QString p = Walker::at(path, i);
        const std::optional<QJsonObject> o = w.asObject(a.at(i), p);
        if (!o)
            break;
        CertificateInfo c;
        c.subject = w.string(*o, p, "subject");
        c.issuer = w.string(*o, p, "issuer");
        c.sanDns = w.strings(*o, p, "san_dns");
        c.sanIp = w.strings(*o, p, "san_ip");
        c.matchedName = w.string(*o, p, "matched_name", false);
        c.notBefore = w.time(*o, p, "not_before");
        c.notAfter = w.time(*o, p, "not_after");
        c.daysLeft = w.integer(*o, p, "days_left", -MaxExact, MaxExact);
        c.serial = w.string(*o, p, "serial");
        c.sha256 = w.string(*o, p, "sha256");
        c.sha1 = w.string(*o, p, "sha1");
        c.keyAlgorithm = w.string(*o, p, "key_algorithm");
        c.keyBits = int(w.integer(*o, p, "key_bits", 0, 1 << 20));
        c.signatureAlgorithm = w.string(*o, p, "signature_algorithm");
        c.errors = w.strings(*o, p, "errors", false);
        c.pem = w.string(*o, p, "pem");
        // Not in the report, but in the certificate it carries.
        const QList<QSslCertificate> parsed = QSslCertificate::fromData(c.pem.toLatin1(), QSsl::Pem);
        if (parsed.size() == 1) {
            c.commonName = parsed.first().subjectInfo(QSslCertificate::CommonName).value(0);
            c.selfSigned = parsed.first().isSelfSigned();
        }
        chain.append(c);
    }
    return chain;
}

/// tls_audit.suites: per version, the accepted suites. Only the probe's facts are read (code, DH
/// size, group); names and ratings are derived from the code again, so one table rates them.
QMap<QString, QList<AcceptedSuite>> readSuites(Walker& w, const QJsonObject& audit, const QString& path)
{
    QMap<QString, QList<AcceptedSuite>> out;
    const std::optional<QJsonObject> map = w.object(audit, path, "suites", false);
    if (!map)
        return out;
    for (auto it = map->constBegin(); it != map->constEnd() && !w.failed(); ++it) {
        const QString p = Walker::at(path, "suites", it.key());
        if (!it.value().isArray() || it.value().toArray().size() > ReportReader::MaxItems) {
            w.fail(p, it.value().isArray() ? tr("more than %1 entries").arg(ReportReader::MaxItems)
                                           : tr("expected an array"));
            break;
        }
        const QJsonArray list = it.value().toArray();
        QList<AcceptedSuite>& suites = out[it.key()];
        for (qsizetype i = 0; i < list.size() && !w.failed(); ++i) {
            const QString sp = Walker::at(p, i);
            const std::optional<QJsonObject> o = w.asObject(list.at(i), sp);
            if (!o)
                break;
            const QString codeText = w.string(*o, sp, "code");
            const std::optional<quint32> code =
                SuiteRating::parseCode(codeText, it.key() == QLatin1String("SSLv2"));
            if (!w.failed() && !code) {
                w.fail(Walker::at(sp, "code"), tr("expected a cipher suite code like \"0xC0,0x2F\""));
                break;
            }
            AcceptedSuite s;
            s.code = code.value_or(0);
            s.dhBits = int(w.integer(*o, sp, "dh_bits", 0, 1 << 20, false));
            s.group = w.string(*o, sp, "group", false);
            suites.append(s);
        }
    }
    return out;
}

/// The audit's details; `versionStatus` receives its map of every version's result.
std::optional<TlsAuditInfo> readTlsAudit(Walker& w, const QJsonObject& report,
                                         QMap<QString, QString>* versionStatus)
{
    const std::optional<QJsonObject> o = w.object(report, QString(), "tls_audit", false, true);
    if (!o)
        return std::nullopt;
    const QString p = QStringLiteral("tls_audit");
    *versionStatus = w.stringMap(*o, p, "version_status", false);
    TlsAuditInfo a;
    a.versionDetails = w.stringMap(*o, p, "version_details");
    a.cipherOrder = w.stringMap(*o, p, "cipher_order");
    a.weakCiphers = w.stringListMap(*o, p, "weak_ciphers");
    a.commandInjection = w.string(*o, p, "command_injection");
    a.commandInjectionDetail = w.string(*o, p, "command_injection_detail");
    a.ocsp = w.string(*o, p, "ocsp");
    a.probeCount = int(w.integer(*o, p, "probes", 0, 1 << 30));
    a.durationMs = w.integer(*o, p, "duration_ms", 0, MaxExact);
    // Added with issue 11; older reports have neither.
    a.unfinished = w.stringList(w.array(*o, p, "unfinished", false), p + QStringLiteral(".unfinished"));
    a.untested = w.stringList(w.array(*o, p, "untested", false), p + QStringLiteral(".untested"));
    a.retries = int(w.integer(*o, p, "retries", 0, 1 << 30, false));
    a.suites = readSuites(w, *o, p);
    a.groups = w.stringListMap(*o, p, "groups", false);
    return a;
}

Run readRun(Walker& w, const QJsonObject& report)
{
    Run run;
    if (const std::optional<QJsonObject> target = w.object(report, QString(), "target"))
        run.target = readTarget(w, *target, QStringLiteral("target"));
    run.startedAt = w.time(report, QString(), "started_at");
    run.durationMs = w.integer(report, QString(), "duration_ms", 0, MaxExact);
    run.steps = readSteps(w, w.array(report, QString(), "steps"), QStringLiteral("steps"));
    run.transcript =
        readTranscript(w, w.array(report, QString(), "transcript"), QStringLiteral("transcript"), run.steps);
    if (const std::optional<QJsonObject> caps = w.object(report, QString(), "capabilities")) {
        run.capabilitiesPlain = w.strings(*caps, QStringLiteral("capabilities"), "plaintext");
        run.capabilitiesTls = w.strings(*caps, QStringLiteral("capabilities"), "tls");
    }
    run.tls = readTls(w, report);
    run.certificates =
        readCertificates(w, w.array(report, QString(), "certificates"), QStringLiteral("certificates"));
    run.tlsVersions = w.stringMap(report, QString(), "tls_versions");
    run.ciphers = w.stringListMap(report, QString(), "ciphers");
    run.findings = json::readFindings(w, w.array(report, QString(), "findings"), QStringLiteral("findings"),
                                      json::FindingStep::Read);
    if (const std::optional<QJsonObject> m = w.object(report, QString(), "message", true, true)) {
        run.message = MessageInfo {w.string(*m, QStringLiteral("message"), "message_id"),
                                   w.string(*m, QStringLiteral("message"), "queue_reply")};
    }
    if (const std::optional<QJsonObject> s = w.object(report, QString(), "suggestion", false)) {
        const QString path = QStringLiteral("suggestion");
        run.suggestion =
            RunSuggestion {w.enumeration(*s, path, "protocol", &protocolFromString),
                           w.enumeration(*s, path, "tls", &tlsModeFromString), w.string(*s, path, "reason")};
    }
    // tls_versions keeps to schema 1's values; the audit's own map has every result.
    QMap<QString, QString> versionStatus;
    run.tlsAudit = readTlsAudit(w, report, &versionStatus);
    if (!versionStatus.isEmpty())
        run.tlsVersions = versionStatus;
    run.secretsShown = w.boolean(report, QString(), "secrets_shown", false);
    // The verdict follows from steps and findings, except for a run that was stopped early.
    const Verdict verdict = w.enumeration(report, QString(), "verdict", &verdictFromString);
    run.aborted = verdict == Verdict::Unknown;
    return run;
}

} // namespace

ReportReader::Result ReportReader::read(const QByteArray& json)
{
    QString error;
    const std::optional<QJsonObject> document = json::parseBounded(json, MaxFileBytes, MaxDepth, &error);
    if (!document)
        return {std::nullopt, error};
    return readObject(*document);
}

ReportReader::Result ReportReader::readObject(const QJsonObject& report)
{
    const QJsonValue version = report.value(QLatin1String("schema_version"));
    if (version.isUndefined())
        return {std::nullopt, tr("Not a Mailscope report: it has no schema_version.")};
    if (!version.isDouble() || version.toDouble() != ReportJson::SchemaVersion) {
        const QString shown = version.isDouble()   ? QString::number(version.toDouble())
                              : version.isString() ? QStringLiteral("\"%1\"").arg(version.toString().left(40))
                                                   : tr("(not a number)");
        return {std::nullopt, tr("The report has schema_version %1; this Mailscope reads schema_version %2.")
                                  .arg(shown)
                                  .arg(ReportJson::SchemaVersion)};
    }

    Walker walker;
    Run run = readRun(walker, report);
    if (walker.failed())
        return {std::nullopt, tr("Not a valid report: %1").arg(walker.error())};
    return {std::move(run), QString()};
}

ReportReader::Result ReportReader::readFile(const QString& path)
{
    QString error;
    const std::optional<QByteArray> json = json::readBounded(path, MaxFileBytes, &error);
    if (!json)
        return {std::nullopt, error};
    Result result = read(*json);
    if (!result.run)
        result.error = tr("%1: %2").arg(path, result.error);
    return result;
}
