#pragma once

#include "ComparisonDialog.h"
#include "domain/DomainComparison.h"

/**
 * Two checks of a mail domain side by side (DomainComparison), in the layout of CompareDialog:
 * the domain-level values, every MX host (each of its values before and after, a host in one check
 * only marked as added or removed), and the findings added and removed. Changed rows are marked.
 */
class DomainCompareDialog final : public ComparisonDialog
{
    Q_OBJECT

public:
    DomainCompareDialog(const DomainReport& before, const DomainReport& after, QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(DomainCompareDialog)

    const DomainComparison& comparison() const { return m_comparison; }

private:
    DomainComparison m_comparison;
};
