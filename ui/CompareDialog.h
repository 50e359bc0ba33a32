#pragma once

#include "ComparisonDialog.h"
#include "run/Run.h"
#include "run/RunComparison.h"

/**
 * Two runs side by side: what changed between them (RunComparison) in a table of three columns,
 * the thing, its value before and after. Changed values are marked; capabilities and findings are
 * listed as added or removed; every step shows its status and time in both runs.
 */
class CompareDialog final : public ComparisonDialog
{
    Q_OBJECT

public:
    CompareDialog(const Run& before, const Run& after, QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(CompareDialog)

    const RunComparison& comparison() const { return m_comparison; }

private:
    Run m_before;
    Run m_after;
    RunComparison m_comparison;
};
