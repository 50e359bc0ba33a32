#include "DomainComparison.h"

#include "run/TerminalText.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("DomainComparison", text); }

QJsonObject summary(const DomainReport& r)
{
    return {{QStringLiteral("domain"), r.domain},
            {QStringLiteral("started_at"), r.startedAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("verdict"), toKey(r.verdict())}};
}

} // namespace

QStringList DomainComparison::fieldOrder()
{
    return {QStringLiteral("domain"),         QStringLiteral("verdict"),
            QStringLiteral("mx_mode"),        QStringLiteral("mx_dnssec"),
            QStringLiteral("mta_sts.id"),     QStringLiteral("mta_sts.mode"),
            QStringLiteral("mta_sts.mx"),     QStringLiteral("mta_sts.fetch"),
            QStringLiteral("tls_rpt.record"), QStringLiteral("tls_rpt.dnssec")};
}

QString DomainComparison::fieldLabel(const QString& field)
{
    static const QHash<QString, const char*> labels {
        {QStringLiteral("domain"), QT_TRANSLATE_NOOP("DomainComparison", "Domain")},
        {QStringLiteral("verdict"), QT_TRANSLATE_NOOP("DomainComparison", "Verdict")},
        {QStringLiteral("mx_mode"), QT_TRANSLATE_NOOP("DomainComparison", "MX records")},
        {QStringLiteral("mx_dnssec"), QT_TRANSLATE_NOOP("DomainComparison", "MX DNSSEC")},
        {QStringLiteral("mta_sts.id"), QT_TRANSLATE_NOOP("DomainComparison", "MTA-STS policy id")},
        {QStringLiteral("mta_sts.mode"), QT_TRANSLATE_NOOP("DomainComparison", "MTA-STS mode")},
        {QStringLiteral("mta_sts.mx"), QT_TRANSLATE_NOOP("DomainComparison", "MTA-STS MX patterns")},
        {QStringLiteral("mta_sts.fetch"), QT_TRANSLATE_NOOP("DomainComparison", "MTA-STS policy fetch")},
        {QStringLiteral("tls_rpt.record"), QT_TRANSLATE_NOOP("DomainComparison", "TLS-RPT record")},
        {QStringLiteral("tls_rpt.dnssec"), QT_TRANSLATE_NOOP("DomainComparison", "TLS-RPT DNSSEC")},
    };
    const auto it = labels.constFind(field);
    return it == labels.constEnd() ? field : tr(*it);
}

QString DomainComparison::fieldValue(const DomainReport& r, const QString& field)
{
    if (field == QLatin1String("domain"))
        return r.domain;
    if (field == QLatin1String("verdict"))
        return toKey(r.verdict());
    if (field == QLatin1String("mx_mode"))
        return r.mxMode;
    if (field == QLatin1String("mx_dnssec"))
        return toKey(r.mxSecurity);
    if (field == QLatin1String("mta_sts.id"))
        return r.mtaSts.record ? r.mtaSts.record->id : QString();
    if (field == QLatin1String("mta_sts.mode"))
        return r.mtaSts.policy ? MtaStsPolicy::toKey(r.mtaSts.policy->mode) : QString();
    if (field == QLatin1String("mta_sts.mx"))
        return r.mtaSts.policy ? r.mtaSts.policy->mx.join(QStringLiteral(", ")) : QString();
    if (field == QLatin1String("mta_sts.fetch"))
        return r.mtaSts.fetch;
    if (field == QLatin1String("tls_rpt.record"))
        return r.tlsRpt.txt.join(QStringLiteral(" | "));
    if (field == QLatin1String("tls_rpt.dnssec"))
        return r.tlsRpt.txt.isEmpty() ? QString() : toKey(r.tlsRpt.txtSecurity);
    return {};
}

QStringList DomainComparison::mxFieldOrder()
{
    return {QStringLiteral("preference"),  QStringLiteral("addresses"), QStringLiteral("dnssec"),
            QStringLiteral("tlsa.dnssec"), QStringLiteral("dane"),      QStringLiteral("mta_sts_match"),
            QStringLiteral("tls"),         QStringLiteral("verdict")};
}

QString DomainComparison::mxFieldLabel(const QString& field)
{
    static const QHash<QString, const char*> labels {
        {QStringLiteral("preference"), QT_TRANSLATE_NOOP("DomainComparison", "preference")},
        {QStringLiteral("addresses"), QT_TRANSLATE_NOOP("DomainComparison", "addresses")},
        {QStringLiteral("dnssec"), QT_TRANSLATE_NOOP("DomainComparison", "DNSSEC")},
        {QStringLiteral("tlsa.dnssec"), QT_TRANSLATE_NOOP("DomainComparison", "TLSA DNSSEC")},
        {QStringLiteral("dane"), QT_TRANSLATE_NOOP("DomainComparison", "DANE")},
        {QStringLiteral("mta_sts_match"), QT_TRANSLATE_NOOP("DomainComparison", "MTA-STS match")},
        {QStringLiteral("tls"), QT_TRANSLATE_NOOP("DomainComparison", "TLS")},
        {QStringLiteral("verdict"), QT_TRANSLATE_NOOP("DomainComparison", "verdict")},
    };
    const auto it = labels.constFind(field);
    return it == labels.constEnd() ? field : tr(*it);
}

