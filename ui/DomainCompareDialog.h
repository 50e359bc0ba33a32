#pragma once

#include "domain/DomainComparison.h"

#include <QDialog>

class QLabel;
class QTableWidget;

/**
 * Two checks of a mail domain side by side (DomainComparison), in the layout of CompareDialog:
 * the domain-level values, every MX host (each of its values before and after, a host in one check
 * only marked as added or removed), and the findings added and removed. Changed rows are marked.
 */
class DomainCompareDialog final : public QDialog
{
    Q_OBJECT

public:
    DomainCompareDialog(const DomainReport& before, const DomainReport& after, QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(DomainCompareDialog)

    const DomainComparison& comparison() const { return m_comparison; }
    QTableWidget* table() const { return m_table; }
    /// The rows as "what | before | after" lines (tests, copy).
    QStringList rowTexts() const;

private:
    void addRow(const QString& what, const QString& before, const QString& after, bool changed);
    void addSection(const QString& title);

    DomainComparison m_comparison;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
};
