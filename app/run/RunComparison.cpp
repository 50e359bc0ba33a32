#include "RunComparison.h"

#include "TerminalText.h"

#include <algorithm>
#include <QCoreApplication>
#include <QJsonArray>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("RunComparison", text); }

QStringList findingIdsOf(const Run& run)
{
    QStringList ids;
    for (const Finding& f : run.findings)
        ids.append(f.id);
    return ids;
}

/// A step's identity across runs: its id and how many steps of that id came before it.
struct StepKey
{
    StepId id;
    int occurrence;
    bool operator==(const StepKey&) const = default;
};

QList<StepKey> stepKeys(const Run& run)
{
    QList<StepKey> keys;
    for (const StepRecord& s : run.steps) {
        const auto n =
            std::count_if(keys.cbegin(), keys.cend(), [&s](const StepKey& k) { return k.id == s.id; });
        keys.append({s.id, int(n)});
    }
    return keys;
}

QJsonObject runSummary(const Run& run)
{
    return {{QStringLiteral("host"), run.target.host},
            {QStringLiteral("port"), int(run.target.port)},
            {QStringLiteral("protocol"), toKey(run.target.protocol)},
            {QStringLiteral("started_at"), run.startedAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("verdict"), toKey(run.verdict())}};
}

} // namespace

QStringList RunComparison::fieldOrder()
{
    return {QStringLiteral("target"),
            QStringLiteral("verdict"),
            QStringLiteral("tls.protocol"),
            QStringLiteral("tls.cipher"),
            QStringLiteral("tls.key_exchange"),
            QStringLiteral("tls.verified"),
            QStringLiteral("certificate.sha256"),
            QStringLiteral("certificate.not_after"),
            QStringLiteral("certificate.issuer"),
            QStringLiteral("certificate.subject")};
}

QString RunComparison::fieldLabel(const QString& field)
{
    if (field == QLatin1String("target"))
        return tr("Server");
    if (field == QLatin1String("verdict"))
        return tr("Verdict");
    if (field == QLatin1String("tls.protocol"))
        return tr("TLS version");
    if (field == QLatin1String("tls.cipher"))
        return tr("Cipher");
    if (field == QLatin1String("tls.key_exchange"))
        return tr("Key exchange");
    if (field == QLatin1String("tls.verified"))
        return tr("Certificate verified");
    if (field == QLatin1String("certificate.sha256"))
        return tr("Certificate SHA-256");
    if (field == QLatin1String("certificate.not_after"))
        return tr("Certificate expires");
    if (field == QLatin1String("certificate.issuer"))
        return tr("Certificate issuer");
    if (field == QLatin1String("certificate.subject"))
        return tr("Certificate subject");
    return field;
}

QString RunComparison::fieldValue(const Run& run, const QString& field)
{
    if (field == QLatin1String("target"))
        return QStringLiteral("%1:%2 %3 %4")
            .arg(run.target.host)
            .arg(run.target.port)
            .arg(toKey(run.target.protocol), toKey(run.target.tls));
    if (field == QLatin1String("verdict"))
        return toKey(run.verdict());
    if (field.startsWith(QLatin1String("tls."))) {
        if (!run.tls)
            return {};
        if (field == QLatin1String("tls.protocol"))
            return run.tls->protocol;
        if (field == QLatin1String("tls.cipher"))
            return run.tls->cipher;
        if (field == QLatin1String("tls.key_exchange"))
            return run.tls->keyExchange;
        if (field == QLatin1String("tls.verified"))
            return run.tls->verified ? QStringLiteral("yes") : QStringLiteral("no");
        return {};
    }
    // The server's own certificate is the first of the chain it sent.
    if (run.certificates.isEmpty())
        return {};
    const CertificateInfo& leaf = run.certificates.first();
    if (field == QLatin1String("certificate.sha256"))
        return leaf.sha256;
    if (field == QLatin1String("certificate.not_after"))
        return leaf.notAfter.isValid() ? leaf.notAfter.toUTC().toString(Qt::ISODate) : QString();
    if (field == QLatin1String("certificate.issuer"))
        return leaf.issuer;
    if (field == QLatin1String("certificate.subject"))
        return leaf.subject;
    return {};
}

