#include "DomainCompareDialog.h"

#include "UiStyle.h"

#include <QLocale>

namespace {

QString checkTitle(const DomainReport& r)
{
    return QStringLiteral("%1 — %2 — %3")
        .arg(QLocale().toString(r.startedAt.toLocalTime(), QLocale::ShortFormat), r.domain,
             UiStyle::verdictText(r.verdict()));
}

} // namespace

DomainCompareDialog::DomainCompareDialog(const DomainReport& before, const DomainReport& after,
                                         QWidget* parent)
    : ComparisonDialog(parent)
    , m_comparison(DomainComparison::compare(before, after))
{
    setObjectName(QStringLiteral("domainCompareDialog"));
    setWindowTitle(tr("Compare Domain Checks — Mailscope"));
    setUp(m_comparison.isUnchanged(), tr("Differences between the two domain checks"), checkTitle(before),
          checkTitle(after));

    addSection(tr("Domain"));
    for (const QString& field : DomainComparison::fieldOrder())
        addRow(DomainComparison::fieldLabel(field), DomainComparison::fieldValue(before, field),
               DomainComparison::fieldValue(after, field), m_comparison.change(field) != nullptr);

    // Every MX host of either check, in the later check's order, then those only the earlier had.
    QList<const MxResult*> hosts;
    for (const MxResult& mx : after.mx)
        hosts.append(&mx);
    for (const MxResult& mx : before.mx) {
        if (!DomainComparison::findMx(after, mx.host))
            hosts.append(&mx);
    }
    for (const MxResult* mx : std::as_const(hosts)) {
        const MxResult* a = DomainComparison::findMx(before, mx->host);
        const MxResult* b = DomainComparison::findMx(after, mx->host);
        addSection(!a   ? tr("MX %1 %2 (added)").arg(mx->preference).arg(mx->host)
                   : !b ? tr("MX %1 %2 (removed)").arg(mx->preference).arg(mx->host)
                        : tr("MX %1 %2").arg(mx->preference).arg(mx->host));
        for (const QString& field : DomainComparison::mxFieldOrder()) {
            const QString va = a ? DomainComparison::mxFieldValue(*a, field) : QString();
            const QString vb = b ? DomainComparison::mxFieldValue(*b, field) : QString();
            addRow(DomainComparison::mxFieldLabel(field), va, vb, va != vb);
        }
    }
    addSetSection(tr("Findings"), m_comparison.findings);
    finish();
}
