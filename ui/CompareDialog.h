#pragma once

#include "run/Run.h"
#include "run/RunComparison.h"

#include <QDialog>

class QLabel;
class QTableWidget;

/**
 * Two runs side by side: what changed between them (RunComparison) in a table of three columns,
 * the thing, its value before and after. Changed values are marked; capabilities and findings are
 * listed as added or removed; every step shows its status and time in both runs.
 */
class CompareDialog final : public QDialog
{
    Q_OBJECT

public:
    CompareDialog(const Run& before, const Run& after, QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(CompareDialog)

    const RunComparison& comparison() const { return m_comparison; }
    QTableWidget* table() const { return m_table; }
    /// The rows as "what | before | after" lines (tests, copy).
    QStringList rowTexts() const;

private:
    void addRow(const QString& what, const QString& before, const QString& after, bool changed);
    void addSection(const QString& title);

    Run m_before;
    Run m_after;
    RunComparison m_comparison;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
};