RunComparison RunComparison::compare(const Run& before, const Run& after)
{
    RunComparison c;
    c.changes = comparison::fieldChanges(fieldOrder(), before, after, &fieldValue);
    c.capabilitiesPlain = comparison::setChange(before.capabilitiesPlain, after.capabilitiesPlain);
    c.capabilitiesTls = comparison::setChange(before.capabilitiesTls, after.capabilitiesTls);
    c.findings = comparison::setChange(findingIdsOf(before), findingIdsOf(after));

    const QList<StepKey> keysA = stepKeys(before);
    const QList<StepKey> keysB = stepKeys(after);
    QList<bool> matchedB(keysB.size(), false);
    for (qsizetype i = 0; i < keysA.size(); ++i) {
        StepComparison s;
        s.id = keysA[i].id;
        s.statusBefore = before.steps[i].status;
        s.durationBefore = before.steps[i].durationMs;
        const qsizetype j = keysB.indexOf(keysA[i]);
        if (j >= 0) {
            matchedB[j] = true;
            s.statusAfter = after.steps[j].status;
            s.durationAfter = after.steps[j].durationMs;
        }
        c.steps.append(s);
    }
    for (qsizetype j = 0; j < keysB.size(); ++j) {
        if (matchedB[j])
            continue;
        StepComparison s;
        s.id = keysB[j].id;
        s.statusAfter = after.steps[j].status;
        s.durationAfter = after.steps[j].durationMs;
        c.steps.append(s);
    }
    return c;
}

bool RunComparison::isUnchanged() const
{
    return changes.isEmpty() && capabilitiesPlain.isEmpty() && capabilitiesTls.isEmpty() && findings.isEmpty()
           && std::none_of(steps.cbegin(), steps.cend(),
                           [](const StepComparison& s) { return s.statusChanged(); });
}

const FieldChange* RunComparison::change(const QString& field) const
{
    return comparison::find(changes, field);
}

QJsonObject RunComparison::toJson(const Run& before, const Run& after) const
{
    QJsonArray stepArray;
    for (const StepComparison& s : steps) {
        QJsonObject o {{QStringLiteral("id"), toKey(s.id)}};
        o.insert(QStringLiteral("before"),
                 s.statusBefore ? QJsonValue(QJsonObject {{QStringLiteral("status"), toKey(*s.statusBefore)},
                                                          {QStringLiteral("duration_ms"), s.durationBefore}})
                                : QJsonValue());
        o.insert(QStringLiteral("after"),
                 s.statusAfter ? QJsonValue(QJsonObject {{QStringLiteral("status"), toKey(*s.statusAfter)},
                                                         {QStringLiteral("duration_ms"), s.durationAfter}})
                               : QJsonValue());
        stepArray.append(o);
    }
    return {{QStringLiteral("before"), runSummary(before)},
            {QStringLiteral("after"), runSummary(after)},
            {QStringLiteral("unchanged"), isUnchanged()},
            {QStringLiteral("changes"), comparison::changesJson(changes)},
            {QStringLiteral("capabilities"),
             QJsonObject {{QStringLiteral("plaintext"), comparison::setJson(capabilitiesPlain)},
                          {QStringLiteral("tls"), comparison::setJson(capabilitiesTls)}}},
            {QStringLiteral("findings"), comparison::setJson(findings)},
            {QStringLiteral("steps"), stepArray}};
}

QString RunComparison::toText(const Run& before, const Run& after) const
{
    const auto side = [](const Run& r) {
        return comparison::Side {fieldValue(r, QStringLiteral("target")), r.startedAt, r.verdict()};
    };
    QString out = comparison::headerText(side(before), side(after), isUnchanged());
    out += comparison::changeLines(changes, &fieldLabel);
    out += comparison::setLines(tr("Capabilities before TLS"), capabilitiesPlain);
    out += comparison::setLines(tr("Capabilities after TLS"), capabilitiesTls);
    out += comparison::setLines(tr("Findings"), findings);

    out += QLatin1Char('\n') + tr("Steps (status and duration, before -> after):\n");
    for (const StepComparison& s : steps) {
        const auto side = [](const std::optional<StepStatus>& status, qint64 ms) {
            return status ? QStringLiteral("%1 %2 ms").arg(toKey(*status)).arg(ms) : QStringLiteral("-");
        };
        out += QStringLiteral("  %1 %2 %3 -> %4\n")
                   .arg(s.statusChanged() ? QLatin1Char('*') : QLatin1Char(' '))
                   .arg(toKey(s.id), -14)
                   .arg(side(s.statusBefore, s.durationBefore), side(s.statusAfter, s.durationAfter));
    }
    return out;
}
