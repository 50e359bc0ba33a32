#include "DomainReport.h"

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

int rank(Verdict v)
{
    switch (v) {
    case Verdict::Ok:
        return 0;
    case Verdict::Warning:
        return 1;
    case Verdict::Unknown:
        return 2;
    case Verdict::Critical:
        return 3;
    }
    return 2;
}

} // namespace

Verdict MxResult::verdict() const { return worstOf(findings); }

Verdict DomainReport::verdict() const
{
    Verdict v = worstOf(findings);
    for (const MxResult& m : mx) {
        const Verdict mv = m.verdict();
        if (rank(mv) > rank(v))
            v = mv;
    }
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
