#include "DomainReport.h"

#include "run/VerdictOrder.h"

#include <QCoreApplication>

namespace {

Verdict worstOf(const QList<Finding>& findings)
{
    Verdict v = Verdict::Ok;
    for (const Finding& f : findings) {
        if (f.severity == Severity::Critical)
            return Verdict::Critical;
        if (f.severity == Severity::Warning)
            v = Verdict::Warning;
    }
    return v;
}

} // namespace

Verdict MxResult::verdict() const { return worstOf(findings); }

Verdict DomainReport::verdict() const
{
    Verdict v = worstOf(findings);
    for (const MxResult& m : mx)
        v = worseVerdict(v, m.verdict());
    if (aborted && v != Verdict::Critical)
        return Verdict::Unknown;
    return v;
}

QStringList DomainReport::findingIds() const
{
    QStringList ids;
    for (const Finding& f : findings)
        ids.append(f.id);
    for (const MxResult& m : mx) {
        for (const Finding& f : m.findings)
            ids.append(f.id);
    }
    ids.sort();
    ids.removeDuplicates();
    return ids;
}

QString MxAddressRun::certificateKey() const
{
    if (run.certificates.isEmpty())
        return QStringLiteral("none");
    if (daneUsage >= 0)
        return QStringLiteral("dane");
    return run.tls && run.tls->verified ? QStringLiteral("pkix") : QStringLiteral("not-verified");
}

QString MxAddressRun::certificateText() const
{
    if (run.certificates.isEmpty())
        return QStringLiteral("-");
    const CertificateInfo& leaf = run.certificates.first();
    const QString name = leaf.commonName.isEmpty() ? leaf.subject : leaf.commonName;
    if (daneUsage >= 0)
        return QCoreApplication::translate("DomainReport", "%1, authenticated by DANE (usage %2)")
            .arg(name)
            .arg(daneUsage);
    if (run.tls && run.tls->verified)
        return QCoreApplication::translate("DomainReport", "%1 (valid, %2 days)")
            .arg(name)
            .arg(leaf.daysLeft);
    return QCoreApplication::translate("DomainReport", "%1 (not verified)").arg(name);
}