QString DomainComparison::mxFieldValue(const MxResult& mx, const QString& field)
{
    if (field == QLatin1String("preference"))
        return QString::number(mx.preference);
    if (field == QLatin1String("addresses")) {
        QStringList a = mx.addresses;
        a.sort();
        return a.join(QStringLiteral(", "));
    }
    if (field == QLatin1String("dnssec"))
        return toKey(mx.addressSecurity);
    if (field == QLatin1String("tlsa.dnssec"))
        return mx.tlsa.isEmpty() ? QString() : toKey(mx.tlsaSecurity);
    if (field == QLatin1String("dane"))
        return mx.dane;
    if (field == QLatin1String("mta_sts_match"))
        return mx.stsMatch;
    if (field == QLatin1String("tls")) {
        // Per address, in address order: which server stopped speaking TLS 1.3 shows.
        QStringList tls;
        for (const MxAddressRun& r : mx.runs)
            tls.append(
                QStringLiteral("%1 %2").arg(r.address, r.run.tls ? r.run.tls->protocol : tr("no TLS")));
        tls.sort();
        return tls.join(QStringLiteral(", "));
    }
    if (field == QLatin1String("verdict"))
        return toKey(mx.verdict());
    return {};
}

QStringList DomainComparison::mxEntries(const DomainReport& report)
{
    QStringList out;
    for (const MxResult& mx : report.mx)
        out.append(QStringLiteral("%1 %2").arg(mx.preference).arg(mx.host.toLower()));
    return out;
}

QStringList DomainComparison::findingKeys(const DomainReport& report)
{
    QStringList keys;
    for (const Finding& f : report.findings)
        keys.append(f.id);
    for (const MxResult& mx : report.mx) {
        for (const Finding& f : mx.findings)
            keys.append(QStringLiteral("%1 (%2)").arg(f.id, mx.host.toLower()));
    }
    return keys;
}

DomainComparison DomainComparison::compare(const DomainReport& before, const DomainReport& after)
{
    DomainComparison c;
    c.changes = comparison::fieldChanges(fieldOrder(), before, after, &fieldValue);
    // The MX set by host: a changed preference is a change of that host, not a new one.
    QStringList hostsBefore;
    QStringList hostsAfter;
    for (const MxResult& mx : before.mx)
        hostsBefore.append(mx.host.toLower());
    for (const MxResult& mx : after.mx)
        hostsAfter.append(mx.host.toLower());
    const SetChange hosts = comparison::setChange(hostsBefore, hostsAfter);
    const auto entryOf = [](const DomainReport& r, const QString& host) {
        const MxResult* mx = findMx(r, host);
        return QStringLiteral("%1 %2").arg(mx ? mx->preference : 0).arg(host);
    };
    for (const QString& h : hosts.added)
        c.mxSet.added.append(entryOf(after, h));
    for (const QString& h : hosts.removed)
        c.mxSet.removed.append(entryOf(before, h));
    for (const MxResult& b : after.mx) {
        const MxResult* a = findMx(before, b.host);
        if (!a)
            continue;
        const MxComparison m {b.host, comparison::fieldChanges(mxFieldOrder(), *a, b, &mxFieldValue)};
        if (!m.changes.isEmpty())
            c.mx.append(m);
    }
    c.findings = comparison::setChange(findingKeys(before), findingKeys(after));
    return c;
}

bool DomainComparison::isUnchanged() const
{
    return changes.isEmpty() && mxSet.isEmpty() && mx.isEmpty() && findings.isEmpty();
}

const FieldChange* DomainComparison::change(const QString& field) const
{
    return comparison::find(changes, field);
}

const MxResult* DomainComparison::findMx(const DomainReport& report, const QString& host)
{
    for (const MxResult& mx : report.mx) {
        if (mx.host.compare(host, Qt::CaseInsensitive) == 0)
            return &mx;
    }
    return nullptr;
}

QJsonObject DomainComparison::toJson(const DomainReport& before, const DomainReport& after) const
{
    QJsonArray mxChanges;
    for (const MxComparison& m : mx)
        mxChanges.append(QJsonObject {{QStringLiteral("host"), m.host},
                                      {QStringLiteral("changes"), comparison::changesJson(m.changes)}});
    return {{QStringLiteral("kind"), QStringLiteral("domain")},
            {QStringLiteral("before"), summary(before)},
            {QStringLiteral("after"), summary(after)},
            {QStringLiteral("unchanged"), isUnchanged()},
            {QStringLiteral("changes"), comparison::changesJson(changes)},
            {QStringLiteral("mx_hosts"), comparison::setJson(mxSet)},
            {QStringLiteral("mx"), mxChanges},
            {QStringLiteral("findings"), comparison::setJson(findings)}};
}

QString DomainComparison::toText(const DomainReport& before, const DomainReport& after) const
{
    const auto side = [](const DomainReport& r) {
        return comparison::Side {r.domain, r.startedAt, r.verdict()};
    };
    QString out = comparison::headerText(side(before), side(after), isUnchanged());
    out += comparison::changeLines(changes, &fieldLabel);
    out += comparison::setLines(tr("MX hosts"), mxSet);
    for (const MxComparison& m : mx) {
        for (const FieldChange& f : m.changes)
            out += QStringLiteral("%1 %2: %3 -> %4\n")
                       .arg(TerminalText::escaped(m.host), mxFieldLabel(f.field),
                            comparison::orDash(f.before), comparison::orDash(f.after));
    }
    out += comparison::setLines(tr("Findings"), findings);
    return out;
}
