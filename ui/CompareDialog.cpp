#include "CompareDialog.h"

#include "UiStyle.h"

#include <QLocale>

namespace {

QString runTitle(const Run& run)
{
    return QStringLiteral("%1 — %2:%3 — %4")
        .arg(QLocale().toString(run.startedAt.toLocalTime(), QLocale::ShortFormat), run.target.host)
        .arg(run.target.port)
        .arg(UiStyle::verdictText(run.verdict()));
}

QString stepText(const std::optional<StepStatus>& status, qint64 ms)
{
    return status ? QStringLiteral("%1, %2").arg(UiStyle::statusText(*status), UiStyle::duration(ms))
                  : QStringLiteral("—");
}

} // namespace

CompareDialog::CompareDialog(const Run& before, const Run& after, QWidget* parent)
    : ComparisonDialog(parent)
    , m_before(before)
    , m_after(after)
    , m_comparison(RunComparison::compare(before, after))
{
    setObjectName(QStringLiteral("compareDialog"));
    setWindowTitle(tr("Compare Runs — Mailscope"));
    setUp(m_comparison.isUnchanged(), tr("Differences between the two runs"), runTitle(before),
          runTitle(after));

    addSection(tr("Connection and certificate"));
    const QStringList fields = RunComparison::fieldOrder();
    for (const QString& field : fields) {
        // Every field, changed or not, so the two runs can be read side by side.
        addRow(RunComparison::fieldLabel(field), RunComparison::fieldValue(before, field),
               RunComparison::fieldValue(after, field), m_comparison.change(field) != nullptr);
    }
    addSetSection(tr("Capabilities before TLS"), m_comparison.capabilitiesPlain);
    addSetSection(tr("Capabilities after TLS"), m_comparison.capabilitiesTls);
    addSetSection(tr("Findings"), m_comparison.findings);
    addSection(tr("Steps (status and time)"));
    for (const StepComparison& s : std::as_const(m_comparison.steps))
        addRow(UiStyle::stepTitle(s.id, after.target.protocol), stepText(s.statusBefore, s.durationBefore),
               stepText(s.statusAfter, s.durationAfter), s.statusChanged());
    finish();
}
